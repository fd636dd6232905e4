"""Deck and demo text as values Rich and Textual show literally: never read as markup, never as
terminal controls. A question like `What is a[/2]?` or a topic `[/bold] x` crashed screens that
passed it on as a markup string; these are the only ways such text reaches the screen."""

from __future__ import annotations

from rich.text import Text

from quizapp.content.sanitize import visible_controls


def literal(text: object, style: str = "") -> Text:
    """A Text of exactly these characters (controls made visible)."""
    return Text(visible_controls(str(text)), style=style)


def escaped(text: object) -> str:
    """For the few Textual APIs that take only a markup string (command palette titles).

    Only `[` needs escaping: Textual reads `\\[` as a literal bracket and leaves every other
    backslash alone (its own `escape` doubles backslashes that it then does not undouble).
    """
    return visible_controls(str(text)).replace("[", "\\[")


def shorten(text: object, width: int) -> str:
    """The first line of `text`, cut to `width` characters with an ellipsis when it is longer."""
    lines = str(text).strip().splitlines()
    first = lines[0].strip() if lines else ""
    if len(first) <= width and len(lines) <= 1:
        return first
    return first[: max(0, width - 1)].rstrip() + "…"
