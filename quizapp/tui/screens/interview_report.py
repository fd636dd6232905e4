"""The report after a mock interview: per question, per topic, against earlier interviews; `s` studies
exactly the cards whose key points were missed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from quizapp.interview.report import InterviewReport
from quizapp.tui import interview_view as view
from quizapp.tui.widgets.footer import KeyFooter


class InterviewReportScreen(Screen):
    BINDINGS = [
        Binding("s", "study_missed", "Study the missed points"),
        Binding("enter", "home", "Home", priority=True),
        Binding("escape", "home", "Home", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
    ]

    def __init__(self, report: InterviewReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="iv-report"):
            yield Static(view.headline(self.report), id="iv-report-headline")
            yield Static(view.questions_table(self.report), id="iv-report-questions")
            yield Static(view.readiness_table(self.report), id="iv-report-readiness")
            yield Static(view.study_list(self.report), id="iv-report-study")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Interview report {self.report.interview_id}"
        self.query_one("#iv-report").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "study_missed":
            return bool(self.report.study_list)
        return True

    def action_study_missed(self) -> None:
        if self.report.study_list:
            self.app.action_study_cards(self.report.study_list)

    def action_home(self) -> None:
        self.app.action_home()

    def action_page(self, direction: int) -> None:
        body = self.query_one("#iv-report", VerticalScroll)
        body.scroll_page_down() if direction > 0 else body.scroll_page_up()
