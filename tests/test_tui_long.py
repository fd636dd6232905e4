"""An absurdly long answer is shown a page at a time: a bounded amount drawn at once, all of it readable."""

from __future__ import annotations

from pathlib import Path

from quizapp.content.parser import FENCE_RE
from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from quizapp.tui.widgets.card_text import CardText
from quizapp.tui.widgets.paged_markdown import PAGE_LINES, PagedMarkdown, split_pages

N = 1000
BULLETS = "\n".join(f"- point {i} `x[{i}]`" for i in range(N))
DECK = f"""\
## Long?

```meta
id: long
```

### Answer

The core.

{BULLETS}

## Short?

```meta
id: short
```

### Answer

Yes.
"""


async def test_a_thousand_bullet_answer_draws_one_page_then_more_as_the_reader_scrolls(tmp_path: Path):
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "d.md").write_text(DECK, encoding="utf-8")
    store = Store(tmp_path / "q.db")
    app = QuizApp(store, sync=sync_path(store, deck), start_now=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        screen = app.screen
        assert screen.card["id"] == "long"
        paged = screen.query_one("#answer-long", PagedMarkdown)
        assert paged.display and not screen.query_one("#answer", CardText).display
        assert 1 <= paged.shown <= 2 and len(paged.pages) >= N // (2 * PAGE_LINES)
        assert len(screen.query("*")) < 80  # not a widget per bullet
        for _ in range(len(paged.pages) + 5):  # End, again and again, reaches the last bullet
            await pilot.press("end")
            await pilot.pause()
        assert paged.complete and len(paged.query(".paged-page")) == len(paged.pages)
        assert "\n".join(paged.pages).count("- point") == N and f"- point {N - 1} " in paged.pages[-1]
        scroll = screen.query_one("#card-scroll")
        assert scroll.scroll_y == scroll.max_scroll_y > N  # every bullet is laid out, one row or more each
        await pilot.press("3")  # rating still works from the bottom of a long answer
        await pilot.pause()
        assert store.reviews_for("long")[0]["rating"] == 3
        await pilot.press("space")  # the next card is short: back in the ordinary widget
        await pilot.pause()
        assert screen.card["id"] == "short"
        assert screen.query_one("#answer", CardText).display and not paged.display


def test_pages_hold_the_whole_text_and_never_cut_a_code_block_open():
    code = "\n".join(f"line {i}" for i in range(500))
    source = "Intro.\n\n```python\n" + code + "\n```\n\n" + "\n".join(f"- b{i}" for i in range(300)) + "\n\nEnd."
    pages = split_pages(source)
    assert len(pages) > 5
    joined = "\n".join(pages)
    for i in range(500):
        assert f"line {i}\n" in joined + "\n"
    assert all(f"- b{i}\n" in joined + "\n" for i in range(300)) and pages[-1].endswith("End.")
    for page in pages:
        fences = [line for line in page.split("\n") if FENCE_RE.match(line)]
        assert len(fences) % 2 == 0, page[:200]  # each page's code blocks are closed
        assert page.count("\n") < 2 * PAGE_LINES + 2
