"""The footer follows the keys a card offers (`d` only on cards with a demo), and a card that offers
the same keys as the last one leaves the footer's widgets as they are."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.widgets.footer import KeyFooter


def footer_keys(screen) -> list[FooterKey]:
    return list(screen.query_one(KeyFooter).query(FooterKey))


async def test_the_demo_key_comes_and_goes_with_the_card_and_same_keys_keep_the_footer(db_path: Path,
                                                                                          deck_dir: Path):
    store = Store(db_path)
    app = QuizApp(store, sync=sync_path(store, deck_dir))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card["id"] == "tensor"
        keys = footer_keys(screen)
        actions = [key.action for key in keys]
        assert [action.split(".")[-1] for action in actions[:2]] == ["quit", "help"], actions  # first, always
        assert "demo" not in actions
        await pilot.press("space", "3")  # the next card ("mean") has no demo either
        await pilot.pause()
        assert screen.card["id"] == "mean"
        assert all(a is b for a, b in zip(footer_keys(screen), keys)) and len(footer_keys(screen)) == len(keys)
        await pilot.press("space", "3")  # "relu" has a demo: `d` appears
        await pilot.pause()
        assert screen.card["id"] == "relu"
        assert "demo" in [key.action for key in footer_keys(screen)]
        await pilot.press("u")  # back to "mean": `d` goes again
        await pilot.pause()
        assert screen.card["id"] == "mean"
        assert "demo" not in [key.action for key in footer_keys(screen)]
    store.close()
