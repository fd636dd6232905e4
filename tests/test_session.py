"""A study session: queue order, daily limits, learning steps coming back, undo restoring exactly."""

from __future__ import annotations

from pathlib import Path

from quizapp.srs import AGAIN, GOOD, Scheduler, Settings, Session
from quizapp.store import Store
from quizapp.sync import sync_path


def test_new_cards_come_in_deck_order_and_respect_the_daily_limit(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(Settings(new_per_day=2)), clock=clock)
    assert session.remaining() == 2
    first = session.next_card()
    assert first["id"] == "tensor"
    session.rate(first, GOOD, 1000)
    second = session.next_card()
    assert second["id"] == "mean"
    session.rate(second, GOOD, 1000)
    # both are in learning now (10 min step): within the learn-ahead window they come back, no third new card
    third = session.next_card()
    assert third["id"] in ("tensor", "mean")


def test_again_brings_a_card_back_after_its_learning_step(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(Settings(learn_ahead_min=0)), clock=clock)
    card = session.next_card()
    session.rate(card, AGAIN, 1000)
    assert session.next_card()["id"] == "mean"  # the failed card waits its 1-minute step
    clock.advance(minutes=2)
    assert session.next_card()["id"] == card["id"]


def test_undo_restores_state_and_history_exactly(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    card = session.next_card()
    session.rate(card, GOOD, 1000)
    clock.advance(minutes=11)
    again = session.next_card()
    assert again["id"] == card["id"]
    state_before = store.schedule_state(card["id"])
    reviews_before = store.reviews_for(card["id"])
    session.rate(again, GOOD, 2000)
    assert store.schedule_state(card["id"]) != state_before
    restored = session.undo()
    assert restored["id"] == card["id"]
    assert store.schedule_state(card["id"]) == state_before
    assert store.reviews_for(card["id"]) == reviews_before


def test_summary_counts_this_sessions_ratings(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    for rating in (AGAIN, GOOD, GOOD):
        session.rate(session.next_card(), rating, 1500)
        clock.advance(seconds=20)
    summary = session.summary()
    assert (summary.reviewed, summary.again) == (3, 1)
    assert summary.seconds == 60
    assert summary.again_rate == 1 / 3
    assert summary.next_due is not None and summary.next_due > clock()


def test_topic_sessions_only_show_that_topic(store: Store, deck_dir: Path, tmp_path: Path, clock):
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text("---\ntopic: Other\n---\n## X?\n```meta\nid: x\n```\n### Answer\nx\n")
    sync_path(store, deck_dir)
    sync_path(store, other)
    session = Session(store, Scheduler(), topic="Other", clock=clock)
    assert session.next_card()["id"] == "x"
    assert session.remaining() == 1


def test_summary_counts_reviews_and_cards_apart_and_the_real_time(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(Settings(new_per_day=1, learn_ahead_min=0)), clock=clock)
    card = session.next_card()
    session.rate(card, AGAIN, 500)
    clock.advance(minutes=2)
    session.rate(session.next_card(), GOOD, 500)
    clock.advance(minutes=1)
    summary = session.summary(ended_early=True)
    assert (summary.reviewed, summary.cards) == (2, 1)
    assert summary.seconds == 180  # three minutes on the clock, not the 1 s of the two durations
    assert summary.ended_early
    assert (summary.new_today, summary.new_waiting) == (0, 2)  # two new cards wait for tomorrow's limit


def test_the_rollover_hour_decides_when_the_daily_limit_resets(store: Store, deck_dir: Path, clock, monkeypatch):
    import time
    from datetime import datetime, timezone

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        sync_path(store, deck_dir)
        clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
        first = Session(store, Scheduler(Settings(new_per_day=1)), clock=clock)
        first.rate(first.next_card(), GOOD, 500)
        clock.advance(hours=2)  # 12:00
        assert Session(store, Scheduler(Settings(new_per_day=1, rollover_hour=4)), clock=clock).limits_left(
            clock())[0] == 0  # the day began at 04:00: the 10:00 card counts
        assert Session(store, Scheduler(Settings(new_per_day=1, rollover_hour=11)), clock=clock).limits_left(
            clock())[0] == 1  # a day that begins at 11:00 has a fresh limit at 12:00
    finally:
        monkeypatch.undo()
        time.tzset()
