"""Statistics with 100,000 cards and 5,000,000 reviews: building the report (goal: under 1 s), and
opening its screen against opening the review screen (goal: at most 1.5x).

All in one run, on one database. The report is built directly, from scratch (the SQL aggregations
plus the FSRS maths; every open builds it so). Then the screens are opened in the TUI by key press
(Pilot, 80x24), alternated: the time is from the key press until the screen is mounted, filled and
the app is idle again. Each round opens the statistics right after a rating (a real review
recorded through Session.rate, as a learner rates cards and then opens Statistics: counts, the
forecast and the day's figures move, so those panels are drawn again), then again with nothing
written since (panels whose numbers did not move are not drawn again), then the review screen.
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
from quizapp.srs import GOOD, Scheduler, Session  # noqa: E402
from quizapp.srs.statistics import build_report  # noqa: E402
from quizapp.store import Store  # noqa: E402
from quizapp.timeutil import utcnow  # noqa: E402

CARDS, REVIEWS = 100_000, 5_000_000


def report_times(path: Path, runs: int) -> list[float]:
    """Build times of the report from scratch."""
    store = Store(path)
    scheduler = Scheduler()
    build_report(store, scheduler, utcnow())  # warm the page cache, as an open app would have
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build_report(store, scheduler, utcnow())
        times.append(time.perf_counter() - start)
    store.close()
    return times


async def screen_times(path: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    """(statistics with nothing written since the last open, statistics right after a rating, review)
    open times."""
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens.home import HomeScreen
    from quizapp.tui.screens.review import ReviewScreen
    from quizapp.tui.screens.stats import StatsScreen

    store = Store(path)
    app = QuizApp(store)
    session = Session(store, Scheduler())
    stats, rated, review = [], [], []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("S")  # the first open of a session draws every panel
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        for _ in range(runs):
            for times in (rated, stats):
                if times is rated:
                    card = session.next_card()
                    session.rate(card, GOOD, 3000)  # a real review: counts, forecast and today move
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
    return stats, rated, review


def main(runs: int = 5) -> dict[str, float]:
    db = cached_database(CARDS, REVIEWS)
    report = report_times(db, runs)
    stats, rated, review = asyncio.run(screen_times(db, runs))
    median = statistics.median
    result = {"report_s": median(report), "stats_screen_s": median(stats),
              "stats_screen_after_rating_s": median(rated), "review_screen_s": median(review),
              "ratio": median(s / r for s, r in zip(stats, review)),
              "ratio_after_rating": median(c / r for c, r in zip(rated, review))}
    print(f"statistics at {CARDS:,} cards / {REVIEWS:,} reviews: report (SQL + FSRS maths) {result['report_s']:.3f}s; "
          f"open the Statistics screen right after a rating {result['stats_screen_after_rating_s']:.3f}s, "
          f"again with nothing written since {result['stats_screen_s']:.3f}s, vs open the review screen "
          f"{result['review_screen_s']:.3f}s (ratios {result['ratio_after_rating']:.2f}x after a rating, "
          f"{result['ratio']:.2f}x; medians of {runs}, alternated)")
    return result


if __name__ == "__main__":
    main()
