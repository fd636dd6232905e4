"""The `quizapp` command: the TUI by default, plus import, check, stats, export, import-history, demo and
interview.

Heavy modules (textual, the TUI) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from quizapp import __version__
from quizapp.paths import bundled_content_dir, default_db_path


BIG_SYNC = 2000  # cards or files: a sync this big draws a progress bar


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
    command("stats", "statistics: today, streaks, retention, forecast, mastery, hardest cards")
    sub = command("export", "write the review history (card_id,review_rating,review_time,review_duration)")
    sub.add_argument("--format", choices=["csv", "json", "apkg"], default="csv",
                     help="csv/json: the review history; apkg: the deck as an Anki package (needs --out)")
    sub.add_argument("--out", type=Path, help="file to write (default: standard output)")
    sub = command("import-history", "add reviews from a CSV or JSON history file (as `export` writes)")
    sub.add_argument("file", type=Path)
    sub = command("optimize", "fit FSRS-6 to your review history; adopt the fit only if it predicts better")
    sub.add_argument("--revert", action="store_true", help="go back to the parameters in force before")
    sub.add_argument("--list", action="store_true", help="list every parameter set kept, newest first")
    sub = command("config", "show the scheduling settings, or change one: quizapp config new_per_day 30; "
                            'quizapp config learning_steps_min "1 10"; '
                            'quizapp config parameters "0.212, 1.2931, ..." (21 FSRS-6 values)')
    sub.add_argument("key", nargs="?")
    sub.add_argument("value", nargs="?")
    sub = command("interview", "a mock interview: timed questions, your answer, a key-point check, a report")
    sub.add_argument("--topic", help="ask only about this topic (default: every topic, mixed)")
    sub.add_argument("--questions", type=_positive_int, default=8, metavar="N", help="how many (default 8)")
    sub.add_argument("--minutes", type=_positive_float, default=3.0, metavar="M",
                     help="time per question (default 3)")
    sub.add_argument("--seed", type=int, help="the same seed asks the same questions")
    sub.add_argument("--no-schedule", action="store_true",
                     help="keep this interview out of the schedule (its ratings are not reviews)")
    sub.add_argument("--report", nargs="?", const="latest", metavar="ID",
                     help="print an interview's report as markdown (default: the latest) instead")
    sub = command("demo", "run a live demo in the terminal")
    sub.add_argument("name", nargs="?")
    sub.add_argument("--list", action="store_true", help="list demos, their knobs and the cards that use them")
    sub.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    sub.add_argument("--quick", action="store_true")
    sub.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="set one of the demo's knobs (repeatable); --list shows them")
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {text}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 600, not {text}")
    return value


def _db_path(args: argparse.Namespace) -> Path:
    return args.db if getattr(args, "db", None) else default_db_path()


def _content_path(args: argparse.Namespace) -> Path:
    return args.content if getattr(args, "content", None) else bundled_content_dir()


def _open_store(args: argparse.Namespace):
    """The database; a migration that converts data (minutes for millions of reviews) shows a progress bar."""
    from quizapp.progress import TerminalProgress
    from quizapp.store import Store

    with TerminalProgress() as progress:
        return Store(_db_path(args), progress=progress)


WAIT_FOR_OTHER_WINDOW_S = 120.0  # a first sync of a 100,000-card deck takes seconds; two minutes is plenty


def _open_and_sync(args: argparse.Namespace, path: Path):
    """The database, synced with `path`. While another quizapp holds the write lock (a window starting up
    on a big deck), say so once and try again, for up to WAIT_FOR_OTHER_WINDOW_S: a sync is one transaction,
    so an attempt that met the lock wrote nothing."""
    from quizapp.progress import TerminalProgress
    from quizapp.store import DatabaseLocked
    from quizapp.sync import sync_path

    start = time.monotonic()
    told = False
    while True:
        store = None
        try:
            store = _open_store(args)
            with TerminalProgress(min_total=BIG_SYNC) as progress:  # a first sync of a big deck shows a bar
                return store, sync_path(store, path, progress=progress)
        except DatabaseLocked as exc:
            if store is not None:
                store.close()
            waited = time.monotonic() - start
            if waited >= WAIT_FOR_OTHER_WINDOW_S:
                raise DatabaseLocked(f"{exc} (waited {waited:.0f} s for the other window)") from None
            if not told:
                print("quizapp: waiting for the other quizapp window to finish writing the database… "
                      "(Ctrl+C to stop)", file=sys.stderr, flush=True)
                told = True
            time.sleep(0.2)
        except BaseException:
            if store is not None:
                store.close()
            raise


def cmd_check(args: argparse.Namespace) -> int:
    from quizapp.content import load_deck
    from quizapp.content.sanitize import visible_controls
    from quizapp.sync import known_demo_names

    path = args.path or _content_path(args)
    deck = load_deck([path], known_demos=known_demo_names())
    for problem in deck.problems:
        print(visible_controls(str(problem)))
    errors, warnings = len(deck.errors), len(deck.warnings)
    cards, files = len(deck.cards), len(deck.files)
    print(f"{path}: {cards} card{'s' * (cards != 1)} in {files} file{'s' * (files != 1)}, "
          f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return 1 if errors else 0


def cmd_import(args: argparse.Namespace) -> int:
    from quizapp.content.sanitize import visible_controls

    if not args.path.exists():
        print(f"quizapp: error: {args.path}: no such file or directory", file=sys.stderr)
        return 1
    store, result = _open_and_sync(args, args.path)
    store.close()
    for problem in result.deck.problems:
        print(visible_controls(str(problem)))
    note = " (parse errors: nothing retired)" if result.deck.errors else ""
    print(f"imported {args.path}: {result.summary}{note}")
    return 1 if result.deck.errors else 0


def cmd_stats(args: argparse.Namespace) -> int:
    from rich.console import Console

    from quizapp.srs import Scheduler, Settings
    from quizapp.srs.statistics import build_report
    from quizapp.timeutil import utcnow
    from quizapp.tui.report_view import render_all

    from quizapp.interview.report import readiness_history
    from quizapp.store.interviews import InterviewStore
    from quizapp.tui.interview_view import readiness_history_table

    store = _open_store(args)
    try:
        report = build_report(store, Scheduler(Settings.from_store(store.setting)), utcnow())
        interviews = InterviewStore(store)
        readiness = readiness_history(interviews.interviews(), interviews.questions())
    finally:
        store.close()
    console = Console()
    for part in render_all(report, width=min(console.width, 100)):
        console.print(part)
        console.print()
    console.print(readiness_history_table(readiness), width=min(console.width, 100))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from quizapp.history_io import export_history

    if args.format == "apkg":
        return _export_apkg(args)
    store = _open_store(args)
    try:
        if args.out is None:
            try:
                export_history(store, sys.stdout, args.format)
                sys.stdout.flush()
            except BrokenPipeError:  # `quizapp export | head`: the reader has all it wanted
                import os

                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        try:
            with open(args.out, "w", encoding="utf-8", newline="") as out:
                count = export_history(store, out, args.format)
        except OSError as exc:
            print(f"quizapp: error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    finally:
        store.close()
    print(f"exported {count} review{'s' * (count != 1)} to {args.out}", file=sys.stderr)
    return 0


def _export_apkg(args: argparse.Namespace) -> int:
    from quizapp.anki_export import export_apkg

    if args.out is None:
        print("quizapp: error: --format apkg writes a file: give it with --out deck.apkg", file=sys.stderr)
        return 2
    store = _open_store(args)
    try:
        content = _content_path(args)
        if content.exists():
            from quizapp.sync import sync_path

            sync_path(store, content)
        try:
            count = export_apkg(store, args.out)
        except OSError as exc:
            print(f"quizapp: error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    finally:
        store.close()
    print(f"exported {count} card{'s' * (count != 1)} to {args.out} (Anki: File > Import; "
          "exporting again updates these notes)", file=sys.stderr)
    return 0


def cmd_optimize(args: argparse.Namespace) -> int:
    from quizapp.srs import Settings
    from quizapp.srs import tuning
    from quizapp.srs.optimize import NotEnoughHistory
    from quizapp.srs.parameters import format_parameters
    from quizapp.srs.workload import describe_optimum, optimal_retention
    from quizapp.store.parameter_sets import ParameterSets
    from quizapp.timeutil import utcnow

    store = _open_store(args)
    try:
        settings = Settings.from_store(store.setting)
        if args.list:
            for s in ParameterSets(store).all():
                mark = "*" if s.active else " "
                new, old = (s.scores or {}).get("set"), (s.scores or {}).get("current")
                score = (f" log loss {new['log_loss']:.4f}, RMSE(bins) {new['rmse_bins']:.4f} (in force then: "
                         f"{old['log_loss']:.4f}, {old['rmse_bins']:.4f}) on {s.scores.get('on', '?')}"
                         if new and old else "")
                print(f"{mark} {s.id:3} {s.created_at[:16].replace('T', ' ')} {s.source:9}{score}\n"
                      f"        {format_parameters(s.parameters)}")
            return 0
        if args.revert:
            target, change = tuning.revert(store, settings, utcnow())
            print(f"back to parameter set {target.id} ({target.source}, {target.created_at[:10]}): "
                  f"{format_parameters(target.parameters)}")
            _print_change(change)
            return 0
        source = tuning.current_source(store)
        try:
            outcome = tuning.run_optimization(store, settings, utcnow())
        except NotEnoughHistory as exc:
            print(f"quizapp: not optimized: {exc}", file=sys.stderr)
            return 1
        result = outcome.optimization
        print(f"Fitted FSRS-6 on the {result.train_reviews} earlier predictable reviews in {result.fit_seconds:.2f} s; "
              f"scored on the {result.fitted.reviews} from {result.split_at:%Y-%m-%d} on:\n")
        rows = [("parameters", "log loss", "RMSE(bins)", "AUC")] + tuning.score_rows(result, source)
        for name, *values in rows:
            print(f"  {name:22}" + "".join(f"{v:>12}" for v in values))
        print()
        if outcome.change is None:
            print(f"Not adopted: {result.decision.reason}.")
            in_force = tuning.in_force(settings)
        else:
            print(f"Adopted: {result.decision.reason}; refitted on the whole history:")
            print(f"  {format_parameters(outcome.change.parameters)}")
            _print_change(outcome.change)
            in_force = outcome.change.parameters
        best = optimal_retention(in_force, settings, store.card_count())
        print(f"Desired retention: yours is {settings.desired_retention:.2f}; the least study time per card "
              f"remembered comes at {describe_optimum(best)} (fsrs-rs simulation of {store.card_count()} cards, "
              f"{settings.new_per_day} new a day, one year). Change it with: quizapp config desired_retention "
              f"{best:.2f}")
    finally:
        store.close()
    return 0


def _print_change(change) -> None:
    print(f"Replayed {change.cards_replayed} card{'s' * (change.cards_replayed != 1)}: {change.cards_moved} "
          f"due date{'s' * (change.cards_moved != 1)} moved; due today {change.due_today_before} -> "
          f"{change.due_today_after}.")


def cmd_import_history(args: argparse.Namespace) -> int:
    from quizapp.history_io import HistoryFileError, import_history
    from quizapp.srs import Scheduler, Settings
    from quizapp.timeutil import utcnow

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        print(f"quizapp: error: cannot read {args.file}: {reason}", file=sys.stderr)
        return 1
    from quizapp.sync import sync_path

    store = _open_store(args)
    try:
        content = _content_path(args)
        if content.exists():
            sync_path(store, content)  # the history's cards must be in the database first, as when studying
        from quizapp.progress import TerminalProgress

        with TerminalProgress() as progress:
            result = import_history(store, Scheduler(Settings.from_store(store.setting)), text, utcnow(),
                                    progress=progress)
    except HistoryFileError as exc:
        for line, message in exc.problems[:20]:
            print(f"{args.file}:{line}: error: {message}" if line else f"{args.file}: error: {message}",
                  file=sys.stderr)
        if len(exc.problems) > 20:
            print(f"... and {len(exc.problems) - 20} more", file=sys.stderr)
        print(f"{args.file}: nothing was imported; fix the rows above and run the command again",
              file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"imported {args.file}: {result.added} review{'s' * (result.added != 1)} added to "
          f"{result.cards} card{'s' * (result.cards != 1)}, {result.already_present} already present")
    return 0


DEMO_SETTINGS = {"demo_time_limit": (5.0, 86400.0)}  # seconds a demo may run before it is stopped


def cmd_config(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from quizapp.demo.runner import DEFAULT_TIME_LIMIT_S
    from quizapp.srs import Settings
    from quizapp.srs.scheduler import ADJUSTABLE, format_setting, parse_setting

    if args.key == "parameters":
        return _config_parameters(args)
    known = [*ADJUSTABLE, *DEMO_SETTINGS]
    if args.key is not None and args.key not in known:
        print(f"quizapp: error: unknown setting {args.key!r}; known: {', '.join(known)}, parameters", file=sys.stderr)
        return 2
    store = _open_store(args)
    try:
        if args.key is not None and args.value is not None:
            try:
                value = parse_setting(args.key, args.value) if args.key in ADJUSTABLE else \
                    _parse_demo_setting(args.key, args.value)
            except ValueError as exc:
                print(f"quizapp: error: {exc}", file=sys.stderr)
                return 2
            store.set_setting(args.key, format_setting(args.key, value))
        settings = asdict(Settings.from_store(store.setting))
        try:
            settings["demo_time_limit"] = float(store.setting("demo_time_limit") or DEFAULT_TIME_LIMIT_S)
        except ValueError:
            settings["demo_time_limit"] = DEFAULT_TIME_LIMIT_S
    finally:
        store.close()
    keys = [args.key] if args.key in known else known  # parameters: see _config_parameters
    for key in keys:
        print(f"{key} = {settings[key]:g} (seconds)" if key in DEMO_SETTINGS else f"{key} = {format_setting(key, settings[key])}")
    if args.key is None:
        from quizapp.srs.parameters import DEFAULT_PARAMETERS, format_parameters

        values = settings["parameters"]
        print(f"parameters = {format_parameters(values or DEFAULT_PARAMETERS)}{'' if values else ' (defaults)'}")
    return 0


def _config_parameters(args: argparse.Namespace) -> int:
    from quizapp.srs import Settings, tuning
    from quizapp.srs.parameters import format_parameters
    from quizapp.timeutil import utcnow

    store = _open_store(args)
    try:
        settings = Settings.from_store(store.setting)
        if args.value is None:
            print(f"parameters = {format_parameters(tuning.in_force(settings))} ({tuning.current_source(store)})")
            return 0
        try:
            change = tuning.paste(store, settings, args.value, utcnow())
        except ValueError as exc:
            print(f"quizapp: error: parameters: {exc}", file=sys.stderr)
            return 2
    finally:
        store.close()
    print(f"parameters = {format_parameters(change.parameters)} (pasted; `quizapp optimize --revert` undoes it)")
    if change.scores:
        new, old = change.scores["set"], change.scores["current"]
        print(f"On {change.scores['on']} here: log loss {new['log_loss']:.4f} (before: {old['log_loss']:.4f}), "
              f"RMSE(bins) {new['rmse_bins']:.4f} (before: {old['rmse_bins']:.4f}).")
    _print_change(change)
    return 0


def _parse_demo_setting(key: str, raw: str) -> float:
    low, high = DEMO_SETTINGS[key]
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{key} must be a number of seconds, not {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{key} must be between {low:g} and {high:g} seconds, not {raw}")
    return value


def cmd_demo(args: argparse.Namespace) -> int:
    from quizapp.demo.registry import UsageError, available_demos

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
            if info.params:
                knobs = ", ".join(f"{p.name}={_knob_value(p.default)}" for p in info.params)
                print(f"{'':22} knobs: {knobs}")
        return 0
    if args.name not in demos:
        print(f"quizapp: error: unknown demo {args.name!r}; known: {', '.join(demos) or 'none'}",
              file=sys.stderr)
        return 2
    info = demos[args.name]
    try:
        info.resolve(args.set, args.quick)  # the same check, and message, as the demo's own --set
    except UsageError as exc:
        print(f"quizapp: error: {args.name}: {exc}", file=sys.stderr)
        for param in info.params:
            print(f"  {param.name:14} {param.allowed()} (default {_knob_value(param.default)}): {param.help}",
                  file=sys.stderr)
        return 2
    from quizapp.tui.console_demo import run_in_console

    result = run_in_console(info, args.device, args.quick, args.set, _demo_time_limit(args))
    if result.returncode == 2 and result.status == "error":
        return 2  # bad usage reported by the demo itself (e.g. --device cuda without CUDA)
    return 0 if result.status in ("passed", "failed") else 1


def _knob_value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _demo_time_limit(args: argparse.Namespace) -> float:
    from quizapp.demo.runner import DEFAULT_TIME_LIMIT_S

    path = _db_path(args)
    if not path.exists():
        return DEFAULT_TIME_LIMIT_S
    store = _open_store(args)
    try:
        raw = store.setting("demo_time_limit")
    finally:
        store.close()
    try:
        return float(raw) if raw else DEFAULT_TIME_LIMIT_S
    except ValueError:
        return DEFAULT_TIME_LIMIT_S


def match_topic(wanted: str, topics: list[str]) -> str | None:
    """The topic named `wanted`, in any case and ignoring surrounding spaces; None if there is none."""
    key = wanted.strip().casefold()
    return next((topic for topic in topics if topic.casefold() == key), None)


def cmd_interview(args: argparse.Namespace) -> int:
    if args.report is not None:
        return _print_interview_report(args)
    from quizapp.sync import sync_path

    content = _content_path(args)
    if not content.exists():
        print(f"quizapp: error: {content}: no such deck folder", file=sys.stderr)
        return 1
    store = _open_store(args)
    try:
        result = sync_path(store, content)
        if args.topic and args.topic not in store.topics():
            print(f"quizapp: error: no topic {args.topic!r}; topics: {', '.join(store.topics())}", file=sys.stderr)
            return 2
        from quizapp.tui.app import QuizApp

        app = QuizApp(store, sync=result, interview=dict(topic=args.topic, questions=args.questions,
                                                         minutes=args.minutes, seed=args.seed,
                                                         schedule=not args.no_schedule))
        app.run()
    finally:
        store.close()
    return app.return_code or 0


def _print_interview_report(args: argparse.Namespace) -> int:
    from quizapp.interview.report import to_markdown
    from quizapp.interview.session import load_report

    interview_id = None
    if args.report != "latest":
        try:
            interview_id = int(args.report)
        except ValueError:
            print(f"quizapp: error: --report takes an interview number, not {args.report!r}", file=sys.stderr)
            return 2
    store = _open_store(args)
    try:
        report = load_report(store, interview_id)
    finally:
        store.close()
    if report is None:
        which = "no mock interview yet" if interview_id is None else f"no interview {interview_id}"
        print(f"quizapp: error: {which} in {_db_path(args)}", file=sys.stderr)
        return 1
    sys.stdout.write(to_markdown(report))
    return 0


def cmd_study(args: argparse.Namespace) -> int:
    content = _content_path(args)
    if not content.exists():
        print(f"quizapp: error: {content}: no such deck folder", file=sys.stderr)
        return 1
    store, result = _open_and_sync(args, content)
    topic = getattr(args, "topic", None)
    if topic is not None:
        known = store.topics()
        matched = match_topic(topic, known)
        if matched is None:
            store.close()
            print(f"quizapp: error: no topic {topic!r} in {content}. Topics: {', '.join(known) or 'none'}",
                  file=sys.stderr)
            return 2
        topic = matched
    from quizapp.tui.app import QuizApp

    app = QuizApp(store, sync=result, start_topic=topic, start_now=bool(getattr(args, "all", False) or topic))
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or 0


COMMANDS = {"config": cmd_config, "optimize": cmd_optimize, "check": cmd_check, "import": cmd_import,
            "stats": cmd_stats, "demo": cmd_demo, "export": cmd_export, "import-history": cmd_import_history,
            "study": cmd_study, None: cmd_study, "interview": cmd_interview}


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
