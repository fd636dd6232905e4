"""The SQLite store: opening, migrating, syncing content, and every query.

All SQL in quizapp lives in this package. Each rating is one transaction, so a
process killed after a rating keeps it; the review log is never rewritten
except by an explicit undo.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from quizapp.content.model import Card
from quizapp.store.schema import LATEST, MIGRATIONS


class StoreError(Exception):
    """A database problem, worded for the user (names the file and the cause)."""


@dataclass
class SyncSummary:
    added: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired or self.restored)

    def __str__(self) -> str:
        text = f"{self.added} added, {self.updated} updated, {self.retired} retired"
        return text + (f", {self.restored} restored" if self.restored else "")


# a card in no queue: suspended, or buried until a study-day start still ahead of :now (NULL: not buried)
_AVAILABLE = "s.suspended = 0 AND (s.buried_until IS NULL OR :now IS NULL OR s.buried_until <= :now)"

NEW_STATE = {"state": 1, "step": 0, "stability": None, "difficulty": None, "last_review": None,
             "reps": 0, "lapses": 0}


class Store:
    """One quizapp database file."""

    def __init__(self, path: Path | str, timeout: float = 2.0) -> None:
        self.path = Path(path).expanduser()
        self._timeout = timeout
        self.conn = self._connect()
        self._db = None

    @property
    def db(self):
        """sqlite-utils over the same connection, imported on first write (it costs ~0.15 s to import)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # -- opening -----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        path = self.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the database {path}: {exc.strerror or exc}") from None
        if path.is_dir():
            raise StoreError(f"the database path {path} is a folder, not a file")
        try:
            conn = sqlite3.connect(path, timeout=self._timeout, check_same_thread=True)
        except sqlite3.Error as exc:
            raise _translate_error(path, exc, opening=True) from None
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > LATEST:
                raise StoreError(
                    f"the database {path} was made by a newer quizapp (schema {version}; this version knows "
                    f"up to {LATEST}). Upgrade quizapp; the file was left untouched."
                )
            if version > 0 and not self._has_table(conn, "cards"):
                raise StoreError(f"{path} is an SQLite file but not a quizapp database; it was left untouched")
            if version == 0 and self._has_any_table(conn):
                raise StoreError(f"{path} is an SQLite file but not a quizapp database; it was left untouched")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=FULL")
            self._migrate(conn, version)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise _translate_error(path, exc, opening=True) from None
        return conn

    @staticmethod
    def _has_table(conn: sqlite3.Connection, name: str) -> bool:
        row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
        return row is not None

    @staticmethod
    def _has_any_table(conn: sqlite3.Connection) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None

    @staticmethod
    def _migrate(conn: sqlite3.Connection, version: int) -> None:
        for target in range(version + 1, LATEST + 1):
            conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[target - 1]}\nPRAGMA user_version = {target};\nCOMMIT;")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; a lock or I/O failure becomes a StoreError and nothing is half-written."""
        try:
            with self.conn:
                yield self.conn
        except sqlite3.Error as exc:
            raise _translate_error(self.path, exc) from None

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        try:
            cursor = self.conn.execute(sql, params)
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, row)) for row in cursor]
        except sqlite3.Error as exc:
            raise _translate_error(self.path, exc) from None

    def _value(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        try:
            row = self.conn.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise _translate_error(self.path, exc) from None
        return None if row is None else row[0]

    # -- content sync ----------------------------------------------------------------

    def sync(self, cards: Sequence[Card], origin: str, now: str, retire: bool = True) -> SyncSummary:
        """Make the database match `cards` from one origin (a deck folder).

        New ids are added, changed cards updated in place (history kept), ids of
        this origin that vanished are retired (hidden, history kept) and come back
        if they return. Unchanged content writes nothing.
        """
        summary = SyncSummary()
        fingerprint = _fingerprint(cards, retire)
        key = f"synced:{origin}"
        if self.setting(key) == fingerprint:
            return summary  # this exact deck was synced last time: nothing can differ
        existing = {row["id"]: row for row in self._rows(
            "SELECT id, content_hash, retired, origin, position, source FROM cards")}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        seen: set[str] = set()
        for position, card in enumerate(cards):
            seen.add(card.id)
            row = _card_row(card, origin, position, now)
            old = existing.get(card.id)
            if old is None:
                inserts.append(row)
                summary.added += 1
                continue
            same = (old["content_hash"] == row["content_hash"] and not old["retired"]
                    and old["origin"] == origin)
            if same and old["position"] == position and old["source"] == row["source"]:
                continue
            del row["added_at"]
            updates.append(row)
            if old["retired"]:
                summary.restored += 1
            elif not same:
                summary.updated += 1
        to_retire = [cid for cid, old in existing.items()
                     if retire and old["origin"] == origin and not old["retired"] and cid not in seen]
        summary.retired = len(to_retire)
        with self._transaction():
            self.db["settings"].upsert({"key": key, "value": fingerprint}, pk="key")
            if inserts:
                self.db["cards"].insert_all(inserts)
                self.db["schedule"].insert_all(
                    {"card_id": row["id"], "due": now, **NEW_STATE} for row in inserts)
            for row in updates:
                self.db["cards"].update(row["id"], {k: v for k, v in row.items() if k != "id"})
            for cid in to_retire:
                self.db["cards"].update(cid, {"retired": 1, "updated_at": now})
        return summary

    # -- cards and counts ------------------------------------------------------------

    def card(self, card_id: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT c.*, s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses, "
            "s.suspended, s.buried_until, s.flag FROM cards c JOIN schedule s ON s.card_id = c.id WHERE c.id = ?",
            (card_id,))
        return _decode_card(rows[0]) if rows else None

    def cards(self) -> list[dict[str, Any]]:
        """Every card being studied, in deck order (for exports)."""
        return [_decode_card(r) for r in self._rows(
            "SELECT * FROM cards WHERE retired = 0 ORDER BY origin, position")]

    def card_count(self, include_retired: bool = False) -> int:
        where = "" if include_retired else " WHERE retired = 0"
        return self._value("SELECT count(*) FROM cards" + where)

    def topics(self) -> list[str]:
        """Topics of the cards being studied, in deck order."""
        return [r["topic"] for r in self._rows(
            "SELECT topic FROM cards WHERE retired = 0 GROUP BY topic ORDER BY min(origin), min(position)")]

    def topic_counts(self, now: str, day_end: str) -> list[dict[str, Any]]:
        """Per topic: new cards, learning cards due today, review cards due today, total.

        Suspended and buried cards are in the total only.
        """
        return self._rows(
            f"""
            SELECT c.topic AS topic,
                   coalesce(sum(s.reps = 0 AND {_AVAILABLE}), 0) AS new,
                   coalesce(sum(s.reps > 0 AND s.state IN (1, 3) AND s.due < :day_end AND {_AVAILABLE}), 0) AS learning,
                   coalesce(sum(s.reps > 0 AND s.state = 2 AND s.due < :day_end AND {_AVAILABLE}), 0) AS due,
                   count(*) AS total
            FROM cards c JOIN schedule s ON s.card_id = c.id
            WHERE c.retired = 0
            GROUP BY c.topic ORDER BY min(c.origin), min(c.position)
            """,
            {"now": now, "day_end": day_end},
        )

    def next_learning(self, before: str, topic: str | None, now: str | None = None) -> str | None:
        """The learning/relearning card due soonest, if due before `before` (neither suspended nor buried at `now`)."""
        return self._value(
            "SELECT s.card_id FROM schedule s JOIN cards c ON c.id = s.card_id "
            "WHERE c.retired = 0 AND s.reps > 0 AND s.state IN (1, 3) AND s.due <= :before "
            f"AND (:topic IS NULL OR c.topic = :topic) AND {_AVAILABLE} ORDER BY s.due LIMIT 1",
            {"before": before, "topic": topic, "now": now or before})

    def next_review(self, before: str, topic: str | None, now: str | None = None) -> str | None:
        return self._value(
            "SELECT s.card_id FROM schedule s JOIN cards c ON c.id = s.card_id "
            "WHERE c.retired = 0 AND s.reps > 0 AND s.state = 2 AND s.due < :before "
            f"AND (:topic IS NULL OR c.topic = :topic) AND {_AVAILABLE} ORDER BY s.due LIMIT 1",
            {"before": before, "topic": topic, "now": now or before})

    def next_new(self, topic: str | None, now: str | None = None) -> str | None:
        return self._value(
            "SELECT c.id FROM cards c JOIN schedule s ON s.card_id = c.id "
            f"WHERE c.retired = 0 AND s.reps = 0 AND (:topic IS NULL OR c.topic = :topic) AND {_AVAILABLE} "
            "ORDER BY c.origin, c.position LIMIT 1", {"topic": topic, "now": now})

    def studied_since(self, since: str) -> dict[str, int]:
        """How many new cards were introduced and review cards reviewed since a time."""
        row = self._rows(
            "SELECT coalesce(sum(kind = 0), 0) AS new, coalesce(sum(kind = 2), 0) AS review, count(*) AS total "
            "FROM reviews WHERE reviewed_at >= ?", (since,))[0]
        return {k: int(v) for k, v in row.items()}

    def next_due_after(self, moment: str) -> str | None:
        return self._value(
            "SELECT min(s.due) FROM schedule s JOIN cards c ON c.id = s.card_id "
            "WHERE c.retired = 0 AND s.reps > 0 AND s.due > :now AND s.suspended = 0", {"now": moment})

    # -- reviews ---------------------------------------------------------------------

    def record_review(self, card_id: str, rating: int, reviewed_at: str, duration_ms: int | None,
                      kind: int, before: dict[str, Any], after: dict[str, Any]) -> int:
        """Append one review and move the card's state, atomically. Returns the review id."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO reviews (card_id, rating, reviewed_at, duration_ms, kind, state_before, state_after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (card_id, rating, reviewed_at, duration_ms, kind, json.dumps(before), json.dumps(after)))
            self._write_state(conn, card_id, after)
            return int(cursor.lastrowid)

    def undo_review(self, review_id: int) -> dict[str, Any]:
        """Remove one review and put its card back in the state it had before it."""
        with self._transaction() as conn:
            row = conn.execute("SELECT card_id, state_before FROM reviews WHERE id = ?", (review_id,)).fetchone()
            if row is None:
                raise StoreError(f"review {review_id} is not in the database {self.path}")
            before = json.loads(row[1])
            self._write_state(conn, row[0], before)
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        return before

    @staticmethod
    def _write_state(conn: sqlite3.Connection, card_id: str, state: dict[str, Any]) -> None:
        conn.execute(
            "UPDATE schedule SET state = :state, step = :step, stability = :stability, difficulty = :difficulty, "
            "due = :due, last_review = :last_review, reps = :reps, lapses = :lapses WHERE card_id = :card_id",
            {**{k: state.get(k) for k in ("state", "step", "stability", "difficulty", "due", "last_review")},
             "reps": state.get("reps", 0), "lapses": state.get("lapses", 0), "card_id": card_id})

    def reviews_for(self, card_id: str) -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM reviews WHERE card_id = ? ORDER BY reviewed_at, id", (card_id,))
        for row in rows:
            row["state_before"] = json.loads(row["state_before"])
            row["state_after"] = json.loads(row["state_after"])
        return rows

    def review_count(self) -> int:
        return self._value("SELECT count(*) FROM reviews")

    def schedule_state(self, card_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT state, step, stability, difficulty, due, last_review, reps, lapses "
                          "FROM schedule WHERE card_id = ?", (card_id,))
        return rows[0] if rows else None

    # -- demo runs (statistics queries live in stats_queries.py) ---------------------------------- ---------------------------------------------------------------------

    def record_demo_run(self, card_id: str | None, demo: str, device: str, started_at: str, duration_s: float,
                        status: str, passed: bool | None, final_metrics: dict[str, Any], error: str | None,
                        verdict: dict[str, Any] | None = None, params: dict[str, Any] | None = None) -> int:
        """One run of a demo, with the knob values it ran with (`params`, as the demo reported them)."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO demo_runs (card_id, demo, device, started_at, duration_s, status, passed, "
                "final_metrics, error, verdict, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (card_id, demo, device, started_at, duration_s, status, None if passed is None else int(passed),
                 json.dumps(final_metrics, default=str), error,
                 None if verdict is None else json.dumps(verdict, default=str),
                 None if params is None else json.dumps(params, default=str)))
            return int(cursor.lastrowid)

    def demo_runs(self, card_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM demo_runs WHERE (? IS NULL OR card_id = ?) "
                          "ORDER BY started_at DESC, id DESC LIMIT ?", (card_id, card_id, limit))
        for row in rows:
            row["final_metrics"] = json.loads(row["final_metrics"])
            row["verdict"] = json.loads(row["verdict"]) if row["verdict"] else None
            row["params"] = json.loads(row["params"]) if row.get("params") else None
        return rows

    # -- settings --------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        value = self._value("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self._transaction():
            self.db["settings"].upsert({"key": key, "value": value}, pk="key")


