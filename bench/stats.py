"""Statistics with 100,000 cards and 5,000,000 reviews: building the report (goal: under 1 s), and
opening its screen against opening the review screen (goal: at most 1.5x).

All in one run, on one database. The report is built directly, from scratch (the SQL aggregations
plus the FSRS maths) and from the cache of counts (recall alone recomputed). Then the screens are
opened in the TUI by key press (Pilot, 80x24), alternated: the time is from the key press until the
screen is mounted, filled and the app is idle again. The statistics screen is opened twice a round:
right after a write (a setting saved, so every count is collected again: the cold case, as when no
quiet moment has let the cache be refilled since the last rating) and again with nothing written
since (the counts reused, recall recomputed, the panels whose inputs did not change not redrawn).
A third open follows a write and a quiet pause, in which the app's thread worker refills the counts.
Each round: after a write and a pause, again with nothing written since, right after a write, then
the review screen. One unmeasured open first starts the app's keeper, as any first open does.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._data import cached_database  # noqa: E402
from quizapp.srs import Scheduler  # noqa: E402
from quizapp.srs.statistics import ReportCache, build_report  # noqa: E402
from quizapp.store import Store  # noqa: E402
from quizapp.timeutil import utcnow  # noqa: E402

CARDS, REVIEWS = 100_000, 5_000_000


def report_times(path: Path, runs: int) -> tuple[list[float], list[float]]:
    """(from scratch, from the cache) build times."""
    store = Store(path)
    scheduler = Scheduler()
    build_report(store, scheduler, utcnow())  # warm the page cache, as an open app would have
    cold, warm = [], []
    cache = ReportCache()
    for _ in range(runs):
        start = time.perf_counter()
        build_report(store, scheduler, utcnow())
        cold.append(time.perf_counter() - start)
        cache.report(store, scheduler, utcnow())
        cache.refill(path, cache.key(store, scheduler, utcnow()))  # as the app's worker does: the columns added
        start = time.perf_counter()
        cache.report(store, scheduler, utcnow())
        warm.append(time.perf_counter() - start)
    store.close()
    return cold, warm


async def screen_times(path: Path, runs: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """(statistics with the cache current, statistics right after a write, statistics after a write and a
    quiet pause, review) open times."""
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens.home import HomeScreen
    from quizapp.tui.screens.review import ReviewScreen
    from quizapp.tui.screens.stats import CacheKeeper, StatsScreen

    store = Store(path)
    app = QuizApp(store)
    stats, cold, refilled, review = [], [], [], []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("S")  # the first open of a session: counts built by the screen, the keeper started
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        for _ in range(runs):
            for times in (refilled, stats, cold):
                if times is not stats:
                    store.set_setting("bench_stats_write", str(time.time()))  # any write: counts collected again
                if times is refilled:  # quiet for two of the keeper's intervals and its worker's run
                    await asyncio.sleep(2 * CacheKeeper.INTERVAL + 0.2)
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                start = time.perf_counter()
                await pilot.press("S")
                await pilot.pause()
                times.append(time.perf_counter() - start)
                assert isinstance(app.screen, StatsScreen) and app.screen.report is not None
                await pilot.press("escape")
                await pilot.pause()
            start = time.perf_counter()
            await pilot.press("s")
            await pilot.pause()
            review.append(time.perf_counter() - start)
            assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None
            await pilot.press("escape")  # end the session (nothing rated) ...
            await pilot.pause()
            await pilot.press("enter")  # ... and back to the topics
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
    store.close()
    return stats, cold, refilled, review


def main(runs: int = 5) -> dict[str, float]:
    db = cached_database(CARDS, REVIEWS)
    report, cached = report_times(db, runs)
    stats, cold, refilled, review = asyncio.run(screen_times(db, runs))
    median = statistics.median
    result = {"report_s": median(report), "cached_report_s": median(cached), "stats_screen_s": median(stats),
              "stats_screen_after_write_s": median(cold), "stats_screen_after_pause_s": median(refilled),
              "review_screen_s": median(review),
              "ratio": median(s / r for s, r in zip(stats, review)),
              "ratio_after_write": median(c / r for c, r in zip(cold, review))}
    print(f"statistics at {CARDS:,} cards / {REVIEWS:,} reviews: report (SQL + FSRS maths) {result['report_s']:.3f}s, "
          f"from the cache (recall only) {result['cached_report_s'] * 1000:.1f} ms; open the Statistics screen "
          f"{result['stats_screen_s']:.3f}s ({result['stats_screen_after_write_s']:.3f}s right after a write, "
          f"{result['stats_screen_after_pause_s']:.3f}s after a write and a quiet pause) vs "
          f"open the review screen {result['review_screen_s']:.3f}s (ratio {result['ratio']:.1f}x; "
          f"{result['ratio_after_write']:.1f}x right after a write; medians of {runs}, alternated)")
    return result


if __name__ == "__main__":
    main()
