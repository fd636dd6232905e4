"""The compact review log: a database made before it is converted with every review kept exactly, in one
transaction, after a backup; and the log stays exact through ratings, undo and imports."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp.srs import AGAIN, GOOD, Scheduler, Session
from quizapp.srs.scheduler import kind_of
from quizapp.store import LATEST, Store
from quizapp.store.browse import Browse
from quizapp.store.review_log import convert_log, to_ms, to_text
from quizapp.store.schema import MIGRATIONS
from quizapp.sync import sync_path
from quizapp.timeutil import to_iso

START = datetime(2026, 1, 5, 9, 30, 12, 345000, tzinfo=timezone.utc)


BEFORE = MIGRATIONS.index(convert_log)  # the schema version just before the log was converted


def old_database(path: Path) -> list[tuple]:
    """A database from before the compact log (JSON states) with the kinds of history real ones hold;
    returns its rows."""
    conn = sqlite3.connect(path)
    for target in range(1, BEFORE + 1):
        conn.executescript(f"BEGIN;\n{MIGRATIONS[target - 1]}\nPRAGMA user_version = {target};\nCOMMIT;")
    scheduler = Scheduler()
    rows = []

    def add_card(card_id: str) -> None:
        conn.execute("INSERT INTO cards (id, topic, question, answer, content_hash, added_at, updated_at, origin, "
                     "position) VALUES (?, 'T', ?, 'A', 'h', 't', 't', 'o', ?)", (card_id, f"{card_id}?", len(rows)))
        conn.execute("INSERT INTO schedule (card_id, due, deck_origin) VALUES (?, ?, 'o')", (card_id, to_iso(START)))

    def review(card_id: str, before: dict, rating: int, at: datetime, duration: int | None = 3100) -> dict:
        after = scheduler.review(card_id, before, rating, at)
        cursor = conn.execute(
            "INSERT INTO reviews (card_id, rating, reviewed_at, duration_ms, kind, state_before, state_after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (card_id, rating, to_iso(at), duration, kind_of(before), json.dumps(before), json.dumps(after)))
        rows.append((cursor.lastrowid, card_id, rating, to_iso(at), duration, kind_of(before), before, after))
        conn.execute("UPDATE schedule SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                     "last_review = ?, reps = ?, lapses = ? WHERE card_id = ?",
                     (*[after[k] for k in ("state", "step", "stability", "difficulty", "due", "last_review",
                                           "reps", "lapses")], card_id))
        return after

    for n in range(30):  # ordinary chains of different lengths, interleaved in time
        add_card(f"c{n}")
    for step in range(12):
        for n in range(30):
            if step <= n % 12:
                card = f"c{n}"
                state = json.loads(conn.execute("SELECT json_object('state', state, 'step', step, 'stability', "
                                                "stability, 'difficulty', difficulty, 'due', due, 'last_review', "
                                                "last_review, 'reps', reps, 'lapses', lapses) FROM schedule "
                                                "WHERE card_id = ?", (card,)).fetchone()[0])
                at = START + timedelta(days=step * 3, minutes=n, milliseconds=n * 7)
                review(card, state, [AGAIN, GOOD, GOOD, 4][(n + step) % 4], at, None if n == 3 else 1000 + n)
    # the old two-window defect: two reviews made from the same state
    add_card("twice")
    new = scheduler.new_state(START)
    review("twice", new, GOOD, START + timedelta(hours=1))
    review("twice", new, GOOD, START + timedelta(hours=1, seconds=5))
    conn.commit()
    conn.close()
    return rows


def test_an_old_database_is_converted_keeping_every_review_exactly(tmp_path: Path):
    db = tmp_path / "old.db"
    rows = old_database(db)
    seen: list[tuple[str, int, int]] = []
    store = Store(db, progress=lambda what, done, total: seen.append((what, done, total)))
    assert store.schema_version == LATEST
    backup = store.backup_path
    assert backup.exists() and backup.name == f"old.db.schema-{BEFORE}.bak"
    old = sqlite3.connect(backup)  # the backup is the database as it was
    assert old.execute("PRAGMA user_version").fetchone()[0] == BEFORE
    assert old.execute("SELECT count(*) FROM reviews").fetchone()[0] == len(rows)
    old.close()
    assert any(what == "converting reviews" and done == total == len(rows) for what, done, total in seen)
    assert store.review_count() == len(rows)
    got = {}
    for card_id in {r[1] for r in rows}:
        for r in store.reviews_for(card_id):
            got[r["id"]] = (r["id"], r["card_id"], r["rating"], r["reviewed_at"], r["duration_ms"], r["kind"],
                            r["state_before"], r["state_after"])
    assert got == {r[0]: r for r in rows}  # ids, times, durations and both states, exactly
    store.close()


def test_an_interrupted_conversion_leaves_the_old_database_as_it_was(tmp_path: Path):
    db = tmp_path / "old.db"
    rows = old_database(db)

    def interrupt(what: str, done: int, total: int) -> None:
        if what == "keeping first states":
            raise KeyboardInterrupt  # Ctrl+C in the middle of the conversion

    with pytest.raises(KeyboardInterrupt):
        Store(db, progress=interrupt)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == BEFORE
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == len(rows)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'review_log'").fetchone()[0] == 0
    conn.close()
    store = Store(db)  # and the next start converts it whole
    assert store.review_count() == len(rows)
    assert store.backup_path.name == f"old.db.schema-{BEFORE}.2.bak"
    store.close()


def test_times_convert_exactly_both_ways():
    for text in ("2026-11-26T04:55:36.123Z", "1999-12-31T23:59:59.999Z", "2026-03-02T12:00:00.000Z"):
        assert to_text(to_ms(text)) == text
    conn = sqlite3.connect(":memory:")
    from quizapp.store.review_log import ms_sql

    for ms in (0, 1, 1_790_000_000_123, 1_790_000_000_999, 946_684_799_999):
        assert conn.execute(f"SELECT {ms_sql('?')}", (to_text(ms),)).fetchone()[0] == ms


def test_ratings_undo_and_a_rating_made_earlier_than_the_last_keep_every_state(store: Store, deck_dir: Path,
                                                                               clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    for rating in (AGAIN, GOOD, GOOD):
        session.rate(store.card("tensor"), rating, 1000)
        clock.advance(minutes=15)
    full = store.reviews_for("tensor")
    assert [r["state_before"] for r in full[1:]] == [r["state_after"] for r in full[:-1]]
    assert full[0]["state_before"]["reps"] == 0 and full[0]["state_before"]["due"] == full[0]["state_before"]["due"]
    session.undo()
    assert store.reviews_for("tensor") == full[:2]
    assert store.schedule_state("tensor") == full[1]["state_after"]
    clock.advance(hours=-2)  # the clock went back: a review earlier than the card's last one
    session.rate(store.card("tensor"), GOOD, 1000)
    again = store.reviews_for("tensor")
    assert [r["id"] for r in again[1:]] == [full[0]["id"], full[1]["id"]]  # the new one sorts first
    assert again[0]["state_before"] == full[1]["state_after"]
    assert again[1]["state_before"] == full[0]["state_before"]  # the later ones keep their own states
    assert again[2]["state_before"] == full[1]["state_before"]


def test_a_first_review_from_the_synced_new_state_keeps_no_copy_of_it(store: Store, deck_dir: Path, clock):
    """A card's first review starts from the new state the sync gave it (due when it was added): that
    state is derived, not stored (one page fewer written per rating), and still shown and undone exactly.
    A new state that differs (the card was forgotten later) is kept."""
    sync_path(store, deck_dir)
    kept = "SELECT count(*) FROM review_before"
    session = Session(store, Scheduler(), clock=clock)
    synced = store.schedule_state("tensor")
    session.rate(store.card("tensor"), GOOD, 1000)
    assert store._value(kept) == 0
    first = store.reviews_for("tensor")[0]
    assert first["state_before"] == synced
    clock.advance(minutes=5)
    session.undo()
    assert store.schedule_state("tensor") == synced and store.reviews_for("tensor") == []
    session.rate(store.card("tensor"), AGAIN, 1000)
    clock.advance(hours=-1)  # the clock went back: this review comes first, and the other keeps its state
    session.rate(store.card("tensor"), GOOD, 1000)
    chain = store.reviews_for("tensor")  # the earlier review was made from the state the later one left
    assert chain[0]["state_before"] == chain[1]["state_after"] and chain[1]["state_before"] == synced
    assert store._value(kept) == 2  # neither is the chain's: both kept now
    clock.advance(days=2)
    Browse(store).forget(["relu"], to_iso(clock()))
    forgotten = store.schedule_state("relu")
    assert forgotten != store.schedule_state("tensor") and forgotten["due"] != synced["due"]
    session.rate(store.card("relu"), GOOD, 1000)
    assert store.reviews_for("relu")[0]["state_before"] == forgotten
    assert store._value(kept) == 3
    session.undo()
    assert store.schedule_state("relu") == forgotten


def test_a_review_costs_little_on_disk(tmp_path: Path):
    """A guard for the 150-byte target (measured at 5M reviews by bench/storage.py)."""
    import random

    from quizapp.content import Card
    from quizapp.store.history import History

    store = Store(tmp_path / "size.db")
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    store.sync([Card(id=f"bench-{i}", question="Q?", answer="A.", topic="T", path="d.md", line=i)
                for i in range(400)], "bench", to_iso(start))
    scheduler, rng = Scheduler(), random.Random(0)
    histories = []
    for i in range(400):
        state, rows = scheduler.new_state(start), []
        for moment in sorted(start + timedelta(minutes=rng.randint(0, 525_600)) for _ in range(50)):
            after = scheduler.review(f"bench-{i}", state, rng.choice([1, 2, 3, 3, 4]), moment)
            rows.append({"rating": after["reps"] % 4 + 1, "reviewed_at": to_iso(moment), "kind": kind_of(state),
                         "duration_ms": rng.randint(2000, 20000), "state_before": state, "state_after": after})
            state = after
        histories.append((f"bench-{i}", rows, state))
    History(store).rewrite(histories)
    empty_log = store._value("SELECT count(*) FROM review_log")
    assert empty_log == 20_000
    sizes = dict(store.conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    store.close()
    per_review = sum(v for k, v in sizes.items() if k.startswith("review_")) / 20_000
    assert per_review < 150, sizes
    assert os.path.getsize(tmp_path / "size.db") / 20_000 < 170  # cards and schedule included


def test_import_history_reports_its_progress(store: Store, deck_dir: Path, clock):
    from quizapp.history_io import import_history

    sync_path(store, deck_dir)
    lines = ["card_id,review_rating,review_time,review_duration"]
    lines += [f"{card},3,2026-02-{day:02d}T10:00:00.000Z,1000" for card in ("tensor", "mean") for day in range(1, 21)]
    seen = []
    result = import_history(store, Scheduler(), "\n".join(lines), clock.now,
                            progress=lambda what, done, total: seen.append((done, total)))
    assert result.added == 40
    assert seen[-1] == (40, 40) and all(done <= total for done, total in seen)


def test_a_new_database_shows_no_progress(tmp_path):
    """Creating a database runs the log conversion on an empty log: nothing to show, so no bars."""
    seen = []
    Store(tmp_path / "new.db", progress=lambda what, done, total: seen.append(what)).close()
    assert seen == []
