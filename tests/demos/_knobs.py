"""Shared knob checks for demo tests: an out-of-range or unknown parameter exits 2 naming it."""

from __future__ import annotations

from ._run import run_demo


def assert_rejects(name: str, setting: str, allowed: str) -> None:
    """`--set setting` exits 2 with an error event that names the knob and its allowed range."""
    rc, events, stderr = run_demo(name, "--quick", "--json", "--device", "cpu", "--set", setting)
    assert rc == 2, stderr
    knob = setting.split("=")[0]
    message = events[-1]["message"]
    assert events[-1].type == "error" and knob in message and allowed in message, message
    assert not [e for e in events if e.type in ("meta", "metric", "verdict")]  # nothing ran
