"""A live demo: the child process trains, this screen charts its metrics and shows the verdict.

A thread worker only reads the child's stdout into a queue; the screen drains
that queue four times a second on the app's thread, so widgets are touched
from one thread and a chatty demo cannot flood the UI.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Log, Static

from demos.protocol import Event, ProtocolError, to_number
from quizapp.content.sanitize import visible_controls
from quizapp.demo.runner import DemoProcess, RunResult, RunTracker
from quizapp.store import StoreError
from quizapp.timeutil import to_iso, utcnow
from quizapp.tui.literal import literal
from quizapp.tui.widgets.charts import Heatmap, LineChart

DEVICES = ("auto", "cpu", "cuda")
_DONE = object()


class DemoScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Stop & back"),
        Binding("r", "rerun", "Rerun"),
        Binding("c", "cycle_device", "Device"),
    ]

    def __init__(self, demo: str, card_id: str | None = None, claim: str = "", device: str = "auto",
                 quick: bool = False, command: list[str] | None = None) -> None:
        super().__init__()
        self.command = command  # another program speaking the protocol (tests); None runs demos.<demo>
        self.demo = demo
        self.card_id = card_id
        self.claim = claim
        self.device = device
        self.quick = quick
        self.process: DemoProcess | None = None
        self.tracker: RunTracker | None = None
        self.queue: deque[Any] = deque()
        self.result: RunResult | None = None
        self.charts: dict[str, LineChart] = {}
        self.heatmaps: dict[str, Heatmap] = {}
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="demo-claim")
        yield Static("", id="demo-status")
        with VerticalScroll(id="demo-body"):
            yield Vertical(id="demo-charts")
            yield Horizontal(id="demo-heatmaps")
            yield Log(id="demo-log", max_lines=500)
        yield Static("", id="demo-verdict")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Demo · {self.demo}"
        self.start()

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        self._stop_process()
        self.result = None
        self.queue = deque()
        self.tracker = RunTracker(self.demo, self.device)
        self.charts.clear()
        self.heatmaps.clear()
        self.query_one("#demo-charts").remove_children()
        self.query_one("#demo-heatmaps").remove_children()
        self.query_one(Log).clear()
        self.query_one("#demo-verdict", Static).update("")
        self.query_one("#demo-claim", Static).update(_claim(self.claim))
        self.started_at = utcnow()
        try:
            self.process = DemoProcess(self.demo, self.device, self.quick, command=self.command)
        except OSError as exc:
            self._finish_with(RunResult(self.demo, self.device, "error", 0.0, error=f"cannot start: {exc}"))
            return
        process, queue = self.process, self.queue
        self.run_worker(lambda: self._read(process, queue), thread=True, exclusive=True, group="demo",
                        name=f"demo {self.demo}")
        if self._timer is None:
            self._timer = self.set_interval(0.25, self._drain)
        self._drain()

    @staticmethod
    def _read(process: DemoProcess, queue: deque[Any]) -> None:
        """Worker thread: move the child's events into the queue; never touches widgets."""
        for event in process.events():
            queue.append(event)
        queue.append((_DONE, process.wait()))

    def _drain(self) -> None:
        if self.tracker is None or self.process is None:
            return
        touched: set[LineChart] = set()
        done: int | None | object = _DONE
        log = self.query_one(Log)
        while self.queue:
            item = self.queue.popleft()
            if isinstance(item, tuple) and item and item[0] is _DONE:
                done = item[1]
                break
            if isinstance(item, Event):  # the protocol boundary: no control character goes further
                item = Event(item.type, _visible(item.data))
            self.tracker.add(item)
            if isinstance(item, ProtocolError):
                log.write_line(visible_controls(f"(ignored a malformed line: {item})"))
                continue
            self._show(item, touched, log)
        for chart in touched:
            chart.refresh()
        self._update_status()
        if done is not _DONE and self.result is None:
            self._finish_with(self.tracker.result(self.process, done))

    def _show(self, event: Event, touched: set[LineChart], log: Log) -> None:
        if event.type == "meta":
            if not self.claim:
                self.claim = event["claim"]
                self.query_one("#demo-claim", Static).update(_claim(self.claim))
            self.title = f"Demo · {event['title']}"
        elif event.type == "metric":
            for name, value in event["values"].items():
                chart = self.charts.get(name)
                if chart is None:
                    chart = self.charts[name] = LineChart(name, classes="demo-chart")
                    self.query_one("#demo-charts").mount(chart)
                chart.add_point(event["series"], event["step"], to_number(value))
                touched.add(chart)
        elif event.type == "matrix":
            data = [[to_number(v) for v in row] for row in event["data"]]
            heatmap = self.heatmaps.get(event["label"])
            if heatmap is None:
                heatmap = self.heatmaps[event["label"]] = Heatmap(event["label"], data)
                self.query_one("#demo-heatmaps").mount(heatmap)
            else:
                heatmap.set_data(data)
        elif event.type == "log":
            log.write_line(event["message"])
        elif event.type == "error":
            log.write_line(f"error: {event['message']}")

    def _update_status(self) -> None:
        meta = self.tracker.meta if self.tracker else None
        where = meta["device_name"] if meta and "device_name" in meta else f"device {self.device}"
        elapsed = self.result.duration_s if self.result else (self.process.elapsed if self.process else 0.0)
        state = self.result.status if self.result else "running"
        self.query_one("#demo-status", Static).update(Text.assemble(
            literal(f"{state} · {where} · {elapsed:.1f}s · "), ("c", "bold"), f" device: {self.device}"))

    def _finish_with(self, result: RunResult) -> None:
        self.result = result
        self._update_status()
        verdict = self.query_one("#demo-verdict", Static)
        if result.status in ("passed", "failed"):
            v = result.verdict or {}
            text = Text()
            tested = v.get("claim", "")
            if tested and tested != self.claim:
                text.append("Tested: ", style="bold").append_text(literal(tested)).append("\n")
            text.append("✔ claim holds" if result.passed else "✘ claim not shown",
                        style="bold green" if result.passed else "bold red")
            text.append("  ").append_text(literal(v.get("summary", "")))
            numbers = ", ".join(f"{k}={_fmt(v)}" for k, v in (v.get("numbers") or {}).items())
            text.append("\n").append_text(literal(numbers, style="dim"))
            verdict.update(text)
            verdict.set_class(not result.passed, "-failed")
        elif result.status == "cancelled":
            verdict.update(Text("cancelled", style="dim"))
        else:
            headline, exception = error_lines(result.error or "")
            text = Text("Demo failed: ", style="bold red").append_text(literal(headline))
            if exception:
                text.append("\n").append_text(literal(exception, style="bold"))
            verdict.update(text)
            verdict.set_class(True, "-failed")
            log = self.query_one(Log)
            for line in (result.error or "").splitlines():  # the whole error, where it can be scrolled
                log.write_line(visible_controls(line))
        if result.malformed:
            self.query_one(Log).write_line(f"({result.malformed} malformed lines were ignored)")
        try:
            self.app.store.record_demo_run(self.card_id, self.demo, result.device, to_iso(self.started_at),
                                           round(result.duration_s, 3), result.status, result.passed,
                                           result.final_metrics, result.error, result.verdict)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error")

    def _stop_process(self) -> None:
        if self.process is not None and self.process.proc.poll() is None:
            self.process.cancel(grace=0.5)

    # -- actions ---------------------------------------------------------------------------

    def action_close(self) -> None:
        running = self.process is not None and self.result is None
        self._stop_process()
        if running:
            self._drain_after_cancel()
        self.app.pop_screen()

    def _drain_after_cancel(self) -> None:
        if self.tracker is not None and self.process is not None and self.result is None:
            self._finish_with(self.tracker.result(self.process, self.process.proc.poll()))

    def action_rerun(self) -> None:
        if self.result is None:
            self._stop_process()
            self._drain_after_cancel()
        self.start()

    def action_cycle_device(self) -> None:
        self.device = DEVICES[(DEVICES.index(self.device) + 1) % len(DEVICES)]
        self.notify(f"Device: {self.device}. Rerunning.")
        self.action_rerun()

    def on_unmount(self) -> None:
        self._stop_process()


def _claim(claim: str) -> Text:
    return Text.assemble(("Claim: ", "bold"), literal(claim)) if claim else Text("")


def _visible(value: Any) -> Any:
    """An event's data with control characters made visible in every string (keys included)."""
    if isinstance(value, str):
        return visible_controls(value)
    if isinstance(value, dict):
        return {_visible(k): _visible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_visible(v) for v in value]
    return value


def error_lines(error: str) -> tuple[str, str]:
    """A failed run's message as (headline, exception line): with a traceback, the line that names the
    exception is the one that says what went wrong, and it comes last, where a short panel cuts it off."""
    lines = [line.rstrip() for line in error.splitlines() if line.strip()]
    if not lines:
        return "the demo stopped without saying why", ""
    headline = lines[0].rstrip(":")
    for line in reversed(lines[1:]):
        if not line[0].isspace() and not line.startswith(("Traceback (most recent call last)", "During handling",
                                                          "The above exception")):
            return headline, line
    return headline, lines[-1] if len(lines) > 1 else ""


def _fmt(value: Any) -> str:
    try:
        number = to_number(value)
    except ProtocolError:
        return str(value)
    if math.isfinite(number) and number == int(number) and abs(number) < 1e6:
        return str(int(number))
    return f"{number:.3g}"
