"""FSRS parameter sets: which one is in force, every one ever tried, adopting and reverting.

Adopting a set and rewriting every card's replayed history happen in one
transaction: a crash leaves either the old parameters and old states or the
new parameters and new states, never a mix. The set in force is also written
to the `parameters` setting, which is what `Settings.from_store` reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from quizapp.store.history import write_histories
from quizapp.store.store import Store, StoreError

PARAMETERS_SETTING = "parameters"


@dataclass(frozen=True)
class ParameterSet:
    id: int
    created_at: str
    source: str  # default, optimized or pasted
    parameters: tuple[float, ...]
    scores: dict[str, Any] | None
    note: str
    review_mark: int
    previous_id: int | None
    active: bool


def _row(row: Mapping[str, Any]) -> ParameterSet:
    return ParameterSet(row["id"], row["created_at"], row["source"], tuple(json.loads(row["parameters"])),
                        json.loads(row["scores"]) if row["scores"] else None, row["note"], row["review_mark"],
                        row["previous_id"], bool(row["active"]))


Histories = Iterable[tuple[str, Sequence[Mapping[str, Any]], Mapping[str, Any]]]


class ParameterSets:
    """Queries and writes over one Store's connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[ParameterSet]:
        """Newest first."""
        return [_row(r) for r in self.store._rows("SELECT * FROM parameter_sets ORDER BY id DESC")]

    def get(self, set_id: int) -> ParameterSet | None:
        rows = self.store._rows("SELECT * FROM parameter_sets WHERE id = ?", (set_id,))
        return _row(rows[0]) if rows else None

    def active(self) -> ParameterSet | None:
        rows = self.store._rows("SELECT * FROM parameter_sets WHERE active = 1")
        return _row(rows[0]) if rows else None

    def review_mark(self) -> int:
        """The highest review id now (new reviews get higher ones)."""
        return int(self.store._value("SELECT coalesce(max(id), 0) FROM review_log"))

    def reviews_since_last_optimization(self, cap: int) -> int:
        """Reviews added since the last optimization (adopted or not), counted up to `cap` only: cheap at start-up."""
        mark = self.store._value("SELECT coalesce(max(review_mark), 0) FROM parameter_sets WHERE source = 'optimized'")
        return int(self.store._value("SELECT count(*) FROM (SELECT 1 FROM review_log WHERE id > ? LIMIT ?)",
                                     (mark, cap)))

    def record(self, created_at: str, source: str, parameters: Sequence[float], scores: dict[str, Any] | None,
               note: str) -> int:
        """Keep a set that is not adopted (a fit that predicted worse); returns its id."""
        with self.store._transaction() as conn:
            return self._insert(conn, created_at, source, parameters, scores, note, None)

    def adopt(self, created_at: str, source: str, parameters: Sequence[float], scores: dict[str, Any] | None,
              note: str, default_parameters: Sequence[float], histories: Histories) -> int:
        """Put a new set in force and store every card's replayed history with it, atomically; returns its id.

        The first time, the defaults that were in force are kept as a set too, so revert can go back to them.
        """
        with self.store._transaction() as conn:
            current = conn.execute("SELECT id FROM parameter_sets WHERE active = 1").fetchone()
            if current is None:
                previous = self._insert(conn, created_at, "default", default_parameters, None,
                                        "the FSRS-6 defaults in force before", None)
            else:
                previous = current[0]
            new = self._insert(conn, created_at, source, parameters, scores, note, previous)
            self._activate(conn, new, parameters)
            write_histories(conn, histories)
            return new

    def revert(self, histories_for) -> ParameterSet:
        """Go back to the set in force before the current one; `histories_for(parameters)` replays with it."""
        current = self.active()
        if current is None or current.previous_id is None:
            raise StoreError("there is no earlier parameter set to go back to (the defaults are in force)")
        target = self.get(current.previous_id)
        assert target is not None
        with self.store._transaction() as conn:
            self._activate(conn, target.id, target.parameters)
            write_histories(conn, histories_for(target.parameters))
        return target

    def _insert(self, conn, created_at: str, source: str, parameters: Sequence[float],
                scores: dict[str, Any] | None, note: str, previous: int | None) -> int:
        cursor = conn.execute(
            "INSERT INTO parameter_sets (created_at, source, parameters, scores, note, review_mark, previous_id) "
            "VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM review_log), ?)",
            (created_at, source, json.dumps([float(w) for w in parameters]),
             None if scores is None else json.dumps(scores), note, previous))
        return int(cursor.lastrowid)

    @staticmethod
    def _activate(conn, set_id: int, parameters: Sequence[float]) -> None:
        conn.execute("UPDATE parameter_sets SET active = 0 WHERE active = 1")
        conn.execute("UPDATE parameter_sets SET active = 1 WHERE id = ?", (set_id,))
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                     "excluded.value", (PARAMETERS_SETTING, json.dumps([float(w) for w in parameters])))
