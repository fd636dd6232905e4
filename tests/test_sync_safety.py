"""Deck sync is all or nothing, and a deck cannot take over another deck's cards.

The kill tests run the real `sync_path` in a child process and SIGKILL it at points spread over
the whole sync; whatever was killed, the database is consistent and the next sync yields exactly
the deck.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from quizapp.content import load_deck
from quizapp.store import Store
from quizapp.store.browse import Browse, CardFilter
from quizapp.sync import sync_path

REPO = Path(__file__).resolve().parents[1]

CARD = """\
## Question {i}: what does unit {i} compute?

```meta
id: card-{i}
```

### Answer

{answer} {i}.
"""

# The child says when the store starts writing (parsing before it cannot harm the database), so
# the kills land in the part that matters; the real Store.sync runs unchanged.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from quizapp.store import Store
    from quizapp.sync import sync_path
    real_sync, started = Store.sync, []
    def announced_sync(*args, **kwargs):
        started.append(time.perf_counter())
        print("writing", flush=True)
        return real_sync(*args, **kwargs)
    Store.sync = announced_sync
    store = Store(Path(sys.argv[1]))
    result = sync_path(store, Path(sys.argv[2]))
    print("done", time.perf_counter() - started[0] if started else 0.0, result.summary, flush=True)
""")


# The search index rows a sync leaves pending, written a few chunks at a time (as the app's worker
# and the browser's first search write them), announced the same way.
INDEX_CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from quizapp.store import Store
    store = Store(Path(sys.argv[1]))
    print("writing", flush=True)
    start = time.perf_counter()
    written = store.index_pending(chunk=250)
    print("done", time.perf_counter() - start, written, flush=True)
""")


def write_deck(folder: Path, cards: int, answer: str) -> Path:
    folder.mkdir(exist_ok=True)
    for start in range(0, cards, 250):
        body = "\n".join(CARD.format(i=i, answer=answer) for i in range(start, min(cards, start + 250)))
        (folder / f"part-{start // 250:03d}.md").write_text(f"---\ntopic: Part {start // 250}\n---\n\n{body}")
    return folder


def run_child(db: Path, deck: Path | None, kill_after: float | None, sig: int = signal.SIGKILL,
              script: str = CHILD) -> float | None:
    """Sync in a child process; kill it `kill_after` seconds after the store starts writing.
    Returns how long the writing took when not killed."""
    child = subprocess.Popen([sys.executable, "-c", script, str(db), *([str(deck)] if deck else [])], cwd=REPO,
                             stdout=subprocess.PIPE, text=True)
    try:
        if kill_after is None:
            out = child.stdout.read()
            assert child.wait(timeout=120) == 0
            words = out.split()  # "writing" is missing when the files are unchanged since a whole sync
            return float(words[words.index("done") + 1])
        if child.stdout.readline().strip() != "writing":  # an earlier kill came after the commit
            assert child.wait(timeout=60) == 0
            return None
        time.sleep(kill_after)
        os.kill(child.pid, sig)
        child.stdout.read()
        child.wait(timeout=60)
        return None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def assert_consistent(db: Path) -> None:
    """Whatever was interrupted: an intact file and no card without its schedule row."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute("SELECT count(*) FROM cards WHERE id NOT IN (SELECT card_id FROM schedule)")
        assert orphans.fetchone()[0] == 0
    finally:
        conn.close()


def assert_exactly(db: Path, deck: Path) -> None:
    expected = {c.id: (c.question, c.answer) for c in load_deck([deck]).cards}
    store = Store(db)
    try:
        rows = store._rows("SELECT c.id, c.question, c.answer, c.retired, s.card_id AS sched FROM cards c "
                           "LEFT JOIN schedule s ON s.card_id = c.id")
    finally:
        store.close()
    assert {r["id"]: (r["question"], r["answer"]) for r in rows} == expected
    assert all(r["sched"] is not None and r["retired"] == 0 for r in rows)
    assert_searchable(db, len(expected))


def assert_searchable(db: Path, cards: int) -> None:
    """A text search finds every card (writing any pending index rows first), each indexed once."""
    store = Store(db)
    try:
        assert Browse(store).count(CardFilter(text="compute"), "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z") == cards
        assert not store.index_is_pending()
        held = store.conn.execute("SELECT rowid, question, answer FROM cards_fts ORDER BY rowid").fetchall()
        assert held == store.conn.execute("SELECT k.rowid, c.question, c.answer FROM cards c JOIN card_keys k "
                                          "ON k.card_id = c.id ORDER BY k.rowid").fetchall()
        assert len(held) == cards
    finally:
        store.close()


def restart_from(db: Path, start: bytes | None) -> None:
    """Each kill starts from the same database (an earlier kill may have let the sync finish)."""
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    if start is None:
        db.unlink(missing_ok=True)
    else:
        db.write_bytes(start)


def kill_points(duration: float, count: int, seed: int) -> list[float]:
    """`count` moments spread over the sync (one per slice, at a random place in it)."""
    rng = random.Random(seed)
    return [duration * (i + rng.random()) / count for i in range(count)]


