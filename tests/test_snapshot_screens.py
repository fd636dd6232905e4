"""What review and statistics look like at 80x24 (pytest-textual-snapshot; `pytest --snapshot-update`
accepts a change after looking at it in the report).

A fixed clock and a history made with the real scheduler at fixed times keep the pictures independent
of today's date; the time zone is UTC so study days do not depend on the machine's.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quizapp.srs import AGAIN, GOOD, HARD, Scheduler, Session, Settings
from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from tests.conftest import Clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _history(store: Store, clock: Clock) -> None:
    """Ten study days of reviews on the small deck, each rating committed as in a real session."""
    scheduler = Scheduler(Settings(learn_ahead_min=0))
    pattern = [GOOD, AGAIN, HARD, GOOD]
    for day in range(10):
        session = Session(store, scheduler, clock=clock)
        for step in range(6):
            card = session.next_card()
            if card is None:
                break
            session.rate(card, pattern[(day + step) % len(pattern)], 4000 + 500 * step)
            clock.advance(minutes=11)
        clock.advance(days=1, minutes=-66)


def test_review_at_80x24(snap_compare, db_path: Path, deck_dir: Path, utc):
    store = Store(db_path)
    sync_path(store, deck_dir)
    app = QuizApp(store, sync=sync_path(store, deck_dir), clock=Clock(START))

    async def reveal(pilot) -> None:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=reveal)
    finally:
        store.close()


def test_stats_at_80x24(snap_compare, db_path: Path, deck_dir: Path, utc):
    store = Store(db_path)
    sync_path(store, deck_dir)
    clock = Clock(START)
    _history(store, clock)
    app = QuizApp(store, sync=sync_path(store, deck_dir), clock=Clock(clock.now))

    async def open_stats(pilot) -> None:
        await pilot.press("S")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=open_stats)
    finally:
        store.close()
