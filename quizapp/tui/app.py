"""The quizapp Textual application: screens, global keys, command palette, theme."""

from __future__ import annotations

import gc
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from quizapp.content.sanitize import visible_controls
from quizapp.srs import Scheduler, Settings
from quizapp.store import Store, StoreError
from quizapp.sync import SyncResult
from quizapp.timeutil import utcnow
from quizapp.tui.literal import escaped
from quizapp.watch import DeckWatcher, Resync, resync_files, root_of


class DeckChanged(Message):
    """Posted to the screen on top when deck files were re-synced (an edit in the app or outside it)."""

    def __init__(self, result: Resync) -> None:
        super().__init__()
        self.result = result


class CardShown(Message):
    """Posted when a card's question is on screen (benchmarks and tests wait for it)."""

    def __init__(self, card_id: str) -> None:
        super().__init__()
        self.card_id = card_id


def _write_pending_index(path: Path) -> int:
    """In a worker thread: its own connection (a sqlite3 connection stays in the thread that made it).
    Stops between chunks once the worker is cancelled (the app quitting cancels it): a quit never
    waits for a big deck's whole index."""
    from textual.worker import get_current_worker

    worker = get_current_worker()
    store = Store(path)
    try:
        return store.index_pending(stop=lambda: worker.is_cancelled)
    finally:
        store.close()


def _freeze_start_up_objects() -> None:
    """Once per process: move what start-up allocated (modules, the deck's parse, the CSS) out of
    the garbage collector's view. Those objects live as long as the app; without this, a full
    collection walks all of them while the first screen is being built (~25 ms of the launch)."""
    if not gc.get_freeze_count():
        gc.freeze()


