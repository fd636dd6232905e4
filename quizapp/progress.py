"""Progress bars on the terminal (stderr) for long work: a migration, a big import.

`TerminalProgress` is a plain callable `(what, done, total)`, so the store and history code
report progress without knowing about rich; rich is imported on the first report only.
"""

from __future__ import annotations

from typing import Any


class TerminalProgress:
    """One bar per kind of work (`what`), drawn on stderr; `total` None draws a pulsing bar.
    Work smaller than `min_total` items draws nothing (a bar flashing by is noise)."""

    def __init__(self, min_total: int = 0) -> None:
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._min_total = min_total

    def __call__(self, what: str, done: int, total: int | None) -> None:
        if total is not None and total < self._min_total:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True))
            self._progress.start()
        task = self._tasks.get(what)
        if task is None:
            task = self._tasks[what] = self._progress.add_task(what, total=total)
        self._progress.update(task, completed=done, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
