"""The Scheduler screen and home's nudge, driven by Pilot against a real database."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from quizapp.srs import Settings
from quizapp.srs.parameters import DEFAULT_PARAMETERS
from quizapp.store.parameter_sets import ParameterSets
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.scheduler import SchedulerScreen
from tests.test_tuning import make_db


def _text(widget: Static) -> str:
    return str(widget.renderable) if hasattr(widget, "renderable") else str(widget.render())


async def _wait(pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("timed out waiting for the screen")


async def test_home_nudges_then_scheduler_optimizes_adopts_and_reverts(tmp_path: Path):
    store, _ = make_db(tmp_path, 200)  # thousands of reviews, never optimized
    app = QuizApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        nudge = app.screen.query_one("#home-nudge", Static)
        assert nudge.display and "since FSRS was last fitted" in str(nudge.render())
        app.action_scheduler()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SchedulerScreen)
        workload = screen.query_one("#scheduler-workload", DataTable)
        await _wait(pilot, lambda: workload.row_count > 0)
        rows = [workload.get_row_at(i) for i in range(workload.row_count)]
        assert [r[0] for r in rows] == ["0.80", "0.85", "0.90 (yours)", "0.95"]
        per_day = [float(r[1]) for r in rows]
        assert per_day == sorted(per_day) and per_day[0] < per_day[-1]  # more retention, more reviews

        await pilot.press("o")
        scores = screen.query_one("#scheduler-scores", DataTable)
        await _wait(pilot, lambda: scores.row_count == 2 and "Adopted" in str(
            screen.query_one("#scheduler-status", Static).render()))
        assert str(scores.get_row_at(0)[0]) == "in force (default)" and str(scores.get_row_at(1)[0]) == "fitted"
        assert float(scores.get_row_at(1)[1]) < float(scores.get_row_at(0)[1])  # lower log loss
        assert app.scheduler.settings.parameters not in (None, DEFAULT_PARAMETERS)  # the app schedules with it
        assert ParameterSets(app.store).active().source == "optimized"

        await pilot.press("u")
        await _wait(pilot, lambda: "Back to parameter set" in str(
            screen.query_one("#scheduler-status", Static).render()))
        assert app.scheduler.settings.parameters == DEFAULT_PARAMETERS
        assert Settings.from_store(app.store.setting).parameters == DEFAULT_PARAMETERS
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query_one("#home-nudge", Static).display  # optimized a moment ago
    store.close()
