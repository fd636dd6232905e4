"""Statistics: the whole Report (the panels `quizapp stats` prints), scrolling to fit 80x24.

The report is built afresh on each open (a dozen small aggregations over counts the store's
triggers keep, and recall over one narrow index: tens of milliseconds at 100,000 cards). Each
panel is drawn once by Rich at the screen's width (`Prerendered`), and its lines are reused while
the numbers it shows are unchanged, so opening after a rating redraws only what the rating moved.
Enter or `i` on a hardest card opens its history.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import DataTable, Header

from quizapp.srs.statistics import Report, build_report
from quizapp.store import StoreError
from quizapp.tui import report_view as view
from quizapp.tui.widgets.footer import KeyFooter
from quizapp.tui.widgets.prerendered import Prerendered

# The lines each panel was last drawn as, and what they were drawn from (see render_report).
_DRAWN: dict[str, tuple[tuple, list[Strip]]] = {}


def panel_inputs(report: Report) -> dict[str, tuple]:
    """What each panel draws (report_view's functions read these and nothing else), recall as printed."""
    recall = view.pct(report.recall, 0)
    return {
        "today": (report.day, report.current_streak, report.longest_streak, report.forecast[0],
                  tuple(report.states.items()), recall),
        "heatmap": (report.today, tuple(report.days)), "chart-30": tuple(report.last(30)),
        "chart-90": tuple(report.last(90)), "retention": tuple(report.retention), "forecast": tuple(report.forecast),
        "counts": tuple(report.states.items()),
        "topics": tuple((replace(g, recall=None), view.pct(g.recall, 0)) for g in report.topics),
        "tags": tuple(report.tags), "hardest-title": (report.leeches,), "demos": tuple(report.demos),
    }


PANELS = ("today", "heatmap", "chart-30", "chart-90", "retention", "forecast", "counts", "topics", "tags")


class StatsScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("r", "refresh", "Refresh"),
        Binding("i", "card_info", "Card info"),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: Report | None = None
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            for name in PANELS:
                yield Prerendered(id=f"stats-{name}", classes="stats-panel")
            yield Prerendered(id="stats-hardest-title", classes="stats-panel")
            yield DataTable(id="stats-hardest", cursor_type="row", zebra_stripes=True)
            yield Prerendered(id="stats-demos", classes="stats-panel")
            yield Prerendered(id="stats-interviews", classes="stats-panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Statistics"
        table = self.query_one("#stats-hardest", DataTable)
        for name, width in zip(view.HARDEST_COLUMNS, (24, 6, 7, 5, None)):
            table.add_column(name, key=name or "leech", width=width)
        self.action_refresh()
        self.query_one("#stats-body").focus()

    def action_refresh(self) -> None:
        try:
            self.report = build_report(self.app.store, self.app.scheduler, self.app.clock())
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=10)
            return
        self.render_report()

    def render_report(self) -> None:
        report = self.report
        if report is None:
            return
        self._width = width = max(40, min(self.app.size.width - 4, 100))
        room = max(40, self.app.size.width - 4)  # the body's width inside its padding and scrollbar
        inputs = panel_inputs(report)
        panels = {
            "today": lambda: view.today_text(report), "heatmap": lambda: view.heatmap(report),
            "chart-30": lambda: view.reviews_chart(report, 30, width),
            "chart-90": lambda: view.reviews_chart(report, 90, width),
            "retention": lambda: view.retention_table(report), "forecast": lambda: view.forecast_chart(report, width),
            "counts": lambda: view.counts_text(report), "topics": lambda: view.groups_table(report),
            "tags": lambda: view.groups_table(report, tags=True), "hardest-title": lambda: view.hardest_title(report),
            "demos": lambda: view.demos_table(report),
        }
        for name, draw in panels.items():
            # with the numbers a panel shows and the width unchanged, the lines drawn last time are it
            key = (id(self.app), width, room, inputs[name])
            widget = self.query_one(f"#stats-{name}", Prerendered)
            drawn = _DRAWN.get(name)
            if drawn is not None and drawn[0] == key:
                widget.set_strips(drawn[1])
            else:
                _DRAWN[name] = (key, widget.show(draw(), room))
        table = self.query_one("#stats-hardest", DataTable)
        table.clear()
        for card, row in zip(report.hardest, view.hardest_rows(report)):
            table.add_row(*row, key=card.id)
        table.display = bool(report.hardest)
        self.render_interviews()

    def render_interviews(self) -> None:
        """Readiness per topic over the mock interviews (its own queries: the Report stays as it is)."""
        from quizapp.interview.report import readiness_history
        from quizapp.store.interviews import InterviewStore
        from quizapp.tui.interview_view import readiness_history_table

        db = InterviewStore(self.app.store)
        try:
            points = readiness_history(db.interviews(), db.questions())
        except StoreError:
            return
        self.query_one("#stats-interviews", Prerendered).show(readiness_history_table(points),
                                                             max(40, self.app.size.width - 4))

    def on_resize(self) -> None:
        if max(40, min(self.app.size.width - 4, 100)) != self._width:  # charts are drawn for a width
            self.render_report()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_page(self, direction: int) -> None:
        body = self.query_one("#stats-body", VerticalScroll)
        body.scroll_page_down() if direction > 0 else body.scroll_page_up()

    def action_card_info(self) -> None:
        table = self.query_one("#stats-hardest", DataTable)
        if not table.row_count:
            self.notify("No card has lapsed yet, so there is no hardest card to show.")
            return
        self.open_info(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_info(event.row_key.value)

    def open_info(self, card_id: str | None) -> None:
        from quizapp.tui.screens.card_info import CardInfoScreen

        if card_id:
            self.app.push_screen(CardInfoScreen(card_id))
