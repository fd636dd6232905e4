"""The review log in compact form: one row of small columns per review (migration 8).

A review used to keep both scheduler states as JSON with ISO times (~611 bytes on disk each). Now:

- times are integer Unix milliseconds (`at`, `due`, `last_review`);
- only the state AFTER the review is stored, as columns; its `last_review` is NULL when it equals
  `at` (it always does for reviews made here);
- the state BEFORE a review is the state after the card's previous review (in (at, id) order),
  or, for a card's first review, the new state due at the card's `added_at` (as the sync made it),
  which is derived, not stored; `review_before` keeps it only where it cannot be derived (a new
  state with another due time, as "forget" or an older version left it, or a state changed between
  two reviews by something other than a review);
- `elapsed_s` (seconds since the previous review) and `interval_s` (the interval the card was on,
  in seconds) are kept for the retention statistics, which read them from quarter-hour buckets
  (`review_buckets`, kept by triggers) and, for the few reviews less than a day apart, from a small
  partial index: no statistic reads millions of rows.

Every state is still shown exactly: `reviews_for` rebuilds before and after for each review.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping, Sequence

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
NO_LAST_REVIEW = -1  # `review_log.last_review` when the state after had none (NULL means "= at")

STATE_KEYS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
AFTER_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
LOG_COLUMNS = ("card_id", "rating", "at", "duration_ms", "kind") + AFTER_COLUMNS + ("elapsed_s", "interval_s")

Progress = Callable[[str, int, int], None]  # (what, done, total)

TABLES = """
CREATE TABLE review_log (
    id INTEGER PRIMARY KEY,
    card_id TEXT NOT NULL REFERENCES cards(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    at INTEGER NOT NULL,
    duration_ms INTEGER,
    kind INTEGER NOT NULL,
    state INTEGER NOT NULL,
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due INTEGER NOT NULL,
    last_review INTEGER,
    reps INTEGER NOT NULL,
    lapses INTEGER NOT NULL,
    elapsed_s INTEGER,
    interval_s INTEGER
);
CREATE TABLE review_before (
    review_id INTEGER PRIMARY KEY REFERENCES review_log(id) ON DELETE CASCADE,
    state INTEGER NOT NULL,
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due INTEGER NOT NULL,
    last_review INTEGER,
    reps INTEGER NOT NULL,
    lapses INTEGER NOT NULL
);
"""

# Statistics over millions of reviews without reading them: counts per 15-minute bucket of time
# (every time zone is a whole number of quarter hours from UTC, so any study day is a run of
# buckets) and kind, kept exact by triggers on every insert, delete and update of the log. For
# review-state reviews the bucket also counts those that surely count for retention (the card's
# previous review was a day or more before, or never), with passes and mature (interval >= 21 days)
# apart; the few reviews less than a day after the previous one are read from a small partial index.
BUCKET_MS = 900_000
MATURE_S = 21 * 86400


def _contribution(row: str, sign: str) -> str:
    sure = f"({row}.kind = 2 AND ({row}.elapsed_s IS NULL OR {row}.elapsed_s >= 86400))"
    mature = f"({row}.interval_s >= {MATURE_S})"
    return (f"INSERT INTO review_buckets (bucket, kind, reviews, sure, sure_passed, mature, mature_passed) "
            f"VALUES ({row}.at / {BUCKET_MS}, {row}.kind, {sign}1, {sign}{sure}, {sign}({sure} AND {row}.rating > 1), "
            f"{sign}({sure} AND {mature}), {sign}({sure} AND {mature} AND {row}.rating > 1)) "
            f"ON CONFLICT (bucket, kind) DO UPDATE SET reviews = reviews + excluded.reviews, "
            f"sure = sure + excluded.sure, sure_passed = sure_passed + excluded.sure_passed, "
            f"mature = mature + excluded.mature, mature_passed = mature_passed + excluded.mature_passed")


BUCKETS = f"""
CREATE TABLE review_buckets (
    bucket INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    reviews INTEGER NOT NULL,
    sure INTEGER NOT NULL,
    sure_passed INTEGER NOT NULL,
    mature INTEGER NOT NULL,
    mature_passed INTEGER NOT NULL,
    PRIMARY KEY (bucket, kind)
) WITHOUT ROWID;
INSERT INTO review_buckets (bucket, kind, reviews, sure, sure_passed, mature, mature_passed)
    SELECT at / {BUCKET_MS}, kind, count(*), sum(s), sum(s AND rating > 1), sum(s AND m), sum(s AND m AND rating > 1)
    FROM (SELECT at, kind, rating, (kind = 2 AND (elapsed_s IS NULL OR elapsed_s >= 86400)) AS s,
                 (interval_s >= {MATURE_S}) AS m FROM review_log)
    GROUP BY 1, 2;
CREATE TRIGGER review_log_counted AFTER INSERT ON review_log BEGIN {_contribution("new", "")}; END;
CREATE TRIGGER review_log_uncounted AFTER DELETE ON review_log BEGIN {_contribution("old", "-")}; END;
CREATE TRIGGER review_log_recounted AFTER UPDATE OF at, kind, rating, elapsed_s, interval_s ON review_log BEGIN
    {_contribution("old", "-")}; {_contribution("new", "")}; END;
CREATE INDEX review_log_same_day ON review_log(at, rating, interval_s, elapsed_s) WHERE kind = 2 AND elapsed_s < 86400
"""

# Review-state reviews less than a day after the card's previous one count for retention only if
# that previous review fell before the start of this review's study day. The day starts on a
# bucket boundary, so that holds exactly when the previous review's bucket -- of (at - elapsed),
# `lag` buckets before this review's -- is before the day's first bucket: lag > this bucket's place
# in its study day. Counted per (bucket, lag) by triggers, these are summed for any day boundary
# without reading the log (lag is 0..96; a year holds at most a few thousand such pairs).
def _same_day(row: str, sign: str) -> str:
    lag = f"({row}.at / {BUCKET_MS} - ({row}.at - {row}.elapsed_s * 1000) / {BUCKET_MS})"
    mature = f"coalesce({row}.interval_s >= {MATURE_S}, 0)"
    return (f"INSERT INTO review_same_day (bucket, lag, total, passed, mature, mature_passed) "
            f"SELECT {row}.at / {BUCKET_MS}, {lag}, {sign}1, {sign}({row}.rating > 1), {sign}{mature}, "
            f"{sign}({mature} AND {row}.rating > 1) WHERE {row}.kind = 2 AND {row}.elapsed_s < 86400 "
            f"ON CONFLICT (bucket, lag) DO UPDATE SET total = total + excluded.total, "
            f"passed = passed + excluded.passed, mature = mature + excluded.mature, "
            f"mature_passed = mature_passed + excluded.mature_passed")


SAME_DAY = f"""
CREATE TABLE review_same_day (
    bucket INTEGER NOT NULL,
    lag INTEGER NOT NULL,
    total INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    mature INTEGER NOT NULL,
    mature_passed INTEGER NOT NULL,
    PRIMARY KEY (bucket, lag)
) WITHOUT ROWID;
INSERT INTO review_same_day (bucket, lag, total, passed, mature, mature_passed)
    SELECT bucket, lag, count(*), sum(rating > 1), sum(m), sum(m AND rating > 1)
    FROM (SELECT at / {BUCKET_MS} AS bucket, at / {BUCKET_MS} - (at - elapsed_s * 1000) / {BUCKET_MS} AS lag, rating,
                 coalesce(interval_s >= {MATURE_S}, 0) AS m
          FROM review_log WHERE kind = 2 AND elapsed_s < 86400)
    GROUP BY 1, 2;
CREATE TRIGGER review_log_same_day_counted AFTER INSERT ON review_log BEGIN {_same_day("new", "")}; END;
CREATE TRIGGER review_log_same_day_uncounted AFTER DELETE ON review_log BEGIN {_same_day("old", "-")}; END;
CREATE TRIGGER review_log_same_day_recounted AFTER UPDATE OF at, kind, rating, elapsed_s, interval_s ON review_log
BEGIN {_same_day("old", "-")}; {_same_day("new", "")}; END;
DROP INDEX review_log_same_day;
"""

INDEXES = """
CREATE INDEX review_log_card ON review_log(card_id, at);
CREATE INDEX review_log_kind_time ON review_log(kind, at);
CREATE VIEW reviews AS
    SELECT id, card_id, rating, strftime('%Y-%m-%dT%H:%M:%fZ', at / 1000.0, 'unixepoch') AS reviewed_at,
           duration_ms, kind
    FROM review_log;
"""

INSERT_LOG = f"INSERT INTO review_log ({', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})"
ALL_KINDS = "kind IN (0, 1, 2, 3)"  # lets a time range use the (kind, at) index


_EPOCH_NAIVE = datetime(1970, 1, 1)
_MS = timedelta(milliseconds=1)


def to_ms(text: str | None) -> int | None:
    """ISO-8601 text (as stored in states) to Unix milliseconds, exactly."""
    if text is None:
        return None
    if len(text) == 24 and text[23] == "Z":  # the stored form, '2026-11-26T04:55:36.123Z': twice as fast
        moment = datetime.fromisoformat(text[:23])
        if moment.tzinfo is None:
            return (moment - _EPOCH_NAIVE) // _MS
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - EPOCH) // timedelta(milliseconds=1)


def to_text(ms: int | None) -> str | None:
    """Unix milliseconds to the stored ISO form, '2026-11-26T04:55:36.123Z'."""
    if ms is None:
        return None
    moment = EPOCH + timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def ms_sql(expr: str) -> str:
    """SQL for ISO text -> Unix ms (exact: SQLite keeps times as integer ms internally)."""
    return f"CAST(round((julianday({expr}) - 2440587.5) * 86400000.0) AS INTEGER)"


def state_values(state: Mapping[str, Any]) -> tuple:
    """A state dict as comparable column values (times in ms)."""
    return (state.get("state"), state.get("step"), state.get("stability"), state.get("difficulty"),
            to_ms(state.get("due")), to_ms(state.get("last_review")), state.get("reps") or 0,
            state.get("lapses") or 0)


def state_from_values(values: Sequence[Any]) -> dict[str, Any]:
    state, step, stability, difficulty, due, last, reps, lapses = values
    return {"state": state, "step": step, "stability": stability, "difficulty": difficulty, "due": to_text(due),
            "last_review": to_text(last), "reps": reps, "lapses": lapses}


def after_columns(values: tuple, at: int) -> tuple:
    """State-after values as stored: last_review NULL when it is the review's own time."""
    last = values[5]
    stored_last = None if last == at else (NO_LAST_REVIEW if last is None else last)
    return values[:5] + (stored_last,) + values[6:]


def after_values(columns: Sequence[Any], at: int) -> tuple:
    last = columns[5]
    real_last = at if last is None else (None if last == NO_LAST_REVIEW else last)
    return tuple(columns[:5]) + (real_last,) + tuple(columns[6:])


def first_state(added_at: str | None) -> tuple | None:
    """The state a card's first review starts from unless `review_before` says otherwise: new, due
    when the card was added (None when `added_at` is not a time, so such a card's first state is kept)."""
    try:
        due = to_ms(added_at)
    except ValueError:
        return None
    return None if due is None else (1, 0, None, None, due, None, 0, 0)


def spans(at: int, before: tuple) -> tuple[int | None, int | None]:
    """(elapsed_s, interval_s) of a review made at `at` from state `before` (None for a new card),
    whole seconds truncated toward zero (as SQLite's integer division does in the migration)."""
    due, last = before[4], before[5]
    if last is None:
        return None, None
    return int((at - last) / 1000), (None if due is None else int((due - last) / 1000))


SELECT_LOG = ("SELECT id, card_id, rating, at, duration_ms, kind, state, step, stability, difficulty, due, "
              "last_review, reps, lapses FROM review_log")
_SELECT_PREVIOUS = ("SELECT id, at, state, step, stability, difficulty, due, last_review, reps, lapses FROM review_log "
                    "WHERE card_id = ?{} ORDER BY at DESC, id DESC LIMIT 1")
SELECT_LATEST = _SELECT_PREVIOUS.format("")  # a card's latest review
SELECT_LATEST_BY = _SELECT_PREVIOUS.format(" AND at <= ?")  # its latest review at or before a time
SELECT_BEFORE = ("SELECT state, step, stability, difficulty, due, last_review, reps, lapses FROM review_before "
                 "WHERE review_id = ?")
SELECT_ADDED = "SELECT added_at FROM cards WHERE id = ?"


class ReviewLog:
    """Reads and writes of the compact log over one connection (the caller holds the transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- reading ---------------------------------------------------------------------------

    def card_chain(self, card_id: str) -> list[dict[str, Any]]:
        """A card's reviews in (time, id) order with both states rebuilt, as the log kept them."""
        rows = self.conn.execute(SELECT_LOG + " WHERE card_id = ? ORDER BY at, id", (card_id,)).fetchall()
        befores = dict(self._befores([r[0] for r in rows]))
        out: list[dict[str, Any]] = []
        previous = self._first_state(card_id) if rows else None
        for row in rows:
            review_id, card, rating, at, duration, kind = row[:6]
            after = after_values(row[6:14], at)
            before = befores.get(review_id, previous)
            out.append({"id": review_id, "card_id": card, "rating": rating, "at": at, "duration_ms": duration,
                        "kind": kind, "before": before, "after": after})
            previous = after
        return out

    def _befores(self, ids: Sequence[int]) -> Iterable[tuple[int, tuple]]:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            query = (f"SELECT review_id, state, step, stability, difficulty, due, last_review, reps, lapses "
                     f"FROM review_before WHERE review_id IN ({', '.join('?' * len(chunk))})")
            for row in self.conn.execute(query, chunk):
                yield row[0], tuple(row[1:])

    def _first_state(self, card_id: str) -> tuple | None:
        row = self.conn.execute(SELECT_ADDED, (card_id,)).fetchone()
        return None if row is None else first_state(row[0])

    def before_of(self, review_id: int, card_id: str, at: int) -> tuple | None:
        """The state before one review: kept, or the previous review's state after (for the card's first
        review, its first state)."""
        kept = self.conn.execute(SELECT_BEFORE, (review_id,)).fetchone()
        if kept is not None:
            return tuple(kept)
        previous = self.conn.execute(
            SELECT_LOG + " WHERE card_id = ? AND (at < ? OR (at = ? AND id < ?)) ORDER BY at DESC, id DESC LIMIT 1",
            (card_id, at, at, review_id)).fetchone()
        return self._first_state(card_id) if previous is None else after_values(previous[6:14], previous[3])

    # -- writing ---------------------------------------------------------------------------

    def append(self, card_id: str, rating: int, at: int, duration_ms: int | None, kind: int,
               before: tuple, after: tuple) -> int:
        """Insert one review; keeps `before` only where the chain cannot give it. Returns its id."""
        # the card's latest review is the one before this (read once), unless the clock went back
        previous = self.conn.execute(SELECT_LATEST, (card_id,)).fetchone()
        later = None
        if previous is not None and previous[1] > at:
            previous = self.conn.execute(SELECT_LATEST_BY, (card_id, at)).fetchone()
            later = self.conn.execute(
                "SELECT id, at FROM review_log WHERE card_id = ? AND at > ? ORDER BY at, id LIMIT 1",
                (card_id, at)).fetchone()
        if later is not None:  # a review from an earlier moment (the clock went back): keep the later one's
            kept = self.conn.execute(SELECT_BEFORE, (later[0],)).fetchone()
            if kept is None:
                self._keep_before(later[0], self.before_of(later[0], card_id, later[1]))
        elapsed, interval = spans(at, before)
        cursor = self.conn.execute(
            INSERT_LOG, (card_id, rating, at, duration_ms, kind) + after_columns(after, at) + (elapsed, interval))
        review_id = int(cursor.lastrowid)
        derived = self._first_state(card_id) if previous is None else after_values(previous[2:10], previous[1])
        if derived != before:
            self._keep_before(review_id, before)
        return review_id

    def _keep_before(self, review_id: int, before: tuple | None) -> None:
        if before is None:
            return
        self.conn.execute("INSERT OR REPLACE INTO review_before (review_id, state, step, stability, difficulty, due, "
                          "last_review, reps, lapses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (review_id, *before))

    def delete(self, review_id: int) -> None:
        """Remove one review; a later review of the card keeps the before-state it had."""
        row = self.conn.execute("SELECT card_id, at FROM review_log WHERE id = ?", (review_id,)).fetchone()
        if row is not None:
            card_id, at = row
            later = self.conn.execute(
                "SELECT id, at FROM review_log WHERE card_id = ? AND (at > ? OR (at = ? AND id > ?)) "
                "ORDER BY at, id LIMIT 1", (card_id, at, at, review_id)).fetchone()
            if later is not None and self.conn.execute(SELECT_BEFORE, (later[0],)).fetchone() is None:
                self._keep_before(later[0], self.before_of(later[0], card_id, later[1]))
        self.conn.execute("DELETE FROM review_before WHERE review_id = ?", (review_id,))
        self.conn.execute("DELETE FROM review_log WHERE id = ?", (review_id,))

    def rewrite_card(self, card_id: str, reviews: Sequence[Mapping[str, Any]]) -> int:
        """Store a card's replayed reviews (dicts with states; an `id` means it exists already and
        only its kind and states change). Reviews of the card not listed keep their states. The
        kept before-states of the card are worked out again for its whole chain. Returns inserts."""
        inserted = 0
        intended: dict[int, tuple] = {}
        for review in reviews:
            at = to_ms(review["reviewed_at"])
            before, after = state_values(review["state_before"]), state_values(review["state_after"])
            elapsed, interval = spans(at, before)
            if review.get("id") is not None:
                review_id = review["id"]
                self.conn.execute(
                    "UPDATE review_log SET kind = ?, state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                    "last_review = ?, reps = ?, lapses = ?, elapsed_s = ?, interval_s = ? WHERE id = ?",
                    (review["kind"],) + after_columns(after, at) + (elapsed, interval, review_id))
            else:
                cursor = self.conn.execute(
                    f"INSERT INTO review_log ({', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})",
                    (card_id, review["rating"], at, review.get("duration_ms"), review["kind"])
                    + after_columns(after, at) + (elapsed, interval))
                review_id = int(cursor.lastrowid)
                inserted += 1
            intended[review_id] = before
        self._rekeep(card_id, intended)
        return inserted

    def _rekeep(self, card_id: str, intended: Mapping[int, tuple]) -> None:
        """Keep exactly the before-states the chain cannot give, for one card."""
        rows = self.conn.execute(SELECT_LOG + " WHERE card_id = ? ORDER BY at, id", (card_id,)).fetchall()
        current = dict(self._befores([r[0] for r in rows]))
        previous = self._first_state(card_id)
        keep: list[tuple] = []
        for row in rows:
            review_id, at = row[0], row[3]
            before = intended.get(review_id, current.get(review_id, previous))
            if before is not None and before != previous:
                keep.append((review_id, *before))
            previous = after_values(row[6:14], at)
        self.conn.executemany("DELETE FROM review_before WHERE review_id = ?", [(r[0],) for r in rows])
        self.conn.executemany("INSERT INTO review_before (review_id, state, step, stability, difficulty, due, "
                              "last_review, reps, lapses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", keep)


def review_dict(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One rebuilt review as the rest of quizapp sees it (ISO times, states as dicts)."""
    before = entry["before"]
    return {"id": entry["id"], "card_id": entry["card_id"], "rating": entry["rating"],
            "reviewed_at": to_text(entry["at"]), "duration_ms": entry["duration_ms"], "kind": entry["kind"],
            "state_before": None if before is None else state_from_values(before),
            "state_after": state_from_values(entry["after"])}


# -- migration 8: the JSON log to the compact one ---------------------------------------------------


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statement by statement: executescript() would COMMIT the caller's transaction first.
    (sqlite3.complete_statement keeps a trigger's body, semicolons and all, in one statement.)"""
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                conn.execute(statement)
            statement = ""


CHUNK = 50_000


def convert_log(conn: sqlite3.Connection, progress: Progress | None = None) -> None:
    """Move every review of the old `reviews` table into `review_log`, inside the caller's transaction.

    Rows keep their ids; states are read with SQLite's JSON functions. Before-states that the chain
    gives are dropped, the others kept in `review_before` (compared field by field). Indexes are
    built after the rows are in, so they come out dense.
    """
    run_script(conn, TABLES)
    total = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    top = conn.execute("SELECT coalesce(max(id), 0) FROM reviews").fetchone()[0]
    # a new database converts nothing: no bars ("converting reviews 0/0") on a first start
    report = progress if progress is not None and total else (lambda what, done, total: None)

    def field(doc: str, key: str) -> str:
        return f"json_extract({doc}, '$.{key}')"

    def state_sql(doc: str) -> list[str]:
        return [field(doc, "state"), field(doc, "step"), field(doc, "stability"), field(doc, "difficulty"),
                ms_sql(field(doc, "due")), ms_sql(field(doc, "last_review")),
                f"coalesce({field(doc, 'reps')}, 0)", f"coalesce({field(doc, 'lapses')}, 0)"]

    at = ms_sql("reviewed_at")
    after = state_sql("state_after")
    after[5] = (f"CASE WHEN {after[5]} IS NULL THEN {NO_LAST_REVIEW} WHEN {after[5]} = {at} THEN NULL "
                f"ELSE {after[5]} END")
    before = state_sql("state_before")
    insert = (f"INSERT INTO review_log (id, {', '.join(LOG_COLUMNS)}) "
              f"SELECT id, card_id, rating, {at}, duration_ms, kind, {', '.join(after)}, "
              f"({at} - {before[5]}) / 1000, ({before[4]} - {before[5]}) / 1000 "
              f"FROM reviews WHERE id > ? AND id <= ? ORDER BY id")
    done = 0
    report("converting reviews", 0, total)
    for start in range(0, top, CHUNK):
        done += conn.execute(insert, (start, start + CHUNK)).rowcount
        report("converting reviews", done, total)
    # before-states the chain cannot give: compare each review's with the previous one's after
    previous = ", ".join(f"lag({value}) OVER w AS p{i}" for i, value in enumerate(state_sql("state_after")))
    mine = ", ".join(f"{value} AS b{i}" for i, value in enumerate(before))
    differs = " OR ".join(f"b{i} IS NOT p{i}" for i in range(8))
    keep = (f"INSERT INTO review_before (review_id, state, step, stability, difficulty, due, last_review, reps, "
            f"lapses) SELECT id, {', '.join(f'b{i}' for i in range(8))} FROM ("
            f"SELECT id, reviewed_at, {mine}, {previous}, row_number() OVER w AS n FROM reviews "
            f"WHERE card_id >= ? AND card_id < ? WINDOW w AS (PARTITION BY card_id ORDER BY reviewed_at, id)) "
            f"WHERE n = 1 OR {differs}")
    ids = [row[0] for row in conn.execute("SELECT DISTINCT card_id FROM reviews ORDER BY card_id")]
    step = 2000
    for start in range(0, len(ids), step):
        low = ids[start]
        high = ids[start + step] if start + step < len(ids) else ids[-1] + "\U0010ffff"
        conn.execute(keep, (low, high))
        report("keeping first states", min(len(ids), start + step), len(ids))
    report("indexing", 0, 1)
    conn.execute("DROP TABLE reviews")
    run_script(conn, INDEXES)
    run_script(conn, BUCKETS)
    report("indexing", 1, 1)
