"""The statistics cache: a report from it equals one built from scratch, after any write, from this
connection or another, and at any later time (recall moves with the clock); and the same-day
retention counts a migration fills in match the log."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp.content import Card
from quizapp.srs import Scheduler, Session, Settings
from quizapp.srs.statistics import Report, ReportCache, build_report
from quizapp.store import LATEST, Store
from quizapp.store.stats_queries import StatsQueries
from quizapp.timeutil import study_day_start, to_iso

UTC = timezone.utc


def same(a: Report, b: Report) -> bool:
    """Equal reports; recall (summed in SQL or with numpy, in whatever order) equal to 1e-12."""
    def bare(r: Report) -> Report:
        return replace(r, recall=None, topics=[replace(g, recall=None) for g in r.topics])

    recalls = [(a.recall, b.recall)] + [(x.recall, y.recall) for x, y in zip(a.topics, b.topics)]
    return bare(a) == bare(b) and all(x == pytest.approx(y, rel=1e-12) for x, y in recalls)


def deck(n: int = 24) -> list[Card]:
    return [Card(id=f"c{i}", question="Q?", answer="A.", topic=f"T{i % 3}", tags=(f"t{i % 2}",), path="d.md", line=i)
            for i in range(n)]


def study(store: Store, clock, ratings: int, seed: int) -> Session:
    session, rng = Session(store, Scheduler(Settings(new_per_day=999)), clock=clock), random.Random(seed)
    for _ in range(ratings):
        card = session.next_card()
        if card is None:
            clock.advance(hours=rng.randint(1, 40))
            continue
        session.rate(card, rng.choice([1, 2, 3, 3, 4]), 1500)
        clock.advance(minutes=rng.randint(1, 900))
    return session


def test_cached_reports_equal_fresh_ones_through_own_and_other_writes_and_time(tmp_path: Path, clock):
    store = Store(tmp_path / "c.db")
    store.sync(deck(), "d", to_iso(clock.now))
    session = study(store, clock, 120, seed=1)
    scheduler, cache = Scheduler(), ReportCache()
    clock.now = study_day_start(clock.now, tz=UTC) + timedelta(days=1, minutes=1)  # a study day just begun

    first = cache.report(store, scheduler, clock.now, tz=UTC)
    assert same(first, build_report(store, scheduler, clock.now, tz=UTC))
    key = cache.key(store, scheduler, clock.now, tz=UTC)
    assert cache.current(key) and not cache.complete()  # nothing written: the next report reuses the counts
    cache.refill(store.path, key)  # as the app's worker does: the studied cards' columns added, same counts
    assert cache.current(key) and cache.complete()
    later = clock.now + timedelta(hours=23, minutes=58)  # the same study day, but recall has moved on
    cached_later = cache.report(store, scheduler, later, tz=UTC)
    assert cached_later.generation == first.generation  # counts reused ...
    assert same(cached_later, build_report(store, scheduler, later, tz=UTC))  # ... and recall recomputed
    assert cached_later.recall != first.recall
    next_day = cache.report(store, scheduler, later + timedelta(minutes=2), tz=UTC)
    assert next_day.generation != first.generation and next_day.today == first.today + timedelta(days=1)

    session.rate(session.next_card(), 1, 1000)  # a write on this connection
    assert not cache.current(cache.key(store, scheduler, clock.now))
    after_own = cache.report(store, scheduler, clock.now)
    assert after_own.day.reviews == first.day.reviews + 1
    assert same(after_own, build_report(store, scheduler, clock.now))

    other = Store(tmp_path / "c.db")  # another window: another connection
    study(other, clock, 5, seed=2)
    other.close()
    assert not cache.current(cache.key(store, scheduler, clock.now))
    after_other = cache.report(store, scheduler, clock.now)
    assert same(after_other, build_report(store, scheduler, clock.now))
    assert after_other.generation != after_own.generation

    # a report keyed before a write and filled after it is never taken for current
    stale_key = cache.key(store, scheduler, clock.now)
    session = Session(store, Scheduler(Settings(new_per_day=999)), clock=clock)
    session.rate(session.next_card(), 3, 1000)
    cache.refill(store.path, stale_key)
    assert not cache.current(cache.key(store, scheduler, clock.now))
    assert same(cache.report(store, scheduler, clock.now), build_report(store, scheduler, clock.now))
    store.close()


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
    # the database as it was before the migration: no counts, the old partial index
    store.conn.executescript(f"""
        DROP TRIGGER review_log_same_day_counted; DROP TRIGGER review_log_same_day_uncounted;
        DROP TRIGGER review_log_same_day_recounted; DROP TABLE review_same_day;
        CREATE INDEX review_log_same_day ON review_log(at, rating, interval_s, elapsed_s)
            WHERE kind = 2 AND elapsed_s < 86400;
        PRAGMA user_version = {LATEST - 1};""")
    store.close()
    store = Store(path)
    assert store.schema_version == LATEST
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
