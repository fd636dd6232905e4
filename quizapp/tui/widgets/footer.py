"""The footer every quizapp screen uses: Quit and Help come first, so a screen with many keys at
80 columns clips its own least important keys, never the two a new user looks for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST = ("quit", "help")  # app actions, in this order


class KeyFooter(Footer):
    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        first = [w for action in FIRST for w in widgets if isinstance(w, FooterKey) and w.action == action]
        yield from first + [w for w in widgets if not any(w is f for f in first)]
