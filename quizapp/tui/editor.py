"""`e`: open a card in the user's editor at its own file and line, with the app suspended.

$VISUAL, else $EDITOR, else nano or vi, started as `EDITOR +LINE PATH` (vi, vim, nano,
emacs, micro and kakoune all read `+LINE`). When it exits, the file is re-synced like
any edit the watcher finds (quizapp.watch): a broken file changes nothing.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any, Mapping

from textual.app import App, SuspendNotSupported

FALLBACK_EDITORS = ("nano", "vi")


class EditorError(Exception):
    """Why the editor cannot be started, worded for the user."""


def editor_argv(path: Path, line: int, env: Mapping[str, str] | None = None) -> list[str]:
    """The command that opens `path` at `line`."""
    env = os.environ if env is None else env
    command = env.get("VISUAL") or env.get("EDITOR")
    if command:
        parts = shlex.split(command)
    else:
        found = next((shutil.which(name) for name in FALLBACK_EDITORS if shutil.which(name)), None)
        if found is None:
            raise EditorError("no editor found: set $EDITOR (for example `export EDITOR=nano`)")
        parts = [found]
    return [*parts, f"+{max(1, line)}", str(path)]


def card_location(card: Mapping[str, Any]) -> tuple[Path, int]:
    """The file and line a stored card came from (its `source`, path:line)."""
    path, _, line = (card.get("source") or "").rpartition(":")
    if not path:
        raise EditorError(f"the card {card.get('id')!r} has no source file recorded; run `quizapp import` again")
    file = Path(path)
    if not file.is_file():
        raise EditorError(f"the card's file {path} is not there any more")
    return file, int(line) if line.isdigit() else 1


def run_editor(app: App, argv: list[str]) -> int:
    """Run the editor in the terminal the app gives up meanwhile; its exit status.

    Without a terminal to give up (headless, as in tests) the editor simply runs.
    """
    try:
        with app.suspend():
            return subprocess.run(argv).returncode
    except SuspendNotSupported:
        return subprocess.run(argv, stdin=subprocess.DEVNULL).returncode
