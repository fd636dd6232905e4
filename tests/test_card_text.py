"""Card text on the review screen: markdown drawn as one renderable, literally, in the theme's colours,
and the next card's text and counts set by the rating key itself (nothing left for a later frame)."""

from __future__ import annotations

from pathlib import Path

from rich.color import Color
from textual.app import App, ComposeResult
from textual.geometry import Region

from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.widgets.card_text import CardText

SOURCE = """\
## What does `x[i][j]` mean?

The **core** answer, *with* [/bold] and [red]not red[/red] as typed.

Generic List<T> and a <b>tag</b> are text too.

<div>an HTML block</div>

- first point
- second point

1. one
2. two

```python
print("code")
```

| Name | Value |
|---|---|
| alpha | 0.1 |
"""


class OneCard(App):
    def compose(self) -> ComposeResult:
        yield CardText(id="text")


def drawn(widget) -> list[str]:
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


def colour_of(widget, text: str) -> Color | None:
    """The foreground colour of the first segment drawn with `text` in it."""
    for strip in widget.render_lines(Region(0, 0, *widget.outer_size)):
        for segment in strip:
            if text in segment.text and segment.style is not None:
                return segment.style.color
    raise AssertionError(f"{text!r} is not drawn")


async def test_markdown_blocks_are_drawn_and_deck_text_is_never_read_as_markup():
    app = OneCard()
    async with app.run_test(size=(60, 30)) as pilot:
        widget = app.query_one(CardText)
        widget.show(SOURCE)
        await pilot.pause()
        lines = drawn(widget)
        text = "\n".join(lines)
        assert lines[0].strip() == "What does x[i][j] mean?"  # the heading, without its ## marks
        assert "The core answer, with [/bold] and [red]not red[/red] as typed." in " ".join(text.split())
        assert "Generic List<T> and a <b>tag</b> are text too." in " ".join(text.split())
        assert "<div>an HTML block</div>" in text
        assert any(line.strip() == "• first point" for line in lines)
        assert any(line.strip() == "1 one" for line in lines) and any(line.strip() == "2 two" for line in lines)
        assert 'print("code")' in text and "```" not in text
        assert any("alpha" in line and "0.1" in line for line in lines) and "|---|" not in text
        assert "**" not in text and "##" not in text


async def test_the_heading_takes_the_theme_colour_and_follows_a_theme_change():
    app = OneCard()
    async with app.run_test(size=(60, 10)) as pilot:
        widget = app.query_one(CardText)
        widget.show("## The question")
        await pilot.pause()
        dark = colour_of(widget, "The question")
        assert dark.triplet == Color.parse(app.get_css_variables()["markdown-h2-color"]).triplet
        app.theme = "solarized-light"
        await pilot.pause()
        light = colour_of(widget, "The question")
        assert light.triplet == Color.parse(app.get_css_variables()["markdown-h2-color"]).triplet != dark.triplet


async def test_showing_the_same_text_again_leaves_the_widget_untouched_and_new_text_replaces_all_of_it():
    app = OneCard()
    async with app.run_test(size=(60, 10)) as pilot:
        widget = app.query_one(CardText)
        widget.show("## First\n\nold words")
        await pilot.pause()
        visual = widget.visual
        widget.show("## First\n\nold words")
        assert widget.visual is visual  # nothing to lay out or redraw
        widget.show("## Second")
        await pilot.pause()
        assert "Second" in "\n".join(drawn(widget)) and "old words" not in "\n".join(drawn(widget))
        widget.show("")
        await pilot.pause()
        assert not widget.display and widget.size.height == 0  # an empty answer takes no room


async def test_the_rating_key_itself_sets_the_next_card_and_its_counts(db_path: Path, deck_dir: Path):
    """Nothing is left for a later frame: when the key's handler returns, the next question and the
    session's counts are both in their widgets (the first frame drawn after the key shows them)."""
    store = Store(db_path)
    app = QuizApp(store, sync=sync_path(store, deck_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card["id"] == "tensor"
        screen.action_rate(3)  # what the key runs, with no pause after it
        assert "1/n" in screen.query_one("#question", CardText).source
        assert screen.query_one("#answer", CardText).source == ""
        assert str(screen.query_one("#progress-text").render()) == f"1 done · {screen.session.remaining()} left"
    store.close()
