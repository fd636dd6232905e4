"""Markdown too long to draw at once, shown a page at a time.

Textual's Markdown widget made a widget per block: an answer of 1,000 bullets took 6 s to appear
and 10,000 over 30 s and a gigabyte; even as one Rich renderable such a text takes long to lay out.
Past `is_long`, a card's text is cut into pages of about `PAGE_LINES` lines, each drawn by a
`CardText` (one renderable, no widgets inside); the first page is shown at once and the next one
only when the reader scrolls near the end, so the time to show a card is bounded whatever its length.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Static

from quizapp.content.parser import FENCE_RE, LONG_CARD_CHARS, LONG_CARD_LINES
from quizapp.tui.widgets.card_text import CardText

PAGE_LINES = 80
PAGE_CHARS = 8_000
BLOCK_START = ("- ", "* ", "+ ", "#", "|", ">")


def is_long(source: str) -> bool:
    """Whether this text would take too long to draw in one piece."""
    return len(source) > LONG_CARD_CHARS or source.count("\n") >= LONG_CARD_LINES


def _short_lines(lines: list[str], limit: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        while len(line) > limit:  # only absurd text has such lines; cutting one is better than freezing
            out.append(line[:limit])
            line = line[limit:]
        out.append(line)
    return out


def split_pages(source: str, max_lines: int = PAGE_LINES, max_chars: int = PAGE_CHARS) -> list[str]:
    """Cut markdown into pages between blocks (a blank line, a bullet, a heading) once a page is full;
    never later than twice the size. A code block cut in two is closed and reopened."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    fence: tuple[str, str] | None = None  # (fence characters, opening line) while inside a code block
    for line in _short_lines(source.split("\n"), max_chars):
        full = len(current) >= max_lines or size >= max_chars
        boundary = fence is None and (not line.strip() or line.lstrip().startswith(BLOCK_START)
                                      or line[:1].isdigit())
        if current and full and (boundary or len(current) >= 2 * max_lines or size >= 2 * max_chars):
            if fence is not None:
                current.append(fence[0])
            pages.append("\n".join(current))
            current, size = ([fence[1]] if fence is not None else []), 0
        current.append(line)
        size += len(line) + 1
        match = FENCE_RE.match(line)
        stripped = line.strip()
        if fence is None and match:
            fence = (match.group(1), line)
        elif fence is not None and stripped and set(stripped) == {fence[0][0]} and len(stripped) >= len(fence[0]):
            fence = None
    if any(line.strip() for line in current):
        pages.append("\n".join(current))
    return pages


class PagedMarkdown(Vertical):
    """Long markdown as Rich-rendered pages, appended on demand (`more`)."""

    DEFAULT_CSS = """
    PagedMarkdown { height: auto; }
    PagedMarkdown > .paged-more { color: $text-muted; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pages: list[str] = []
        self.shown = 0
        self.source = ""

    def show(self, source: str) -> None:
        """Replace the text; only its first page is drawn now. The same text again changes nothing."""
        if source == self.source:
            return
        self.source = source
        self.pages = split_pages(source) if source else []
        self.shown = 0
        self.remove_children()
        if self.pages:
            self.mount(Static("", classes="paged-more"))
            self.more()

    @property
    def complete(self) -> bool:
        return self.shown >= len(self.pages)

    def more(self) -> bool:
        """Draw the next page; False when every page is on screen already."""
        if self.complete:
            return False
        hint = self.query_one(".paged-more", Static)
        self.mount(CardText(self.pages[self.shown], classes="paged-page"), before=hint)
        self.shown += 1
        left = sum(page.count("\n") + 1 for page in self.pages[self.shown:])
        hint.update(f"… {left} more lines: scroll down to read on" if left and not self.complete else "")
        hint.display = not self.complete
        return True
