"""Session summary: what was done and when the next card is due."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from quizapp.srs import Summary, interval_label
from quizapp.timeutil import utcnow


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("enter", "home", "Home", priority=True),
        Binding("escape", "home", "Home", show=False),
    ]

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        s = self.summary
        minutes, seconds = divmod(int(round(s.seconds)), 60)
        if s.next_due is None:
            next_due = "no reviews scheduled yet"
        else:
            local = s.next_due.astimezone()
            next_due = f"in {interval_label(utcnow(), s.next_due)} ({local:%a %d %b %H:%M})"
        headline = "Session complete" if s.reviewed else "No cards studied"
        lines = [
            f"[b]{headline}[/b]",
            "",
            f"Cards reviewed   {s.reviewed}",
            f"Again rate       {s.again_rate:.0%}" + (f" ({s.again} again)" if s.again else ""),
            f"Time spent       {minutes}m {seconds:02d}s",
            f"Next card due    {next_due}",
            "",
            "Enter: back to topics · q: quit",
        ]
        yield Header()
        with Center():
            with Vertical(id="summary"):
                yield Static("\n".join(lines), id="summary-text")
        yield Footer()

    def action_home(self) -> None:
        self.app.action_home()
