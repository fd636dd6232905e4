"""`quizapp demo`: knobs checked with the demo's own message, listed, progress and matrices in the terminal,
and the configurable time limit."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from quizapp.cli import main
from quizapp.demo.registry import available_demos
from quizapp.tui.console_demo import run_in_console

from .demos._run import run_demo


def test_a_bad_knob_exits_2_with_the_same_message_the_demo_gives(tmp_path: Path, capsys):
    assert main(["--db", str(tmp_path / "q.db"), "demo", "learning_rate", "--set", "high=50"]) == 2
    err = capsys.readouterr().err
    rc, events, _ = run_demo("learning_rate", "--json", "--set", "high=50")
    assert rc == 2
    assert events[-1]["message"] in err  # validated in the app before any child starts, same words
    assert "1e-06 to 10" in err and "momentum" in err  # and the knobs it has are listed
    assert main(["--db", str(tmp_path / "q.db"), "demo", "learning_rate", "--set", "nope=1"]) == 2
    assert "unknown parameter 'nope'" in capsys.readouterr().err


def test_demo_list_shows_the_knobs(capsys):
    assert main(["demo", "--list"]) == 0
    out = capsys.readouterr().out
    assert "knobs: low=0.001, good=0.1, high=1, momentum=0.9, steps=1500" in out


def test_knobs_are_read_from_the_source_without_importing_it():
    import sys

    info = available_demos()["learning_rate"]
    assert [p.name for p in info.params] == ["low", "good", "high", "momentum", "steps"]
    steps = info.params[-1]
    assert (steps.default, steps.lo, steps.hi, steps.quick, steps.kind) == (1500, 20, 20000, 300, "int")
    assert info.resolve({"steps": "400"}, quick=True)["steps"] == 400
    import subprocess

    probe = subprocess.run([sys.executable, "-c", "import sys; from quizapp.demo.registry import available_demos; "
                            "assert available_demos()['learning_rate'].params; print('torch' in sys.modules)"],
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "False", probe.stderr  # reading knobs never imports torch


def test_a_terminal_run_shows_progress_then_matrices_as_blocks_and_the_verdict():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=80, color_system="truecolor")
    result = run_in_console(available_demos()["xor"], "cpu", True, [], 60.0, console=console)
    out = buffer.getvalue()
    assert result.status == "passed"
    assert "running · " in out and "step " in out  # live progress while it ran
    assert "▀" in out and "(matrix" not in out  # decision regions drawn as coloured half-blocks
    assert "claim holds" in out


def test_config_sets_the_demo_time_limit(tmp_path: Path, capsys):
    db = str(tmp_path / "q.db")
    assert main(["--db", db, "config"]) == 0
    assert "demo_time_limit = 300 (seconds)" in capsys.readouterr().out
    assert main(["--db", db, "config", "demo_time_limit", "90"]) == 0
    assert "demo_time_limit = 90 (seconds)" in capsys.readouterr().out
    assert main(["--db", db, "config", "demo_time_limit", "1"]) == 2
    assert "between 5 and 86400" in capsys.readouterr().err


def test_a_demo_run_by_hand_draws_matrices_as_blocks_and_prints_demo_text_literally():
    import subprocess
    import sys

    from .demos._run import REPO_ROOT

    proc = subprocess.run([sys.executable, "-m", "demos.xor", "--quick", "--device", "cpu"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "▀" in proc.stdout and "(matrix" not in proc.stdout
    assert "PASS" in proc.stdout


def test_every_demo_declares_knobs_that_the_app_reads_exactly_from_its_source():
    import importlib

    for name, info in available_demos().items():
        module = importlib.import_module(f"demos.{name}")
        declared = list(getattr(module, "PARAMS", []))
        assert declared, f"{name} declares no PARAMS"
        from dataclasses import astuple

        read = [astuple(p) for p in info.params]  # the app's copy of the class, so compare the fields
        assert read == [astuple(p) for p in declared], f"{name}: a Param(...) call the app cannot read (not literal?)"
