"""A panel drawn once by Rich into lines, then only painted: no measuring pass, no re-rendering.

A `Static` holding a Rich table is rendered by Textual once to learn its height and again to
draw it, for every panel of a long scrolling page, whether on screen or not. This widget is
given its renderable and a width, renders it once into strips, and reports their number as its
height: layout is then free, and painting copies the visible lines.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget


class Prerendered(Widget):
    DEFAULT_CSS = """
    Prerendered { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._strips: list[Strip] = []
        self._styled: dict[int, Strip] = {}  # lines as painted, for `_styled_for`
        self._styled_for: tuple = ()

    def show(self, renderable: RenderableType, width: int) -> list[Strip]:
        """Render `renderable` `width` cells wide (deck text must already be literal `Text`); the lines
        are returned, for a caller that can show the same thing again later (`set_strips`)."""
        console = self.app.console
        lines = console.render_lines(renderable, console.options.update(width=width, height=None), pad=False)
        self.set_strips([Strip(Segment.simplify(line)) for line in lines])
        return self._strips

    def set_strips(self, strips: list[Strip]) -> None:
        self._strips = strips
        self._styled = {}
        self.refresh(layout=True)

    @property
    def plain(self) -> str:
        """The text shown, without styles (tests read it)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips)

    def get_content_width(self, container, viewport) -> int:
        return max((strip.cell_length for strip in self._strips), default=0)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._strips)

    def render_line(self, y: int) -> Strip:
        """The line over the widget's own colours and background (the Rich lines carry none of their own
        where the panel has no style: they would show the terminal's default background)."""
        style, width = self.rich_style, self.size.width
        if self._styled_for != (style, width):
            self._styled, self._styled_for = {}, (style, width)
        line = self._styled.get(y)
        if line is None:
            strip = self._strips[y] if y < len(self._strips) else Strip.blank(0)
            line = self._styled[y] = strip.crop_extend(0, width, style).apply_style(style)
        return line
