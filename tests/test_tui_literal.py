"""Deck and demo text is shown literally everywhere: `[/bold]` is text, not a closing tag that crashes
the app, and terminal escapes are shown, not obeyed. Real database, real screens, real child process."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from textual.content import Content
from textual.geometry import Region
from textual.widgets import DataTable, Static

from quizapp.cli import main
from quizapp.content import Card
from quizapp.srs import AGAIN, EASY, Scheduler, Session
from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.timeutil import to_iso, utcnow
from quizapp.tui.app import QuizApp
from quizapp.tui.report_view import render_all
from quizapp.tui.screens.card_info import CardInfoScreen
from quizapp.tui.screens.demo import DemoScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.stats import StatsScreen
from quizapp.tui.widgets.card_text import CardText

TOPIC = "[/bold] x"
QUESTION = "What is a[/2] in NumPy?"
HOSTILE = f"""\
---
topic: "{TOPIC}"
---

## {QUESTION}

```meta
id: slice
demo: xor
```

### Answer

`a[/2]` is not valid; `x[i][j]` indexes twice and [bold]this is not bold[/bold].
"""
ESC = "\x1b"


def hostile_app(tmp_path: Path) -> QuizApp:
    deck = tmp_path / "deck"
    deck.mkdir(exist_ok=True)
    (deck / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    store = Store(tmp_path / "q.db")
    return QuizApp(store, sync=sync_path(store, deck), quick_demos=True)


def static_text(screen, selector: str) -> str:
    return screen.query_one(selector, Static).content.plain


def drawn(widget) -> str:
    """The characters a widget puts on screen."""
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, *widget.size)))


def lapse(store: Store, card_id: str) -> None:
    """Make a card lapse with the real scheduler: Easy, then Again once it is due."""
    moment = [utcnow() - timedelta(days=30)]
    session = Session(store, Scheduler(), clock=lambda: moment[0])
    session.rate(store.card(card_id), EASY, 1000)
    moment[0] = utcnow()
    session.rate(store.card(card_id), AGAIN, 1000)


async def test_home_review_meta_and_the_undo_toast_show_markup_like_text_literally(tmp_path: Path):
    app = hostile_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(1)][0] == TOPIC
        await pilot.press("s", "space", "1", "u")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card["id"] == "slice"
        assert static_text(screen, "#card-meta").startswith(f"d demo · {TOPIC}")
        toasts = [n.message for n in app._notifications]
        assert any(QUESTION in message for message in toasts), toasts
        await pilot.press("space")
        await pilot.pause()
        answer = screen.query_one("#answer", CardText)
        assert "[bold]this is not bold[/bold]" in answer.source
        shown = " ".join(drawn(answer).split())  # as drawn, wrapped lines joined
        assert "a[/2] is not valid; x[i][j] indexes twice and [bold]this is not bold[/bold]." in shown
        assert QUESTION in " ".join(drawn(screen.query_one("#question", CardText)).split())
    assert app.return_code in (None, 0)


async def test_command_palette_titles_keep_the_topic_literally(tmp_path: Path):
    app = hostile_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [Content.from_markup(c.title).plain for c in app.get_system_commands(app.screen)]
        assert f"Study: {TOPIC}" in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"study")
        await pilot.pause(0.5)  # the palette draws every hit; a markup error would end the app here


async def test_a_lapsed_card_with_markup_like_text_on_the_stats_screen_and_in_quizapp_stats(tmp_path: Path,
                                                                                           capsys):
    app = hostile_app(tmp_path)
    lapse(app.store, "slice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        row = [str(c) for c in screen.query_one("#stats-hardest", DataTable).get_row_at(0)]
        assert row[0] == "slice" and row[-1] == QUESTION
        screen.query_one("#stats-hardest").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CardInfoScreen)
        assert static_text(app.screen, "#info-summary").startswith(QUESTION)
    app.store.close()
    assert main(["--db", str(tmp_path / "q.db"), "stats"]) == 0
    out = capsys.readouterr().out
    assert TOPIC in out and "a[/2]" in out


def demo_command(tmp_path: Path, summary: str, stderr: str, verdict: bool = True) -> list[str]:
    from demos.protocol import encode

    meta = encode("meta", title="T[/x]", claim=f"claim [/data] {ESC}]0;PWNED\a", device="cpu",
                  device_name=f"cpu [/b]{ESC}[2J", cards=[], params={})
    lines = [meta, encode("log", message=f"log [/data] {ESC}[?1049l")]
    if verdict:
        lines.append(encode("verdict", claim="claim [/data]", passed=True, numbers={"k[/x]": 1.0}, summary=summary))
    script = tmp_path / "demo_hostile.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        for line in {lines!r}:
            print(line, flush=True)
        sys.stderr.write({stderr!r})
        sys.exit({0 if verdict else 1})
    """))
    return [sys.executable, str(script)]


