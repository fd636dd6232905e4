"""`quizapp demo NAME` without the TUI: the run's progress live in the terminal (rich), its matrices as
coloured blocks, then the verdict. The demo runs under the same runner as in the app (its file by
path, bounded reading, the time limit); every piece of demo text is printed literally.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from quizapp.demo.protocol import Event
from quizapp.demo.registry import DemoInfo, settings_label
from quizapp.demo.runner import DemoProcess, RunResult, RunTracker
from quizapp.tui.widgets.charts import heatmap_text, thin_grid


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4g}"


class ConsoleRun:
    """Folds a run's events into what the terminal shows while it runs."""

    def __init__(self, info: DemoInfo, process: DemoProcess, tracker: RunTracker) -> None:
        self.info = info
        self.process = process
        self.tracker = tracker
        self.step = 0
        self.matrices: dict[str, list[list[float]]] = {}

    def progress(self) -> Group:
        """A status line (elapsed, time limit, step) and the latest value of every series."""
        limit = f" of {self.process.time_limit:g}s" if self.process.time_limit else ""
        line = Text(f"running · {self.process.elapsed:.1f}s{limit} · step {self.step}", style="cyan")
        names = sorted({n for values in self.tracker.last.values() for n in values})
        if not names:
            return Group(line)
        table = Table(box=None, padding=(0, 1), show_edge=False)
        table.add_column("series")
        for name in names[:6]:
            table.add_column(Text(name), justify="right")
        for series, values in list(self.tracker.last.items())[:12]:
            table.add_row(Text(series), *(_fmt(values[n]) if n in values else "" for n in names[:6]))
        return Group(line, table)

    def add(self, item: Any, console: Console) -> None:
        self.tracker.add(item)
        if not isinstance(item, Event):
            return
        if item.type == "meta":
            head = Text.assemble((str(item["title"]), "bold"), f" on {item.get('device_name', item['device'])}")
            knobs = settings_label(item.get("params") if isinstance(item.get("params"), dict) else None, self.info)
            if self.info.params:
                head.append(f"\nknobs: {knobs}", style="dim")
            console.print(head)
            console.print(Text.assemble(("Claim: ", "bold"), str(item["claim"])))
        elif item.type == "metric":
            self.step = item["step"]
        elif item.type == "log":
            console.print(Text(str(item["message"])))
        elif item.type == "matrix":
            if item["label"] in self.matrices or len(self.matrices) < 12:
                self.matrices[item["label"]] = item["data"]
        elif item.type == "error":
            console.print(Text.assemble(("error: ", "bold red"), str(item["message"])))


def show_result(console: Console, result: RunResult, matrices: dict[str, list[list[float]]]) -> None:
    from quizapp.demo.protocol import to_number

    for label, data in matrices.items():
        grid = thin_grid([[to_number(v) for v in row] for row in data], 36)
        console.print(heatmap_text(str(label), grid))
    if result.status in ("passed", "failed"):
        verdict = result.verdict or {}
        mark = Text("✔ claim holds", style="bold green") if result.passed else Text("✘ claim not shown",
                                                                                      style="bold red")
        console.print(Text.assemble(mark, "  ", str(verdict.get("summary", ""))))
        numbers = ", ".join(f"{k}={v}" for k, v in (verdict.get("numbers") or {}).items())
        if numbers:
            console.print(Text(numbers, style="dim"))
    else:
        console.print(Text.assemble((f"{result.status}: ", "bold red"), str(result.error or "")))
    console.print(Text(f"{result.duration_s:.1f}s on {result.device}", style="dim"))


def run_in_console(info: DemoInfo, device: str, quick: bool, settings: list[str], time_limit: float | None,
                   console: Console | None = None) -> RunResult:
    console = console or Console()
    process = DemoProcess(info.name, device, quick, settings=settings, time_limit=time_limit, path=info.path)
    tracker = RunTracker(info.name, device)
    view = ConsoleRun(info, process, tracker)
    try:
        with Live(view.progress(), console=console, refresh_per_second=4, transient=True) as live:
            for item in process.events():
                view.add(item, console)
                live.update(view.progress())
    except KeyboardInterrupt:
        process.cancel(grace=0.5)
    result = tracker.result(process, process.wait())
    show_result(console, result, view.matrices)
    return result
