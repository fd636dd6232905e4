"""Custom study, settings and the new-user fixes, driven by Pilot against a real database file."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Button, DataTable, Input, OptionList, Static
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from quizapp.cli import main
from quizapp.srs import GOOD, Scheduler, Session, Settings
from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.timeutil import from_iso
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.custom_study import CustomStudyScreen
from quizapp.tui.screens.help import HelpScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.settings import SettingsScreen
from quizapp.tui.screens.summary import SummaryScreen
from tests.conftest import Clock


def make_app(db_path: Path, deck_dir: Path, clock: Clock | None = None) -> QuizApp:
    store = Store(db_path)
    sync = sync_path(store, deck_dir)
    return QuizApp(store, sync=sync) if clock is None else QuizApp(store, sync=sync, clock=clock)


def home_new_count(app: QuizApp) -> str:
    """The "All topics" row's New cell, as shown."""
    cell = app.screen.query_one(DataTable).get_row_at(0)[1]
    return cell.plain if isinstance(cell, Text) else Text.from_markup(str(cell)).plain


async def test_custom_study_by_tag_from_home_keys_is_a_session_of_real_reviews(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CustomStudyScreen)
        await pilot.press("enter")  # "One tag": on to the tag list
        await pilot.press("enter", "down", "down", "enter")  # open it; "choose…", #sample, #basics
        await pilot.pause()
        assert "1 card: #basics" in str(app.screen.query_one("#custom-preview", Static).render())
        await pilot.press("enter")  # the Start button has the focus
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.session.card_ids == ("tensor",) and "#basics" in screen.title
        await pilot.press("space", "3")
        await pilot.pause()
        assert [r["card_id"] for r in app.store.db["reviews"].rows] == ["tensor"]
        assert app.store.schedule_state("tensor")["reps"] == 1  # a real review moved the card on


