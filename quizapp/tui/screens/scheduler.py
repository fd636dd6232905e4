"""Scheduler: the FSRS parameters in force, Optimize (fit, judge, adopt or not), revert, and
desired retention against the estimated daily reviews.

Fitting, replaying and simulating run in thread workers with their own
database connection; the screen only shows what they return (srs does the work).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

from quizapp.srs import Scheduler, Settings
from quizapp.store import Store, StoreError


def _optimize(path: Path, settings: Settings):
    from quizapp.srs import tuning
    from quizapp.srs.optimize import NotEnoughHistory
    from quizapp.timeutil import utcnow

    store = Store(path)
    try:
        source = tuning.current_source(store)
        try:
            return source, tuning.run_optimization(store, settings, utcnow())
        except NotEnoughHistory as exc:
            return source, str(exc)
    finally:
        store.close()


def _revert(path: Path, settings: Settings):
    from quizapp.srs import tuning
    from quizapp.timeutil import utcnow

    store = Store(path)
    try:
        return tuning.revert(store, settings, utcnow())
    finally:
        store.close()


def _workload(settings: Settings, deck_size: int):
    from quizapp.srs import tuning, workload

    parameters = tuning.in_force(settings)
    retentions = sorted({0.80, 0.85, 0.90, 0.95, round(settings.desired_retention, 2)})
    return (workload.estimate(parameters, settings, deck_size, retentions),
            workload.optimal_retention(parameters, settings, deck_size))


class SchedulerScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("o", "optimize", "Optimize"),
        Binding("u", "revert", "Revert"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="scheduler-body"):
            yield Static("", id="scheduler-params")
            yield Static("Press o to fit FSRS-6 to your review history and compare it with the parameters in "
                         "force on your latest reviews.", id="scheduler-status")
            yield DataTable(id="scheduler-scores", cursor_type="none", zebra_stripes=True)
            yield Static("", id="scheduler-workload-title")
            yield DataTable(id="scheduler-workload", cursor_type="none", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Scheduler"
        scores = self.query_one("#scheduler-scores", DataTable)
        for name in ("parameters", "log loss", "RMSE(bins)", "AUC"):
            scores.add_column(name, key=name)
        scores.display = False
        workload = self.query_one("#scheduler-workload", DataTable)
        for name in ("retention", "reviews/day", "min/day", "remembered"):
            workload.add_column(name, key=name)
        self.show_parameters()
        self.start_workload()
        self.query_one("#scheduler-body").focus()

    @property
    def settings(self) -> Settings:
        return self.app.scheduler.settings

    def show_parameters(self) -> None:
        from quizapp.srs import tuning
        from quizapp.srs.parameters import format_parameters
        from quizapp.store.parameter_sets import ParameterSets

        try:
            active = ParameterSets(self.app.store).active()
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error")
            return
        origin = "FSRS-6 defaults" if active is None else f"{active.source}, {active.created_at[:10]}"
        text = Text(f"Parameters in force ({origin}):\n", style="bold")
        text.append(format_parameters(tuning.in_force(self.settings)), style="dim")
        self.query_one("#scheduler-params", Static).update(text)

    def start_workload(self) -> None:
        deck_size = self.app.store.card_count()
        self.query_one("#scheduler-workload-title", Static).update(
            f"Estimated daily reviews at each desired retention (fsrs-rs simulation: {deck_size} cards, "
            f"{self.settings.new_per_day} new a day, one year) …")
        self.run_worker(lambda: _workload(self.settings, deck_size), name="workload", thread=True,
                        group="workload", exclusive=True)

    def action_optimize(self) -> None:
        self.query_one("#scheduler-status", Static).update("Optimizing: fitting FSRS-6 with fsrs-rs …")
        self.run_worker(lambda: _optimize(self.app.store.path, self.settings), name="optimize", thread=True,
                        group="change", exclusive=True)

    def action_revert(self) -> None:
        self.run_worker(lambda: _revert(self.app.store.path, self.settings), name="revert", thread=True,
                        group="change", exclusive=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            self.query_one("#scheduler-status", Static).update(Text(str(worker.error), style="red"))
            return
        if event.state != WorkerState.SUCCESS:
            return
        if worker.name == "workload":
            self.show_workload(*worker.result)
        elif worker.name == "optimize":
            self.show_optimization(*worker.result)
        elif worker.name == "revert":
            target, change = worker.result
            self.parameters_changed(f"Back to parameter set {target.id} ({target.source}). ", change)

    def show_workload(self, rows, best: float) -> None:
        from quizapp.srs.workload import describe_optimum

        table = self.query_one("#scheduler-workload", DataTable)
        table.clear()
        mine = round(self.settings.desired_retention, 2)
        for w in rows:
            name = f"{w.retention:.2f}" + (" (yours)" if round(w.retention, 2) == mine else "")
            table.add_row(name, f"{w.reviews_per_day:.1f}", f"{w.minutes_per_day:.1f}", f"{w.remembered:.0f}")
        title = self.query_one("#scheduler-workload-title", Static)
        title.update(f"Estimated daily reviews at each desired retention (fsrs-rs simulation of "
                     f"{self.app.store.card_count()} cards, {self.settings.new_per_day} new a day, one year). "
                     f"Least time per card remembered at {describe_optimum(best)}; yours is {mine:.2f} "
                     f"(quizapp config desired_retention).")

    def show_optimization(self, source: str, outcome) -> None:
        from quizapp.srs import tuning

        status = self.query_one("#scheduler-status", Static)
        if isinstance(outcome, str):
            status.update(Text(f"Not optimized: {outcome}."))
            return
        table = self.query_one("#scheduler-scores", DataTable)
        table.clear()
        for row in tuning.score_rows(outcome.optimization, source):
            table.add_row(*row)
        table.display = True
        result = outcome.optimization
        split = (f"Fitted on {result.train_reviews} earlier reviews in {result.fit_seconds:.2f} s, scored on the "
                 f"{result.fitted.reviews} from {result.split_at:%Y-%m-%d} on. ")
        if outcome.change is None:
            status.update(Text(split + f"Not adopted: {result.decision.reason}."))
        else:
            self.parameters_changed(split + "Adopted (refitted on the whole history). ", outcome.change)

    def parameters_changed(self, prefix: str, change) -> None:
        self.app.scheduler = Scheduler(Settings.from_store(self.app.store.setting))
        self.query_one("#scheduler-status", Static).update(Text(
            f"{prefix}{change.cards_replayed} cards replayed, {change.cards_moved} due dates moved; "
            f"due today {change.due_today_before} → {change.due_today_after}."))
        self.show_parameters()
        self.start_workload()

    def action_close(self) -> None:
        self.app.pop_screen()
