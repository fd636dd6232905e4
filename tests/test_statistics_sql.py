"""Recall in SQL equals FSRS's own per-card figure (the statistics compute it for
every card at once)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp.content import Card
from quizapp.srs import Scheduler, Session, Settings
from quizapp.srs.statistics import build_report
from quizapp.store import Store
from quizapp.timeutil import to_iso
from tests.test_card_counts import study as random_study


def test_mean_recall_in_sql_matches_fsrs_card_by_card(tmp_path: Path, clock):
    store = Store(tmp_path / "r.db")
    store.sync([Card(id=f"c{i}", question="Q?", answer="A.", topic=f"T{i % 3}", path="d.md", line=i)
                for i in range(30)], "d", to_iso(clock.now))
    scheduler = random_study(store, clock, 150, seed=3, idle_hours=96, gap_minutes=3000).scheduler
    for now in (clock.now, clock.now + timedelta(days=3, milliseconds=-1), clock.now + timedelta(days=40)):
        report = build_report(store, scheduler, now)
        by_topic: dict[str, list[float]] = {}
        for i in range(30):
            value = scheduler.retrievability(store.card(f"c{i}"), now)
            if value is not None:
                by_topic.setdefault(f"T{i % 3}", []).append(value)
        every = [v for values in by_topic.values() for v in values]
        assert len(every) > 10
        assert report.recall == pytest.approx(sum(every) / len(every), rel=1e-12)
        for group in report.topics:
            assert group.recall == pytest.approx(sum(by_topic[group.name]) / len(by_topic[group.name]), rel=1e-12)
    store.close()


def test_bucket_counts_match_the_log_through_ratings_undo_and_imports(tmp_path: Path, clock):
    from quizapp.history_io import import_history
    from quizapp.store.stats_queries import StatsQueries

    store = Store(tmp_path / "b.db")
    store.sync([Card(id=f"c{i}", question="Q?", answer="A.", topic="T", path="d.md", line=i)
                for i in range(20)], "d", to_iso(clock.now))
    scheduler = Scheduler(Settings(new_per_day=999))
    session, rng = Session(store, scheduler, clock=clock), random.Random(5)
    for n in range(300):
        card = session.next_card()
        if card is None:
            clock.advance(hours=rng.randint(1, 60))
            continue
        session.rate(card, rng.choice([1, 2, 3, 3, 4]), 1000)
        if n % 7 == 0:
            session.undo()  # deletes from the log
        clock.advance(minutes=rng.randint(1, 2000))
    history = "card_id,review_rating,review_time\n" + "\n".join(  # replays rewrite kinds and states
        f"c{i},{rng.randint(1, 4)},{to_iso(clock.now - timedelta(days=rng.randint(1, 200), minutes=i))}"
        for i in range(20))
    import_history(store, scheduler, history, clock.now)
    queries = StatsQueries(store)
    totals = []
    for shift in (-240, -120, 0, 345 - 240, 330 - 240):
        today = (clock.now + timedelta(minutes=shift)).date().isoformat()
        assert queries.daily_reviews(shift, today) == queries._daily_from_log(shift, today)
        day_start = (clock.now + timedelta(minutes=shift)).replace(hour=0, minute=0, second=0, microsecond=0)
        for days in (1, 7, 30, 365):
            start = day_start - timedelta(days=days - 1, minutes=shift)
            end = day_start + timedelta(days=1) - timedelta(minutes=shift)
            got = queries.retention(to_iso(start), to_iso(end), shift, 21)
            want = queries._retention_from_log(
                *(int((t - datetime(1970, 1, 1, tzinfo=timezone.utc)) / timedelta(milliseconds=1)) for t in (start, end)),
                shift, 21 * 86400, "kind = 2")
            assert got == want
            totals.append(got["total"])
    assert max(totals) > 10  # the comparison saw real review-state reviews
    for shift, end in [(shift, end) for shift in (-240, 330 - 240, 345 - 240, 7 - 240)
                       for end in (clock.now + timedelta(days=30), None)]:  # per quarter hour, against per card
        today = (clock.now + timedelta(minutes=shift)).date().isoformat()
        if end is None:  # the start of a study day, as the report asks (any `end` is counted card by card)
            end = datetime.combine(date.fromisoformat(today) + timedelta(days=30), datetime.min.time(),
                                   tzinfo=timezone.utc) - timedelta(minutes=shift)
        end = to_iso(end)
        per_card = store._rows(
            "SELECT max(date(s.due, :shift), :today) AS day, sum(s.state != 2) AS learning, sum(s.state = 2) AS review "
            "FROM schedule s WHERE s.deck_retired = 0 AND s.reps > 0 AND s.due < :end GROUP BY 1 ORDER BY 1",
            {"shift": f"{shift:+d} minutes", "today": today, "end": end})
        assert queries.forecast(shift, today, end) == per_card and len(per_card) > 3
    assert store._value("SELECT count(*) FROM review_log WHERE kind = 2 AND elapsed_s < 86400") > 0
    assert sum(r["new"] + r["learning"] + r["review"] + r["relearning"]
               for r in queries.daily_reviews(0, clock.now.date().isoformat())) == store.review_count()
    store.close()
