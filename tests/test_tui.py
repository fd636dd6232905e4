"""The terminal UI driven by Textual's Pilot against a real database file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, DataTable

from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.help import HelpScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.summary import SummaryScreen
from quizapp.tui.widgets.card_text import CardText


def make_app(db_path: Path, deck_dir: Path) -> QuizApp:
    store = Store(db_path)
    return QuizApp(store, sync=sync_path(store, deck_dir))


def markdown_text(widget: CardText) -> str:
    return widget.source


async def test_home_lists_topics_with_counts(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2  # "All topics" and "Sample"
        assert "Sample" in str(table.get_row_at(1)[0])
        assert "3" in str(table.get_row_at(1)[1])  # three new cards


async def test_reveal_rate_undo_and_quit_keep_exactly_the_reviews_given(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "What is a tensor?" in markdown_text(screen.query_one("#question", CardText))
        assert not screen.query_one("#ratings").display
        assert markdown_text(screen.query_one("#answer", CardText)) == ""
        await pilot.press("3")  # rating before the answer is shown does nothing
        assert app.store.review_count() == 0
        await pilot.press("space")
        assert screen.query_one("#ratings").display
        assert "n-dimensional array" in markdown_text(screen.query_one("#answer", CardText))
        good_label = str(screen.query_one("#rate-3", Button).label)
        assert good_label.startswith("3 Good · ") and good_label.endswith("m")
        await pilot.press("3")
        await pilot.pause()
        assert "1/n" in markdown_text(screen.query_one("#question", CardText))  # math shown as Unicode
        await pilot.press("space", "1")
        await pilot.pause()
        assert app.store.review_count() == 2
        await pilot.press("u")
        await pilot.pause()
        assert app.store.review_count() == 1
        assert "1/n" in markdown_text(screen.query_one("#question", CardText))  # the undone card is back
        await pilot.press("space", "4")
        await pilot.pause()
        await pilot.press("q")
    store = Store(db_path)
    ratings = [(r["card_id"], r["rating"]) for r in store.db["reviews"].rows_where(order_by="id")]
    store.close()
    assert ratings == [("tensor", 3), ("mean", 4)]


async def test_clicking_a_rating_button_rates(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space")
        await pilot.click("#rate-2")
        await pilot.pause()
        assert app.store.review_count() == 1
        assert app.store.reviews_for("tensor")[0]["rating"] == 2


async def test_session_summary_after_escape(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space", "1", "space", "3", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.reviewed == 2
        assert app.screen.summary.again == 1
        text = app.screen.query_one("#summary-text")
        assert text.size.width >= 40 and text.size.height >= 8  # laid out, not collapsed to nothing
        assert "Again rate       50%" in str(text.render())
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert "1" in str(table.get_row_at(1)[1])  # one new card left in Sample


async def test_help_screen_and_answer_time_recorded(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("s")
        await pilot.pause(0.3)
        await pilot.press("space", "3")
        await pilot.pause()
        review = app.store.reviews_for("tensor")[0]
        assert review["duration_ms"] >= 250


async def test_empty_queue_goes_straight_to_summary(db_path: Path, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(db_path, empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_study(None)  # as `quizapp study --all` does
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.reviewed == 0


async def test_s_with_nothing_due_on_home_says_so_instead_of_an_empty_session(db_path: Path, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(db_path, empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("Nothing to learn ahead" in n.title for n in app._notifications)


async def test_command_palette_offers_study_by_topic(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Study: all topics" in titles
        assert "Study: Sample" in titles


async def test_study_all_at_launch_then_home_after_the_summary(db_path: Path, deck_dir: Path):
    store = Store(db_path)
    app = QuizApp(store, sync=sync_path(store, deck_dir), start_now=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("space", "3", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert "2" in str(table.get_row_at(1)[1])  # two new cards left in Sample


async def test_demo_key_is_offered_only_on_cards_with_a_demo(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert screen.card["id"] == "tensor" and not screen.check_action("demo", ())
        await pilot.press("space", "4", "space", "4")  # "relu" (demo: xor) comes next
        await pilot.pause()
        assert screen.card["id"] == "relu" and screen.check_action("demo", ())
        assert "d demo" in str(screen.query_one("#card-meta").render())


async def test_help_scrolls_to_its_last_row_in_80x24(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        scroller = app.screen.query_one("#help")
        assert scroller.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert scroller.scroll_y == scroller.max_scroll_y
