"""Keys typed faster than the app draws are handled in the order they were typed."""

from __future__ import annotations

from pathlib import Path

from textual import events

from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen


def post_keys(app: QuizApp, *keys: str) -> None:
    """Queue keys all at once, as a terminal delivers a burst typed 10 ms apart (pilot.press waits between)."""
    for key in keys:
        app.post_message(events.Key(key, " " if key == "space" else key if len(key) == 1 else None))


def ratings(db_path: Path) -> list[tuple[str, int]]:
    store = Store(db_path)
    try:
        return [(r["card_id"], r["rating"]) for r in store.db["reviews"].rows_where(order_by="id")]
    finally:
        store.close()


async def test_a_burst_of_show_then_rate_keys_rates_each_card_as_typed(db_path: Path, deck_dir: Path):
    store = Store(db_path)
    app = QuizApp(store, sync=sync_path(store, deck_dir), start_now=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        post_keys(app, "space", "1", "space", "2", "enter", "4")
        await pilot.pause(0.5)
    assert ratings(db_path) == [("tensor", 1), ("mean", 2), ("relu", 4)]


async def test_undo_typed_before_the_next_show_undoes_the_rating_before_it(db_path: Path, deck_dir: Path):
    store = Store(db_path)
    app = QuizApp(store, sync=sync_path(store, deck_dir), start_now=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        post_keys(app, "space", "1", "u", "space", "3")
        await pilot.pause(0.5)
    assert ratings(db_path) == [("tensor", 3)]


async def test_moving_down_then_enter_on_home_studies_the_row_moved_to(db_path: Path, deck_dir: Path):
    store = Store(db_path)
    app = QuizApp(store, sync=sync_path(store, deck_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        post_keys(app, "down", "enter")
        await pilot.pause(0.5)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.topic == "Sample"  # not "All topics", the row Enter found before Down moved
