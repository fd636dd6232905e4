"""From a rating key to its committed review, and to the next card shown with the app idle.

Measured in the same run: the store+scheduler call (`Session.rate`, one transaction with fsync)
against a bare one-row SQLite insert+commit with the same durability settings (the floor); the
whole path in the TUI (Pilot key press until the review is in the database); and key press until
the next card is on screen, its counts updated and the app idle, at 10,000 cards / 100,000
reviews and at 100,000 cards / 5,000,000 reviews (goal: at most 30 ms there, and at most 1.5x
the 10k figure).
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from quizapp.paths import bundled_content_dir  # noqa: E402
from quizapp.srs import GOOD, Scheduler, Session  # noqa: E402
from quizapp.store import Store  # noqa: E402
from quizapp.sync import sync_path  # noqa: E402


def paired_rates(tmp: Path, n: int) -> tuple[list[float], list[float]]:
    """Alternate one Session.rate and one bare insert+commit, so disk noise hits both alike."""
    conn = sqlite3.connect(tmp / "bare.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, card TEXT, rating INT, at TEXT, state TEXT)")
    store = Store(tmp / "s.db")
    sync_path(store, bundled_content_dir())
    session = Session(store, Scheduler())
    rate_times, bare_times = [], []
    for _ in range(n):
        card = session.next_card()
        start = time.perf_counter()
        session.rate(card, GOOD, 1000)
        rate_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        with conn:
            conn.execute("INSERT INTO t (card, rating, at, state) VALUES (?, ?, ?, ?)", ("c", 3, "now", "{}" * 50))
        bare_times.append(time.perf_counter() - start)
    store.close()
    conn.close()
    return rate_times, bare_times


async def tui_rates(path: Path, n: int) -> list[float]:
    """Pilot presses '3'; the clock stops when the review's transaction has committed."""
    from quizapp.tui.app import QuizApp

    store = Store(path)
    committed: list[float] = []
    record = store.record_review

    def timed_record(*args, **kwargs):
        review_id = record(*args, **kwargs)
        committed.append(time.perf_counter())
        return review_id

    store.record_review = timed_record  # instrument only: the real method runs unchanged
    app = QuizApp(store, sync=sync_path(store, bundled_content_dir()))
    times = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        for _ in range(n):
            await pilot.press("space")
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("3")
            times.append(committed[-1] - start)
            await pilot.pause()
    store.close()
    return times


async def tui_next_card(path: Path, n: int) -> list[float]:
    """Pilot presses '3' on a revealed card; the clock stops once the next card is shown and every
    message (the count update included) has been handled."""
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens.review import ReviewScreen

    store = Store(path)
    app = QuizApp(store, start_now=True)
    times = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for _ in range(n):
            await pilot.press("space")
            await pilot.pause()
            shown = screen.card["id"]
            start = time.perf_counter()
            await pilot.press("3")
            await pilot.pause()
            times.append(time.perf_counter() - start)
            assert screen.card is not None and screen.card["id"] != shown
    store.close()
    return times


def next_card_at_scale(n: int = 30) -> dict[str, float]:
    from bench._data import cached_database

    small = cached_database(10_000, 100_000)
    large = cached_database(100_000, 5_000_000)
    asyncio.run(tui_next_card(small, 3))  # warm-up
    small_ms = statistics.median(asyncio.run(tui_next_card(small, n))) * 1000
    large_ms = statistics.median(asyncio.run(tui_next_card(large, n))) * 1000
    small_again = statistics.median(asyncio.run(tui_next_card(small, n))) * 1000  # before and after the large run
    base = (small_ms + small_again) / 2
    print(f"rating key -> next card shown, app idle: 10k cards/100k reviews {base:.1f}ms, "
          f"100k cards/5M reviews {large_ms:.1f}ms ({large_ms / base:.2f}x; medians of {n})")
    return {"small_ms": base, "large_ms": large_ms, "ratio": large_ms / base}


def main(n: int = 40) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rates, bares = paired_rates(tmp, n)
        rate, bare = statistics.median(rates), statistics.median(bares)
        ratio = statistics.median(r / b for r, b in zip(rates, bares))
        tui = statistics.median(asyncio.run(tui_rates(tmp / "t.db", n)))
    print(f"rating -> committed review: Session.rate {rate * 1000:.2f}ms, bare insert+commit {bare * 1000:.2f}ms "
          f"(pairwise ratio {ratio:.2f}x); key press in the TUI -> committed {tui * 1000:.1f}ms (median of {n})")
    return {"session_ms": rate * 1000, "bare_ms": bare * 1000, "ratio": ratio, "tui_ms": tui * 1000}


if __name__ == "__main__":
    main()
    next_card_at_scale()
