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
