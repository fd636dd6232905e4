"""The browser's filter menu (`f`): the search box's filters as menus and tick boxes, for the mouse.

It writes its choices back into the search box as text (`topic:"Deep learning" is:due`),
so the box stays the one place a search lives and can be edited by hand.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Select, Static

from quizapp.srs.browse import FLAG_NAMES
from quizapp.store.browse import ANY_FLAG, STATUSES, CardFilter

FLAG_CHOICES = [(name, number) for number, name in FLAG_NAMES.items()] + [("any flag", ANY_FLAG), ("no flag", 0)]
TICKS = (("due", "Due today", "due_today"), ("leech", "Leech", "leech_lapses"),
         ("demo", "Has a demo", "has_demo"), ("unseen", "Never seen", "never_seen"))


def _quoted(value: str) -> str:
    return f'"{value}"' if any(ch.isspace() for ch in value) else value


def search_text(words: str, topic: str | None, tag: str | None, state: str | None, flag: int | None,
                ticks: set[str]) -> str:
    """The search box text for these choices."""
    parts = [words.strip()] if words.strip() else []
    if topic:
        parts.append(f"topic:{_quoted(topic)}")
    if tag:
        parts.append(f"tag:{_quoted(tag)}")
    if state:
        parts.append(f"is:{state}")
    if flag is not None:
        parts.append("flag:" + {ANY_FLAG: "any", 0: "none"}.get(flag, FLAG_NAMES.get(flag, "")))
    tokens = {"due": "is:due", "leech": "is:leech", "demo": "has:demo", "unseen": "is:unseen"}
    parts += [tokens[key] for key, _, _ in TICKS if key in ticks]
    return " ".join(parts)


class FilterScreen(ModalScreen[str | None]):
    """Returns the new search text, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: CardFilter, topics: list[str], tags: list[str]) -> None:
        super().__init__()
        self.current = current
        self.topics = topics
        self.tags = tags

    def compose(self) -> ComposeResult:
        f = self.current
        with Vertical(id="filters"):
            yield Static("Filters (written into the search box)", id="filters-title")
            with Horizontal(classes="filter-row"):
                yield Select([(t, t) for t in self.topics], prompt="Any topic", id="filter-topic",
                             value=f.topic if f.topic in self.topics else Select.NULL)
                yield Select([(f"#{t}", t) for t in self.tags], prompt="Any tag", id="filter-tag",
                             value=f.tag if f.tag in self.tags else Select.NULL)
            with Horizontal(classes="filter-row"):
                yield Select([(s, s) for s in STATUSES], prompt="Any state", id="filter-state",
                             value=f.state if f.state in STATUSES else Select.NULL)
                yield Select(FLAG_CHOICES, prompt="Flag or not", id="filter-flag",
                             value=f.flag if f.flag is not None else Select.NULL)
            for row in (TICKS[:2], TICKS[2:]):
                with Horizontal(classes="filter-row"):
                    for key, label, field in row:
                        value = getattr(f, field)
                        yield Checkbox(label, value=bool(value), id=f"filter-{key}")
            with Horizontal(classes="filter-row", id="filter-buttons"):
                yield Button("Apply", variant="primary", id="filter-apply")
                yield Button("Clear filters", id="filter-clear")
                yield Button("Cancel", id="filter-cancel")

    def _value(self, name: str):
        value = self.query_one(f"#filter-{name}", Select).value
        return None if value is Select.NULL else value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "filter-cancel":
            self.dismiss(None)
        elif event.button.id == "filter-clear":
            self.dismiss(self.current.text)
        else:
            ticks = {key for key, _, _ in TICKS if self.query_one(f"#filter-{key}", Checkbox).value}
            self.dismiss(search_text(self.current.text, self._value("topic"), self._value("tag"),
                                     self._value("state"), self._value("flag"), ticks))

    def action_cancel(self) -> None:
        self.dismiss(None)
