"""The card browser's queries: ranked full-text search with filters, and the card actions.

Search runs on the FTS5 index of migration 7 (bm25, question weighted above tags above
answer; the rows of cards a sync added are written by the first search that needs them, see
search_index.py), joined to the schedule so every filter and sort is one SQL statement. The
actions (suspend, bury, flag, forget) only touch `schedule`: a card's review history is
never changed by them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

from quizapp.store.store import NEW_STATE, DatabaseLocked, DatabaseReadOnly, Store, reviewed_due

STATUSES = ("new", "learning", "review", "relearning", "suspended", "buried")

# what a card is in the browser: suspension and burial hide its scheduling state
_STATUS = ("CASE WHEN s.suspended THEN 'suspended' WHEN s.buried_until > :now THEN 'buried' "
           "WHEN s.reps = 0 THEN 'new' WHEN s.state = 1 THEN 'learning' WHEN s.state = 2 THEN 'review' "
           "ELSE 'relearning' END")
_STATUS_ORDER = ("CASE WHEN s.suspended THEN 5 WHEN s.buried_until > :now THEN 4 WHEN s.reps = 0 THEN 0 "
                 "WHEN s.state = 1 THEN 1 WHEN s.state = 3 THEN 2 ELSE 3 END")
_INTERVAL = "CASE WHEN s.reps > 0 THEN julianday(s.due) - julianday(s.last_review) END"

# sortable columns -> SQL (a card never seen has no due time or interval: it sorts last either way)
SORTS: dict[str, tuple[str, ...]] = {
    "deck": ("c.origin", "c.position"),
    "question": ("c.question COLLATE NOCASE",),
    "topic": ("c.topic COLLATE NOCASE",),
    "tags": ("c.tags",),
    "state": (_STATUS_ORDER,),
    "due": ("CASE WHEN s.reps = 0 THEN NULL ELSE s.due END",),
    "interval": (_INTERVAL,),
    "lapses": ("s.lapses",),
    "flag": ("nullif(s.flag, 0)",),  # no flag sorts last either way
    "demo": ("c.demo",),
    "rank": ("m.score",),
}

ANY_FLAG = -1  # CardFilter.flag: any colour


@dataclass(frozen=True)
class CardFilter:
    """What the browser shows: words to search for plus filters, and an order."""

    text: str = ""  # words, each matched as a prefix, all required (ranked by bm25)
    topic: str | None = None  # a topic, case-insensitive, or the start of one
    tag: str | None = None  # a tag, case-insensitive, or the start of one
    state: str | None = None  # one of STATUSES
    due_today: bool = False
    leech_lapses: int | None = None  # only cards with at least this many lapses
    flag: int | None = None  # 0 (no flag), 1..4 a colour, ANY_FLAG
    has_demo: bool = False
    never_seen: bool = False  # no review in the log at all (unlike `new`, which a forgotten card is too)
    sort: str = "rank"  # a key of SORTS; "rank" without text is deck order
    descending: bool = False


def match_expression(text: str) -> str | None:
    """The FTS5 query for what was typed: every word, as a quoted prefix (so nothing typed is syntax)."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{word}"*' for word in words) or None


