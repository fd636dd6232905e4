"""From a rating key to its committed review, and to the next card shown with the app idle.

Measured in the same run: the store+scheduler call (`Session.rate`, one transaction with fsync)
against a bare one-row SQLite insert+commit with the same durability settings (the floor); the
whole path in the TUI (Pilot key press until the review is in the database); and key press until
the next card is on screen, its counts updated and the app idle, at 10,000 cards / 100,000
reviews and at 100,000 cards / 5,000,000 reviews (goal: at most 30 ms there, and at most 1.5x
the 10k figure), next to a bare Textual app that updates one Static on the same key (the floor).
"Shown" is the last frame drawn before the app is idle again; Pilot's own wait for idle, which
sleeps in 20 ms steps, is printed too but is ~80 ms for any app.
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


class FrameClock:
    """Instrument only: notes when each frame is composed for the terminal (`App._display`, which
    runs headless too), so a key press can be timed to the last frame it caused."""

    def __init__(self, app) -> None:
        self.last = 0.0
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            self.last = time.perf_counter()

        app._display = timed_display


async def press_timed(app, pilot, frames: FrameClock, key: str) -> tuple[float, float]:
    """Press `key` and wait until the app is idle (Pilot's press + pause). Returns (key -> last frame
    drawn, key -> Pilot saw the app idle). The second includes Pilot's idle detection, which sleeps
    in 20 ms steps until a step passes with no work: it is a floor of ~80 ms for any app, so the first
    is the latency a user sees, and the second only proves that nothing else was still running."""
    frames.last = 0.0
    start = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    end = time.perf_counter()
    if frames.last < start:
        raise AssertionError(f"pressing {key!r} drew no frame")
    return frames.last - start, end - start


async def tui_next_card(path: Path, n: int) -> tuple[list[float], list[float]]:
    """Pilot presses '3' on a revealed card; the clock stops at the last frame drawn before the app
    is idle again: the next card shown with its counts updated."""
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens.review import ReviewScreen

    store = Store(path)
    app = QuizApp(store, start_now=True)
    frames = FrameClock(app)
    shown_times, idle_times = [], []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for _ in range(n):
            await pilot.press("space")
            await pilot.pause()
            shown = screen.card["id"]
            drawn, idle = await press_timed(app, pilot, frames, "3")
            shown_times.append(drawn)
            idle_times.append(idle)
            assert screen.card is not None and screen.card["id"] != shown
            left = str(screen.query_one("#progress-text").render())
            assert left.startswith(f"{screen.done} done"), left  # the counts were in that frame too
    store.close()
    return shown_times, idle_times


async def bare_next(n: int) -> tuple[list[float], list[float]]:
    """The floor: a bare Textual app whose '3' binding updates one Static, pressed and timed alike."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App):
        BINDINGS = [("3", "next", "Next")]
        count = 0

        def compose(self) -> ComposeResult:
            yield Static("card 0", id="card")

        def action_next(self) -> None:
            self.count += 1
            self.query_one("#card", Static).update(f"card {self.count}")

    app = Bare()
    frames = FrameClock(app)
    shown_times, idle_times = [], []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(n):
            drawn, idle = await press_timed(app, pilot, frames, "3")
            shown_times.append(drawn)
            idle_times.append(idle)
    return shown_times, idle_times


def next_card_at_scale(n: int = 30) -> dict[str, float]:
    from bench._data import cached_database

    def medians(times: tuple[list[float], list[float]]) -> tuple[float, float]:
        return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000

    small = cached_database(10_000, 100_000)
    large = cached_database(100_000, 5_000_000)
    asyncio.run(tui_next_card(small, 3))  # warm-up
    bare = medians(asyncio.run(bare_next(n)))
    small_first = medians(asyncio.run(tui_next_card(small, n)))
    large_ms, large_idle = medians(asyncio.run(tui_next_card(large, n)))
    small_again = medians(asyncio.run(tui_next_card(small, n)))  # before and after the large run
    base, base_idle = (small_first[0] + small_again[0]) / 2, (small_first[1] + small_again[1]) / 2
    print(f"rating key -> next card drawn (counts included), app idle after: 10k cards/100k reviews {base:.1f}ms, "
          f"100k cards/5M reviews {large_ms:.1f}ms ({large_ms / base:.2f}x); bare Textual app updating one "
          f"Static {bare[0]:.1f}ms (medians of {n})")
    print(f"  the same presses until Pilot sees the app idle (20 ms sleeps, floor = bare app): 10k {base_idle:.1f}ms, "
          f"100k/5M {large_idle:.1f}ms, bare {bare[1]:.1f}ms")
    return {"small_ms": base, "large_ms": large_ms, "ratio": large_ms / base, "bare_ms": bare[0],
            "small_idle_ms": base_idle, "large_idle_ms": large_idle, "bare_idle_ms": bare[1]}


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
