"""The store: sync keeps history, retires and restores, writes nothing when nothing changed,
and refuses bad files without touching them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from quizapp.content import load_deck
from quizapp.srs import GOOD, Scheduler, Session
from quizapp.store import LATEST, Store, StoreError
from quizapp.sync import sync_path


def test_new_database_has_latest_schema_wal_and_foreign_keys(store: Store):
    assert store.schema_version == LATEST
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_sync_adds_then_is_idempotent_and_writes_nothing(store: Store, deck_dir: Path):
    first = sync_path(store, deck_dir)
    assert (first.summary.added, first.summary.updated, first.summary.retired) == (3, 0, 0)
    changes_before = store.conn.total_changes
    again = sync_path(store, deck_dir)
    assert not again.summary.changed
    assert store.conn.total_changes == changes_before  # not a single row written


def _review_one(store: Store, clock, card_id: str) -> None:
    session = Session(store, Scheduler(), clock=clock)
    card = store.card(card_id)
    session.rate(card, GOOD, 1500)


def test_editing_text_keeps_history_and_schedule(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    _review_one(store, clock, "tensor")
    state_before = store.schedule_state("tensor")
    path = deck_dir / "sample.md"
    path.write_text(path.read_text().replace("An n-dimensional array", "A multi-dimensional array"))
    result = sync_path(store, deck_dir)
    assert (result.summary.added, result.summary.updated) == (0, 1)
    card = store.card("tensor")
    assert card["answer"].startswith("A multi-dimensional array")
    assert len(store.reviews_for("tensor")) == 1
    assert store.schedule_state("tensor") == state_before


def test_removed_card_is_retired_with_history_and_restored_when_it_returns(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    _review_one(store, clock, "relu")
    path = deck_dir / "sample.md"
    original = path.read_text()
    path.write_text(original.split("## Why use ReLU?")[0])
    result = sync_path(store, deck_dir)
    assert result.summary.retired == 1
    assert store.card("relu")["retired"] == 1
    assert store.card_count() == 2
    assert len(store.reviews_for("relu")) == 1
    path.write_text(original)
    result = sync_path(store, deck_dir)
    assert result.summary.restored == 1
    assert store.card("relu")["retired"] == 0
    assert len(store.reviews_for("relu")) == 1


def test_a_broken_file_retires_nothing(store: Store, deck_dir: Path):
    sync_path(store, deck_dir)
    (deck_dir / "sample.md").write_text("---\ntopic: [broken\n---\n")
    result = sync_path(store, deck_dir)
    assert result.deck.errors
    assert result.summary.retired == 0
    assert store.card_count() == 3


def test_other_origins_are_not_retired(store: Store, deck_dir: Path, tmp_path: Path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text("## X?\n```meta\nid: x\n```\n### Answer\nx\n")
    sync_path(store, deck_dir)
    sync_path(store, other)
    assert store.card_count() == 4
    again = sync_path(store, deck_dir)
    assert again.summary.retired == 0 and store.card_count() == 4


def test_newer_schema_is_refused_and_left_untouched(db_path: Path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer quizapp"):
        Store(db_path)
    assert db_path.read_bytes() == before


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not sqlite" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="corrupt or not a quizapp database"):
        Store(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a quizapp database"):
        Store(path)


def test_locked_database_gives_a_clear_message_and_loses_nothing(db_path: Path, deck_dir: Path, clock):
    store = Store(db_path, timeout=0.2)
    sync_path(store, deck_dir)
    blocker = sqlite3.connect(db_path)
    blocker.execute("BEGIN EXCLUSIVE")
    session = Session(store, Scheduler(), clock=clock)
    card = store.card("tensor")
    with pytest.raises(StoreError, match="locked by another program"):
        session.rate(card, GOOD, 1000)
    blocker.rollback()
    blocker.close()
    assert store.review_count() == 0
    session.rate(store.card("tensor"), GOOD, 1000)  # the same rating, given again, is kept
    assert store.review_count() == 1
    store.close()


def test_migrations_run_forward_from_version_one(db_path: Path):
    from quizapp.store.schema import MIGRATIONS

    conn = sqlite3.connect(db_path)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO cards (id, topic, question, answer, content_hash, added_at, updated_at) "
                 "VALUES ('old', 'T', 'Q', 'A', 'h', 't', 't')")
    conn.commit()
    conn.close()
    store = Store(db_path)
    assert store.schema_version == LATEST
    assert store.db["cards"].count == 1
    assert "demo_runs" in store.db.table_names()
    store.close()


def test_sync_of_bundled_deck_is_stable(store: Store):
    from quizapp.paths import bundled_content_dir

    result = sync_path(store, bundled_content_dir())
    assert result.origin == "bundled"
    assert result.summary.added == len(load_deck([bundled_content_dir()]).cards)
