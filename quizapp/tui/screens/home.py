"""Home: topics with their new / learning / due counts; start studying."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quizapp.store import StoreError
from quizapp.timeutil import study_day_end, to_iso
from quizapp.tui.literal import literal
from quizapp.tui.widgets.footer import KeyFooter

ALL = "\x00all"  # the row key of the "All topics" row
LEARN_AHEAD_DAYS = 7  # `s` with nothing due reviews the cards due this many days ahead


class HomeScreen(Screen):
    BINDINGS = [
        Binding("s", "study_all", "Study"),
        Binding("enter", "study_selected", "Study topic", show=False),
        Binding("c", "app.custom_study", "Custom"),
        Binding("o", "app.settings", "Settings"),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("S", "app.stats", "Stats", show=False),
        Binding("i", "interview", "Interview"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("", id="home-summary")
            yield Static("", id="home-nudge")
            yield DataTable(id="topics", cursor_type="row", zebra_stripes=True)
            yield Static("Enter: this topic · s: all · c: custom study · o: settings · S: statistics",
                         id="home-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Topic", key="topic")
        table.add_column("New", key="new")
        table.add_column("Learn", key="learning")
        table.add_column("Due", key="due")
        table.add_column("Cards", key="total")
        table.focus()

    def on_screen_resume(self) -> None:
        """Counts are fetched whenever this screen becomes the visible one (and not before)."""
        if self.app.screen is self:
            self.action_refresh()

    def on_deck_changed(self, message) -> None:
        """Cards were added or removed by an edit: the counts change."""
        self.action_refresh()

    def action_refresh(self) -> None:
        """Counts again, with the settings as stored now (`quizapp config` may have changed them)."""
        table = self.query_one(DataTable)
        now = self.app.clock()
        self.app.reload_settings()
        try:
            rows = self.app.store.topic_counts(
                to_iso(now), to_iso(study_day_end(now, self.app.scheduler.settings.rollover_hour)))
            new_left, reviews_left = self._limits(now)
        except StoreError as exc:
            self.notify(str(exc), severity="error", title="Database")
            return
        cursor = table.cursor_row
        table.clear()
        new = min(new_left, sum(r["new"] for r in rows))
        due = min(reviews_left, sum(r["due"] for r in rows))
        learning = sum(r["learning"] for r in rows)
        table.add_row("[b]All topics[/b]", _n(new, "blue"), _n(learning, "red"), _n(due, "green"),
                      str(sum(r["total"] for r in rows)), key=ALL)
        for r in rows:
            table.add_row(literal(r["topic"]), _n(min(r["new"], new_left), "blue"), _n(r["learning"], "red"),
                          _n(min(r["due"], reviews_left), "green"), str(r["total"]), key=r["topic"])
        table.move_cursor(row=min(cursor, table.row_count - 1))
        total = new + due + learning
        text = (f"[b]{total}[/b] card{'s' * (total != 1)} to study today: {new} new, {learning} learning, "
                f"{due} review{'s' * (due != 1)}") if total else (f"Nothing due right now. Press s to review ahead (cards due in the "
                                                f"next {LEARN_AHEAD_DAYS} days) or c for custom study.")
        self.query_one("#home-summary", Static).update(text)
        self._nudge()

    def _nudge(self) -> None:
        """One line once enough reviews have piled up since FSRS was last fitted to them."""
        from quizapp.srs.nudge import NUDGE_AFTER, should_nudge

        try:
            due = should_nudge(self.app.store)
        except StoreError:
            due = None
        nudge = self.query_one("#home-nudge", Static)
        nudge.display = due is not None
        if due is not None:
            nudge.update(f"{NUDGE_AFTER:,}+ reviews since FSRS was last fitted to you: ctrl+p → Scheduler → o")

    def _limits(self, now) -> tuple[int, int]:
        from quizapp.srs import Session

        return Session(self.app.store, self.app.scheduler).limits_left(now)

    def action_study_all(self) -> None:
        """Everything due; with nothing due, learn ahead: the cards due in the next few days."""
        from quizapp.srs import Session
        from quizapp.srs.custom import AHEAD, CustomStudy

        self.app.reload_settings()
        try:
            nothing_due = Session(self.app.store, self.app.scheduler, clock=self.app.clock).next_card() is None
        except StoreError as exc:
            self.notify(str(exc), severity="error", title="Database")
            return
        if not nothing_due:
            self.app.action_study(None)
        elif not self.app.start_custom_study(CustomStudy(AHEAD, amount=LEARN_AHEAD_DAYS)):
            self.notify("Press c for custom study: more new cards, one tag, the hardest cards.",
                        title="Nothing to learn ahead")

    def action_study_selected(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.action_study(None if key == ALL else key)

    def action_interview(self) -> None:
        """A mock interview on the highlighted topic (all topics on the first row)."""
        table = self.query_one(DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else ALL
        self.app.action_interview(None if key == ALL else key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study_selected()


def _n(value: int, colour: str) -> str:
    return f"[{colour}]{value}[/{colour}]" if value else "[dim]0[/dim]"
