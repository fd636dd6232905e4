"""Shared helper for demo tests: run a demo as a child process and decode its events."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from demos.protocol import Event, decode

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_demo(name: str, *args: str) -> tuple[int, list[Event], str]:
    """Run ``python -m demos.<name> *args``; return (returncode, decoded events, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", f"demos.{name}", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    events = [decode(line) for line in proc.stdout.splitlines() if line.strip()]
    return proc.returncode, events, proc.stderr


def passed_verdict(code: int, events: list[Event], stderr: str) -> Event:
    """The contract every demo run keeps: exit 0, meta first on the CPU, no error, exactly one verdict,
    and that verdict passed. Returns the verdict."""
    assert code == 0, stderr
    assert events[0].type == "meta" and events[0]["device"] == "cpu"
    assert not [e for e in events if e.type == "error"]
    verdicts = [e for e in events if e.type == "verdict"]
    assert len(verdicts) == 1 and verdicts[0]["passed"] is True
    return verdicts[0]