def _fingerprint(cards: Sequence[Card], retire: bool) -> str:
    """One hash over a whole deck: ids, contents, order and sources."""
    import hashlib  # here, not at the top: ~20 ms of start-up when the deck is unchanged

    digest = hashlib.sha256(b"retire" if retire else b"keep")
    for card in cards:
        digest.update(f"{card.id}\0{card.content_hash()}\0{card.path}:{card.line}\n".encode())
    return digest.hexdigest()


def _card_row(card: Card, origin: str, position: int, now: str) -> dict[str, Any]:
    return {
        "id": card.id,
        "topic": card.topic,
        "question": card.question,
        "answer": card.answer,
        "tags": json.dumps(list(card.tags)),
        "seeds": json.dumps(list(card.seeds)),
        "demo": card.demo,
        "key_points": json.dumps(list(card.key_points)),
        "follow_ups": json.dumps(list(card.follow_ups)),
        "origin": origin,
        "source": f"{card.path}:{card.line}",
        "position": position,
        "content_hash": card.content_hash(),
        "retired": 0,
        "added_at": now,
        "updated_at": now,
    }


def _decode_card(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("tags", "seeds", "key_points", "follow_ups"):
        row[key] = json.loads(row[key])
    return row


class DatabaseLocked(StoreError):
    """Another process holds the write lock: the same write can succeed a moment later."""


class DatabaseReadOnly(StoreError):
    """The file, its folder or the file system cannot be written: retrying cannot help."""


class DatabaseCorrupt(StoreError):
    """SQLite found the file damaged."""


def _read_only_folder(path: Path) -> Path | None:
    """The database's folder when that (not the file) is what cannot be written: SQLite creates its
    -wal and -shm files beside the database."""
    folder = path.expanduser().absolute().parent
    try:
        read_only_mount = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return None
    return folder if read_only_mount or not os.access(folder, os.W_OK | os.X_OK) else None


def _translate_error(path: Path, exc: sqlite3.Error, opening: bool = False) -> StoreError:
    """A sqlite3 error worded for the user. Only an error met while opening (before this session wrote
    anything) may say the file was left untouched."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DatabaseLocked(f"the database {path} is locked by another program (is quizapp already running?). "
                              "Nothing was written; try again.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        if opening:
            return DatabaseCorrupt(f"the database {path} is corrupt or not a quizapp database ({text}); "
                                   "it was left untouched")
        return DatabaseCorrupt(f"the database {path} turned out to be corrupt ({text}); the last change was not "
                               "saved. Quit, keep a copy of the file and restore a backup "
                               "(`sqlite3 FILE .recover` rescues what is readable).")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        folder = _read_only_folder(path)
        if folder is not None:
            return DatabaseReadOnly(f"the folder {folder} is read-only, so the database {path} cannot be written "
                                    "(SQLite keeps its -wal and -shm files beside it). Make the folder writable "
                                    "or choose another place with --db.")
        if path.exists() and not os.access(path, os.W_OK):
            return DatabaseReadOnly(f"the database file {path} is read-only: nothing can be saved. Make it "
                                    "writable (chmod u+w) or choose another file with --db.")
        if "unable to open" in text:
            return StoreError(f"cannot open the database {path}: {text}")
        return DatabaseReadOnly(f"the database {path} is read-only ({text}): nothing can be saved")
    if "disk" in text and "full" in text:
        return StoreError(f"the disk holding {path} is full; nothing was written")
    return StoreError(f"database error in {path}: {text}")
