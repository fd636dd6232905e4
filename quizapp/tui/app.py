"""The quizapp Textual application: screens, global keys, command palette, theme."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from quizapp.content.sanitize import visible_controls
from quizapp.srs import Scheduler, Settings
from quizapp.store import Store, StoreError
from quizapp.sync import SyncResult
from quizapp.tui.literal import escaped


class CardShown(Message):
    """Posted when a card's question is on screen (benchmarks and tests wait for it)."""

    def __init__(self, card_id: str) -> None:
        super().__init__()
        self.card_id = card_id


class QuizApp(App[int]):
    TITLE = "quizapp"
    SUB_TITLE = "deep-learning interview prep"
    CSS_PATH = Path(__file__).with_name("quizapp.tcss")  # absolute, so subclasses elsewhere find it
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("S", "stats", "Stats", show=False),
    ]

    def __init__(self, store: Store, sync: SyncResult | None = None, start_topic: str | None = None,
                 start_now: bool = False, quick_demos: bool = False) -> None:
        super().__init__()
        self.quick_demos = quick_demos  # short demo runs (tests, slow machines)
        self.store = store
        self.sync_result = sync
        self.scheduler = Scheduler(Settings.from_store(store.setting))
        self._start = (start_now, start_topic)

    def on_mount(self) -> None:
        saved = self.store.setting("theme")
        if saved and saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.sync_result is not None:
            self._report_sync(self.sync_result)
        start_now, topic = self._start
        if start_now:
            self.action_study(topic)  # the topic list is built only when the session ends
        else:
            self.action_home()

    def _report_sync(self, result: SyncResult) -> None:
        if result.summary.changed:
            self.notify(f"Deck synced: {result.summary}", title="Content", timeout=3)
        errors = result.deck.errors
        if errors:
            first = errors[0]
            self.notify(f"{len(errors)} problem(s) in the deck, e.g. {first}. Run `quizapp check`.",
                        title="Content errors", severity="error", timeout=10)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast is plain text: messages quote questions, topics, paths and database errors, any of
        which may hold `[` or terminal controls. (Screens pass markup=True by default; it is ignored.)"""
        super().notify(visible_controls(str(message)), title=visible_controls(title), severity=severity,
                       timeout=timeout, markup=False)

    def _remember_theme(self, theme) -> None:
        try:
            self.store.set_setting("theme", theme.name)
        except StoreError:
            pass  # the theme is a nicety; never fail over it

    # -- actions used by screens, keys and the command palette ---------------------------

    def action_study(self, topic: str | None = None) -> None:
        from quizapp.srs import Session
        from quizapp.tui.screens.review import ReviewScreen

        session = Session(self.store, self.scheduler, topic=topic or None)
        self.push_screen(ReviewScreen(session))

    def action_home(self) -> None:
        """Back to the topic list: the one below the current screen, or a new one."""
        from quizapp.tui.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            return
        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack[:-1]):
            self.pop_screen()
        elif len(self.screen_stack) > 1:
            self.switch_screen(HomeScreen())
        else:
            self.push_screen(HomeScreen())

    def action_demo(self, name: str, card_id: str | None = None) -> None:
        from quizapp.demo.registry import available_demos
        from quizapp.tui.screens.demo import DemoScreen

        demos = available_demos()
        if name not in demos:
            self.notify(f"There is no demo called {name!r} in demos/ (known: {', '.join(demos) or 'none'}).",
                        title="Demo", severity="error")
            return
        self.push_screen(DemoScreen(name, card_id=card_id, claim=demos[name].claim, quick=self.quick_demos))

    def action_stats(self) -> None:
        from quizapp.tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_scheduler(self) -> None:
        from quizapp.tui.screens.scheduler import SchedulerScreen

        if not isinstance(self.screen, SchedulerScreen):
            self.push_screen(SchedulerScreen())

    def action_help(self) -> None:
        from quizapp.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Study: all topics", "Start a session with everything due", self.action_study)
        try:
            topics = self.store.topics()
        except StoreError:
            topics = []
        for topic in topics:
            yield SystemCommand(f"Study: {escaped(topic)}", f"Start a session on {escaped(topic)} only",
                                lambda topic=topic: self.action_study(topic))
        from quizapp.demo.registry import available_demos

        for name, info in available_demos().items():
            yield SystemCommand(f"Demo: {escaped(info.title)}", escaped(info.claim or name),
                                lambda name=name: self.action_demo(name))
        yield SystemCommand("Statistics", "Today, streaks, retention, forecast, mastery, hardest cards",
                            self.action_stats)
        yield SystemCommand("Scheduler", "FSRS parameters: optimize on your history, revert; retention vs workload",
                            self.action_scheduler)
        yield SystemCommand("Help: keys", "Show every key binding", self.action_help)

    def on_card_shown(self, message: CardShown) -> None:
        """Hook for benchmarks and tests; nothing to do in normal use."""