class Browse:
    """Search and card actions over one Store's connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def search(self, query: CardFilter, now: str, day_end: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The cards (not retired) that pass the filter, in the asked order; the first `limit` of them.

        Each row: id, question, topic, tags (list), demo, source, status, state, step, due,
        interval_days, stability, difficulty, last_review, reps, lapses, flag, score (bm25,
        lower is better; None without text).
        """
        indexed = self._index_pending(query)
        body, params, match = self._body(query, now, day_end, indexed)
        sort = query.sort if query.sort in SORTS else "rank"
        if sort == "rank" and match is None:
            sort = "deck"
        direction = "DESC" if query.descending else "ASC"
        order = ", ".join(f"{part} {direction} NULLS LAST" for part in SORTS[sort])
        rows = self.store._rows(
            f"SELECT c.id, c.question, c.topic, c.tags, c.demo, c.source, {_STATUS} AS status, s.state, s.step, s.due, "
            f"{_INTERVAL} AS interval_days, s.stability, s.difficulty, s.last_review, s.reps, s.lapses, s.flag, "
            f"{'m.score' if match else 'NULL'} AS score {body} ORDER BY {order}, c.origin, c.position "
            f"LIMIT {-1 if limit is None else int(limit)}", params)
        for row in rows:
            row["tags"] = json.loads(row["tags"])
        return rows

    def count(self, query: CardFilter, now: str, day_end: str) -> int:
        """How many cards pass the filter (when `search` was cut off by its limit)."""
        indexed = self._index_pending(query)
        body, params, _ = self._body(query, now, day_end, indexed)
        return int(self.store._value(f"SELECT count(*) {body}", params))

    def _index_pending(self, query: CardFilter) -> bool:
        """A text search first writes the index rows of cards a sync added without them (in their own
        transactions), so it finds every card; one cheap read when there are none. False when they
        cannot be written now (a read-only database, or another window holding the write lock past the
        timeout): the search then reads those cards' text itself."""
        if match_expression(query.text) is None:
            return True
        try:
            self.store.index_pending()
        except (DatabaseReadOnly, DatabaseLocked):
            return False
        return True

    @staticmethod
    def _body(query: CardFilter, now: str, day_end: str,
              indexed: bool = True) -> tuple[str, dict[str, Any], str | None]:
        """FROM ... WHERE ... for a filter, its parameters, and the FTS5 expression (None: no words).
        Not `indexed`: cards whose index rows are still pending match when their text holds every word
        (ranked after the indexed matches)."""
        params: dict[str, Any] = {"now": now, "day_end": day_end}
        match = match_expression(query.text)
        join = ""
        if match is not None:
            unindexed = ""
            if not indexed:
                words = [word.lower() for word in re.findall(r"\w+", query.text)]
                params.update({f"word{i}": word for i, word in enumerate(words)})
                text = "lower(p.question || ' ' || p.answer || ' ' || p.tags)"
                unindexed = ("UNION ALL SELECT p.id, 0.0 FROM fts_pending f JOIN cards p ON p.id = f.card_id "
                             "WHERE f.card_id NOT IN (SELECT card_id FROM card_keys) AND "
                             + " AND ".join(f"instr({text}, :word{i})" for i in range(len(words))) + " ")
            join = ("JOIN (SELECT k.card_id AS card_id, bm25(cards_fts, 10.0, 1.0, 5.0) AS score "
                    "FROM cards_fts JOIN card_keys k ON k.rowid = cards_fts.rowid "
                    f"WHERE cards_fts MATCH :match {unindexed}) m ON m.card_id = c.id ")
            params["match"] = match
        where = ["c.retired = 0"]
        if query.topic:
            where.append("lower(c.topic) LIKE :topic ESCAPE '\\'")
            params["topic"] = _like_prefix(query.topic)
        if query.tag:
            where.append("EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE lower(t.value) LIKE :tag ESCAPE '\\')")
            params["tag"] = _like_prefix(query.tag)
        if query.state:
            if query.state not in STATUSES:
                raise ValueError(f"unknown state {query.state!r}; known: {', '.join(STATUSES)}")
            where.append(f"{_STATUS} = :state")
            params["state"] = query.state
        if query.due_today:
            where.append(f"s.card_id IN ({reviewed_due('s.due < :day_end', 's.card_id')}) AND s.suspended = 0 "
                         "AND (s.buried_until IS NULL OR s.buried_until <= :now)")
        if query.leech_lapses is not None:
            where.append("s.lapses >= :leech")
            params["leech"] = query.leech_lapses
        if query.flag is not None:
            where.append("s.flag > 0" if query.flag == ANY_FLAG else "s.flag = :flag")
            params["flag"] = query.flag
        if query.has_demo:
            where.append("c.demo IS NOT NULL AND c.demo != ''")
        if query.never_seen:
            where.append("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.card_id = c.id)")
        body = f"FROM cards c JOIN schedule s ON s.card_id = c.id {join}WHERE {' AND '.join(where)}"
        return body, params, match

    def tags(self) -> list[str]:
        """Every tag in use, for the filter menu."""
        return [r["tag"] for r in self.store._rows(
            "SELECT DISTINCT t.value AS tag FROM cards c, json_each(c.tags) t WHERE c.retired = 0 ORDER BY 1")]

    def schedules(self, card_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The schedule rows of some cards (with suspended, buried_until, flag), in the order given."""
        rows = self.store._rows(
            "SELECT s.*, j.key AS position FROM json_each(:ids) j JOIN schedule s ON s.card_id = j.value "
            "JOIN cards c ON c.id = s.card_id WHERE c.retired = 0 ORDER BY j.key", {"ids": json.dumps(list(card_ids))})
        return rows

    def cards_of(self, origin: str) -> list[dict[str, Any]]:
        """The studied cards of one deck folder as stored, in deck order (what re-syncing one file keeps)."""
        rows = self.store._rows(
            "SELECT id, question, answer, topic, tags, seeds, demo, key_points, follow_ups, source "
            "FROM cards WHERE origin = ? AND retired = 0 ORDER BY position", (origin,))
        for row in rows:
            for key in ("tags", "seeds", "key_points", "follow_ups"):
                row[key] = json.loads(row[key])
        return rows

    # -- actions -----------------------------------------------------------------------

    def set_suspended(self, card_ids: Sequence[str], suspended: bool) -> int:
        """Suspend (or restore) cards: a suspended card is in no queue or count until restored."""
        return self._update("suspended = :value", card_ids, {"value": int(suspended)})

    def bury(self, card_ids: Sequence[str], until: str | None) -> int:
        """Hide cards until `until` (the next study day's start); None unburies."""
        return self._update("buried_until = :value", card_ids, {"value": until})

    def set_flag(self, card_ids: Sequence[str], flag: int) -> int:
        """0 clears the flag; 1..4 are the colours (red, orange, green, blue, as in Anki)."""
        if flag not in range(5):
            raise ValueError(f"a flag is 0..4, not {flag!r}")
        return self._update("flag = :value", card_ids, {"value": flag})

    def forget(self, card_ids: Sequence[str], now: str) -> int:
        """Put cards back to new (due now, no reps or lapses). Their reviews stay in the log.

        The log has no entry for it: a review row needs a rating, and a made-up one would
        count in the statistics as if it had been given.
        """
        values = {**NEW_STATE, "due": now}
        sets = ", ".join(f"{key} = :{key}" for key in values)
        return self._update(sets + ", buried_until = NULL", card_ids, values)

    def _update(self, sets: str, card_ids: Sequence[str], values: dict[str, Any]) -> int:
        with self.store._transaction() as conn:
            cursor = conn.execute(f"UPDATE schedule SET {sets} WHERE card_id IN (SELECT value FROM json_each(:ids))",
                                  {**values, "ids": json.dumps(list(card_ids))})
            return cursor.rowcount


def _like_prefix(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
