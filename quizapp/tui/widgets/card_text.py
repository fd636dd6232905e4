"""A card's question or answer: markdown drawn by Rich inside one Static, styled from the app theme.

Textual's Markdown widget parses in a worker thread and then removes and mounts one widget per
block, so a new card appeared ~40 ms after the rating key (and after two extra frames). Rich's
Markdown turns the same text into a single renderable synchronously: the next card is on screen in
the frame right after the key. Colours and text styles come from the theme's `markdown-*` variables
through component classes, so headings look as in Textual's widget and follow a theme change.

Deck text is never read as Rich markup here: Rich's Markdown builds `Text` from markdown tokens,
so `[/bold]` is shown as typed.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.theme import Theme
from textual.widgets import Static

# component class -> the Rich Markdown style it sets
STYLES = {
    "card-text--h1": "markdown.h1",
    "card-text--h2": "markdown.h2",
    "card-text--h3": "markdown.h3",
    "card-text--h4": "markdown.h4",
    "card-text--h5": "markdown.h5",
    "card-text--h6": "markdown.h6",
    "card-text--code": "markdown.code",
    "card-text--code-block": "markdown.code_block",
    "card-text--bullet": "markdown.item.bullet",
    "card-text--number": "markdown.item.number",
    "card-text--link": "markdown.link",
    "card-text--link-url": "markdown.link_url",
    "card-text--quote": "markdown.block_quote",
    "card-text--table-border": "markdown.table.border",
    "card-text--table-header": "markdown.table.header",
}


@cache
def _themed_markdown() -> type:
    """Rich's Markdown, drawn with its widget's theme pushed on the console for exactly its own
    rendering (imported on first use: markdown-it costs start-up time)."""
    from markdown_it import MarkdownIt
    from rich.markdown import Markdown
    from rich.segment import Segment

    # Rich's own parser settings, with HTML off: a tag such as `List<T>` or `<b>` is deck text to
    # show as typed, not markup to drop
    parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")

    class ThemedMarkdown(Markdown):
        def __init__(self, source: str, widget: CardText) -> None:
            super().__init__("", hyperlinks=False)
            self.markup, self.parsed = source, parser.parse(source)
            self.widget = widget
            self._drawn: dict[tuple, list[Segment]] = {}

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            """Textual measures the height and then draws, at each width it tries: the segments
            are made once per width (and theme) and reused."""
            theme, self.code_theme = self.widget.markdown_theme()
            key = (options.max_width, id(theme), self.code_theme, options.ascii_only, options.justify,
                   options.overflow, options.no_wrap)
            segments = self._drawn.get(key)
            if segments is None:
                segments = []
                console.push_theme(theme)
                try:
                    for output in super().__rich_console__(console, options):
                        segments.extend([output] if isinstance(output, Segment) else console.render(output, options))
                finally:
                    console.pop_theme()
                if len(self._drawn) >= 4:
                    self._drawn.clear()
                self._drawn[key] = segments
            yield from segments

    return ThemedMarkdown


class CardText(Static):
    """Markdown source shown as one Rich renderable; `show` with the same text again does nothing."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(STYLES)

    DEFAULT_CSS = """
    CardText {
        height: auto;
        padding: 0 2;
        & > .card-text--h1 { color: $markdown-h1-color; text-style: $markdown-h1-text-style; }
        & > .card-text--h2 { color: $markdown-h2-color; text-style: $markdown-h2-text-style; }
        & > .card-text--h3 { color: $markdown-h3-color; text-style: $markdown-h3-text-style; }
        & > .card-text--h4 { color: $markdown-h4-color; text-style: $markdown-h4-text-style; }
        & > .card-text--h5 { color: $markdown-h5-color; text-style: $markdown-h5-text-style; }
        & > .card-text--h6 { color: $markdown-h6-color; text-style: $markdown-h6-text-style; }
        & > .card-text--code { color: $text-warning 95%; background: $warning 10%; }
        & > .card-text--code-block { color: rgb(210,210,210); }
        & > .card-text--bullet { color: $text-primary; }
        & > .card-text--number { color: $text-primary; }
        & > .card-text--link { color: $text-accent; text-style: underline; }
        & > .card-text--link-url { color: $text-muted; }
        & > .card-text--quote { text-style: none; }
        & > .card-text--table-border { color: $primary; }
        & > .card-text--table-header { color: $text; text-style: bold; }
    }
    """

    def __init__(self, source: str = "", **kwargs) -> None:
        super().__init__(self._renderable(source), **kwargs)
        self.source = source
        self._theme: tuple[Theme, str] | None = None
        self.display = bool(source)

    def _renderable(self, source: str):
        return _themed_markdown()(source, self) if source else ""

    def show(self, source: str) -> None:
        """Show this markdown (an empty text takes no room); nothing happens (no layout, no repaint)
        when it is already shown."""
        if source != self.source:
            self.source = source
            self.display = bool(source)
            self.update(self._renderable(source))

    def markdown_theme(self) -> tuple[Theme, str]:
        """Rich styles for markdown elements from this widget's CSS, and a code theme; kept until
        the styles change."""
        if self._theme is None:
            theme = Theme({name: self.get_component_rich_style(component)
                           for component, name in STYLES.items()}, inherit=True)
            self._theme = theme, ("ansi_dark" if self.app.current_theme.dark else "ansi_light")
        return self._theme

    def notify_style_update(self) -> None:
        """The theme (or the CSS) changed: the next drawing reads the colours afresh."""
        super().notify_style_update()
        self._theme = None
