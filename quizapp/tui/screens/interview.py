"""The mock interview: a question against a visible countdown, the learner's answer, a follow-up,
then the model answer beside theirs and the key points as a checklist to confirm with a rating.

Phases: "answer" (TextArea; ctrl+s when done, with the area left empty when answered aloud),
"follow_up" (the same for one follow-up question, when the card has any), "check" (space or a
click toggles a point; 1-4 confirms the rating, the suggested one marked). Every step is
committed by InterviewSession before the screen moves on.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from quizapp.content import render_math
from quizapp.content.sanitize import visible_controls
from quizapp.interview.report import clock
from quizapp.interview.session import Answered, InterviewSession
from quizapp.srs import RATING_NAMES
from quizapp.store import StoreError
from quizapp.tui.literal import literal
from quizapp.tui.widgets.card_text import CardText
from quizapp.tui.widgets.footer import KeyFooter


class Checklist(SelectionList[int]):
    """The key points: space, enter or a click toggles a tick at once (the stock list does it through a
    message, which a quick 1-4 right after could overtake)."""

    BINDINGS = [Binding("space", "select", "Tick")]

    def action_select(self) -> None:
        self._toggle_highlighted_selection()


class InterviewScreen(Screen):
    BINDINGS = [
        # not priority bindings: keys are then handled in the order typed (a pasted answer, then ctrl+s)
        Binding("ctrl+s", "done", "Done"),
        Binding("1", "rate(1)", "Again", show=False),
        Binding("2", "rate(2)", "Hard", show=False),
        Binding("3", "rate(3)", "Good", show=False),
        Binding("4", "rate(4)", "Easy", show=False),
        Binding("escape", "end", "End interview"),
    ]

    def __init__(self, session: InterviewSession) -> None:
        super().__init__()
        self.session = session
        self.phase = "answer"
        self.started = time.monotonic()
        self.frozen: float | None = None  # seconds shown once the answer is in
        self.answered: Answered | None = None
        self.answer_text = ""
        self.follow_up_answer = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="iv-status"):
            yield Static("", id="iv-progress")
            yield Static("", id="iv-clock")
        with VerticalScroll(id="iv-question-box"):
            yield CardText(id="iv-question")
        yield TextArea(id="iv-answer", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        with Horizontal(id="iv-compare"):
            with VerticalScroll(id="iv-mine"):
                yield Static("", id="iv-mine-text")
            with VerticalScroll(id="iv-model"):
                yield CardText(id="iv-model-text")
        yield Checklist(id="iv-points")
        yield Static("", id="iv-why")
        yield Static("", id="iv-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Mock interview" + (f" · {visible_controls(self.session.topic)}" if self.session.topic else "")
        self.set_interval(0.5, self._tick)
        self.ask()

    # -- phases ------------------------------------------------------------------------------------

    def _show(self, answering: bool) -> None:
        self.query_one("#iv-answer").display = answering
        self.query_one("#iv-compare").display = not answering
        self.query_one("#iv-points").display = not answering
        self.query_one("#iv-why").display = not answering

    def ask(self) -> None:
        card = self.session.ask()
        if card is None:
            self.finish()
            return
        self.phase = "answer"
        self.answered = None
        self.frozen = None
        self.started = time.monotonic()
        total = len(self.session.cards)
        self.query_one("#iv-progress", Static).update(
            literal(f"Question {self.session.position + 1} of {total} · {card['topic']}"))
        self.query_one("#iv-question", CardText).show(_markdown("## " + card["question"]))
        area = self.query_one("#iv-answer", TextArea)
        area.text = ""
        self._show(True)
        self._hint("[b]ctrl+s[/b] done (answering aloud? leave this empty) · [b]esc[/b] end the interview")
        self.set_focus(area)  # now, not later: keys typed ahead go to the answer
        self.refresh_bindings()
        self._tick()

    def _hint(self, markup: str | Text) -> None:
        self.query_one("#iv-hint", Static).update(markup)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def _tick(self) -> None:
        label = self.query_one("#iv-clock", Static)
        if self.phase == "follow_up":
            label.update(Text(f"follow-up {clock(self.elapsed())}"))
            return
        used = self.frozen if self.frozen is not None else self.elapsed()
        left = self.session.seconds_per_question - used
        if self.frozen is not None:
            label.update(Text(f"took {clock(used)}", style="red" if left < 0 else ""))
        elif left >= 0:
            label.update(Text(f"{clock(left)} left", style="bold yellow" if left < 30 else "bold"))
        else:
            label.update(Text(f"over by {clock(-left)}", style="bold red"))

    def action_done(self) -> None:
        text = self.query_one("#iv-answer", TextArea).text
        try:
            if self.phase == "answer":
                seconds = self.elapsed()
                self.answered = self.session.answer(text, seconds)
                self.answer_text = text.strip()
                self.frozen = seconds
                if self.answered.follow_up:
                    self.ask_follow_up(self.answered.follow_up)
                    return
                self.show_check()
            elif self.phase == "follow_up":
                self.session.answer_follow_up(text, self.elapsed())
                self.follow_up_answer = text.strip()
                self.show_check()
        except StoreError as exc:
            self.notify(f"{exc}\nNothing was lost: press ctrl+s again.", title="Database", severity="error",
                        timeout=10)

    def ask_follow_up(self, follow_up: str) -> None:
        self.phase = "follow_up"
        self.follow_up_answer = ""
        self.started = time.monotonic()
        self.query_one("#iv-question", CardText).show(_markdown("## Follow-up\n\n" + follow_up))
        area = self.query_one("#iv-answer", TextArea)
        area.text = ""
        self.set_focus(area)  # now, not later: keys typed ahead go to the answer
        self._hint("The interviewer probes. [b]ctrl+s[/b] done (empty: answered aloud) · [b]esc[/b] end")
        self._tick()

    def show_check(self) -> None:
        answered = self.answered
        assert answered is not None
        self.phase = "check"
        card = answered.card
        self.query_one("#iv-question", CardText).show(_markdown("## " + card["question"]))
        mine = Text("Your answer\n", style="bold")
        mine.append_text(literal(self.answer_text or "(answered aloud)", style="" if self.answer_text else "dim"))
        if answered.follow_up:
            mine.append("\n\nFollow-up: ", style="bold")
            mine.append_text(literal(answered.follow_up))
            mine.append("\n")
            mine.append_text(literal(self.follow_up_answer or "(answered aloud)",
                                     style="" if self.follow_up_answer else "dim"))
        self.query_one("#iv-mine-text", Static).update(mine)
        self.query_one("#iv-model-text", CardText).show("**Model answer**\n\n" + _markdown(card["answer"]))
        points = self.query_one("#iv-points", SelectionList)
        points.clear_options()
        points.add_options([Selection(self._point_label(i), i, match.covered)
                            for i, match in enumerate(answered.matches)])
        self._show(False)
        self.query_one("#iv-mine").scroll_home(animate=False)
        self.query_one("#iv-model").scroll_home(animate=False)
        self.set_focus(points)
        if answered.matches:
            points.highlighted = 0
            self._explain(0)
        self.refresh_bindings()
        self._update_rating_hint()
        self._tick()

    def _point_label(self, index: int) -> Text:
        """The point as written; the ones the matcher ticked say so (the learner decides)."""
        match = self.answered.matches[index]
        label = Text()
        if match.covered:
            label.append("suggested ", style="italic green")
        label.append_text(literal(match.point))
        return label

    def on_selection_list_selection_highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        """Why the highlighted point was (not) suggested: the terms the matcher found."""
        if self.answered is None or self.phase != "check":
            return
        self._explain(event.selection.value)

    def _explain(self, index: int) -> None:
        match = self.answered.matches[index]
        why = Text("why: ", style="bold")
        if self.answered.aloud:
            why.append("answered aloud: tick the points you said", style="dim")
        else:
            why.append_text(literal(match.explain(), style="green" if match.covered else ""))
        self.query_one("#iv-why", Static).update(why)

    def ticks(self) -> list[bool]:
        points = self.query_one("#iv-points", SelectionList)
        chosen = set(points.selected)
        return [i in chosen for i in range(len(self.answered.matches))] if self.answered else []

    def _update_rating_hint(self) -> None:
        ticks = self.ticks()
        suggested = self.session.suggested_rating(ticks)
        text = Text()
        if suggested is not None:
            text.append("Suggested ", style="bold")
            text.append(f" {suggested} {RATING_NAMES[suggested]} ", style="bold reverse")
            text.append(f" {sum(ticks)} of {len(ticks)} points · ")
        text.append("confirm: 1 Again  2 Hard  3 Good  4 Easy")
        self._hint(text)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        if self.phase == "check":
            self._update_rating_hint()

    def action_rate(self, rating: int) -> None:
        if self.phase != "check" or self.answered is None:
            return
        try:
            self.session.confirm(self.ticks(), rating)
        except StoreError as exc:
            self.notify(f"{exc}\nYour rating was not saved; press the key again.", title="Database",
                        severity="error", timeout=10)
            return
        self.ask()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate":
            return self.phase == "check"
        if action == "done":
            return self.phase in ("answer", "follow_up")
        return True

    # -- the end ---------------------------------------------------------------------------------

    def action_end(self) -> None:
        self.finish()

    def finish(self) -> None:
        from quizapp.tui.screens.interview_report import InterviewReportScreen

        try:
            self.session.finish()
            report = self.session.report()
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=10)
            self.app.action_home()
            return
        if report is None:
            self.app.action_home()
            return
        self.app.switch_screen(InterviewReportScreen(report))


def _markdown(text: str) -> str:
    """Deck markdown as the review screen shows it: math as Unicode, terminal controls made visible."""
    return visible_controls(render_math(text))
