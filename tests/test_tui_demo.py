"""`d` on a card runs its demo as a real child process; Esc cancels it; every run is stored."""

from __future__ import annotations

import asyncio
from pathlib import Path

from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.demo import DemoScreen
from quizapp.tui.screens.review import ReviewScreen

DECK = """\
## Can one linear layer learn XOR?

```meta
id: xor-card
demo: xor
```

### Answer

No: XOR is not linearly separable; one hidden layer with a non-linearity solves it.
"""


def make_app(tmp_path: Path) -> QuizApp:
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "x.md").write_text(DECK)
    store = Store(tmp_path / "q.db")
    return QuizApp(store, sync=sync_path(store, deck), quick_demos=True)


async def wait_for(condition, timeout: float = 90.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_d_runs_the_demo_to_a_verdict_and_stores_the_run(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DemoScreen)
        await wait_for(lambda: screen.result is not None)
        assert screen.result.status == "passed", screen.result.error
        assert screen.charts, "metrics were charted"
        assert screen.heatmaps, "decision regions were drawn"
        verdict = str(screen.query_one("#demo-verdict").render())
        assert "claim holds" in verdict
        runs = app.store.demo_runs("xor-card")
        assert len(runs) == 1 and runs[0]["status"] == "passed" and runs[0]["device"] == "cpu"
        assert runs[0]["final_metrics"]
        assert runs[0]["verdict"]["numbers"]["mlp_final_acc"] == 1.0  # the numbers behind the verdict are kept
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "demo (passed)" in str(app.screen.query_one("#card-meta").render())


async def test_escape_mid_run_kills_the_child_and_records_a_cancelled_run(tmp_path: Path):
    app = make_app(tmp_path)
    app.quick_demos = False  # a long run, to be cancelled
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("d")
        screen = app.screen
        await wait_for(lambda: screen.tracker is not None and screen.tracker.meta is not None)
        process = screen.process
        await pilot.press("escape")
        await pilot.pause()
        assert process.proc.poll() is not None  # killed and reaped
        assert isinstance(app.screen, ReviewScreen)
        runs = app.store.demo_runs("xor-card")
        assert [r["status"] for r in runs] == ["cancelled"]


async def test_a_crashing_demo_shows_its_error_and_the_app_keeps_running(tmp_path: Path):
    import sys
    import textwrap

    from demos.protocol import encode

    meta = encode("meta", title="Crashy", claim="c", device="cpu", device_name="cpu", cards=[], params={})
    crash = [sys.executable, "-c", textwrap.dedent(f"""
        import sys
        print({meta!r}, flush=True)
        print("this is not a protocol line", flush=True)
        print({encode("metric", step=1, series="s", values={"loss": float("nan")})!r}, flush=True)
        sys.stderr.write("RuntimeError: the model fell over\\n")
        sys.exit(3)
    """)]
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        app.push_screen(DemoScreen("crashy", card_id="xor-card", command=crash))
        await pilot.pause()
        screen = app.screen
        await wait_for(lambda: screen.result is not None)
        assert screen.result.status == "error" and screen.result.malformed == 1
        text = str(screen.query_one("#demo-verdict").render())
        assert "Demo failed" in text and "the model fell over" in text
        assert [r["status"] for r in app.store.demo_runs("xor-card")] == ["error"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # still running, back on the card
        await pilot.press("space", "3")
        await pilot.pause()
        assert app.store.review_count() == 1


# -- knobs, dimmed previous runs, bounded reading, quitting, the time limit, the verdict at 80x24 --------

LR_DECK = """\
## What if the learning rate is too high?

```meta
id: lr-card
demo: learning_rate
```

### Answer

It diverges.
"""


def make_lr_app(tmp_path: Path) -> QuizApp:
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "lr.md").write_text(LR_DECK)
    store = Store(tmp_path / "q.db")
    return QuizApp(store, sync=sync_path(store, deck), quick_demos=True)


def script(code: str) -> list[str]:
    import sys
    import textwrap

    return [sys.executable, "-c", textwrap.dedent(code)]


async def test_p_turns_a_knob_inline_checked_and_the_rerun_keeps_the_old_curves_dimmed(tmp_path: Path):
    from textual.widgets import Input

    from quizapp.tui.screens.card_info import CardInfoScreen
    from quizapp.tui.screens.knobs import KnobForm

    app = make_lr_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DemoScreen)
        await wait_for(lambda: screen.result is not None)
        assert screen.result.status == "passed"
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, KnobForm)
        high = form.query_one("#knob-high", Input)
        high.value = "50"
        await pilot.pause()
        error = form.query_one("#knob-error-high")
        assert error.display and "1e-06 to 10" in str(error.render())  # the demo's own message, inline
        high.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form  # nothing runs with a value the demo would reject
        high.value = "0.05"
        await pilot.pause()
        assert not error.display
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        await wait_for(lambda: screen.result is not None)
        assert screen.result.params["high"] == 0.05
        assert screen.result.status == "failed"  # lr=0.05 does not diverge: an honest "not shown"
        assert "not shown at these settings" in str(screen.query_one("#demo-verdict").render())
        chart = screen.charts["loss"]
        assert set(chart.ghost) == {"lr=0.001", "lr=0.1", "lr=1"}  # the previous run, kept dimmed
        assert set(chart.series) == {"lr=0.001", "lr=0.1", "lr=0.05"}
        assert "previous run" in str(chart.render())
        assert "high=0.05" in str(screen.query_one("#demo-status").render())
        runs = app.store.demo_runs("lr-card")
        assert [r["params"]["high"] for r in runs] == [0.05, 1.0]  # newest first, values stored per run
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(CardInfoScreen("lr-card"))
        await pilot.pause()
        from rich.console import Console

        from quizapp.tui.screens.card_info import demo_runs

        console = Console(width=80, record=True, file=open("/dev/null", "w"))
        console.print(demo_runs(app.screen.info))
        demos = console.export_text()
        assert "high=0.05" in demos and "quick, defaults" in demos  # each run's knobs in the card's history