async def wait_for(condition, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_demos_verdict_claim_and_log_with_markup_and_escapes_are_shown_and_recorded(tmp_path: Path):
    app = hostile_app(tmp_path)
    command = demo_command(tmp_path, summary=f"it held [/data] {ESC}[2J", stderr="")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(DemoScreen("hostile", card_id="slice", command=command))
        await pilot.pause()
        screen = app.screen
        await wait_for(lambda: screen.result is not None)
        await pilot.pause()
        assert screen.result.status == "passed"
        verdict = static_text(screen, "#demo-verdict")
        assert "it held [/data] ␛[2J" in verdict and "k[/x]=1" in verdict
        assert "claim [/data] ␛]0;PWNED␇" in static_text(screen, "#demo-claim")
        assert ESC not in "".join(screen.query_one("#demo-log").lines)
        runs = app.store.demo_runs("slice")
        assert [r["status"] for r in runs] == ["passed"]
        assert ESC not in runs[0]["verdict"]["summary"]  # stored as shown
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(CardInfoScreen("slice"))  # its table's caption is the last run's summary
        await pilot.pause()
        assert "Last run: it held [/data] ␛[2J" in drawn(app.screen.query_one("#info-demos", Static))


async def test_a_crashing_demo_with_markup_in_stderr_shows_the_exception_line_and_is_recorded(tmp_path: Path):
    app = hostile_app(tmp_path)
    traceback = ("Traceback (most recent call last):\n" + "".join(f'  File "x.py", line {i}, in f\n    f()\n'
                                                                  for i in range(6))
                 + "RuntimeError: bad shape [/data] in layer[3]\n")
    command = demo_command(tmp_path, summary="", stderr=traceback, verdict=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(DemoScreen("hostile", card_id="slice", command=command))
        await pilot.pause()
        screen = app.screen
        await wait_for(lambda: screen.result is not None)
        await pilot.pause()
        verdict = screen.query_one("#demo-verdict", Static)
        lines = verdict.content.plain.splitlines()
        assert lines[0].startswith("Demo failed: ") and "exited with status 1" in lines[0]
        assert lines[1] == "RuntimeError: bad shape [/data] in layer[3]"
        assert verdict.size.height >= 2  # the exception line is on screen, not cut below the panel
        assert "RuntimeError: bad shape [/data] in layer[3]" in screen.query_one("#demo-log").lines
        assert [r["status"] for r in app.store.demo_runs("slice")] == ["error"]


def test_report_panels_render_hostile_names_literally(tmp_path: Path):
    app = hostile_app(tmp_path)
    lapse(app.store, "slice")
    from quizapp.srs.statistics import build_report

    report = build_report(app.store, Scheduler(), utcnow())
    console = Console(width=80, record=True, file=open("/dev/null", "w"), color_system=None)
    for part in render_all(report):
        console.print(part)
    text = console.export_text()
    assert TOPIC in text and "a[/2]" in text
    app.store.close()


async def test_text_stored_by_an_older_version_with_raw_escapes_is_shown_with_visible_controls(tmp_path: Path):
    store = Store(tmp_path / "q.db")
    card = Card(id="esc", question=f"Title {ESC}]0;PWNED\a and {ESC}[2J", answer=f"Red {ESC}[31mRED",
                topic=f"T{ESC}[2J", path="x.md", line=1)
    store.sync([card], "old", to_iso(utcnow()))
    app = QuizApp(store, start_now=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        screen = app.screen
        question = screen.query_one("#question", CardText).source
        answer = screen.query_one("#answer", CardText).source
        assert ESC not in question + answer + static_text(screen, "#card-meta")
        assert "␛]0;PWNED␇" in question and "␛[31mRED" in answer


def test_the_bytes_sent_to_a_real_terminal_hold_no_escape_from_card_text(tmp_path: Path):
    """The app in a pseudo-terminal at 80x24: a question holding `ESC ]0;PWNED BEL` (set the window title)
    and an answer holding `ESC [31m` reach the terminal as visible symbols, never as control sequences."""
    import fcntl
    import os
    import pty
    import select
    import struct
    import subprocess
    import termios
    import time

    store = Store(tmp_path / "q.db")
    store.sync([Card(id="esc", question=f"Title {ESC}]0;PWNED\a and {ESC}[2J", topic="T", path="x.md", line=1,
                     answer=f"Red {ESC}[31mRED and {ESC}[?1049l")], "older-version", to_iso(utcnow()))
    store.close()
    (tmp_path / "empty").mkdir()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "quizapp", "--db", str(tmp_path / "q.db"), "--content",
                              str(tmp_path / "empty"), "study", "--all"], stdin=slave, stdout=slave, stderr=slave,
                             env={**os.environ, "TERM": "xterm-256color"}, start_new_session=True,
                             cwd=Path(__file__).resolve().parents[1])
    os.close(slave)
    out = b""

    def read_until(done, timeout: float) -> None:
        nonlocal out
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            if select.select([master], [], [], 0.2)[0]:
                try:
                    out += os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    return

    try:
        read_until(lambda: b"PWNED" in out, 60)
        os.write(master, b" ")
        read_until(lambda: b"RED" in out, 30)
        os.write(master, b"q")
        read_until(lambda: child.poll() is not None, 30)
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
    assert "␛]0;PWNED␇".encode() in out and "␛[31mRED".encode() in out  # shown...
    assert b"\x1b]0;PWNED" not in out and b"\x1b[31mRED" not in out and b"\x1b[2J and" not in out  # ...not obeyed
