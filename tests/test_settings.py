"""Settings: learning steps and the rollover hour are adjustable, checked, and read back from the store."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from quizapp.srs import Scheduler, Settings
from quizapp.srs.scheduler import format_setting, parse_setting
from quizapp.store import Store


@pytest.mark.parametrize("raw", ["1 10", "1,10", "(1, 10)", " 1  10 "])
def test_learning_steps_read_in_any_usual_spelling(raw):
    assert parse_setting("learning_steps_min", raw) == (1, 10)
    assert format_setting("learning_steps_min", (1, 10)) == "1 10"


@pytest.mark.parametrize("raw,why", [("10 1", "grow"), ("", "1 to 10 steps"), ("a b", "whole minutes"),
                                     ("0", "between 1 and 1440")])
def test_bad_learning_steps_say_what_is_wrong(raw, why):
    with pytest.raises(ValueError, match=why):
        parse_setting("learning_steps_min", raw)


def test_rollover_hour_is_a_clock_hour():
    assert parse_setting("rollover_hour", "0") == 0
    with pytest.raises(ValueError, match="between 0 and 23"):
        parse_setting("rollover_hour", "24")


def test_saved_steps_change_the_scheduler(store: Store):
    store.set_setting("learning_steps_min", "2 30")
    scheduler = Scheduler(Settings.from_store(store.setting))
    now = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)
    state = scheduler.new_state(now)
    again = scheduler.review("c", state, 1, now)
    assert (datetime.fromisoformat(again["due"].replace("Z", "+00:00")) - now).total_seconds() == 120


def test_the_rollover_hour_moves_reviews_between_study_days_in_the_statistics(store: Store, deck_dir, monkeypatch):
    import time

    from quizapp.srs import Session
    from quizapp.srs.statistics import build_report
    from quizapp.sync import sync_path
    from tests.conftest import Clock

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        sync_path(store, deck_dir)
        clock = Clock(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc))
        session = Session(store, Scheduler(), clock=clock)
        session.rate(session.next_card(), 3, 1000)  # at 10:00
        clock.advance(hours=2)  # now 12:00
        early = build_report(store, Scheduler(Settings(rollover_hour=4)), clock())
        late = build_report(store, Scheduler(Settings(rollover_hour=11)), clock())
        assert early.days[-1].total == 1  # a day from 04:00 holds the 10:00 review
        assert late.days[-1].total == 0 and late.days[-2].total == 1  # a day from 11:00 does not
    finally:
        monkeypatch.undo()
        time.tzset()
