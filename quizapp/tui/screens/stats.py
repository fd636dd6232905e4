"""Statistics: the whole Report (the panels `quizapp stats` prints), scrolling to fit 80x24.

The report is built on the app thread when the screen opens (a dozen SQL
aggregations: well under a second with a million reviews). Enter or `i` on a
hardest card opens its history.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quizapp.srs.statistics import Report, build_report
from quizapp.store import StoreError
from quizapp.tui import report_view as view
from quizapp.tui.widgets.footer import KeyFooter

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
                yield Static("", id=f"stats-{name}", classes="stats-panel")
            yield Static("", id="stats-hardest-title", classes="stats-panel")
            yield DataTable(id="stats-hardest", cursor_type="row", zebra_stripes=True)
            yield Static("", id="stats-demos", classes="stats-panel")
            yield Static("", id="stats-interviews", classes="stats-panel")
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
        panels = {
            "today": view.today_text(report), "heatmap": view.heatmap(report),
            "chart-30": view.reviews_chart(report, 30, width), "chart-90": view.reviews_chart(report, 90, width),
            "retention": view.retention_table(report), "forecast": view.forecast_chart(report, width),
            "counts": view.counts_text(report), "topics": view.groups_table(report),
            "tags": view.groups_table(report, tags=True), "hardest-title": view.hardest_title(report),
            "demos": view.demos_table(report),
        }
        for name, renderable in panels.items():
            self.query_one(f"#stats-{name}", Static).update(renderable)
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
        self.query_one("#stats-interviews", Static).update(readiness_history_table(points))

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
