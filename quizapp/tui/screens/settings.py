"""Settings: desired retention, daily limits, learning steps and the hour a study day starts.

A valid value is saved the moment it is typed and the app's scheduler rebuilt, so the next card
and every count use it; beside each field a line shows its effect computed with the real
scheduler (an interval, today's counts). Values changed by `quizapp config` meanwhile are read
again on `r` and whenever this screen is shown.

The "Scheduler" section is the place for scheduler tools (#settings-scheduler); its button opens
the Scheduler screen (optimize, scores, retention against workload).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Static

from quizapp.srs import GOOD, Scheduler, Session, Settings, interval_label
from quizapp.srs.scheduler import ADJUSTABLE, AGAIN, format_setting, parse_setting
from quizapp.store import StoreError
from quizapp.timeutil import study_day_end, study_day_start, to_iso
from quizapp.tui.widgets.footer import KeyFooter

FIELDS = {  # key: (label, what it means)
    "desired_retention": ("Desired retention", "recall you aim for when a card comes back"),
    "new_per_day": ("New cards a day", "new cards introduced each study day"),
    "reviews_per_day": ("Reviews a day", "most review cards shown each study day"),
    "learning_steps_min": ("Learning steps", "minutes between a new card's first showings"),
    "rollover_hour": ("Day starts at", "local hour (0-23) a new study day begins"),
}
assert set(FIELDS) <= set(ADJUSTABLE)


class SettingsScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("ctrl+r", "reload", "Reload", show=False),
        Binding("down", "app.focus_next", "Next", show=False),
        Binding("up", "app.focus_previous", "Previous", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-body"):
            with Vertical(id="settings-scheduler"):
                yield Static(Text("Scheduler", style="bold"), classes="settings-heading")
                for key, (label, _) in FIELDS.items():
                    with Horizontal(classes="settings-row"):
                        yield Label(label, classes="settings-label")
                        yield Input(id=f"set-{key}", compact=True, classes="settings-input", select_on_focus=False)
                        yield Static("", id=f"effect-{key}", classes="settings-effect")
                with Horizontal(classes="settings-row"):
                    yield Button("Fit FSRS to my reviews…", id="settings-optimize", compact=True)
                    yield Static("the Scheduler screen: optimize, compare, revert", classes="settings-effect")
            yield Static("", id="settings-note")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Settings"
        self.action_reload()
        self.query_one(f"#set-{next(iter(FIELDS))}", Input).focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.action_reload()

    def action_reload(self) -> None:
        """Show the stored values (`quizapp config` may have changed them)."""
        settings = self.app.reload_settings()
        for key in FIELDS:
            field = self.query_one(f"#set-{key}", Input)
            text = format_setting(key, getattr(settings, key))
            if field.value != text:
                with field.prevent(Input.Changed):
                    field.value = text
        self.show_effects()
        self.query_one("#settings-note", Static).update(Text(
            "Each value is saved as you type it and used at once (also by `quizapp config`). "
            "Esc goes back.", style="dim"))

    @on(Input.Changed, ".settings-input")
    def _changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("set-")
        effect = self.query_one(f"#effect-{key}", Static)
        try:
            value = parse_setting(key, event.value)
        except ValueError as exc:
            effect.update(Text(str(exc).replace(key, "it", 1), style="bold red"))
            return
        try:
            self.app.store.set_setting(key, format_setting(key, value))
        except StoreError as exc:
            effect.update(Text(str(exc), style="bold red"))
            return
        self.app.reload_settings()
        self.show_effects()

    def show_effects(self) -> None:
        """Every field's effect line, from the settings now in use."""
        now = self.app.clock()
        scheduler: Scheduler = self.app.scheduler
        for key in FIELDS:
            try:
                text = effect_of(key, scheduler, self.app.store, now)
            except StoreError as exc:
                text = str(exc)
            self.query_one(f"#effect-{key}", Static).update(Text(text))

    def action_close(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#settings-optimize")
    def _optimize(self) -> None:
        self.app.action_scheduler()


def effect_of(key: str, scheduler: Scheduler, store: Any, now: datetime) -> str:
    """One line saying what the current value of `key` does, computed, not described."""
    settings: Settings = scheduler.settings
    if key == "desired_retention":
        # a review card last seen 10 days ago at stability 10 days, rated Good today
        state = {"state": 2, "step": None, "stability": 10.0, "difficulty": 5.0, "due": to_iso(now),
                 "last_review": to_iso(now - timedelta(days=10)), "reps": 5, "lapses": 0}
        after = Scheduler(replace(settings, fuzz=False)).review("x", state, GOOD, now)
        return f"Good on a 10-day card: next in {interval_label(now, after['due'])}"
    if key in ("new_per_day", "reviews_per_day"):
        session = Session(store, scheduler)
        new_left, reviews_left = session.limits_left(now)
        studied = store.studied_since(to_iso(session.day_start(now)))
        counts = store.topic_counts(to_iso(now), to_iso(session.day_end(now)))
        if key == "new_per_day":
            waiting = sum(r["new"] for r in counts)
            return f"today: {min(new_left, waiting)} new to study, {studied['new']} done"
        due = sum(r["due"] for r in counts)
        return f"today: {min(reviews_left, due)} of {due} due to study, {studied['review']} done"
    if key == "learning_steps_min":
        previews = scheduler.preview("x", scheduler.new_state(now), now)
        return (f"new card: Again {interval_label(now, previews[AGAIN]['due'])} · "
                f"Good {interval_label(now, previews[GOOD]['due'])}")
    if key == "rollover_hour":
        start = study_day_start(now, settings.rollover_hour).astimezone()
        end = study_day_end(now, settings.rollover_hour).astimezone()
        return f"today runs {start:%a %H:%M} to {end:%a %H:%M}"
    return ""