def test_a_first_sync_killed_anywhere_leaves_no_half_deck(tmp_path: Path):
    deck = write_deck(tmp_path / "deck", 3000, "Answer")
    duration = run_child(tmp_path / "probe.db", deck, None)  # how long the writing takes here
    db = tmp_path / "k.db"
    for delay in kill_points(duration, 8, seed=1):
        restart_from(db, None)
        run_child(db, deck, delay)
        assert_consistent(db)
        run_child(db, deck, None)
        assert_exactly(db, deck)
    restart_from(db, None)
    run_child(db, deck, duration / 2, signal.SIGINT)  # Ctrl+C while writing
    assert_consistent(db)
    run_child(db, deck, None)
    assert_exactly(db, deck)


def test_an_interrupted_resync_of_an_edited_deck_keeps_no_old_text(tmp_path: Path):
    deck = write_deck(tmp_path / "deck", 3000, "Old answer")
    db, probe = tmp_path / "k.db", tmp_path / "probe.db"
    run_child(db, deck, None)
    Store(db).close()  # checkpoint: the whole state is in the main file
    start = db.read_bytes()
    write_deck(deck, 3000, "New answer")
    restart_from(probe, start)
    duration = run_child(probe, deck, None)  # how long writing the edits takes here
    for delay in kill_points(duration, 6, seed=2):
        restart_from(db, start)
        run_child(db, deck, delay)
        assert_consistent(db)
        run_child(db, deck, None)
        assert_exactly(db, deck)
    run_child(db, deck, None)
    assert_exactly(db, deck)


def test_writing_pending_index_rows_killed_anywhere_loses_none(tmp_path: Path):
    deck = write_deck(tmp_path / "deck", 3000, "Answer")
    db, probe = tmp_path / "k.db", tmp_path / "probe.db"
    run_child(db, deck, None)  # the sync leaves every card's index rows pending
    Store(db).close()  # checkpoint: the whole state is in the main file
    start = db.read_bytes()
    restart_from(probe, start)
    duration = run_child(probe, None, None, script=INDEX_CHILD)  # how long writing them takes here
    for delay in kill_points(duration, 6, seed=3):
        restart_from(db, start)
        run_child(db, None, delay, script=INDEX_CHILD)
        assert_consistent(db)
        store = Store(db)
        try:  # the chunks written before the kill are kept, the rest still pending
            written = store._value("SELECT count(*) FROM cards_fts")
            assert written + store._value("SELECT count(*) FROM fts_pending") == 3000
            assert written % 250 == 0
        finally:
            store.close()
        assert_searchable(db, 3000)


def test_an_id_owned_by_another_deck_is_an_error_naming_both_places(store: Store, deck_dir: Path,
                                                                   tmp_path: Path):
    sync_path(store, deck_dir)
    original = store.card("tensor")
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text("## Not a tensor?\n```meta\nid: tensor\n```\n### Answer\nx\n\n"
                                "## Y?\n```meta\nid: y\n```\n### Answer\ny\n")
    result = sync_path(store, other)
    errors = [str(p) for p in result.deck.errors]
    assert len(errors) == 1
    assert str(other / "x.md") + ":1" in errors[0]  # the new place
    assert str(deck_dir / "sample.md") in errors[0]  # and the card that owns the id
    assert result.summary.updated == 0 and result.summary.added == 1  # y came in; tensor was not taken
    assert store.card("tensor") == original
    # removing the offending file later retires only the other deck's own cards
    (other / "x.md").write_text("## Z?\n```meta\nid: z\n```\n### Answer\nz\n")
    result = sync_path(store, other)
    assert not result.deck.errors and result.summary.retired == 1
    assert store.card("y")["retired"] == 1
    assert store.card("tensor")["retired"] == 0 and store.card("tensor")["question"] == original["question"]


def test_the_same_folder_by_relative_and_absolute_path_is_one_deck(store: Store, deck_dir: Path, monkeypatch):
    monkeypatch.chdir(deck_dir.parent)
    first = sync_path(store, Path(deck_dir.name))
    assert first.summary.added == 3
    source = store.card("tensor")["source"]
    assert source.startswith(str(deck_dir / "sample.md") + ":")
    changes = store.conn.total_changes
    again = sync_path(store, deck_dir)
    assert again.origin == first.origin and again.unchanged_files
    assert store.conn.total_changes == changes
    assert store.card_count() == 3


def test_a_big_first_sync_reports_its_progress(store: Store, tmp_path: Path):
    deck = write_deck(tmp_path / "big", 4500, "Answer")
    seen = []
    result = sync_path(store, deck, progress=lambda what, done, total: seen.append((what, done, total)))
    assert result.summary.added == 4500
    adding = [(done, total) for what, done, total in seen if what == "adding cards"]
    assert adding == [(2000, 4500), (4000, 4500), (4500, 4500)]
    assert ("reading deck files", 18, 18) in seen
