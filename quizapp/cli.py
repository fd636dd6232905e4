"""The `quizapp` command: the TUI by default, plus import, check, stats and demo.

Heavy modules (textual, the TUI) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quizapp import __version__
from quizapp.paths import bundled_content_dir, default_db_path


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", type=Path, default=default,
                        help="database file (default: $QUIZAPP_DB, else the user data folder)")
    parser.add_argument("--content", type=Path, default=default,
                        help="deck folder to study (default: the bundled deck)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quizapp", description="Deep-learning interview prep: "
                                     "spaced-repetition flashcards with live demos.")
    parser.add_argument("--version", action="version", version=f"quizapp {__version__}")
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _common(sub, top=False)
        return sub

    sub = command("study", "open the study app (the default)")
    sub.add_argument("--all", action="store_true", help="start a session with everything due at once")
    sub.add_argument("--topic", help="start a session on one topic at once")
    sub = command("import", "add or update cards from a markdown file or folder")
    sub.add_argument("path", type=Path)
    sub = command("check", "validate deck files; prints path:line: message for each problem")
    sub.add_argument("path", type=Path, nargs="?")
    command("stats", "today's numbers, streak and retention")
    sub = command("demo", "run a live demo in the terminal")
    sub.add_argument("name", nargs="?")
    sub.add_argument("--list", action="store_true", help="list demos and the cards that use them")
    sub.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    sub.add_argument("--quick", action="store_true")
    return parser


def _db_path(args: argparse.Namespace) -> Path:
    return args.db if getattr(args, "db", None) else default_db_path()


def _content_path(args: argparse.Namespace) -> Path:
    return args.content if getattr(args, "content", None) else bundled_content_dir()


def _open_store(args: argparse.Namespace):
    from quizapp.store import Store

    return Store(_db_path(args))


def cmd_check(args: argparse.Namespace) -> int:
    from quizapp.content import load_deck
    from quizapp.sync import known_demo_names

    path = args.path or _content_path(args)
    deck = load_deck([path], known_demos=known_demo_names())
    for problem in deck.problems:
        print(problem)
    errors, warnings = len(deck.errors), len(deck.warnings)
    cards, files = len(deck.cards), len(deck.files)
    print(f"{path}: {cards} card{'s' * (cards != 1)} in {files} file{'s' * (files != 1)}, "
          f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return 1 if errors else 0


def cmd_import(args: argparse.Namespace) -> int:
    from quizapp.sync import sync_path

    if not args.path.exists():
        print(f"quizapp: error: {args.path}: no such file or directory", file=sys.stderr)
        return 1
    store = _open_store(args)
    try:
        result = sync_path(store, args.path)
    finally:
        store.close()
    for problem in result.deck.problems:
        print(problem)
    note = " (parse errors: nothing retired)" if result.deck.errors else ""
    print(f"imported {args.path}: {result.summary}{note}")
    return 1 if result.deck.errors else 0


def cmd_stats(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from quizapp.srs.stats import overview
    from quizapp.timeutil import utcnow

    store = _open_store(args)
    try:
        data = overview(store, utcnow())
    finally:
        store.close()
    table = Table(title="quizapp stats", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("Due today", str(data.due_today))
    table.add_row("New cards waiting", str(data.new_available))
    table.add_row("Reviewed today", str(data.reviewed_today))
    table.add_row("Streak (days)", f"{data.current_streak} (longest {data.longest_streak})")
    retention = "-" if data.retention_30d is None else f"{data.retention_30d:.1%} of {data.retention_reviews}"
    table.add_row("Retention, last 30 days", retention)
    table.add_row("Cards", str(data.cards))
    Console().print(table)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from quizapp.demo.registry import available_demos

    demos = available_demos()
    if args.list or not args.name:
        from quizapp.content import load_deck

        deck = load_deck([_content_path(args)])
        users: dict[str, list[str]] = {}
        for card in deck.cards:
            if card.demo:
                users.setdefault(card.demo, []).append(card.id)
        for name, info in demos.items():
            cards = ", ".join(users.get(name, [])) or "(no card yet)"
            print(f"{name:22} {info.title}\n{'':22} cards: {cards}")
        return 0
    if args.name not in demos:
        print(f"quizapp: error: unknown demo {args.name!r}; known: {', '.join(demos) or 'none'}",
              file=sys.stderr)
        return 2
    import subprocess

    from quizapp.demo.runner import demo_command

    command = demo_command(args.name, device=args.device, quick=args.quick, json_lines=False)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 130


def cmd_study(args: argparse.Namespace) -> int:
    from quizapp.store import StoreError
    from quizapp.sync import sync_path

    content = _content_path(args)
    if not content.exists():
        print(f"quizapp: error: {content}: no such deck folder", file=sys.stderr)
        return 1
    store = _open_store(args)
    try:
        result = sync_path(store, content)
    except StoreError:
        store.close()
        raise
    from quizapp.tui.app import QuizApp

    topic = getattr(args, "topic", None)
    app = QuizApp(store, sync=result, start_topic=topic, start_now=bool(getattr(args, "all", False) or topic))
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or 0


COMMANDS = {"check": cmd_check, "import": cmd_import, "stats": cmd_stats, "demo": cmd_demo,
            "study": cmd_study, None: cmd_study}


def main(argv: list[str] | None = None) -> int:
    from quizapp.store import StoreError

    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except StoreError as exc:
        print(f"quizapp: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