async def test_escape_acts_within_half_a_second_while_a_demo_floods_stdout(tmp_path: Path):
    import time

    from demos.protocol import encode

    meta = encode("meta", title="Flood", claim="c", device="cpu", device_name="cpu", cards=[], params={})
    line = encode("metric", step=1, series="s", values={"loss": 0.5})
    flood = script(f"""
        import sys
        print({meta!r}, flush=True)
        block = ({line!r} + "\\n") * 5000 + ("garbage" * 1000 + "\\n") * 50
        while True:
            sys.stdout.write(block)
    """)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = DemoScreen("flood", card_id="xor-card", command=flood)
        app.push_screen(screen)
        await wait_for(lambda: screen.tracker is not None and screen.tracker.meta is not None)
        await asyncio.sleep(2.0)  # let it flood
        process = screen.process
        start = time.monotonic()
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, ReviewScreen), timeout=5)
        took = time.monotonic() - start
        assert took < 0.5, f"Esc took {took:.2f}s"
        assert process.wait(timeout=5) is not None  # killed and reaped in the background
        assert [r["status"] for r in app.store.demo_runs("xor-card")] == ["cancelled"]
        assert sum(len(s) for s in screen.charts["loss"].series.values()) <= 2000  # what it keeps is bounded


async def test_quitting_does_not_wait_on_a_pipe_held_by_a_detached_grandchild(tmp_path: Path):
    import os
    import signal
    import time

    from demos.protocol import encode

    pidfile = tmp_path / "pid"
    meta = encode("meta", title="Detach", claim="c", device="cpu", device_name="cpu", cards=[], params={})
    detach = script(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
        open({str(pidfile)!r}, "w").write(str(child.pid))
        print({meta!r}, flush=True)
        time.sleep(60)
    """)
    app = make_app(tmp_path)
    try:
        start = None
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("s")
            await pilot.pause()
            screen = DemoScreen("detach", card_id="xor-card", command=detach)
            app.push_screen(screen)
            await wait_for(lambda: pidfile.exists() and screen.tracker.meta is not None)
            start = time.monotonic()
            await pilot.press("q")
        took = time.monotonic() - start
        assert took < 3, f"quitting took {took:.1f}s"
        assert screen.process.wait(timeout=3) is not None  # and the demo itself did not outlive the app
    finally:
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), signal.SIGKILL)


async def test_a_demo_past_the_configured_time_limit_is_stopped_and_recorded(tmp_path: Path):
    from demos.protocol import encode

    meta = encode("meta", title="Slow", claim="c", device="cpu", device_name="cpu", cards=[], params={})
    slow = script(f"""
        import time
        print({meta!r}, flush=True)
        time.sleep(60)
    """)
    app = make_app(tmp_path)
    app.store.set_setting("demo_time_limit", "1.5")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = DemoScreen("slow", card_id="xor-card", command=slow)
        app.push_screen(screen)
        await wait_for(lambda: screen.tracker is not None and screen.tracker.meta is not None)
        assert "of 1.5s" in str(screen.query_one("#demo-status").render())  # the limit is shown
        await wait_for(lambda: screen.result is not None, timeout=10)
        assert screen.result.status == "timed out"
        assert "time limit of 1.5 s" in str(screen.query_one("#demo-verdict").render())
        assert [r["status"] for r in app.store.demo_runs("xor-card")] == ["timed out"]


async def test_a_long_verdict_with_markup_like_text_is_readable_to_its_end_at_80x24(tmp_path: Path):
    from demos.protocol import encode

    meta = encode("meta", title="Long", claim="a claim " * 12, device="cpu", device_name="cpu", cards=[],
                  params={})
    summary = " ".join(f"word{i}" for i in range(150)) + " [/data] THE-END"
    numbers = {f"number_{i}": i * 1.5 for i in range(12)}
    verdict = encode("verdict", claim="c", passed=False, numbers=numbers, summary=summary)
    long_run = script(f"print({meta!r}); print({verdict!r})")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = DemoScreen("long", card_id="xor-card", command=long_run)
        app.push_screen(screen)
        await wait_for(lambda: screen.result is not None)
        await pilot.pause()
        box = screen.query_one("#demo-verdict-box")
        verdict_widget = screen.query_one("#demo-verdict")
        text = str(verdict_widget.render())
        assert "[/data] THE-END" in text and "number_11=16.5" in text  # shown literally, nothing dropped
        footer = screen.query_one("Footer")
        assert box.region.height >= 5 and box.region.bottom <= footer.region.y  # pinned above the footer
        # all of it can be reached: what does not fit scrolls inside the box
        assert box.max_scroll_y == max(0, verdict_widget.outer_size.height - box.region.height)
        box.scroll_end(animate=False)
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y