async def test_custom_study_with_nothing_to_show_says_why_and_stays_home(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_custom_study("failed")  # as the command palette's "Custom study: Cards failed today"
        await pilot.pause()
        assert "No card was failed today." in str(app.screen.query_one("#custom-preview", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any(n.message == "No card was failed today." for n in app._notifications)


async def test_custom_study_more_new_cards_goes_past_the_daily_limit(db_path: Path, deck_dir: Path):
    store = Store(db_path)
    store.set_setting("new_per_day", "1")
    store.close()
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space", "3", "escape", "enter")  # today's one new card
        await pilot.pause()
        assert home_new_count(app) == "0"
        await pilot.press("c")
        await pilot.pause()
        kinds = app.screen.query_one(OptionList)
        kinds.highlighted = 4  # "More new cards today"
        await pilot.press("enter")
        await pilot.pause()
        amount = app.screen.query_one("#custom-amount", Input)
        assert amount.has_focus and amount.value == "10"
        amount.value = ""
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.session.remaining() == 2
        assert app.screen.session.next_card()["id"] == "mean"


async def test_settings_change_todays_counts_at_once_and_refuse_bad_values(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert home_new_count(app) == "3"
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("down")  # new cards a day
        field = app.screen.query_one("#set-new_per_day", Input)
        assert field.has_focus
        field.value = ""
        await pilot.press("1")
        await pilot.pause()
        assert str(app.screen.query_one("#effect-new_per_day", Static).render()) == "today: 1 new to study, 0 done"
        assert app.scheduler.settings.new_per_day == 1 and app.store.setting("new_per_day") == "1"
        steps = app.screen.query_one("#set-learning_steps_min", Input)
        steps.value = "10 1"
        await pilot.pause()
        assert "grow" in str(app.screen.query_one("#effect-learning_steps_min", Static).render())
        assert app.store.setting("learning_steps_min") is None  # nothing saved
        steps.value = "2 30"
        await pilot.pause()
        assert "Again 2m · Good 30m" in str(app.screen.query_one("#effect-learning_steps_min", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and home_new_count(app) == "1"
        await pilot.press("s", "space")
        await pilot.pause()
        assert str(app.screen.query_one("#rate-1", Button).label) == "1 Again · 2m"  # the new steps, at once


async def test_quizapp_config_while_the_app_runs_is_picked_up_on_refresh(db_path: Path, deck_dir: Path, capsys):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert home_new_count(app) == "3"
        assert main(["--db", str(db_path), "config", "new_per_day", "2"]) == 0  # its own connection
        await pilot.press("r")
        await pilot.pause()
        assert home_new_count(app) == "2" and app.scheduler.settings.new_per_day == 2


async def test_s_with_nothing_due_learns_ahead(db_path: Path, deck_dir: Path, clock):
    store = Store(db_path)
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(Settings()), clock=clock)
    card = session.next_card()
    session.rate(card, GOOD, 1000)
    clock.advance(minutes=11)
    session.rate(store.card(card["id"]), GOOD, 1000)  # graduated: due in a few days
    store.set_setting("new_per_day", "1")  # and today's one new card is used up
    store.close()
    app = make_app(db_path, deck_dir, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "press s to review ahead" in str(app.screen.query_one("#home-summary", Static).render()).lower()
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and "review ahead" in screen.title
        assert screen.card["id"] == card["id"]


async def test_summary_says_ended_counts_reviews_and_cards_and_the_real_time(db_path: Path, deck_dir: Path, clock):
    app = make_app(db_path, deck_dir, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space", "1")
        await pilot.pause()
        clock.advance(minutes=3)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = str(app.screen.query_one("#summary-text", Static).render())
        assert text.startswith("Session ended")
        assert "1 review of 1 card" in text and "3m 00s" in text
        assert "now: 2 new cards left for today" in text


async def test_help_says_how_to_close_and_q_quits_as_its_table_says(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "**Esc** or **?** closes this help" in app.screen.query_one("Markdown").source
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark", "q")
        await pilot.pause()
        assert app._exit  # quit, not just closed


async def test_footer_keeps_quit_and_help_and_the_undo_toast_leaves_the_ratings_clear(db_path: Path,
                                                                                        deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("s", "space", "3", "u", "space")
        await pilot.pause(0.5)
        screen = app.screen
        keys = {key.action: key.region for key in screen.query(FooterKey)}
        for action in ("quit", "help"):
            assert keys[action].width and keys[action].right <= 80, keys
        ratings = screen.query_one("#ratings").region
        toasts = [toast.region for toast in screen.query(Toast)]
        assert any("Undid the last rating" in str(toast.render()) for toast in screen.query(Toast))
        assert all(not toast.overlaps(ratings) for toast in toasts), (toasts, ratings)


async def test_the_command_palette_offers_custom_study_and_settings(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Custom study", "Custom study: Cards failed today", "Settings"} <= set(commands)
        commands["Settings"].callback()
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.click("#settings-optimize")  # the Scheduler section leads to the optimizer
        await pilot.pause()
        assert type(app.screen).__name__ == "SchedulerScreen"
        commands["Custom study: Hardest cards (lowest recall)"].callback()
        await pilot.pause()
        assert isinstance(app.screen, CustomStudyScreen)
        assert "No card has been studied yet" in str(app.screen.query_one("#custom-preview", Static).render())


async def test_settings_changed_from_a_session_apply_to_it_on_return(db_path: Path, deck_dir: Path):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "space")
        await pilot.pause()
        review = app.screen
        assert str(review.query_one("#rate-1", Button).label) == "1 Again · 1m"
        app.action_settings()  # as the command palette's "Settings"
        await pilot.pause()
        app.screen.query_one("#set-learning_steps_min", Input).value = "5 30"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is review and str(review.query_one("#rate-1", Button).label) == "1 Again · 5m"
        await pilot.press("1")
        await pilot.pause()
        review_row = app.store.reviews_for("tensor")[0]
        wait = from_iso(review_row["state_after"]["due"]) - from_iso(review_row["reviewed_at"])
        assert wait.total_seconds() == 300  # the rating used the new 5-minute first step
