"""Recall in SQL equals FSRS's own per-card figure (the statistics compute it for every card at once)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from quizapp.content import Card
from quizapp.srs import Scheduler, Session, Settings
from quizapp.srs.statistics import build_report
from quizapp.store import Store
from quizapp.timeutil import to_iso


def test_mean_recall_in_sql_matches_fsrs_card_by_card(tmp_path: Path, clock):
    store = Store(tmp_path / "r.db")
    store.sync([Card(id=f"c{i}", question="Q?", answer="A.", topic=f"T{i % 3}", path="d.md", line=i)
                for i in range(30)], "d", to_iso(clock.now))
    scheduler = Scheduler(Settings(new_per_day=999))
    session, rng = Session(store, scheduler, clock=clock), random.Random(3)
    for _ in range(150):
        card = session.next_card()
        if card is None:
            clock.advance(hours=rng.randint(1, 96))
            continue
        session.rate(card, rng.choice([1, 2, 3, 3, 4]), 1000)
        clock.advance(minutes=rng.randint(1, 3000))
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
