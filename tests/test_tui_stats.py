"""The Statistics and card-info screens, driven by Textual's Pilot at 80x24 against a real database."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from quizapp.cli import main
from quizapp.srs import AGAIN, GOOD, Scheduler, Session
from quizapp.store import Store
from quizapp.store.history import History
from quizapp.sync import sync_path
from quizapp.timeutil import to_iso, utcnow
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.card_info import CardInfoScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.stats import StatsScreen
from quizapp.tui.widgets.prerendered import Prerendered


def make_app(db_path: Path, deck_dir: Path) -> QuizApp:
    store = Store(db_path)
    return QuizApp(store, sync=sync_path(store, deck_dir))


def plain(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    return widget.plain if isinstance(widget, Prerendered) else screen.query_one(selector, Static).content.plain


async def test_stats_screen_shows_todays_numbers_like_the_cli_and_scrolls_within_80_columns(
        db_path: Path, deck_dir: Path, capsys):
    store = Store(db_path)
    sync_path(store, deck_dir)
    session = Session(store, Scheduler())
    for rating in (GOOD, AGAIN, GOOD):
        session.rate(session.next_card(), rating, 2000)
    store.close()
    assert main(["--db", str(db_path), "stats"]) == 0
    cli = capsys.readouterr().out

    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        today = plain(screen, "#stats-today")
        assert "3 reviews of 3 cards in 6s · again 33% (1)" in today
        assert "Streak 1 day · longest 1 day" in today
        for line in today.splitlines():
            assert line in cli  # the same words and numbers as `quizapp stats`
        assert "3 in all" in plain(screen, "#stats-chart-30")
        body = screen.query_one("#stats-body")
        assert body.max_scroll_x == 0  # nothing wider than the terminal
        assert body.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_i_on_the_review_screen_shows_the_current_cards_history_and_comes_back(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space", "3", "space", "3", "space", "3")  # three new cards, all Good
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.card["id"] == "tensor"  # its 10-minute step is within the learn-ahead window
        await pilot.press("i")
        await pilot.pause()
        info = app.screen
        assert isinstance(info, CardInfoScreen) and info.card_id == "tensor"
        table = info.query_one("#info-reviews", DataTable)
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[1:4] == ["Good", "new", "10m"] and row[6] == "–"
        assert "What is a tensor?" in plain(info, "#info-summary")
        assert "n-dimensional" not in plain(info, "#info-summary")  # the answer stays hidden
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is review and review.card["id"] == "tensor" and not review.revealed
        assert app.store.review_count() == 3


async def test_hardest_cards_on_the_stats_screen_open_their_history(db_path: Path, deck_dir: Path):
    store = Store(db_path)
    sync_path(store, deck_dir)
    now = utcnow()
    before = store.schedule_state("relu")
    after = {**before, "state": 3, "step": 0, "stability": 1.5, "difficulty": 8.0, "due": to_iso(now),
             "last_review": to_iso(now), "reps": 12, "lapses": 9}
    lapsed = {**before, "reps": 11, "state": 2, "stability": 3.0, "difficulty": 7.0, "last_review": to_iso(now),
              "lapses": 8}  # a made-up history: written with the bulk writer, which stores states as given
    History(store).rewrite([("relu", [{"rating": AGAIN, "reviewed_at": to_iso(now), "duration_ms": 4000, "kind": 2,
                                       "state_before": lapsed, "state_after": after}], after)])
    store.close()
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        screen = app.screen
        assert "1 leech (8 or more lapses)" in plain(screen, "#stats-hardest-title")
        table = screen.query_one("#stats-hardest", DataTable)
        assert [str(c) for c in table.get_row_at(0)][:4] == ["relu", "9", "12", "leech"]
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        info = app.screen
        assert isinstance(info, CardInfoScreen) and info.card_id == "relu"
        summary = plain(info, "#info-summary")
        assert "Relearning · due now (" in summary
        assert "· 12 reviews · 9 lapses  leech (8+ lapses)" in summary
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_statistics_in_the_command_palette(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Statistics" in commands
        commands["Statistics"].callback()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


async def test_statistics_reopened_after_another_window_rates_show_its_reviews(db_path: Path, deck_dir: Path):
    """Each open builds the report afresh from the counts the store's triggers keep: another window's
    ratings are there at once; panels whose numbers did not move keep the lines drawn before."""
    from quizapp.tui.screens import stats

    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert "No reviews yet today." in plain(app.screen, "#stats-today")
        drawn = dict(stats._DRAWN)
        await pilot.press("escape")
        await pilot.pause()

        other = Store(db_path)  # another window rates two cards
        session = Session(other, Scheduler())
        for rating in (GOOD, AGAIN):
            session.rate(session.next_card(), rating, 3000)
        other.close()

        await pilot.press("S")
        await pilot.pause()
        assert "2 reviews of 2 cards in 6s · again 50% (1)" in plain(app.screen, "#stats-today")
        assert "2 in all" in plain(app.screen, "#stats-chart-30")
        assert stats._DRAWN["today"] is not drawn["today"]  # redrawn ...
        assert stats._DRAWN["demos"] is drawn["demos"]  # ... but not what the ratings left as it was
