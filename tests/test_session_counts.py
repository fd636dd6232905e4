"""The count a session shows after each rating is kept, not recounted: it must always equal a fresh
count, whatever happens between two looks (ratings of every kind, a suspend, a bury that wakes up
within the day, an undo, another window's ratings, the study day rolling over, a daily limit hit)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from quizapp.srs import Scheduler, Session, Settings
from quizapp.srs.browse import bury, suspend
from quizapp.store import Store
from quizapp.store.browse import Browse
from quizapp.sync import sync_path
from quizapp.timeutil import to_iso


def _deck(folder: Path, cards: int) -> Path:
    folder.mkdir()
    for topic in ("Alpha", "Beta"):
        text = f"---\ntopic: {topic}\n---\n"
        for i in range(cards // 2):
            text += f"\n## {topic} question {i}?\n\n```meta\nid: {topic.lower()}-{i}\n```\n\n### Answer\n\nAnswer {i}.\n"
        (folder / f"{topic.lower()}.md").write_text(text, encoding="utf-8")
    return folder


def _fresh(store: Store, settings: Settings, clock, topic: str | None) -> int:
    return Session(store, Scheduler(settings), topic=topic, clock=clock).remaining()


@pytest.mark.parametrize("seed, topic, new_per_day, reviews_per_day", [
    (1, None, 12, 200), (2, "Beta", 5, 3), (3, None, 40, 2), (4, "Alpha", 3, 200), (5, None, 0, 5)])
def test_kept_counts_equal_a_fresh_count_after_every_step(tmp_path: Path, clock, seed, topic, new_per_day,
                                                          reviews_per_day):
    rng = random.Random(seed)
    store = Store(tmp_path / "quiz.db")
    other = Store(tmp_path / "quiz.db")  # a second window on the same file
    try:
        sync_path(store, _deck(tmp_path / "deck", 40))
        settings = Settings(new_per_day=new_per_day, reviews_per_day=reviews_per_day, rollover_hour=4)
        session = Session(store, Scheduler(settings), topic=topic, clock=clock)
        elsewhere = Session(other, Scheduler(settings), clock=clock)
        kept_used = 0
        for step in range(160):
            assert session.remaining() == _fresh(store, settings, clock, topic), f"step {step}"
            action = rng.random()
            if action < 0.55:
                card = session.next_card()  # the daily limits from the kept studied counts, when they hold
                fresh = Session(store, Scheduler(settings), topic=topic, clock=clock).next_card()
                assert (card and card["id"]) == (fresh and fresh["id"]), f"step {step}"
                if card is not None:
                    before = session._tally is not None
                    session.rate(card, rng.choice((1, 2, 3, 3, 3, 4)), 800)
                    kept_used += before and session._tally is not None and session._tally.changes == store.changes()
            elif action < 0.65:
                clock.advance(minutes=rng.choice((1, 11, 90, 600, 1500)))
            elif action < 0.72:
                card = session.next_card()
                if card is not None:
                    suspend(store, [card["id"]], rng.random() < 0.7)
            elif action < 0.79:
                card = session.next_card()
                if card is not None:  # until the next 4 am, or a moment later today (a hand-set time)
                    if rng.random() < 0.5:
                        bury(store, [card["id"]], clock())
                    else:
                        Browse(store).bury([card["id"]], to_iso(clock() + timedelta(minutes=30)))
            elif action < 0.86:
                if session.history:
                    try:
                        session.undo()
                    except Exception:  # reviewed elsewhere since: stays
                        pass
            else:
                card = elsewhere.next_card()
                if card is not None:
                    elsewhere.rate(card, rng.choice((1, 3)), 500)
        assert kept_used > 10 or not new_per_day  # the kept counts were really used, not recounted every time
    finally:
        other.close()
        store.close()


def test_a_rating_does_not_count_the_queue_again(store: Store, tmp_path: Path, clock):
    sync_path(store, _deck(tmp_path / "deck", 40))
    session = Session(store, Scheduler(Settings(new_per_day=30)), clock=clock)
    assert session.remaining() == 30
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        session.rate(session.next_card(), 3, 500)
        assert session.remaining() == 30  # the card moved from new to learning: still to see today
    finally:
        store.conn.set_trace_callback(None)
    assert not [s for s in statements if "count(*)" in s]


def _next_the_long_way(session: Session) -> str | None:
    """The queue order as four separate queries: learning due, review due, new, learning ahead."""
    store, now = session.store, session.clock()
    at = to_iso(now)
    new_left, reviews_left = session.limits_left(now)
    card_id = store.next_learning(at, session.topic, now=at)
    if card_id is None and reviews_left > 0:
        card_id = store.next_review(to_iso(session.day_end(now)), session.topic, now=at)
    if card_id is None and new_left > 0:
        card_id = store.next_new(session.topic, now=at)
    if card_id is None:
        ahead = now + timedelta(minutes=session.scheduler.settings.learn_ahead_min)
        card_id = store.next_learning(to_iso(ahead), session.topic, now=at)
    return card_id


@pytest.mark.parametrize("seed, topic", [(7, None), (8, "Alpha")])
def test_the_next_card_read_in_one_statement_is_the_queue_order(tmp_path: Path, clock, seed, topic):
    rng = random.Random(seed)
    store = Store(tmp_path / "quiz.db")
    try:
        sync_path(store, _deck(tmp_path / "deck", 40))
        session = Session(store, Scheduler(Settings(new_per_day=15, reviews_per_day=6, learn_ahead_min=20)),
                          topic=topic, clock=clock)
        kinds = set()
        for _ in range(200):
            expected = _next_the_long_way(session)
            card = session.next_card()
            assert (card["id"] if card else None) == expected
            if card is None:
                clock.advance(minutes=rng.choice((5, 30, 600)))
                continue
            kinds.add((card["reps"] > 0, card["state"]))
            if rng.random() < 0.1:
                suspend(store, [card["id"]]) if rng.random() < 0.5 else bury(store, [card["id"]], clock())
            else:
                session.rate(card, rng.choice((1, 2, 3, 3, 4)), 500)
            clock.advance(minutes=rng.choice((0, 1, 3, 12, 60, 900)))
        assert {(False, 1), (True, 1), (True, 2)} <= kinds  # new, learning and review cards were all chosen
    finally:
        store.close()


def test_settings_changed_mid_session_count_as_a_fresh_session_would(store: Store, tmp_path: Path, clock,
                                                                       monkeypatch):
    """The review screen swaps in the new scheduler when the settings change: limits and the hour the
    day starts take effect in the counts at once, even with the clock standing still."""
    import time as time_module
    from datetime import datetime, timezone

    monkeypatch.setenv("TZ", "UTC")
    time_module.tzset()
    try:
        clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
        sync_path(store, _deck(tmp_path / "deck", 40))
        first = Settings(new_per_day=5, rollover_hour=4)
        session = Session(store, Scheduler(first), clock=clock)
        for _ in range(3):
            session.rate(session.next_card(), 3, 500)
        clock.now = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
        assert session.remaining() == _fresh(store, first, clock, None)
        for settings in (Settings(new_per_day=8, rollover_hour=4), Settings(new_per_day=8, rollover_hour=11),
                         Settings(new_per_day=2, rollover_hour=11), Settings(new_per_day=8, rollover_hour=4)):
            session.scheduler = Scheduler(settings)
            assert session.day_start(clock()) == Session(store, Scheduler(settings), clock=clock).day_start(clock())
            assert session.remaining() == _fresh(store, settings, clock, None), settings
    finally:
        monkeypatch.undo()
        time_module.tzset()


@pytest.mark.parametrize("zone, rollover_hour", [("Europe/Berlin", 4), ("America/New_York", 2),
                                                 ("Australia/Lord_Howe", 4), ("UTC", 0)])
def test_the_study_day_a_session_keeps_is_the_one_worked_out_afresh_across_clock_changes(store: Store, monkeypatch,
                                                                                        zone, rollover_hour):
    """A session works its study day out once and keeps it while the moments asked about stay within
    it: through the days a clock change makes 23 or 25 hours long (or half an hour shorter), each
    moment still gets exactly the day's start and end worked out for it alone, and a change of the
    local zone is noticed."""
    import time as time_module
    from datetime import datetime, timezone

    from quizapp.timeutil import study_day_end, study_day_start

    monkeypatch.setenv("TZ", zone)
    time_module.tzset()
    try:
        moment = [datetime(2026, 3, 1, tzinfo=timezone.utc)]
        session = Session(store, Scheduler(Settings(rollover_hour=rollover_hour)), clock=lambda: moment[0])
        rng = random.Random(zone)
        for start in (datetime(2026, 3, 6, tzinfo=timezone.utc), datetime(2026, 3, 26, tzinfo=timezone.utc),
                      datetime(2026, 4, 2, tzinfo=timezone.utc), datetime(2026, 10, 23, tzinfo=timezone.utc),
                      datetime(2026, 10, 30, tzinfo=timezone.utc)):
            now = start
            for _ in range(700):  # ~10 days in steps of up to half an hour, landing on rollovers too
                now += timedelta(minutes=rng.choice((1, 7, 29, 30, 60)), seconds=rng.choice((0, 0, 59)))
                assert session.day_start(now) == study_day_start(now, rollover_hour), now
                assert session.day_end(now) == study_day_end(now, rollover_hour), now
        monkeypatch.setenv("TZ", "Asia/Kolkata")
        time_module.tzset()
        assert session.day_start(now) == study_day_start(now, rollover_hour)
    finally:
        monkeypatch.undo()
        time_module.tzset()