class QuizApp(App[int]):
    TITLE = "quizapp"
    SUB_TITLE = "deep-learning interview prep"
    CSS_PATH = Path(__file__).with_name("quizapp.tcss")  # absolute, so subclasses elsewhere find it
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("S", "stats", "Stats", show=False),
        Binding("b", "browse", "Browse", show=False),
    ]

    def __init__(self, store: Store, sync: SyncResult | None = None, start_topic: str | None = None,
                 start_now: bool = False, quick_demos: bool = False, watch_seconds: float = 1.0,
                 clock: Callable[[], datetime] = utcnow, interview: dict | None = None) -> None:
        _freeze_start_up_objects()
        super().__init__()
        self.clock = clock  # "now" for sessions, counts and statistics (tests and snapshots fix it)
        self.start_interview = interview  # `quizapp interview`: action_interview's keyword arguments
        self.quick_demos = quick_demos  # short demo runs (tests, slow machines)
        self.watch_seconds = watch_seconds  # how often the deck folder is looked at for edits
        self.watcher: DeckWatcher | None = None
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
            if self.sync_result.root is not None:
                self.call_after_refresh(self._start_watching, self.sync_result.root)
        self.call_after_refresh(self.index_in_background)
        start_now, topic = self._start
        if self.start_interview is not None:
            self.action_home()
            self.action_interview(**self.start_interview)
        elif start_now:
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

    # -- the deck changing under us: the watcher, and `e` -----------------------------------------

    def _start_watching(self, root: Path) -> None:
        """After the first paint: a listing of the deck's files costs a few stat calls."""
        self.watcher = DeckWatcher(root)
        self.set_interval(self.watch_seconds, self.check_deck)

    def check_deck(self) -> Resync | None:
        """Re-sync the deck files changed since the last look; say what changed."""
        if self.watcher is None:
            return None
        before = self.watcher.seen
        changed = self.watcher.poll()
        if not changed:
            return None
        return self._resync(self.watcher.root, changed, on_failure=lambda: setattr(self.watcher, "seen", before))

    def _resync(self, root: Path, changed: list[Path], on_failure=lambda: None) -> Resync | None:
        try:
            result = resync_files(self.store, root, changed)
        except StoreError as exc:
            on_failure()  # looked at again on the next tick
            self.notify(str(exc), title="Deck not synced", severity="error", timeout=10, markup=False)
            return None
        for change in result.files:
            if change.errors:
                self.notify(change.note(), title="Deck file has errors", severity="error", timeout=15, markup=False)
            else:
                self.notify(change.note(), title="Deck", timeout=4, markup=False)
        self.screen.post_message(DeckChanged(result))
        if result.summary.added:
            self.index_in_background()
        return result

    def index_in_background(self) -> None:
        """The search index rows of cards a sync added (see quizapp/store/search_index.py), written by a
        worker thread over its own connection; a text search before it is done writes them itself."""
        try:
            pending = self.store.index_is_pending()
        except StoreError:
            return  # the next text search tries again and says what is wrong
        if pending:
            self.run_worker(partial(_write_pending_index, self.store.path), name="search index",
                            group="search index", thread=True, exclusive=True, exit_on_error=False)

    def edit_card(self, card: dict) -> Resync | None:
        """`e`: the card's file in $VISUAL/$EDITOR at its line; re-synced when the editor exits."""
        from quizapp.tui.editor import EditorError, card_location, editor_argv, run_editor

        try:
            path, line = card_location(card)
            argv = editor_argv(path, line)
        except EditorError as exc:
            self.notify(str(exc), title="Edit", severity="error", markup=False)
            return None
        stamp = _stat(path)
        try:
            run_editor(self, argv)
        except OSError as exc:
            self.notify(f"could not start the editor {argv[0]}: {exc.strerror or exc}", title="Edit",
                        severity="error", markup=False)
            return None
        if _stat(path) == stamp:
            self.notify(f"{path.name} was not changed.", title="Edit", markup=False)
            return None
        if self.watcher is not None and path.resolve() in {p.resolve() for p in self.watcher.seen}:
            return self.check_deck()
        root = root_of(card.get("origin") or "")
        if root is None:
            self.notify(f"{path.name} changed, but the card's deck folder is unknown; run `quizapp import`.",
                        title="Edit", severity="warning", markup=False)
            return None
        return self._resync(root, [path])

    def _remember_theme(self, theme) -> None:
        try:
            self.store.set_setting("theme", theme.name)
        except StoreError:
            pass  # the theme is a nicety; never fail over it

    # -- actions used by screens, keys and the command palette ---------------------------

    def action_study(self, topic: str | None = None) -> None:
        from quizapp.srs import Session
        from quizapp.tui.screens.review import ReviewScreen

        self.reload_settings()
        session = Session(self.store, self.scheduler, topic=topic or None, clock=self.clock)
        self.push_screen(ReviewScreen(session))

    def reload_settings(self) -> Settings:
        """Read the settings again (the Settings screen saved one, or `quizapp config` ran meanwhile)."""
        try:
            settings = Settings.from_store(self.store.setting)
        except StoreError:
            return self.scheduler.settings
        if settings != self.scheduler.settings:
            self.scheduler = Scheduler(settings)
        return settings

    def action_custom_study(self, kind: str = "") -> None:
        from quizapp.tui.screens.custom_study import CustomStudyScreen

        if not isinstance(self.screen, CustomStudyScreen):
            self.push_screen(CustomStudyScreen(kind), self.start_custom_study)

    def start_custom_study(self, study) -> bool:
        """A session over the cards `study` picks; says so when there are none. True if one started."""
        from quizapp.srs.custom import custom_session
        from quizapp.tui.screens.review import ReviewScreen

        if study is None:
            return False
        try:
            session = custom_session(study, self.store, self.scheduler, self.clock(), clock=self.clock)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=10)
            return False
        if session is None:
            self.notify(study.empty_message, title="Custom study")
            return False
        self.push_screen(ReviewScreen(session))
        return True

    def action_settings(self) -> None:
        from quizapp.tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_interview(self, topic: str | None = None, questions: int = 8, minutes: float = 3.0,
                         seed: int | None = None, schedule: bool = True) -> None:
        from quizapp.interview.session import InterviewSession
        from quizapp.tui.screens.interview import InterviewScreen

        session = InterviewSession(self.store, self.scheduler, topic=topic or None, questions=questions,
                                   seconds_per_question=max(1, round(minutes * 60)), seed=seed, schedule=schedule,
                                   clock=self.clock)
        try:
            count = session.start()
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=10)
            return
        if not count:
            self.notify(f"No card with key points{f' in {topic}' if topic else ''} to ask about.",
                        title="Mock interview", severity="warning")
            return
        self.push_screen(InterviewScreen(session))

    def action_interview_report(self, interview_id: int | None = None) -> None:
        from quizapp.interview.session import load_report
        from quizapp.tui.screens.interview_report import InterviewReportScreen

        try:
            report = load_report(self.store, interview_id)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=10)
            return
        if report is None:
            self.notify("No mock interview yet: press i on the topic list to take one.", title="Mock interview")
            return
        self.push_screen(InterviewReportScreen(report))

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

    def action_browse(self, text: str = "") -> None:
        from quizapp.tui.screens.browser import BrowserScreen

        if not isinstance(self.screen, BrowserScreen):
            self.push_screen(BrowserScreen(text))

    def action_study_cards(self, card_ids: list[str]) -> None:
        """A session over exactly these cards (the browser's "study these now", an interview's missed points)."""
        from quizapp.srs import Session
        from quizapp.tui.screens.review import ReviewScreen

        session = Session(self.store, self.scheduler, card_ids=tuple(card_ids))
        self.push_screen(ReviewScreen(session))

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
        yield SystemCommand("Browse cards", "Search and filter every card; suspend, bury, flag, forget, edit",
                            self.action_browse)
        yield SystemCommand("Browse: leeches", "Cards lapsed 8 times or more", lambda: self.action_browse("is:leech"))
        yield SystemCommand("Browse: flagged cards", "Cards with any flag", lambda: self.action_browse("is:flagged"))
        yield SystemCommand("Browse: suspended cards", "Cards taken out of every queue",
                            lambda: self.action_browse("is:suspended"))
        yield SystemCommand("Custom study", "One tag or topic, cards failed today, review ahead, more new "
                            "cards, the hardest cards", self.action_custom_study)
        from quizapp.srs.custom import KINDS

        for kind, label in KINDS.items():
            yield SystemCommand(f"Custom study: {label}", "A session over these cards; its ratings are real reviews",
                                lambda kind=kind: self.action_custom_study(kind))
        yield SystemCommand("Settings", "Desired retention, daily limits, learning steps, the hour a day starts",
                            self.action_settings)
        yield SystemCommand("Interview: all topics", "A mock interview: 8 timed questions, key points checked, "
                            "a readiness report", self.action_interview)
        for topic in topics:
            yield SystemCommand(f"Interview: {escaped(topic)}", f"A mock interview on {escaped(topic)} only",
                                lambda topic=topic: self.action_interview(topic))
        yield SystemCommand("Interview: last report", "The report of the latest mock interview",
                            self.action_interview_report)
        yield SystemCommand("Statistics", "Today, streaks, retention, forecast, mastery, hardest cards",
                            self.action_stats)
        yield SystemCommand("Scheduler", "FSRS parameters: optimize on your history, revert; retention vs workload",
                            self.action_scheduler)
        yield SystemCommand("Help: keys", "Show every key binding", self.action_help)

    def on_card_shown(self, message: CardShown) -> None:
        """Hook for benchmarks and tests; nothing to do in normal use."""


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns
