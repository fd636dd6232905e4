"""One launch, timed from outside: `quizapp DB` opens the app on a session and exits once the first
card is on screen; `bare` is a plain Textual app showing one Markdown widget, exiting once drawn."""

from __future__ import annotations

import sys


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Markdown

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield Markdown("## What is a tensor?\n\nAn n-dimensional array.")

        def on_mount(self) -> None:
            self.call_after_refresh(self.exit)

    Bare().run(headless=True, size=(100, 30))


def quizapp(db: str) -> None:
    from pathlib import Path

    from quizapp.paths import bundled_content_dir
    from quizapp.store import Store
    from quizapp.sync import sync_path
    from quizapp.tui.app import CardShown, QuizApp

    class FirstCard(QuizApp):
        shown = False

        def on_card_shown(self, message: CardShown) -> None:
            self.shown = True
            self.call_after_refresh(self.exit)

    store = Store(Path(db))
    app = FirstCard(store, sync=sync_path(store, bundled_content_dir()), start_now=True)
    app.run(headless=True, size=(100, 30))
    store.close()
    if not app.shown:
        raise SystemExit("no card was shown")


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        quizapp(sys.argv[2])
