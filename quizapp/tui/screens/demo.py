"""A live demo: the child process trains, this screen charts its metrics and shows the verdict.

The runner's pump thread reads the child; this screen takes a bounded bite of its events five
times a second on the app's thread, so widgets are touched from one thread and a chatty demo
cannot flood the UI. Esc and quitting never wait on the child. `p` opens the demo's knobs;
a rerun keeps the previous run's curves on the charts, dimmed.
"""

from __future__ import annotations

import math
import time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Log, Static

from quizapp.content.sanitize import visible_controls
from quizapp.demo.protocol import Event, ProtocolError, to_number
from quizapp.demo.registry import DemoInfo, available_demos, settings_label
from quizapp.demo.runner import DEFAULT_TIME_LIMIT_S, DemoProcess, RunResult, RunTracker
from quizapp.store import StoreError
from quizapp.timeutil import to_iso, utcnow
from quizapp.tui.literal import literal
from quizapp.tui.widgets.charts import Heatmap, LineChart

DEVICES = ("auto", "cpu", "cuda")
EVENTS_PER_TICK = 500  # what one refresh takes from the runner at most
TICK_BUDGET_S = 0.04  # ... and how long it may spend on them
MAX_CHARTS, MAX_HEATMAPS = 8, 8


def time_limit_setting(store: Any) -> float:
    """`quizapp config demo_time_limit SECONDS`, else the default."""
    try:
        raw = store.setting("demo_time_limit")
        return float(raw) if raw else DEFAULT_TIME_LIMIT_S
    except (StoreError, ValueError):
        return DEFAULT_TIME_LIMIT_S


class DemoScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Stop & back"),
        Binding("r", "rerun", "Rerun"),
        Binding("p", "knobs", "Knobs"),
        Binding("c", "cycle_device", "Device"),
    ]

    def __init__(self, demo: str, card_id: str | None = None, claim: str = "", device: str = "auto",
                 quick: bool = False, command: list[str] | None = None,
                 settings: dict[str, str] | None = None, time_limit: float | None = None) -> None:
        super().__init__()
        self.command = command  # another program speaking the protocol (tests); None runs the demo file
        self.demo = demo
        self.card_id = card_id
        self.claim = claim
        self.device = device
        self.quick = quick
        self.settings: dict[str, str] = dict(settings or {})  # the learner's knob values, as typed
        self.time_limit = time_limit
        self.info: DemoInfo | None = available_demos().get(demo)
        self.process: DemoProcess | None = None
        self.tracker: RunTracker | None = None
        self.result: RunResult | None = None
        self.charts: dict[str, LineChart] = {}
        self.heatmaps: dict[str, Heatmap] = {}
        self.x_label = "step"
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="demo-claim")
        yield Static("", id="demo-status")
        with VerticalScroll(id="demo-body"):
            yield Vertical(id="demo-charts")
            yield Horizontal(id="demo-heatmaps")
            yield Log(id="demo-log", max_lines=500)
        with VerticalScroll(id="demo-verdict-box"):
            yield Static("", id="demo-verdict")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Demo · {self.demo}"
        if self.time_limit is None:
            self.time_limit = time_limit_setting(self.app.store)
        self.start()

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        self._stop_process()
        self.result = None
        self.tracker = RunTracker(self.demo, self.device, dict(self.settings))
        for chart in self.charts.values():
            chart.keep_as_ghost()  # the last run stays on screen, dimmed, under the new one
        self.heatmaps.clear()
        self.query_one("#demo-heatmaps").remove_children()
        self.query_one(Log).clear()
        self.query_one("#demo-verdict", Static).update("")
        self.query_one("#demo-verdict-box").display = False
        self._show_claim()
        self.started_at = utcnow()
        try:
            self.process = DemoProcess(self.demo, self.device, self.quick, command=self.command,
                                       settings=self.settings, time_limit=self.time_limit)
        except OSError as exc:
            self.process = None
            self._finish_with(RunResult(self.demo, self.device, "error", 0.0, error=f"cannot start: {exc}"))
            return
        if self._timer is None:
            self._timer = self.set_interval(0.2, self._drain)
        self._drain()

    def _show_claim(self) -> None:
        self.query_one("#demo-claim", Static).update(_claim(self.claim))

    def _drain(self) -> None:
        process, tracker = self.process, self.tracker
        if tracker is None or process is None or self.result is not None:
            return
        touched: set[LineChart] = set()
        log = self.query_one(Log)
        deadline = time.monotonic() + TICK_BUDGET_S
        for item in process.poll(EVENTS_PER_TICK):
            if isinstance(item, Event):  # the protocol boundary: no control character goes further
                item = Event(item.type, _visible(item.data))
            tracker.add(item)
            if isinstance(item, ProtocolError):
                if process.malformed <= 20:
                    log.write_line(visible_controls(f"(ignored a malformed line: {item})"))
            else:
                self._show(item, touched, log)
            if time.monotonic() > deadline:
                break  # the rest waits for the next tick; the UI stays responsive
        for chart in touched:
            chart.refresh()
        self._update_status()
        if process.finished and self.result is None:
            self._finish_with(tracker.result(process, process.returncode))

    def _show(self, event: Event, touched: set[LineChart], log: Log) -> None:
        if event.type == "meta":
            if not self.claim:
                self.claim = str(event["claim"])
                self._show_claim()
            self.title = f"Demo · {event['title']}"
            self.x_label = str(event.get("x_label") or "step")
        elif event.type == "metric":
            for name, value in event["values"].items():
                chart = self.charts.get(name)
                if chart is None:
                    if len(self.charts) >= MAX_CHARTS:
                        continue
                    chart = self.charts[name] = LineChart(name, classes="demo-chart")
                    self.query_one("#demo-charts").mount(chart)
                chart.x_label = self.x_label
                chart.add_point(event["series"], event["step"], to_number(value))
                touched.add(chart)
        elif event.type == "matrix":
            data = [[to_number(v) for v in row] for row in event["data"]]
            heatmap = self.heatmaps.get(event["label"])
            if heatmap is None:
                if len(self.heatmaps) >= MAX_HEATMAPS:
                    return
                heatmap = self.heatmaps[event["label"]] = Heatmap(event["label"], data)
                self.query_one("#demo-heatmaps").mount(heatmap)
            else:
                heatmap.set_data(data)
        elif event.type == "log":
            log.write_line(str(event["message"]))
        elif event.type == "error":
            log.write_line(f"error: {event['message']}")

    def knobs_text(self) -> str:
        params = self.tracker.params if self.tracker else {}
        if not self.info or not self.info.params:
            return ""
        return "knobs: " + settings_label(params or {"quick": self.quick, **self.settings}, self.info)

    def _update_status(self) -> None:
        meta = self.tracker.meta if self.tracker else None
        where = str(meta["device_name"]) if meta and "device_name" in meta else f"device {self.device}"
        elapsed = self.result.duration_s if self.result else (self.process.elapsed if self.process else 0.0)
        state = self.result.status if self.result else "running"
        limit = f" of {self.time_limit:g}s" if self.result is None and self.time_limit else ""
        parts = [state, where, f"{elapsed:.1f}s{limit}"]
        if self.knobs_text():
            parts.append(self.knobs_text())
        self.query_one("#demo-status", Static).update(literal(" · ".join(parts)))

    def _finish_with(self, result: RunResult) -> None:
        self.result = result
        self._update_status()
        verdict = self.query_one("#demo-verdict", Static)
        text = Text()
        if result.status in ("passed", "failed"):
            v = result.verdict or {}
            tested = str(v.get("claim", ""))
            if tested and tested != self.claim:
                text.append("Tested: ", style="bold").append_text(literal(tested)).append("\n")
            if result.passed:
                text.append("✔ claim holds", style="bold green")
            else:
                text.append("✘ claim not shown", style="bold red")
            text.append("  ").append_text(literal(v.get("summary", "")))
            numbers = ", ".join(f"{k}={_fmt(n)}" for k, n in (v.get("numbers") or {}).items())
            if numbers:
                text.append("\n").append_text(literal(numbers, style="dim"))
            verdict.set_class(not result.passed, "-failed")
        elif result.status == "cancelled":
            text.append("cancelled", style="dim")
        elif result.status == "timed out":
            text.append("Demo stopped: ", style="bold red").append_text(literal(result.error or "timed out"))
            verdict.set_class(True, "-failed")
        else:
            headline, exception = error_lines(result.error or "")
            text.append("Demo failed: ", style="bold red").append_text(literal(headline))
            if exception:
                text.append("\n").append_text(literal(exception, style="bold"))
            verdict.set_class(True, "-failed")
            log = self.query_one(Log)
            for line in (result.error or "").splitlines():  # the whole error, where it can be scrolled
                log.write_line(visible_controls(line))
        verdict.update(text)
        box = self.query_one("#demo-verdict-box")
        box.display = True
        box.scroll_home(animate=False)
        if result.malformed:
            self.query_one(Log).write_line(f"({result.malformed} malformed lines were ignored)")
        try:
            self.app.store.record_demo_run(self.card_id, self.demo, result.device, to_iso(self.started_at),
                                           round(result.duration_s, 3), result.status, result.passed,
                                           result.final_metrics, result.error, result.verdict,
                                           params=result.params)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error")

    def _stop_process(self, grace: float = 0.5) -> None:
        """Stop the child without waiting for it (the runner's thread kills and reaps it)."""
        if self.process is not None and not self.process.done.is_set():
            self.process.cancel(grace=grace, wait=False)

    def _record_cancel(self) -> None:
        if self.tracker is not None and self.process is not None and self.result is None:
            self._finish_with(self.tracker.result(self.process, None))

    # -- actions ---------------------------------------------------------------------------

    def action_close(self) -> None:
        self._stop_process()
        self._record_cancel()
        self.app.pop_screen()

    def action_rerun(self) -> None:
        self._stop_process()
        self._record_cancel()
        self.start()

    def action_cycle_device(self) -> None:
        self.device = DEVICES[(DEVICES.index(self.device) + 1) % len(DEVICES)]
        self.notify(f"Device: {self.device}. Rerunning.")
        self.action_rerun()

    def action_knobs(self) -> None:
        from quizapp.tui.screens.knobs import KnobForm

        if self.info is None or not self.info.params:
            self.notify("This demo has no knobs to turn.", title="Knobs")
            return
        current = dict(self.tracker.params) if self.tracker else {}
        current.update(self.settings)

        def rerun(values: dict[str, str] | None) -> None:
            if values is None:
                return
            self.settings = values
            self.action_rerun()

        self.app.push_screen(KnobForm(self.info, current, quick=self.quick), rerun)

    def on_unmount(self) -> None:
        self._stop_process(grace=0)  # the app may be quitting: kill now, nothing will be left to escalate


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
