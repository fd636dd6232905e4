"""Review: question, Space to reveal, 1-4 to rate (each showing its next interval), u to undo."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, ProgressBar, Static

from quizapp.content import render_math
from quizapp.content.sanitize import visible_controls
from quizapp.srs import RATING_NAMES, Session, interval_label
from quizapp.store import DatabaseLocked, DatabaseReadOnly, StaleState, StoreError
from quizapp.tui.app import CardShown, DeckChanged
from quizapp.tui.literal import literal, shorten
from quizapp.tui.widgets.card_text import CardText
from quizapp.tui.widgets.footer import KeyFooter
from quizapp.tui.widgets.paged_markdown import PagedMarkdown, is_long

FLAG_LABELS = {1: ("red", "bold red"), 2: ("orange", "bold dark_orange"), 3: ("green", "bold green"),
               4: ("blue", "bold blue")}


class RatingButton(Button, can_focus=False):
    """A rating button; keys 1-4 press it, so it never takes focus from the card."""


class ReviewScreen(Screen):
    BINDINGS = [
        Binding("space", "reveal_or_good", "Show/Good"),
        Binding("enter", "reveal_or_good", "Show / Good", show=False),
        Binding("1", "rate(1)", "Again", show=False),
        Binding("2", "rate(2)", "Hard", show=False),
        Binding("3", "rate(3)", "Good", show=False),
        Binding("4", "rate(4)", "Easy", show=False),
        Binding("u", "undo", "Undo"),
        Binding("d", "demo", "Demo"),
        Binding("i", "card_info", "Info"),
        Binding("e", "edit", "Edit", show=False),
        Binding("at", "suspend", "Suspend", show=False),
        Binding("minus", "bury", "Bury", show=False),
        Binding("ctrl+1", "flag(1)", "Red flag", show=False),
        Binding("ctrl+2", "flag(2)", "Orange flag", show=False),
        Binding("ctrl+3", "flag(3)", "Green flag", show=False),
        Binding("ctrl+4", "flag(4)", "Blue flag", show=False),
        Binding("ctrl+0", "flag(0)", "No flag", show=False),
        Binding("f", "cycle_flag", "Flag", show=False),  # for terminals that never send ctrl+digit
        Binding("escape", "end_session", "End"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.card: dict[str, Any] | None = None
        self.revealed = False
        self.shown_at = 0.0
        self.previews: dict[int, dict[str, Any]] = {}
        self.done = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review-status"):
            yield Static("", id="card-meta")
            yield ProgressBar(id="session-progress", show_eta=False, show_percentage=False)
            yield Static("", id="progress-text")
        with VerticalScroll(id="card-scroll"):
            yield CardText(id="question")
            yield PagedMarkdown(id="question-long")
            yield Static("", id="answer-rule")
            yield CardText(id="answer")
            yield PagedMarkdown(id="answer-long")
        with Horizontal(id="ratings"):
            for rating, name in RATING_NAMES.items():
                yield RatingButton(name, id=f"rate-{rating}", classes=f"rating rating-{rating}")
        yield Static("[b]Space[/b] show answer", id="reveal-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        scope = self.session.title or self.session.topic
        if scope is None and self.session.card_ids is not None:
            scope = f"{len(self.session.card_ids)} chosen cards"
        self.title = "Review" + (f" · {visible_controls(scope)}" if scope else "")
        self.watch(self.query_one("#card-scroll"), "scroll_y", self._more_if_near_the_end, init=False)
        self.show_next()
        self._data_version = self._read_data_version()
        self.set_interval(1.0, self._check_other_writers)

    def _read_data_version(self) -> int | None:
        try:
            return self.session.store.data_version()
        except StoreError:
            return None

    def _check_other_writers(self) -> None:
        """Another process (a second window) committed: the counts may have changed (one cheap PRAGMA)."""
        version = self._read_data_version()
        if version is not None and version != self._data_version:
            self._data_version = version
            self._update_progress()

    # -- showing cards ------------------------------------------------------------------

    def show_next(self) -> None:
        try:
            card = self.session.next_card()
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=10)
            return
        if card is None:
            self.finish()
            return
        self.show_card(card)

    def show_card(self, card: dict[str, Any]) -> None:
        self.card = card
        self.revealed = False
        self._show_text("question", "## " + visible_controls(render_math(card["question"])))
        self._show_text("answer", "")
        self.query_one("#answer-rule", Static).update("")
        self.show_meta(card)
        self.refresh_bindings()  # the footer shows `d` only on cards that have a demo
        self._set_revealed_ui(False)
        self._update_progress()  # indexed counts bounded by what is due (~1 ms at 100k cards): same frame
        self.query_one("#card-scroll").scroll_home(animate=False)
        self.shown_at = time.monotonic()
        self.app.post_message(CardShown(card["id"]))

    def _show_text(self, part: str, source: str) -> None:
        """Markdown drawn as one renderable; an absurdly long text a page at a time instead. Each
        widget is touched only when its text changes (an empty answer stays empty for free)."""
        text, paged = self.query_one(f"#{part}", CardText), self.query_one(f"#{part}-long", PagedMarkdown)
        long = is_long(source)
        paged.display = long
        text.show("" if long else source)
        paged.show(source if long else "")
        if long:
            self.call_after_refresh(self._more_if_near_the_end)

    def _more_if_near_the_end(self, *_: object) -> None:
        """Draw the next page of a long question or answer once the reader is within a screen of its end."""
        scroll = self.query_one("#card-scroll", VerticalScroll)
        if scroll.max_scroll_y - scroll.scroll_y > scroll.size.height:
            return
        for paged in self.query(PagedMarkdown):
            if paged.display and paged.more():
                self.call_after_refresh(self._more_if_near_the_end)  # until the screen is full
                return

    def _last_run_note(self, card_id: str) -> str:
        try:
            runs = self.session.store.demo_runs(card_id, limit=1)
        except StoreError:
            return ""
        if not runs:
            return ""
        run = runs[0]
        return f" ({run['status']})"

    def _update_progress(self) -> None:
        try:
            left = self.session.remaining()
        except StoreError:
            return
        bar = self.query_one(ProgressBar)
        bar.update(total=max(1, self.done + left), progress=self.done)
        self.query_one("#progress-text", Static).update(f"{self.done} done · {left} left")

    def _set_revealed_ui(self, revealed: bool) -> None:
        self.query_one("#ratings").display = revealed
        self.query_one("#reveal-hint").display = not revealed

    def reveal(self) -> None:
        if self.card is None or self.revealed:
            return
        self.revealed = True
        card = self.card
        self.query_one("#answer-rule", Static).update("─" * 20 + " answer " + "─" * 20)
        self._show_text("answer", visible_controls(render_math(card["answer"])))
        self._label_ratings()
        self._set_revealed_ui(True)
        self.refresh_bindings()

    def _label_ratings(self) -> None:
        """Each button shows the interval its rating gives, with the settings in force now."""
        if self.card is None:
            return
        self.previews = self.session.previews(self.card)
        now = self.session.clock()
        for rating, name in RATING_NAMES.items():
            label = interval_label(now, self.previews[rating]["due"])
            self.query_one(f"#rate-{rating}", Button).label = f"{rating} {name} · {label}"

    # -- actions ---------------------------------------------------------------------------

    def action_reveal_or_good(self) -> None:
        if self.revealed:
            self.action_rate(3)
        else:
            self.reveal()

    def action_rate(self, rating: int) -> None:
        if self.card is None or not self.revealed:
            return
        duration_ms = int((time.monotonic() - self.shown_at) * 1000)
        try:
            self.session.rate(self.card, rating, duration_ms)
        except StaleState:
            # another window rated this card from the same state first: show what is due now
            self.notify("This card was just reviewed elsewhere (another window); your rating was not "
                        "recorded. Showing the card as it is now.", title="Reviewed elsewhere", timeout=6)
            self.show_next()
            return
        except StoreError as exc:
            self.notify(f"{exc}\n{_not_saved(exc)}", title="Database", severity="error", timeout=10)
            return
        self.done += 1
        self.show_next()

    def action_undo(self) -> None:
        try:
            card = self.session.undo()
        except StaleState:
            self.notify("That card was reviewed again elsewhere since your rating, so it stays as it is "
                        "(nothing undone).", title="Undo", severity="warning", timeout=6)
            self._update_progress()
            return
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error")
            return
        if card is None:
            self.notify("Nothing to undo in this session.")
            return
        self.done = max(0, self.done - 1)
        self.notify(f"Undid the last rating of “{shorten(card['question'], 50)}”.")
        self.show_card(card)

    def action_demo(self) -> None:
        if self.card is None or not self.card.get("demo"):
            return
        self.app.action_demo(self.card["demo"], self.card["id"])

    def action_card_info(self) -> None:
        from quizapp.tui.screens.card_info import CardInfoScreen

        if self.card is not None:
            self.app.push_screen(CardInfoScreen(self.card["id"]))

    def on_screen_resume(self) -> None:
        if self.session.scheduler is not self.app.scheduler:  # settings changed meanwhile: use them at once
            self.session.scheduler = self.app.scheduler
            if self.revealed:
                self._label_ratings()
            self.call_after_refresh(self._update_progress)
        if self.card is not None and self.card.get("demo"):
            self.show_meta(self.card)

    # -- acting on the card: suspend, bury, flag, edit ------------------------------------------

    def _title(self) -> str:
        return self.card["question"].splitlines()[0][:50] if self.card else ""

    def action_suspend(self) -> None:
        """`@`: out of every queue until unsuspended in the browser."""
        from quizapp.srs.browse import suspend

        if self.card is None:
            return
        try:
            suspend(self.session.store, [self.card["id"]])
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", markup=False)
            return
        self.notify(f"Suspended “{self._title()}” (b to browse and unsuspend).", markup=False)
        self.show_next()

    def action_bury(self) -> None:
        """`-`: back on the next study day."""
        from quizapp.srs.browse import bury

        if self.card is None:
            return
        try:
            bury(self.session.store, [self.card["id"]], self.session.clock())
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", markup=False)
            return
        self.notify(f"Buried “{self._title()}” until tomorrow.", markup=False)
        self.show_next()

    def action_flag(self, colour: int) -> None:
        """ctrl+1..4 flag the card (the same colour again clears it); ctrl+0 clears."""
        from quizapp.srs.browse import flag

        if self.card is None:
            return
        if colour and self.card.get("flag") == colour:
            colour = 0
        try:
            flag(self.session.store, [self.card["id"]], colour)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", markup=False)
            return
        self.card["flag"] = colour
        self.show_meta(self.card)

    def action_cycle_flag(self) -> None:
        """`f`: no flag -> red -> orange -> green -> blue -> no flag."""
        if self.card is not None:
            self.action_flag(((self.card.get("flag") or 0) + 1) % 5)

    def action_edit(self) -> None:
        """`e`: the card in $EDITOR; the re-synced card comes back through on_deck_changed."""
        if self.card is not None:
            self.app.edit_card(self.card)

    def on_deck_changed(self, message: DeckChanged) -> None:
        """The deck was re-synced: show the current card as it is now (its history is untouched)."""
        if self.card is None or self.card["id"] not in message.result.changed_ids:
            self.call_after_refresh(self._update_progress)
            return
        try:
            card = self.session.store.card(self.card["id"])
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", markup=False)
            return
        if card is None or card["retired"]:
            self.notify("This card is no longer in the deck (its history is kept); next card.", markup=False)
            self.show_next()
            return
        revealed = self.revealed
        self.show_card(card)
        if revealed:
            self.reveal()
        self.notify("The card was updated from its file.", title="Edited", markup=False)

    def show_meta(self, card: dict[str, Any]) -> None:
        """The demo hint first (if any: at 80 columns a long topic must not push it out), then the topic,
        then tags; whatever does not fit ends in an ellipsis."""
        parts = []
        if card.get("demo"):
            parts.append(Text.assemble(("d", "bold"), " demo", literal(self._last_run_note(card["id"]))))
        if card.get("flag") in FLAG_LABELS:
            name, style = FLAG_LABELS[card["flag"]]
            parts.append(Text(f"⚑ {name}", style=style))
        parts.append(literal(card["topic"]))
        parts.append(literal(" ".join(f"#{t}" for t in card["tags"][:3])))
        self.query_one("#card-meta", Static).update(Text(" · ").join(p for p in parts if p))

    def action_end_session(self) -> None:
        self.finish(ended_early=self.card is not None)

    def finish(self, ended_early: bool = False) -> None:
        from quizapp.tui.screens.summary import SummaryScreen

        try:
            summary = self.session.summary(ended_early=ended_early)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error")
            self.app.action_home()
            return
        self.app.switch_screen(SummaryScreen(summary))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("rate-"):
            self.action_rate(int(event.button.id.split("-")[1]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate":
            return self.revealed
        if action == "demo":
            return bool(self.card and self.card.get("demo"))
        return True


def _not_saved(exc: StoreError) -> str:
    """What the user can do about a rating that was not saved: pressing again only helps with a lock."""
    if isinstance(exc, DatabaseLocked):
        return "Your rating was not saved; press the key again (the card is still here)."
    if isinstance(exc, DatabaseReadOnly):
        return ("Your rating was not saved, and pressing again cannot help. Quit (q), make the database "
                "writable, and study on: every earlier rating is kept.")
    return "Your rating was not saved."
