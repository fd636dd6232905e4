"""The footer every quizapp screen uses: Quit and Help come first, so a screen with many keys at
80 columns clips its own least important keys, never the two a new user looks for.

Textual's Footer rebuilds all its key widgets whenever a screen refreshes its bindings, and the
review screen does that on every card (`d` shows only on cards with a demo); rebuilding ten widgets
and restyling them cost ~10 ms of the path from a rating key to the next card. This footer rebuilds
only when the keys it would show have changed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST = ("quit", "help")  # app actions, in this order


class KeyFooter(Footer):
    _shown: tuple | None = None

    def compose(self) -> ComposeResult:
        if self.is_attached and not self._bindings_ready:
            self.set_reactive(Footer._bindings_ready, True)  # the keys in the first pass, not in a second
        self._shown = self._keys_to_show()
        widgets = list(super().compose())
        first = [w for action in FIRST for w in widgets if isinstance(w, FooterKey) and w.action == action]
        yield from first + [w for w in widgets if not any(w is f for f in first)]

    def _keys_to_show(self) -> tuple | None:
        """Everything Footer.compose draws from, as a value to compare (None before bindings are ready)."""
        if not self._bindings_ready or not self.is_attached:
            return None
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        return (palette, self.compact, tuple(
            (key, self.app.get_key_display(binding), binding.description, binding.action, binding.group,
             binding.tooltip, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or (palette and key == self.app.COMMAND_PALETTE_BINDING)))

    def bindings_changed(self, screen: Screen) -> None:
        if self._bindings_ready and self.is_attached and screen is self.screen and self._shown is not None \
                and self._keys_to_show() == self._shown:
            return  # the same keys, enabled alike: nothing to redraw
        super().bindings_changed(screen)
