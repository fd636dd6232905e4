"""The store: sync keeps history, retires and restores, writes nothing when nothing changed,
and refuses bad files without touching them."""

from __future__ import annotations

import json
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


# A sync writes the list fields and content hashes of all its cards as JSON in one encoder call
# (store/card_rows.py): the texts must be exactly what one json.dumps a value writes (older rows hold
# them, the card counts group by them) and the hashes exactly Card.content_hash's (or every card of
# an existing database would look edited), whatever the strings hold.
TRICKY_LISTS = [(), ("a", "b"), ("",), ('say "hi", then', "x\x00y", '{"0"\x00[', "ünïcode", "😀", "]}", "\\", "\n"),
                (1, 2, 30), ("a, b", ', "7"'), (), ("last",)]


def test_list_fields_are_stored_as_the_text_json_dumps_writes():
    from quizapp.store.card_rows import json_lists

    assert json_lists(TRICKY_LISTS) == [json.dumps(list(items)) for items in TRICKY_LISTS]
    assert json_lists([(), ()]) == ["[]", "[]"] and json_lists([]) == []
    odd = [({"key": "an object, not a card field"},), ("a",)]  # its key separator: still the same text
    assert json_lists(odd) == [json.dumps(list(items)) for items in odd]


def tricky_cards(n: int) -> list:
    from quizapp.content import Card

    texts = ["Q?", 'A "quoted", [bracketed] answer\x00 with ünïcode 😀\n\tand a tab', "}", "", "\\"]
    return [Card(id=f"c{i}", question=texts[i % 5], answer=texts[(i + 1) % 5] * (i % 3), topic=texts[(i + 2) % 5],
                 tags=TRICKY_LISTS[i % len(TRICKY_LISTS)], key_points=TRICKY_LISTS[(i + 3) % len(TRICKY_LISTS)],
                 follow_ups=TRICKY_LISTS[(i + 5) % len(TRICKY_LISTS)][:1], seeds=(i, i + 1) if i % 2 else (),
                 demo="xor" if i % 4 == 0 else None,
                 synonyms=((texts[i % 5], ("other", texts[(i + 1) % 5])),) if i % 3 == 0 else (),
                 path="d.md", line=i) for i in range(n)]


def test_content_hashes_are_card_content_hash_for_every_kind_of_card():
    from quizapp.store.card_rows import content_hashes

    cards = tricky_cards(40)
    assert content_hashes(cards) == [card.content_hash() for card in cards]
    assert len(set(content_hashes(cards))) > 20 and content_hashes([]) == []


def test_a_sync_stores_each_cards_lists_and_hash_as_one_call_each_would(store: Store):
    from quizapp.content import Card

    cards = tricky_cards(30)
    store.sync(cards, "d", "2026-03-02T12:00:00.000Z")
    edited = [Card(**{**card.__dict__, "answer": "B."}) if i % 3 == 0 else card for i, card in enumerate(cards)]
    store.sync(edited, "d", "2026-03-02T12:00:00.000Z")  # the changed cards' rows are written the same way
    stored = {row[0]: row[1:] for row in store.conn.execute(
        "SELECT id, tags, seeds, key_points, follow_ups, content_hash FROM cards")}
    assert stored == {c.id: tuple(json.dumps(list(items)) for items in (c.tags, c.seeds, c.key_points, c.follow_ups))
                      + (c.content_hash(),) for c in edited}
    assert store.card("c4")["tags"] == list(TRICKY_LISTS[4])
