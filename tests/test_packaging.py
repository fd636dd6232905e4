"""A plain `pip install .` works: the wheel carries the deck and the demos, and finds them from site-packages;
`make run ARGS=...` passes its arguments on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_deck_and_demos_and_the_installed_app_finds_them(tmp_path: Path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "dist"), str(REPO)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("quizapp-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    decks = {p.name for p in (REPO / "content").glob("*.md") if p.name != "README.md"}
    assert {f"quizapp/_bundled/content/{name}" for name in decks} <= names
    bundled = {f"quizapp/_bundled/demos/{p.name}" for p in (REPO / "demos").glob("*.py")}
    assert bundled <= names and "quizapp/_bundled/demos/xor.py" in names
    assert not [n for n in names if n.startswith("demos/")], "a generic top-level `demos` package was installed"
    assert not [n for n in names if "__pycache__" in n]
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # run from an unrelated folder with only the unpacked wheel on the path (plus installed dependencies)
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-m", "quizapp", "check"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert str(site / "quizapp" / "_bundled" / "content") in result.stdout
    assert "0 errors, 0 warnings" in result.stdout
    # the installed app runs a bundled demo (by its file path) from an unrelated folder
    demo = subprocess.run([sys.executable, "-m", "quizapp", "--db", str(tmp_path / "q.db"), "demo", "xor", "--quick",
                           "--device", "cpu"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "claim holds" in demo.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_passes_args_on_to_quizapp():
    # run under `make test` too: a nested make would print "Entering/Leaving directory" lines
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    out = subprocess.run(["make", "--no-print-directory", "-n", "run", "ARGS=study --all"], cwd=REPO,
                         capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip().splitlines()[-1] == ".venv/bin/quizapp study --all"
