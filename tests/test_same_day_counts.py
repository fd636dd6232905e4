"""The same-day retention counts: what a migration fills in matches the log, and triggers keep them
through inserts, updates and deletes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp.content import Card
from quizapp.srs import Scheduler, Session, Settings
from quizapp.store import Store
from quizapp.store.schema import MIGRATIONS, SAME_DAY
from quizapp.store.stats_queries import StatsQueries
from tests.test_card_counts import UNDO_MIGRATION as UNDO_CARD_COUNTS
from tests.test_card_counts import study as random_study
from quizapp.timeutil import study_day_start, to_iso

UTC = timezone.utc


def deck(n: int = 24) -> list[Card]:
    return [Card(id=f"c{i}", question="Q?", answer="A.", topic=f"T{i % 3}", tags=(f"t{i % 2}",), path="d.md", line=i)
            for i in range(n)]


def study(store: Store, clock, ratings: int, seed: int) -> Session:
    return random_study(store, clock, ratings, seed, idle_hours=40, gap_minutes=900)


def test_the_migration_counts_same_day_reviews_already_in_the_log(tmp_path: Path, clock):
    path = tmp_path / "m.db"
    store = Store(path)
    store.sync(deck(12), "d", to_iso(clock.now))
    rng = random.Random(4)
    session = Session(store, Scheduler(Settings(new_per_day=999)), clock=clock)
    for _ in range(400):  # short gaps: many review-state reviews less than a day after the last
        card = session.next_card()
        if card is None:
            clock.advance(hours=rng.randint(2, 30))
            continue
        session.rate(card, rng.choice([1, 3, 3, 4]), 1000)
        clock.advance(minutes=rng.randint(1, 600))
    expected = {shift: per_period(StatsQueries(store), clock.now, shift) for shift in (-240, -60, 105, 330)}
    same_day = store._value("SELECT count(*) FROM review_log WHERE kind = 2 AND elapsed_s < 86400")
    assert same_day > 10
    # the database as it was before the migration (and the later one): no counts, the old partial index
    store.conn.executescript(UNDO_CARD_COUNTS + f"""
        DROP TRIGGER review_log_same_day_counted; DROP TRIGGER review_log_same_day_uncounted;
        DROP TRIGGER review_log_same_day_recounted; DROP TABLE review_same_day;
        CREATE INDEX review_log_same_day ON review_log(at, rating, interval_s, elapsed_s)
            WHERE kind = 2 AND elapsed_s < 86400;
        PRAGMA user_version = {MIGRATIONS.index(SAME_DAY)};""")
    store.close()
    store = Store(path)
    assert store._value("SELECT sum(total) FROM review_same_day") == same_day
    for shift, want in expected.items():
        assert per_period(StatsQueries(store), clock.now, shift) == want
    store.close()


def per_period(queries: StatsQueries, now: datetime, shift: int) -> list[dict[str, int]]:
    """Retention for the year's periods from the counts, checked against the log itself."""
    out = []
    day_start = (now + timedelta(minutes=shift)).replace(hour=0, minute=0, second=0, microsecond=0)
    for days in (1, 7, 30, 365):
        start = day_start - timedelta(days=days - 1, minutes=shift)
        end = day_start + timedelta(days=1) - timedelta(minutes=shift)
        got = queries.retention(to_iso(start), to_iso(end), shift, 21)
        ms = [int((t - datetime(1970, 1, 1, tzinfo=timezone.utc)) / timedelta(milliseconds=1)) for t in (start, end)]
        assert got == queries._retention_from_log(*ms, shift, 21 * 86400, "kind = 2")
        out.append(got)
    return out


@pytest.mark.parametrize("shift", [-240, 0, 345 - 240])
def test_same_day_counts_follow_inserts_updates_and_deletes(tmp_path: Path, clock, shift):
    from quizapp.history_io import import_history

    store = Store(tmp_path / "u.db")
    store.sync(deck(10), "d", to_iso(clock.now))
    session = study(store, clock, 150, seed=7)
    for _ in range(5):
        session.undo()  # deletes from the log
    rng = random.Random(8)
    history = "card_id,review_rating,review_time\n" + "\n".join(  # replays rewrite kinds and states
        f"c{i},{rng.randint(1, 4)},{to_iso(clock.now - timedelta(days=rng.randint(1, 60), minutes=i))}"
        for i in range(10))
    import_history(store, Scheduler(), history, clock.now)
    assert sum(r["total"] for r in per_period(StatsQueries(store), clock.now, shift)) > 0
    store.close()
