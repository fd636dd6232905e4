"""Browser search: a key typed in the search box -> the results in the table.

Two figures, each against a baseline measured in the same run:

- the queries (FTS5 + filters + recall now): the first screenful a key fetches before the paint, and the
  rest of the listing (up to 1,000 rows and the full count) fetched after it, typed letter by letter, on the
  bundled deck and on 10,000 synthetic cards, against a plain `LIKE '%word%'` scan of the same cards
  (what a search without the index costs);
- the whole path in the TUI on the bundled deck (Pilot key press until the table holds the new rows,
  the 10 ms debounce included), against the same key press with the search switched off (Pilot's own
  cost of delivering a key).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._data import write_deck  # noqa: E402
from quizapp.paths import bundled_content_dir  # noqa: E402
from quizapp.srs import Scheduler  # noqa: E402
from quizapp.srs.browse import browse, listing, parse_search  # noqa: E402
from quizapp.store import Store  # noqa: E402
from quizapp.sync import sync_path  # noqa: E402
from quizapp.timeutil import utcnow  # noqa: E402
from quizapp.tui.screens.browser import FIRST_ROWS, MAX_ROWS  # noqa: E402

TYPED = "gradient descent"  # typed in the TUI, and searched in the bundled deck
TYPED_10K = "compute layer 4217"  # every synthetic card says "compute" and "layer"; one is 4217


def prefixes(text: str) -> list[str]:
    return [text[:i] for i in range(1, len(text) + 1) if not text[:i].endswith(" ")]


def query_times(store: Store, typed: str, rounds: int = 5) -> dict[str, list[float] | int]:
    """Per prefix typed, alternating: what a key runs before the paint (the first screenful, FIRST_ROWS + 1
    rows), what runs after it (the listing up to MAX_ROWS with its count), and the LIKE scan baseline."""
    scheduler = Scheduler()
    out: dict[str, list[float] | int] = {"key": [], "rest": [], "scan": [], "rows": 0}
    for _ in range(rounds):
        for text in prefixes(typed):
            query = parse_search(text).filter
            start = time.perf_counter()
            browse(store, scheduler, query, utcnow(), limit=FIRST_ROWS + 1)
            out["key"].append(time.perf_counter() - start)
            start = time.perf_counter()
            out["rows"] = listing(store, scheduler, query, utcnow(), MAX_ROWS).total
            out["rest"].append(time.perf_counter() - start)
            words = text.split()
            start = time.perf_counter()
            store.conn.execute(
                "SELECT c.id FROM cards c JOIN schedule s ON s.card_id = c.id WHERE c.retired = 0 AND "
                + " AND ".join("(c.question LIKE ? OR c.answer LIKE ? OR c.tags LIKE ?)" for _ in words),
                [f"%{w}%" for w in words for _ in range(3)]).fetchall()
            out["scan"].append(time.perf_counter() - start)
    return out


async def tui_times(store: Store, search: bool) -> list[float]:
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens import browser

    shown: list[float] = []
    original = browser.BrowserScreen._show

    def timed_show(self, *args, **kwargs):
        original(self, *args, **kwargs)
        shown.append(time.perf_counter())

    browser.BrowserScreen._show = timed_show  # instrument only: the real method runs unchanged
    if not search:
        browser.BrowserScreen.on_input_changed = lambda self, event: shown.append(time.perf_counter())
    try:
        app = QuizApp(store, sync=sync_path(store, bundled_content_dir()), watch_seconds=3600)
        times = []
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("b")
            await pilot.pause(0.2)
            for _ in range(3):
                await pilot.press("ctrl+u")
                await pilot.pause(0.1)
                for char in TYPED:
                    seen = len(shown)
                    start = time.perf_counter()
                    await pilot.press("space" if char == " " else char)
                    while len(shown) == seen:
                        await pilot.pause(0.001)
                    times.append(shown[-1] - start)
                    await pilot.pause(0.03)
    finally:
        browser.BrowserScreen._show = original
        if not search:
            del browser.BrowserScreen.on_input_changed  # back to the class's own handler
    return times


def main() -> dict[str, float]:
    from quizapp.tui.screens.browser import BrowserScreen

    handler = BrowserScreen.on_input_changed
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        decks = (("bundled", bundled_content_dir(), TYPED), ("10k", write_deck(tmp / "deck10k", 10_000), TYPED_10K))
        for name, deck, typed in decks:
            store = Store(tmp / f"{name}.db")
            sync_path(store, deck)
            start = time.perf_counter()  # the new cards' index rows: the app's worker writes them after start
            store.index_pending()
            print(f"{name}: the sync's new cards indexed in {(time.perf_counter() - start) * 1000:.1f} ms")
            t = query_times(store, typed)
            k, r, s = (statistics.median(t[key]) for key in ("key", "rest", "scan"))
            print(f"{name}, typing {typed!r} ({t['rows']} cards match it all): per key, before the paint "
                  f"{k * 1000:.2f} ms (worst {max(t['key']) * 1000:.1f}), after it (up to {MAX_ROWS} rows + count) "
                  f"{r * 1000:.2f} ms; LIKE scan baseline {s * 1000:.2f} ms (key path {k / s:.2f}x)")
            out[f"{name}_key_ms"], out[f"{name}_rest_ms"], out[f"{name}_like_ms"] = k * 1000, r * 1000, s * 1000
            store.close()
        store = Store(tmp / "tui.db")
        keyed = asyncio.run(tui_times(store, search=True))
        bare = asyncio.run(tui_times(store, search=False))
        BrowserScreen.on_input_changed = handler
        k, b = statistics.median(keyed), statistics.median(bare)
        print(f"TUI, bundled deck: key -> results in the table {k * 1000:.1f} ms median, worst {max(keyed) * 1000:.1f}"
              f" ms (10 ms debounce included) vs key delivered, no search {b * 1000:.1f} ms")
        out["tui_ms"], out["tui_bare_ms"] = k * 1000, b * 1000
        store.close()
    return out


if __name__ == "__main__":
    main()
