"""Custom study: pick a kind (one tag or topic, failed today, review ahead, more new, hardest) and
its argument; the line under the form says how many cards that would be before you start."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from quizapp.srs.custom import (AHEAD, DEFAULT_AMOUNT, FAILED, KINDS, MAX_AMOUNT, TAG, TOPIC, CustomStudy,
                                card_ids)
from quizapp.store import StoreError
from quizapp.store.study_queries import StudyQueries
from quizapp.tui.literal import literal

AMOUNT_LABEL = {AHEAD: "Days ahead", "new": "New cards", "hardest": "Cards"}


class CustomStudyScreen(ModalScreen[CustomStudy | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, kind: str = "") -> None:
        super().__init__()
        self.kind = kind if kind in KINDS else TAG

    def compose(self) -> ComposeResult:
        with Vertical(id="custom"):
            yield Static(Text("Custom study", style="bold"), id="custom-title")
            yield OptionList(*(Option(label, id=kind) for kind, label in KINDS.items()), id="custom-kinds")
            with Horizontal(id="custom-argument"):
                yield Label("", id="custom-argument-label")
                yield Select([], id="custom-name", prompt="choose…", allow_blank=True)
                yield Input("", id="custom-amount", type="integer", max_length=5)
            yield Static("", id="custom-preview")
            with Horizontal(id="custom-buttons"):
                yield Button("Start", id="custom-start", variant="primary")
                yield Button("Cancel", id="custom-cancel")
            yield Static("↑↓ choose · Enter next · Esc cancel · ratings here are real reviews", id="custom-hint")

    def on_mount(self) -> None:
        kinds = self.query_one("#custom-kinds", OptionList)
        kinds.highlighted = list(KINDS).index(self.kind)
        kinds.focus()
        self._show_argument()

    # -- the form --------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#custom-kinds")
    def _kind_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.kind:
            self.kind = event.option.id
            self._show_argument()

    @on(OptionList.OptionSelected, "#custom-kinds")
    def _kind_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.kind in (TAG, TOPIC):
            self.query_one("#custom-name", Select).focus()
        elif self.kind == FAILED:
            self.action_start()
        else:
            self.query_one("#custom-amount", Input).focus()

    def _show_argument(self) -> None:
        name, amount = self.query_one("#custom-name", Select), self.query_one("#custom-amount", Input)
        label = self.query_one("#custom-argument-label", Label)
        needs_name, needs_amount = self.kind in (TAG, TOPIC), self.kind in MAX_AMOUNT
        name.display, amount.display = needs_name, needs_amount
        self.query_one("#custom-argument").display = needs_name or needs_amount
        if needs_name:
            label.update("Tag" if self.kind == TAG else "Topic")
            name.set_options(self._names())
        if needs_amount:
            label.update(AMOUNT_LABEL[self.kind])
            amount.value = str(DEFAULT_AMOUNT[self.kind])
        self._preview()

    def _names(self) -> list[tuple[Text, str]]:
        try:
            if self.kind == TAG:
                return [(literal(f"#{tag} ({n})"), tag) for tag, n in StudyQueries(self.app.store).tags()]
            return [(literal(topic), topic) for topic in self.app.store.topics()]
        except StoreError:
            return []

    @on(Select.Changed, "#custom-name")
    def _name_changed(self, event: Select.Changed) -> None:
        self._preview()
        if not event.select.is_blank():
            self.query_one("#custom-start", Button).focus()

    @on(Input.Changed, "#custom-amount")
    def _amount_changed(self) -> None:
        self._preview()

    @on(Input.Submitted, "#custom-amount")
    def _amount_submitted(self) -> None:
        self.action_start()

    def study(self) -> CustomStudy:
        """The choice as it stands; ValueError says what is missing or out of range."""
        select = self.query_one("#custom-name", Select)
        raw = self.query_one("#custom-amount", Input).value.strip()
        if self.kind in MAX_AMOUNT:
            try:
                amount = int(raw)
            except ValueError:
                raise ValueError("type a whole number") from None
            return CustomStudy(self.kind, amount=amount)
        if self.kind in (TAG, TOPIC):
            return CustomStudy(self.kind, name="" if select.is_blank() else str(select.value))
        return CustomStudy(self.kind)

    def _preview(self) -> None:
        preview = self.query_one("#custom-preview", Static)
        try:
            study = self.study()
            count = len(card_ids(study, self.app.store, self.app.scheduler, self.app.clock()))
        except ValueError as exc:
            preview.update(Text(str(exc).capitalize() + ".", style="italic"))
            return
        except StoreError as exc:
            preview.update(literal(str(exc)))
            return
        if count:
            preview.update(literal(f"{count} card{'s' * (count != 1)}: {study.title}"))
        else:
            preview.update(Text(study.empty_message, style="italic"))

    # -- actions ---------------------------------------------------------------------------

    def action_start(self) -> None:
        try:
            study = self.study()
        except ValueError as exc:
            self.notify(str(exc).capitalize() + ".", title="Custom study", severity="warning")
            return
        self.dismiss(study)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#custom-start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#custom-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
