"""What the browser looks like at 80x24 (pytest-textual-snapshot; `pytest --snapshot-update` accepts a change).

The deck is the small test deck, synced before the app starts (no toast), with fixed
states set directly so the picture does not depend on today's date.
"""

from __future__ import annotations

from pathlib import Path

from quizapp.srs import browse as model
from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp


def test_browser_at_80x24(snap_compare, db_path: Path, deck_dir: Path):
    store = Store(db_path)
    sync_path(store, deck_dir)
    model.suspend(store, ["mean"])
    model.flag(store, ["relu"], 1)
    app = QuizApp(store, sync=sync_path(store, deck_dir))

    async def open_browser(pilot) -> None:
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("down")  # highlight the first card
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=open_browser)
    finally:
        store.close()
