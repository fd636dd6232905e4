"""Messages that tell the truth: what failed, whether trying again can help, and what was kept."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from quizapp import cli
from quizapp.cli import main
from quizapp.srs import Scheduler, Session
from quizapp.store import DatabaseCorrupt, DatabaseReadOnly, Store, StoreError
from quizapp.store.store import _translate_error
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp


def toasts(app: QuizApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_read_only_database_says_so_instead_of_asking_for_the_key_again(db_path: Path, deck_dir: Path):
    store = Store(db_path)
    app = QuizApp(store, sync=sync_path(store, deck_dir), start_now=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        store.conn.execute("PRAGMA query_only = ON")  # SQLite now refuses every write as read-only
        await pilot.press("space", "3")
        await pilot.pause()
        messages = toasts(app)
        assert any("is read-only" in m and "pressing again cannot help. Quit (q)" in m for m in messages), messages
        assert not any("press the key again" in m for m in messages)
        assert app.screen.card["id"] == "tensor"  # still on the card; nothing was recorded
    store = Store(db_path)
    assert store.review_count() == 0
    store.close()


async def test_a_locked_database_asks_for_the_key_again_and_then_saves(db_path: Path, deck_dir: Path):
    store = Store(db_path, timeout=0.2)
    app = QuizApp(store, sync=sync_path(store, deck_dir), start_now=True)
    other = sqlite3.connect(db_path, isolation_level=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        await pilot.press("space", "3")
        await pilot.pause()
        assert any("locked" in m and "press the key again" in m for m in toasts(app))
        other.execute("COMMIT")
        await pilot.press("3")
        await pilot.pause()
        assert store.review_count() == 1
    other.close()


def test_a_file_found_corrupt_after_writes_is_not_said_to_be_untouched(db_path: Path, deck_dir: Path):
    store = Store(db_path)
    sync_path(store, deck_dir)
    session = Session(store, Scheduler())
    session.rate(session.next_card(), 3, 1000)
    page_size = store.conn.execute("PRAGMA page_size").fetchone()[0]
    store.close()  # the last connection: the WAL is checkpointed into the file
    conn = sqlite3.connect(db_path)  # the schema may span several pages: they stay readable, so it opens
    schema_pages = {row[0] for row in conn.execute("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")}
    conn.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(page_size, len(data), 7):  # every page but the schema's
        if offset // page_size + 1 not in schema_pages:
            data[offset] = 0xA5
    db_path.write_bytes(bytes(data))

    store = Store(db_path)  # the header is fine: it opens
    with pytest.raises(DatabaseCorrupt) as caught:
        Session(store, Scheduler()).next_card()
    store.close()
    message = str(caught.value)
    assert "corrupt" in message and "untouched" not in message
    assert "restore a backup" in message


def test_a_read_only_folder_is_named_as_the_cause_not_the_file(tmp_path: Path, monkeypatch):
    """The wording for each cause; whether a folder can be written is asked of the OS (root may write anywhere,
    so here the OS is asked as a user would be: the folder denied, the file allowed)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "q.db"
    db.write_bytes(b"")
    error = sqlite3.OperationalError("attempt to write a readonly database")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != folder and real_access(p, mode))
    folder_error = _translate_error(db, error)
    assert isinstance(folder_error, DatabaseReadOnly)
    assert f"the folder {folder} is read-only" in str(folder_error) and "-wal" in str(folder_error)
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != db and real_access(p, mode))
    file_error = _translate_error(db, error)
    assert str(file_error).startswith(f"the database file {db} is read-only")
    assert f"the folder {folder}" not in str(file_error)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_real_read_only_folder_is_blamed(tmp_path: Path, deck_dir: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    store = Store(folder / "q.db")
    sync_path(store, deck_dir)
    store.close()
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreError) as caught:
            store = Store(folder / "q.db")
            Session(store, Scheduler()).rate(store.card("tensor"), 3, 1000)
        assert f"the folder {folder} is read-only" in str(caught.value)
    finally:
        folder.chmod(0o755)


def hold_write_lock(db: Path, seconds: float) -> subprocess.Popen:
    """Another process (a first window syncing a big deck) holding the database's write lock."""
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sqlite3, time
        conn = sqlite3.connect({str(db)!r}, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep({seconds})
        conn.execute("COMMIT")
    """)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    return child


def test_starting_while_another_window_writes_waits_with_a_message_then_goes_on(db_path: Path, deck_dir: Path,
                                                                                capsys):
    Store(db_path).close()
    holder = hold_write_lock(db_path, 6.0)  # much longer than one attempt's 2 s busy timeout
    try:
        assert main(["--db", str(db_path), "import", str(deck_dir)]) == 0
    finally:
        holder.wait(timeout=30)
    captured = capsys.readouterr()
    assert "waiting for the other quizapp window to finish writing the database" in captured.err
    assert "3 added" in captured.out


def test_waiting_for_another_window_gives_up_after_the_limit_saying_how_long(db_path: Path, deck_dir: Path,
                                                                              capsys, monkeypatch):
    monkeypatch.setattr(cli, "WAIT_FOR_OTHER_WINDOW_S", 1.0)
    Store(db_path).close()
    holder = hold_write_lock(db_path, 8.0)
    try:
        assert main(["--db", str(db_path), "import", str(deck_dir)]) == 1
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert "is locked by another program" in err and re.search(r"waited \d+ s for the other window", err)
