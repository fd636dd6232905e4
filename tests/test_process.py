"""Whole-process behaviour: the UI never imports torch, and a killed process keeps its reviews."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from quizapp.store import Store

REPO = Path(__file__).resolve().parents[1]


def run_python(code: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True,
                          text=True, timeout=120, **kwargs)


def test_starting_the_app_and_showing_a_card_does_not_import_torch(tmp_path: Path):
    result = run_python(f"""
        import asyncio, sys
        from pathlib import Path
        from quizapp.cli import build_parser
        from quizapp.store import Store
        from quizapp.sync import sync_path
        from quizapp.paths import bundled_content_dir
        from quizapp.tui.app import QuizApp

        async def main():
            store = Store(Path({str(tmp_path / 'h.db')!r}))
            app = QuizApp(store, sync=sync_path(store, bundled_content_dir()))
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.press("s", "space", "3")
                await pilot.pause()
                from quizapp.tui.screens.help import HelpScreen
            store.close()

        asyncio.run(main())
        heavy = sorted(m for m in sys.modules if m.split(".")[0] == "torch")
        print("HEAVY", heavy)
    """)
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout, result.stdout


def test_sigkill_right_after_a_rating_loses_no_committed_review(tmp_path: Path):
    db = tmp_path / "k.db"
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from quizapp.store import Store
        from quizapp.srs import Scheduler, Session
        from quizapp.sync import sync_path
        from quizapp.paths import bundled_content_dir
        store = Store(Path({str(db)!r}))
        sync_path(store, bundled_content_dir())
        session = Session(store, Scheduler())
        for rating in (3, 1, 4):
            session.rate(session.next_card(), rating, 1200)
        print("rated", flush=True)
        time.sleep(60)
    """)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "rated"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    store = Store(db)
    ratings = [r["rating"] for r in store.db["reviews"].rows_where(order_by="id")]
    store.close()
    assert ratings == [3, 1, 4]


def test_cli_reports_a_corrupt_database_without_a_traceback(tmp_path: Path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 500)
    result = subprocess.run([sys.executable, "-m", "quizapp", "--db", str(bad), "stats"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "corrupt or not a quizapp database" in result.stderr
    assert "Traceback" not in result.stderr
    assert bad.read_bytes() == b"garbage" * 500
