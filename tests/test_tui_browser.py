"""The browser, the review screen's card actions, editing in $EDITOR and the deck watcher, driven by Pilot."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from quizapp.srs import GOOD
from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.browser import BrowserScreen, ConfirmScreen, fit_columns
from quizapp.tui.screens.card_info import CardInfoScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.widgets.card_text import CardText

from tests.conftest import SMALL_DECK


def make_app(db_path: Path, deck_dir: Path, **kwargs) -> QuizApp:
    store = Store(db_path)
    return QuizApp(store, sync=sync_path(store, deck_dir), **kwargs)


def listed(screen: BrowserScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


def cell_text(screen: BrowserScreen, card_id: str, column: str) -> str:
    return str(screen.query_one(DataTable).get_cell(card_id, column))


async def open_browser(pilot, text: str = "") -> BrowserScreen:
    await pilot.press("b")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BrowserScreen)
    if text:
        await pilot.press(*text)
        await pilot.pause(0.1)
    return screen


@pytest.fixture
def editor(tmp_path: Path, monkeypatch) -> Path:
    """A real editor program: records its arguments, then replaces text in the file it was given."""
    script = tmp_path / "fake-editor"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "line, path = sys.argv[1], sys.argv[2]\n"
        "open(os.environ['EDIT_LOG'], 'a').write(json.dumps([line, path]) + '\\n')\n"
        "text = open(path, encoding='utf-8').read()\n"
        "open(path, 'w', encoding='utf-8').write(text.replace(os.environ['EDIT_FROM'], os.environ['EDIT_TO']))\n",
        encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.setenv("EDIT_LOG", str(tmp_path / "editor.log"))
    return tmp_path / "editor.log"


async def test_b_opens_the_browser_and_search_finds_a_card_by_a_word_of_its_answer(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        assert listed(screen) == ["tensor", "mean", "relu"]
        assert screen.focused is screen.query_one(Input)  # type at once
        await pilot.press(*"saturate")
        await pilot.pause(0.1)
        assert listed(screen) == ["relu"]
        assert "1 card" in str(screen.query_one("#browser-status", Static).render())
        await pilot.press("ctrl+u", *"is:bogus")  # clear the box, then a filter it does not know
        await pilot.pause(0.1)
        assert "is:bogus?" in str(screen.query_one("#browser-status", Static).render())
        await pilot.press("escape", "escape")  # out of the search box, then out of the browser
        assert isinstance(app.screen, HomeScreen)


async def test_browser_at_80x24_keeps_the_important_columns_and_fits(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        table = screen.query_one(DataTable)
        keys = [str(k.value) for k in table.columns]
        assert keys[:2] == ["flag", "question"] and {"state", "due", "recall", "topic"} <= set(keys)
        assert "tags" not in keys  # dropped first
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 78
        assert table.virtual_size.width <= table.size.width  # no sideways scrolling
    wide = [c.key for c, _ in fit_columns(160)]
    assert wide == ["flag", "question", "topic", "tags", "state", "due", "interval", "lapses", "recall", "demo"]
    assert [c.key for c, _ in fit_columns(40)] == ["question"]


async def test_sorting_by_clicking_a_header_and_by_key(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.click(DataTable, offset=(6, 0))  # the Question header
        await pilot.pause()
        assert screen.sort == "question"
        assert listed(screen) == ["mean", "tensor", "relu"]
        await pilot.click(DataTable, offset=(6, 0))  # again: reversed
        await pilot.pause()
        assert listed(screen) == ["relu", "tensor", "mean"]
        screen.query_one(DataTable).focus()
        await pilot.press("O")  # reverse back
        await pilot.pause()
        assert listed(screen) == ["mean", "tensor", "relu"]


async def test_select_suspend_flag_bury_and_forget_from_the_browser(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.press("down")  # into the list
        assert screen.focused is screen.query_one(DataTable)
        await pilot.press("space", "space")  # select tensor and mean
        assert screen.selected == {"tensor", "mean"}
        await pilot.press("at")
        await pilot.pause()
        assert [app.store.card(i)["suspended"] for i in ("tensor", "mean", "relu")] == [1, 1, 0]
        assert cell_text(screen, "tensor", "state") == "susp."
        await pilot.press("at")  # all selected are suspended: restores them
        await pilot.pause()
        assert [app.store.card(i)["suspended"] for i in ("tensor", "mean")] == [0, 0]
        await pilot.press("ctrl+2")
        await pilot.pause()
        assert [app.store.card(i)["flag"] for i in ("tensor", "mean", "relu")] == [2, 2, 0]
        await pilot.press("F")  # cycles the selected cards' flag: orange -> green
        assert [app.store.card(i)["flag"] for i in ("tensor", "mean")] == [3, 3]
        await pilot.press("a")  # select all three
        await pilot.press("minus")
        await pilot.pause()
        assert all(app.store.card(i)["buried_until"] for i in ("tensor", "mean", "relu"))
        await pilot.press("a")  # select none
        assert screen.selected == set()
        screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.store.card("tensor")["buried_until"] is None  # forget resets the schedule row
        await pilot.press(*"/is:flagged")
        await pilot.pause(0.1)
        assert listed(screen) == ["tensor", "mean"]


async def test_study_these_now_is_a_session_over_exactly_the_listed_cards(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot, "has:demo")
        await pilot.press("enter")  # to the list
        await pilot.press("s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.card["id"] == "relu"
        assert "1 left" in str(review.query_one("#progress-text", Static).render())
        await pilot.press("space", "4")
        await pilot.pause()
        assert [r["card_id"] for r in app.store.db["reviews"].rows] == ["relu"]
        await pilot.press("enter")  # summary -> back
        await pilot.pause()
        assert app.screen is screen
        assert cell_text(screen, "relu", "state") == "review"


async def test_suspend_in_review_removes_the_card_from_the_session_count(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        review = app.screen
        progress = review.query_one("#progress-text", Static)
        assert "3 left" in str(progress.render())
        await pilot.press("at")
        await pilot.pause()
        assert review.card["id"] == "mean"
        assert "2 left" in str(progress.render())
        await pilot.press("minus")  # bury "mean" until tomorrow
        await pilot.pause()
        assert review.card["id"] == "relu" and "1 left" in str(progress.render())
        await pilot.press("ctrl+3")
        assert app.store.card("relu")["flag"] == 3
        assert "green" in str(review.query_one("#card-meta", Static).render())
        await pilot.press("ctrl+3")  # the same colour again clears it
        assert app.store.card("relu")["flag"] == 0
        await pilot.press("f", "f")  # cycling works where the terminal never sends ctrl+digit
        assert app.store.card("relu")["flag"] == 2
        await pilot.press("f", "f", "f")
        assert app.store.card("relu")["flag"] == 0
        await pilot.press("space", "3")
        await pilot.pause()
        assert app.store.review_count() == 1  # the suspended and buried cards never came back


async def test_e_in_review_edits_the_card_in_editor_and_keeps_its_history(db_path, deck_dir, editor, monkeypatch):
    monkeypatch.setenv("EDIT_FROM", "with a dtype and a device")
    monkeypatch.setenv("EDIT_TO", "that an editor changed")
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        review = app.screen
        review.session.rate(review.card, GOOD, 1000)  # tensor has a review already
        review.show_card(app.store.card("tensor"))
        await pilot.press("space", "e")
        await pilot.pause()
        line, path = json.loads(editor.read_text().splitlines()[0])
        assert (line, path) == ("+6", str(deck_dir / "sample.md"))  # the card's own heading line
        assert review.card["id"] == "tensor" and review.revealed
        assert "that an editor changed" in review.query_one("#answer", CardText).source
        assert "that an editor changed" in app.store.card("tensor")["answer"]
        assert len(app.store.reviews_for("tensor")) == 1 and app.store.card("tensor")["reps"] == 1


async def test_an_edit_that_breaks_the_file_shows_path_line_and_changes_nothing(db_path, deck_dir, editor,
                                                                                  monkeypatch):
    monkeypatch.setenv("EDIT_FROM", "seed: 29")
    monkeypatch.setenv("EDIT_TO", "seed: [29")
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.store.card("tensor")
        screen = await open_browser(pilot)
        await pilot.press("down", "e")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith(f"{deck_dir / 'sample.md'}:11: bad YAML") for m in messages), messages
        assert app.store.card("tensor") == before
        assert isinstance(app.screen, BrowserScreen) and listed(screen) == ["tensor", "mean", "relu"]


async def test_e_in_card_info_edits_and_shows_the_new_text(db_path, deck_dir, editor, monkeypatch):
    monkeypatch.setenv("EDIT_FROM", "## Why use ReLU?")
    monkeypatch.setenv("EDIT_TO", "## Why use ReLU at all?")
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot, "relu")
        await pilot.press("enter", "i")
        await pilot.pause()
        assert isinstance(app.screen, CardInfoScreen)
        await pilot.press("e")
        await pilot.pause()
        assert app.store.card("relu")["question"] == "Why use ReLU at all?"
        assert "at all" in str(app.screen.query_one("#info-summary", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and "at all" in cell_text(screen, "relu", "question")


async def test_a_file_changed_on_disk_while_the_app_runs_is_resynced(db_path, deck_dir):
    app = make_app(db_path, deck_dir, watch_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.pause(0.1)
        path = deck_dir / "sample.md"
        old = path.stat().st_mtime_ns
        path.write_text(SMALL_DECK.replace("## Why use ReLU?", "## Why use ReLU, really?"), encoding="utf-8")
        os.utime(path, ns=(old + 2_000_000_000, old + 2_000_000_000))
        def shown() -> bool:  # stored, listed and announced: the watcher's worker and the screen's refresh
            return ("really" in app.store.card("relu")["question"] and "really" in cell_text(screen, "relu", "question")
                    and "1 card updated in sample.md" in [n.message for n in app._notifications])

        for _ in range(200):  # up to 10 s: a loaded 2-core CI machine can be slow to run the worker
            await pilot.pause(0.05)
            if shown():
                break
        assert app.store.card("relu")["question"] == "Why use ReLU, really?"
        assert "really" in cell_text(screen, "relu", "question")
        assert "1 card updated in sample.md" in [n.message for n in app._notifications]


async def test_command_palette_offers_the_browser(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Browse cards" in titles
        titles["Browse: suspended cards"].callback()
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one(Input).value == "is:suspended"
        assert listed(app.screen) == []


async def test_the_filter_menu_works_with_the_mouse_and_writes_the_search_box(db_path, deck_dir):
    from quizapp.tui.screens.browser_filters import FilterScreen

    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot, "array")
        await pilot.press("enter", "f")
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, FilterScreen)
        assert menu.query_one("#filter-apply").region.bottom <= 24  # the whole menu fits in 80x24
        await pilot.click("#filter-demo")
        await pilot.click("#filter-unseen")
        await pilot.click("#filter-apply")
        await pilot.pause(0.1)
        assert app.screen is screen
        assert screen.query_one(Input).value == "array has:demo is:unseen"
        assert listed(screen) == []  # relu has a demo but not the word "array"
        await pilot.press("slash", "ctrl+u", "f")  # f in the search box is a letter...
        assert screen.query_one(Input).value == "f"
        await pilot.press("escape", "f")  # ...and in the list opens the menu
        await pilot.pause()
        menu = app.screen
        menu.query_one("#filter-state").value = "new"
        await pilot.click("#filter-apply")
        await pilot.pause(0.1)
        assert screen.query_one(Input).value == "f is:new"
        await pilot.press("slash", "ctrl+u", *"is:new")
        await pilot.pause(0.1)
        assert listed(screen) == ["tensor", "mean", "relu"]


async def test_a_long_listing_comes_in_two_steps_and_the_cursor_stays_on_its_card(db_path, tmp_path):
    from quizapp.tui.screens.browser import FIRST_ROWS

    deck = tmp_path / "big"
    deck.mkdir()
    cards = "\n".join(f"## Question number {i}?\n\n```meta\nid: q{i}\n```\n\n### Answer\n\nAnswer {i}.\n"
                      for i in range(FIRST_ROWS + 20))
    (deck / "big.md").write_text(f"---\ntopic: Big\n---\n\n{cards}", encoding="utf-8")
    app = make_app(db_path, deck)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await pilot.pause(0.1)
        assert len(listed(screen)) == FIRST_ROWS + 20
        assert str(screen.query_one("#browser-status", Static).render()).startswith(f"{FIRST_ROWS + 20} cards")
        await pilot.press("down")
        screen.query_one(DataTable).move_cursor(row=FIRST_ROWS + 5)
        await pilot.press("at")  # suspend q45: the listing is rebuilt, the cursor stays on q45
        await pilot.pause(0.1)
        assert app.store.card(f"q{FIRST_ROWS + 5}")["suspended"] == 1
        assert screen.cursor_id() == f"q{FIRST_ROWS + 5}"
        await pilot.press("slash", *"answer")  # a new search: the best match on top
        await pilot.pause(0.1)
        assert screen.query_one(DataTable).cursor_row == 0


async def test_b_works_from_the_review_screen_and_escape_comes_back_to_the_card(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        review = app.screen
        await pilot.press("b")
        await pilot.pause()
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        await pilot.press(*"tensor", "enter", "at")  # suspend the card that is on the review screen
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is review
        await pilot.press("space", "3")  # the card on screen can still be rated...
        await pilot.pause()
        assert review.card["id"] == "mean"  # ...and the suspended one does not come back
        assert "2 left" in str(review.query_one("#progress-text", Static).render())


async def test_the_app_writes_new_cards_search_index_rows_in_the_background(db_path, deck_dir):
    app = make_app(db_path, deck_dir)
    assert app.store.index_is_pending()  # the sync left them (see quizapp/store/search_index.py)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not app.store.index_is_pending()
        assert app.store.conn.execute("SELECT count(*) FROM cards_fts").fetchone()[0] == 3
        # a card added by an edit of the deck while the app runs: indexed in the background too
        (deck_dir / "more.md").write_text("## What is a matrix?\n\n```meta\nid: matrix\n```\n\n### Answer\n\n"
                                          "A tensor of rank two.\n", encoding="utf-8")
        assert app._resync(deck_dir, [deck_dir / "more.md"]).summary.added == 1
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not app.store.index_is_pending()
        assert app.store.conn.execute("SELECT count(*) FROM cards_fts").fetchone()[0] == 4
        screen = await open_browser(pilot, "rank")
        assert listed(screen) == ["matrix"]
