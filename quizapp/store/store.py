"""The SQLite store: opening, migrating, syncing content, and every query.

All SQL in quizapp lives in this package. Each rating is one transaction, so a
process killed after a rating keeps it; the review log is never rewritten
except by an explicit undo.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Sequence

from quizapp.content.model import Card, Problem
from quizapp.store.card_counts import COUNT_NEW
from quizapp.store.card_rows import CARD_COLUMNS, card_rows, content_hashes, source
from quizapp.store.review_log import (ALL_KINDS, BUCKET_MS, Progress, ReviewLog, after_values, review_dict, state_from_values,
                                      state_values, to_ms)
from quizapp.store.schema import CONVERTS_DATA, LATEST, MIGRATIONS
from quizapp.store.search_index import MARK_PENDING, PENDING_CHUNK, has_pending, index_some


class StoreError(Exception):
    """A database problem, worded for the user (names the file and the cause)."""


class StaleState(StoreError):
    """The card's schedule is no longer the one the caller saw: another window (or process)
    rated it, or undid a rating, in between. Nothing was written; reload the card."""

    def __init__(self, card_id: str, message: str) -> None:
        super().__init__(message)
        self.card_id = card_id


@dataclass
class SyncSummary:
    added: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0
    conflicts: list[Problem] = field(default_factory=list)  # ids that belong to a card of another origin

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired or self.restored)

    def __str__(self) -> str:
        text = f"{self.added} added, {self.updated} updated, {self.retired} retired"
        return text + (f", {self.restored} restored" if self.restored else "")



NEW_STATE = {"state": 1, "step": 0, "stability": None, "difficulty": None, "last_review": None,
             "reps": 0, "lapses": 0}


class Store:
    """One quizapp database file."""

    def __init__(self, path: Path | str, timeout: float = 2.0, progress: Progress | None = None,
                 synchronous: str = "FULL") -> None:
        """`progress(what, done, total)` hears about long work on opening (a migration that
        converts the review log; the backup made before it). `synchronous` FULL (the default)
        fsyncs every commit, so a rating survives even a power cut; NORMAL (benchmarks against
        peers that do not fsync) survives a crash or kill -9 but may lose the last commits on
        power loss, never corrupting the file."""
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
        self.path = Path(path).expanduser()
        self._timeout = timeout
        self._synchronous = synchronous
        self._progress = progress
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
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            # A statement that fires triggers inside a transaction keeps a statement journal, which
            # SQLite spills to a temporary file past 64 KiB: a rating's update of the schedule (its
            # indexes and the card counts' triggers) measured ~20 us slower with temporary storage on
            # disk than in memory (Anki keeps its temporary storage in memory too).
            conn.execute("PRAGMA temp_store=MEMORY")
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

    def _migrate(self, conn: sqlite3.Connection, version: int) -> None:
        """Run the pending migrations, each in one transaction with its version bump. Before one that
        converts data, a backup copy of the file is made (VACUUM INTO); after it, the file is
        compacted (VACUUM) so the space the old form took goes back to the disk."""
        pending = range(version + 1, LATEST + 1)
        converting = version > 0 and any(t in CONVERTS_DATA for t in pending) and self._has_reviews(conn)
        if converting:
            self._backup(conn, version)
        for target in pending:
            migration = MIGRATIONS[target - 1]
            if not callable(migration):
                conn.executescript(f"BEGIN IMMEDIATE;\n{migration}\nPRAGMA user_version = {target};\nCOMMIT;")
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                migration(conn, self._progress)
                conn.execute(f"PRAGMA user_version = {target}")
                conn.commit()
            except BaseException:
                _rollback(conn)
                raise
        if converting:
            self._report("compacting the database", 0, 1)
            conn.execute("VACUUM")
            self._report("compacting the database", 1, 1)

    def _report(self, what: str, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress(what, done, total)

    @staticmethod
    def _has_reviews(conn: sqlite3.Connection) -> bool:
        try:
            return conn.execute("SELECT 1 FROM reviews LIMIT 1").fetchone() is not None
        except sqlite3.Error:
            return False

    def _backup(self, conn: sqlite3.Connection, version: int) -> Path:
        """A full copy of the database as it was, next to it, before its data is converted."""
        target = self.path.with_name(f"{self.path.name}.schema-{version}.bak")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.schema-{version}.{n}.bak")
        self._report(f"backing up to {target}", 0, 1)
        try:
            conn.execute("VACUUM INTO ?", (str(target),))
        except sqlite3.Error as exc:
            raise StoreError(f"could not back up {self.path} to {target} before converting it ({exc}); "
                             "nothing was changed") from None
        self._report(f"backing up to {target}", 1, 1)
        self.backup_path = target
        return target

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def _transaction(self) -> _Transaction:
        """One atomic write, holding the write lock from its first statement (BEGIN IMMEDIATE), so
        what it reads cannot change under it before it writes (two windows on one database).

        Any exception (a lock, I/O, KeyboardInterrupt, StaleState) rolls everything back: nothing
        is half-written. sqlite3 errors become a StoreError.
        """
        return _Transaction(self)

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file (SQLite's PRAGMA data_version):
        a cheap poll that tells a window its counts may be out of date."""
        return int(self._value("PRAGMA data_version"))

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

    def sync(self, cards: Sequence[Card], origin: str, now: str, retire: bool = True,
             stamp: tuple[str, str] | None = None, progress: Progress | None = None) -> SyncSummary:
        """Make the database match `cards` from one origin (a deck folder), in ONE transaction.

        New ids are added, changed cards updated in place (history kept), ids of this
        origin that vanished are retired (hidden, history kept) and come back if they
        return. Unchanged content writes nothing. An id that already belongs to a card
        of another origin is not touched: it is reported in `conflicts` (naming both
        places) and, like a parse error, stops retiring. The deck's fingerprint (and
        `stamp`, a setting (key, value) the caller wants saved with it) is written last,
        inside the same transaction: a sync killed at any point leaves the database as
        it was, and the next sync does all of it. New cards' search index rows are left
        pending, written by `index_pending` (see search_index.py).
        """
        summary = SyncSummary()
        hashes = content_hashes(cards)  # once each: the fingerprint and the rows share them
        fingerprint = _fingerprint(cards, hashes, retire)
        key = f"synced:{origin}"
        if self.setting(key) == fingerprint:
            if stamp is not None and self.setting(stamp[0]) != stamp[1]:
                self.set_setting(*stamp)
            return summary  # this exact deck was synced last time: nothing can differ
        with self._transaction() as conn:
            existing = {row[0]: row for row in conn.execute(
                "SELECT id, content_hash, retired, origin, position, source FROM cards")}
            inserts: list[int] = []  # positions in `cards` of the cards to add, then to update
            updates: list[int] = []
            seen: set[str] = set()
            for position, (card, content_hash) in enumerate(zip(cards, hashes)):
                seen.add(card.id)
                old = existing.get(card.id)
                if old is None:
                    inserts.append(position)
                    summary.added += 1
                    continue
                old_hash, old_retired, old_origin, old_position, old_source = old[1:]
                if old_origin != origin:
                    summary.conflicts.append(Problem(
                        card.path, card.line,
                        f"card id {card.id!r} already belongs to the card at {old_source} (deck "
                        f"{old_origin}); this card was not imported. Give it another id."))
                    continue
                same = old_hash == content_hash and not old_retired
                if same and old_position == position and old_source == source(card):
                    continue
                updates.append(position)
                if old_retired:
                    summary.restored += 1
                elif not same:
                    summary.updated += 1
            rows = card_rows(cards, inserts + updates, origin, now, hashes)
            inserts, updates = rows[:len(inserts)], rows[len(inserts):]  # rows in CARD_COLUMNS order
            retire = retire and not summary.conflicts
            to_retire = [(now, cid) for cid, old in existing.items()
                         if retire and old[3] == origin and not old[2] and cid not in seen]
            summary.retired = len(to_retire)
            if inserts:
                conn.execute("INSERT INTO counts_deferred (one) VALUES (1)")  # see card_counts.py: counted below
            for start in range(0, len(inserts), SYNC_CHUNK):  # in chunks, to show progress on a big deck
                chunk = inserts[start:start + SYNC_CHUNK]
                _insert_cards(conn, chunk)
                ids = json.dumps([row[_ID] for row in chunk])
                conn.execute(MARK_PENDING, (ids,))  # their search index rows: see search_index.py
                conn.execute(SCHEDULE_NEW_CARDS, (now, ids))
                conn.executemany(COUNT_NEW, _new_card_groups(chunk))
                if progress is not None:
                    progress("adding cards", start + len(chunk), len(inserts))
            if inserts:
                conn.execute("DELETE FROM counts_deferred")
            if updates:
                kept = [i for i, c in enumerate(CARD_COLUMNS) if c not in ("id", "added_at")]
                conn.executemany(
                    f"UPDATE cards SET {', '.join(f'{CARD_COLUMNS[i]} = ?' for i in kept)} WHERE id = ?",
                    [tuple(row[i] for i in kept) + (row[_ID],) for row in updates])
                conn.executemany("UPDATE schedule SET deck_origin = ?, deck_position = ?, deck_topic = ?, "
                                 "deck_retired = 0 WHERE card_id = ?",
                                 [(origin, row[_POSITION], row[_TOPIC], row[_ID]) for row in updates])
            if to_retire:
                conn.executemany("UPDATE cards SET retired = 1, updated_at = ? WHERE id = ?", to_retire)
                conn.executemany("UPDATE schedule SET deck_retired = 1 WHERE card_id = ?",
                                 [(cid,) for _, cid in to_retire])
            if not summary.conflicts:  # last: a deck with conflicts is looked at again next time
                settings = [(key, fingerprint)] + ([stamp] if stamp is not None else [])
                conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", settings)
        return summary

    # -- the search index of new cards ------------------------------------------------

    def index_is_pending(self) -> bool:
        """Whether some cards' search index rows are still to be written (see search_index.py)."""
        try:
            return has_pending(self.conn)
        except sqlite3.Error as exc:
            raise _translate_error(self.path, exc) from None

    def index_pending(self, chunk: int = PENDING_CHUNK, stop: Callable[[], bool] | None = None) -> int:
        """Write the search index rows of every card a sync added without them, `chunk` cards per
        transaction (a rating in another window waits for one chunk at most); how many. Cheap when
        there are none: one read, no write lock. `stop` is asked before each chunk (the app quitting
        does not wait for the rest: they stay pending)."""
        done = 0
        while self.index_is_pending() and not (stop is not None and stop()):
            with self._transaction() as conn:
                done += index_some(conn, chunk)
        return done

    # -- cards and counts ------------------------------------------------------------

    def card(self, card_id: str) -> dict[str, Any] | None:
        rows = self._rows(f"{CARD_SELECT} WHERE c.id = ?", (card_id,))
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
        """Per topic: new cards, learning cards due today, review cards due today, total (suspended and
        buried cards are counted in the total only). Reads the whole deck: for the topic list, not for
        the path from a rating to the next card (that is `queue_counts`)."""
        return self._rows(
            f"""
            SELECT s.deck_topic AS topic,
                   sum(s.reps = 0 AND {AVAILABLE}) AS new,
                   sum(s.reps > 0 AND s.state IN (1, 3) AND s.due < :day_end AND {AVAILABLE}) AS learning,
                   sum(s.reps > 0 AND s.state = 2 AND s.due < :day_end AND {AVAILABLE}) AS due,
                   count(*) AS total
            FROM schedule s
            WHERE s.deck_retired = 0
            GROUP BY s.deck_topic ORDER BY min(s.deck_origin), min(s.deck_position)
            """,
            {"now": now, "day_end": day_end},
        )

    # The queue queries below walk one partial index of schedule (the card's topic and retirement are
    # copied there), so their cost is bounded by what is due (or by the LIMIT), never by the size of
    # the deck or of the history.

    def next_learning(self, before: str, topic: str | None, now: str | None = None) -> str | None:
        """The learning/relearning card due soonest, if due at or before `before`."""
        return self._value(
            f"SELECT s.card_id FROM schedule s INDEXED BY schedule_learning "
            f"WHERE s.reps > 0 AND s.state IN (1, 3) AND s.due <= :before AND {AVAILABLE} AND {IN_TOPIC} "
            f"ORDER BY s.due LIMIT 1", {"before": before, "now": now or before, "topic": topic})

    def next_review(self, before: str, topic: str | None, now: str | None = None) -> str | None:
        return self._value(
            f"SELECT s.card_id FROM schedule s INDEXED BY schedule_review "
            f"WHERE s.reps > 0 AND s.state = 2 AND s.due < :before AND {AVAILABLE} AND {IN_TOPIC} "
            f"ORDER BY s.due LIMIT 1", {"before": before, "now": now or before, "topic": topic})

    def next_new(self, topic: str | None, now: str | None = None) -> str | None:
        """The first new card in deck order."""
        return self._value(
            f"SELECT s.card_id FROM schedule s INDEXED BY schedule_new "
            f"WHERE s.reps = 0 AND {AVAILABLE} AND {IN_TOPIC} "
            f"ORDER BY s.deck_origin, s.deck_position LIMIT 1", {"now": now, "topic": topic})

    def next_queued(self, now: str, day_end: str, ahead: str, topic: str | None, new_left: int,
                    reviews_left: int) -> dict[str, Any] | None:
        """The card a session shows next, read in ONE statement: the learning card due soonest (due
        by `now`), else the review due soonest (before `day_end`, while `reviews_left`), else the
        first new card (while `new_left`), else a learning card due within `ahead`. The same choice
        as `next_learning`, `next_review`, `next_new` and `next_learning(ahead)` in turn (coalesce
        stops at the first that finds one), without four statements' overhead."""
        rows = self._rows(NEXT_QUEUED,
                          {"now": now, "day_end": day_end, "ahead": ahead, "topic": topic, "new_left": new_left,
                           "reviews_left": reviews_left})
        return _decode_card(rows[0]) if rows else None

    def queue_counts(self, now: str, day_end: str, topic: str | None, new_cap: int, review_cap: int
                     ) -> dict[str, int]:
        """Cards left today: learning due before `day_end`, review due (at most `review_cap`) and new
        (at most `new_cap`): the daily limits bound the counting itself."""
        params = {"now": now, "day_end": day_end, "topic": topic}
        learning = self._value(
            f"SELECT count(*) FROM schedule s INDEXED BY schedule_learning "
            f"WHERE s.reps > 0 AND s.state IN (1, 3) AND s.due < :day_end AND {AVAILABLE} AND {IN_TOPIC}", params)
        review = self._value(
            f"SELECT count(*) FROM (SELECT 1 FROM schedule s INDEXED BY schedule_review "
            f"WHERE s.reps > 0 AND s.state = 2 AND s.due < :day_end AND {AVAILABLE} AND {IN_TOPIC} "
            f"LIMIT :cap)", {**params, "cap": max(0, review_cap)})
        new = self._value(
            f"SELECT count(*) FROM (SELECT 1 FROM schedule s INDEXED BY schedule_new "
            f"WHERE s.reps = 0 AND {AVAILABLE} AND {IN_TOPIC} LIMIT :cap)", {**params, "cap": max(0, new_cap)})
        return {"learning": int(learning), "review": int(review), "new": int(new)}

    def next_unburied(self, now: str, day_end: str, topic: str | None, review: bool, new: bool) -> str | None:
        """The earliest moment after `now` a buried card would join the learning count (and, when asked,
        the review or new count), or None: until then, counts read at `now` still hold. Walks the same
        index ranges as `queue_counts`; asked for review or new only when that count was not cut short
        by its cap (so its walk was whole anyway)."""
        params = {"now": now, "day_end": day_end, "topic": topic}
        buried = f"s.deck_retired = 0 AND s.suspended = 0 AND s.buried_until > :now AND {IN_TOPIC}"
        queries = [f"SELECT min(s.buried_until) FROM schedule s INDEXED BY schedule_learning "
                   f"WHERE s.reps > 0 AND s.state IN (1, 3) AND s.due < :day_end AND {buried}"]
        if review:
            queries.append(f"SELECT min(s.buried_until) FROM schedule s INDEXED BY schedule_review "
                           f"WHERE s.reps > 0 AND s.state = 2 AND s.due < :day_end AND {buried}")
        if new:
            queries.append(f"SELECT min(s.buried_until) FROM schedule s INDEXED BY schedule_new "
                           f"WHERE s.reps = 0 AND {buried}")
        moments = [m for m in (self._value(q, params) for q in queries) if m is not None]
        return min(moments) if moments else None

    def changes(self) -> int:
        """Rows this connection has written since it opened (with `data_version`, what tells a cache
        built from earlier reads that it may be out of date)."""
        return self.conn.total_changes

    def studied_since(self, since: str) -> dict[str, int]:
        """How many new cards were introduced and review cards reviewed since a time.

        Runs on every rating: from the quarter-hour buckets when `since` starts one (a study day
        always does), so a day of thousands of reviews costs a few dozen rows."""
        start = to_ms(since)
        if start % BUCKET_MS == 0:
            row = self._rows(
                "SELECT coalesce(sum(reviews * (kind = 0)), 0) AS new, coalesce(sum(reviews * (kind = 2)), 0) AS review, "
                "coalesce(sum(reviews), 0) AS total FROM review_buckets WHERE bucket >= ?", (start // BUCKET_MS,))[0]
        else:
            row = self._rows(
                f"SELECT coalesce(sum(kind = 0), 0) AS new, coalesce(sum(kind = 2), 0) AS review, count(*) AS total "
                f"FROM review_log WHERE {ALL_KINDS} AND at >= ?", (start,))[0]
        return {k: int(v) for k, v in row.items()}

    def next_due_after(self, moment: str) -> str | None:
        """The soonest due time after `moment` of a reviewed card in the deck and not suspended."""
        soonest = reviewed_due("s.due > :moment AND s.deck_retired = 0 AND s.suspended = 0", "s.due",
                               "ORDER BY s.due LIMIT 1")
        return self._value(f"SELECT min(due) FROM ({soonest})", {"moment": moment})

    # -- reviews ---------------------------------------------------------------------

    def record_review(self, card_id: str, rating: int, reviewed_at: str, duration_ms: int | None,
                      kind: int, before: dict[str, Any], after: dict[str, Any]) -> int:
        """Append one review and move the card from `before` to `after`, atomically. Returns the review id.

        Recorded only if the card's schedule is still exactly `before` (checked inside the write
        transaction): otherwise StaleState and nothing is written, so two windows never both
        record a rating from the same state.
        """
        with self._transaction() as conn:
            if not self._move_state(conn, card_id, before, after):
                raise StaleState(card_id, f"card {card_id} was just reviewed elsewhere (another window "
                                          "or process); your rating was not recorded")
            return ReviewLog(conn).append(card_id, rating, to_ms(reviewed_at), duration_ms, kind,
                                          state_values(before), state_values(after))

    def undo_review(self, review_id: int) -> dict[str, Any]:
        """Remove one review and put its card back in the state it had before it.

        Only if the card is still in the state that review produced: after a later review
        (say, from another window) undoing would contradict the log, so StaleState instead.
        """
        with self._transaction() as conn:
            row = conn.execute("SELECT card_id, at, state, step, stability, difficulty, due, last_review, reps, "
                               "lapses FROM review_log WHERE id = ?", (review_id,)).fetchone()
            if row is None:
                raise StoreError(f"review {review_id} is not in the database {self.path}")
            card_id, at = row[0], row[1]
            log = ReviewLog(conn)
            before_values = log.before_of(review_id, card_id, at)
            if before_values is None:
                raise StoreError(f"the state before review {review_id} is not in the database {self.path}")
            before = state_from_values(before_values)
            after = state_from_values(after_values(row[2:], at))
            if not self._move_state(conn, card_id, after, before):
                raise StaleState(card_id, f"card {card_id} was reviewed again elsewhere since; "
                                          "the rating cannot be undone")
            log.delete(review_id)
        return before

    @staticmethod
    def _move_state(conn: sqlite3.Connection, card_id: str, expected: dict[str, Any],
                    state: dict[str, Any]) -> bool:
        """Set a card's schedule to `state` if it is exactly `expected` now; False (nothing written) if not."""
        get, was = state.get, expected.get
        cursor = conn.execute(MOVE_STATE, (
            get("state"), get("step"), get("stability"), get("difficulty"), get("due"), get("last_review"),
            get("reps") or 0, get("lapses") or 0, card_id,
            was("state"), was("step"), was("stability"), was("difficulty"), was("due"), was("last_review"),
            was("reps") or 0, was("lapses") or 0))
        return cursor.rowcount == 1

    def reviews_for(self, card_id: str) -> list[dict[str, Any]]:
        """A card's reviews, oldest first, each with its states before and after as dicts."""
        try:
            return [review_dict(entry) for entry in ReviewLog(self.conn).card_chain(card_id)]
        except sqlite3.Error as exc:
            raise _translate_error(self.path, exc) from None

    def review_count(self) -> int:
        return self._value("SELECT count(*) FROM review_log")

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
        with self._transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def _fingerprint(cards: Sequence[Card], hashes: Sequence[str], retire: bool) -> str:
    """One hash over a whole deck: ids, contents, order and sources."""
    import hashlib  # here, not at the top: ~20 ms of start-up when the deck is unchanged

    digest = hashlib.sha256(b"retire" if retire else b"keep")
    for card, content_hash in zip(cards, hashes):
        digest.update(f"{card.id}\0{content_hash}\0{card.path}:{card.line}\n".encode())
    return digest.hexdigest()


# a card the queue may show: in the deck, not suspended, not buried (until a time still to come)
AVAILABLE = "s.deck_retired = 0 AND s.suspended = 0 AND (s.buried_until IS NULL OR s.buried_until <= :now)"
IN_TOPIC = "(:topic IS NULL OR s.deck_topic = :topic)"


def reviewed_due(condition: str, columns: str = "s.card_id, s.due", tail: str = "") -> str:
    """SQL for the reviewed cards (alias `s`) meeting `condition`, read from the two queue indexes led by
    `due` (learning and relearning; review): every reviewed card is in exactly one of them, and no index
    on `due` alone is kept (each rating would have to move it too). A range of `due` in `condition` is a
    range of each index; `tail` (an ORDER BY s.due LIMIT) applies to each index's part."""
    return " UNION ALL ".join(
        f"SELECT * FROM (SELECT {columns} FROM schedule s INDEXED BY {index} "
        f"WHERE s.reps > 0 AND {state} AND {condition} {tail})"
        for index, state in (("schedule_learning", "s.state IN (1, 3)"), ("schedule_review", "s.state = 2")))


CARD_SELECT = ("SELECT c.*, s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses, "
               "s.suspended, s.buried_until, s.flag FROM cards c JOIN schedule s ON s.card_id = c.id")
_LEARNING_BY = ("SELECT s.card_id FROM schedule s INDEXED BY schedule_learning "
                f"WHERE s.reps > 0 AND s.state IN (1, 3) AND s.due <= {{}} AND {AVAILABLE} AND {IN_TOPIC} "
                "ORDER BY s.due LIMIT 1")
# `Store.next_queued`'s statement, made once (a 1.5 KB text built per call is also hashed afresh
# for the statement cache)
NEXT_QUEUED = (
    f"{CARD_SELECT} WHERE c.id = (SELECT coalesce(({_LEARNING_BY.format(':now')}), "
    f"(SELECT s.card_id FROM schedule s INDEXED BY schedule_review WHERE :reviews_left > 0 AND s.reps > 0 "
    f"AND s.state = 2 AND s.due < :day_end AND {AVAILABLE} AND {IN_TOPIC} ORDER BY s.due LIMIT 1), "
    f"(SELECT s.card_id FROM schedule s INDEXED BY schedule_new WHERE :new_left > 0 AND s.reps = 0 "
    f"AND {AVAILABLE} AND {IN_TOPIC} ORDER BY s.deck_origin, s.deck_position LIMIT 1), "
    f"({_LEARNING_BY.format(':ahead')})))")
SYNC_CHUNK = 2000
# New cards' schedule rows (ids as a JSON list) in one statement per chunk, copied from their `cards`
# rows. executemany runs the statement once per row, and each run sets up every insert trigger's
# program afresh (SQLite allocates a trigger's frame once per statement run, sized by its whole
# body). The count trigger stands aside even so (its program run per row was a third of this
# statement): the sync counts the chunk itself, one upsert per topic and tag list (COUNT_NEW).
SCHEDULE_NEW_CARDS = ("INSERT INTO schedule (card_id, state, step, due, reps, lapses, deck_origin, deck_position, "
                      "deck_topic) SELECT c.id, 1, 0, ?, 0, 0, c.origin, c.position, c.topic FROM cards c "
                      "WHERE c.id IN (SELECT value FROM json_each(?))")
STATE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
# a card's schedule moved from one state to another only if it is still exactly the first (bound by
# position: the new state's columns, the card id, then the expected state's columns)
MOVE_STATE = (f"UPDATE schedule SET {', '.join(f'{k} = ?' for k in STATE_COLUMNS)} "
              f"WHERE card_id = ? AND {' AND '.join(f'{k} IS ?' for k in STATE_COLUMNS)}")
_ID, _TOPIC, _TAGS, _POSITION = (CARD_COLUMNS.index(c) for c in ("id", "topic", "tags", "position"))
# New cards' rows are bound many to a statement (INSERT ... VALUES (...), (...), ...): executemany's
# statement run per row cost ~25% more. At most 999 values a statement, SQLite's oldest limit.
CARDS_PER_INSERT = 999 // len(CARD_COLUMNS)


@lru_cache(maxsize=4)
def _insert_cards_sql(rows: int) -> str:
    values = f"({', '.join('?' * len(CARD_COLUMNS))})"
    return f"INSERT INTO cards ({', '.join(CARD_COLUMNS)}) VALUES {', '.join([values] * rows)}"


def _insert_cards(conn: sqlite3.Connection, rows: Sequence[tuple]) -> None:
    for start in range(0, len(rows), CARDS_PER_INSERT):
        block = rows[start:start + CARDS_PER_INSERT]
        conn.execute(_insert_cards_sql(len(block)), list(chain.from_iterable(block)))


def _new_card_groups(rows: Sequence[tuple]) -> list[tuple[str, str, int]]:
    """New cards' rows counted per (topic, tag list as stored): COUNT_NEW's parameters."""
    return [(topic, tags, n) for (topic, tags), n in Counter((row[_TOPIC], row[_TAGS]) for row in rows).items()]


class _Transaction:
    """`Store._transaction` (a class, not @contextmanager: every rating opens one, and a generator costs
    twice as much)."""

    __slots__ = ("store",)

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        conn = self.store.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _translate_error(self.store.path, exc) from None
        return conn

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, trace: Any) -> bool:
        conn = self.store.conn
        if kind is None:
            try:
                conn.commit()
                return False
            except sqlite3.Error as error:
                _rollback(conn)
                raise _translate_error(self.store.path, error) from None
        _rollback(conn)
        if isinstance(exc, sqlite3.Error):
            raise _translate_error(self.store.path, exc) from None
        return False


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        conn.rollback()
    except sqlite3.Error:
        pass  # the connection is gone; SQLite rolls the journal back when the file is next opened


def _decode_card(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("tags", "seeds", "key_points", "follow_ups", "synonyms"):
        text = row[key]  # most are empty: no decoder call for those (read on every card shown)
        row[key] = [] if text == "[]" else {} if text == "{}" else json.loads(text)
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
