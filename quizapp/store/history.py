"""The review log as plain rows, out (export) and back in (import-history).

A review is identified by (card_id, reviewed_at, rating): importing the same
history twice adds nothing. The states stored with imported reviews are worked
out by srs (a replay of each card's whole history); this module only reads the
rows and writes the result, in one transaction for the whole import.
"""

from __future__ import annotations

import heapq
import json
import sqlite3
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from quizapp.store.review_log import ReviewLog, to_text
from quizapp.store.store import Store, _translate_error


class History:
    """Export and import queries over one Store's connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def export_rows(self) -> Iterator[tuple[str, int, str, int | None]]:
        """(card_id, rating, reviewed_at, duration_ms) in time order, streamed (millions are fine).

        The log has no index on time alone (it would cost ~16 bytes a review): each kind of review
        is read in time order from the (kind, at) index and the four streams are merged.
        """
        try:
            streams = [self.store.conn.execute(
                "SELECT at, id, card_id, rating, duration_ms FROM review_log WHERE kind = ? ORDER BY at", (kind,))
                for kind in range(4)]
            for at, _, card_id, rating, duration_ms in heapq.merge(*streams):
                yield card_id, rating, to_text(at), duration_ms
        except sqlite3.Error as exc:
            raise _translate_error(self.store.path, exc) from None

    def card_ids(self) -> set[str]:
        """Every card id, retired ones included (their history may be imported too)."""
        return {row["id"] for row in self.store._rows("SELECT id FROM cards")}

    def reviews_of(self, card_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The stored reviews of some cards, oldest first, without their states."""
        rows = self.store._rows(
            "SELECT id, card_id, rating, at, duration_ms FROM review_log "
            "WHERE card_id IN (SELECT value FROM json_each(?)) ORDER BY card_id, at, id",
            (json.dumps(list(card_ids)),))
        out: dict[str, list[dict[str, Any]]] = {cid: [] for cid in card_ids}
        for row in rows:
            row["reviewed_at"] = to_text(row.pop("at"))
            out[row["card_id"]].append(row)
        return out

    def every_review(self) -> dict[str, list[dict[str, Any]]]:
        """Every card's reviews, oldest first, without their states (what a replay needs)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for row in self.store._rows("SELECT id, card_id, rating, at, duration_ms FROM review_log "
                                    "ORDER BY card_id, at, id"):
            row["reviewed_at"] = to_text(row.pop("at"))
            out.setdefault(row["card_id"], []).append(row)
        return out

    def dues(self) -> dict[str, str]:
        """Each card's due time as stored."""
        return {r["card_id"]: r["due"] for r in self.store._rows("SELECT card_id, due FROM schedule")}

    def rewrite(self, histories: Iterable[tuple[str, Sequence[Mapping[str, Any]], Mapping[str, Any]]],
                progress: Callable[[int], None] | None = None) -> int:
        """Store replayed histories atomically; returns how many reviews were inserted.

        `histories` yields (card_id, its reviews in time order, its final state); it is
        consumed inside the one transaction, so a big import never holds every state at
        once. A review with an `id` exists already: only its kind and states change.
        `progress(n)` hears how many reviews of a card were just written.
        """
        with self.store._transaction() as conn:
            return write_histories(conn, histories, progress)


def write_histories(conn: sqlite3.Connection,
                    histories: Iterable[tuple[str, Sequence[Mapping[str, Any]], Mapping[str, Any]]],
                    progress: Callable[[int], None] | None = None) -> int:
    """The body of `History.rewrite`, for callers that hold a larger transaction."""
    inserted = 0
    log = ReviewLog(conn)
    for card_id, reviews, final in histories:
        inserted += log.rewrite_card(card_id, reviews)
        conn.execute(
            "UPDATE schedule SET state = :state, step = :step, stability = :stability, "
            "difficulty = :difficulty, due = :due, last_review = :last_review, reps = :reps, "
            "lapses = :lapses WHERE card_id = :card_id",
            {**{k: final.get(k) for k in ("state", "step", "stability", "difficulty", "due", "last_review")},
             "reps": final.get("reps", 0), "lapses": final.get("lapses", 0), "card_id": card_id})
        if progress is not None:
            progress(len(reviews))
    return inserted
