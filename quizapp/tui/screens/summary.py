"""Session summary: what was done, how long it really took, and what is waiting next."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from quizapp.srs import Summary, interval_label
from quizapp.tui.report_view import duration, plural
from quizapp.tui.widgets.footer import KeyFooter


def summary_lines(s: Summary, now: datetime) -> list[str]:
    """The summary as plain lines (no markup: the screen shows them literally)."""
    if s.ended_early:
        headline = "Session ended"
    elif s.reviewed:
        headline = "Session complete"
    else:
        headline = "No cards studied"
    done = plural(s.reviewed, "review")
    if s.reviewed:
        done += f" of {plural(s.cards, 'card')}"
    if s.new_today:
        next_due = f"now: {plural(s.new_today, 'new card')} left for today"
    elif s.next_due is None:
        next_due = "no reviews scheduled yet"
    else:
        local = s.next_due.astimezone()
        next_due = f"in {interval_label(now, s.next_due)} ({local:%a %d %b %H:%M})"
    lines = [
        headline,
        "",
        f"Studied          {done}",
        f"Again rate       {s.again_rate:.0%}" + (f" ({s.again} again)" if s.again else ""),
        f"Time spent       {duration(s.seconds)}",
        f"Next card due    {next_due}",
    ]
    if s.new_waiting > s.new_today:
        lines.append(f"New cards        {s.new_waiting - s.new_today} more wait for later days")
    return lines


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("enter", "home", "Home", priority=True),
        Binding("escape", "home", "Home", show=False),
    ]

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        lines = summary_lines(self.summary, self.app.clock())
        yield Header()
        with Center():
            with Vertical(id="summary"):
                text = Text(lines[0], style="bold")
                text.append("\n" + "\n".join(lines[1:] + ["", "Enter: back to topics · q: quit"]))
                yield Static(text, id="summary-text")
        yield KeyFooter()

    def action_home(self) -> None:
        self.app.action_home()
