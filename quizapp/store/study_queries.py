"""The queries custom study needs: which cards a tag, a topic, today's failures, review-ahead or
"more new cards" picks (a session over such a list reads it with quizapp.store.browse).

Every list leaves out retired and suspended cards and cards buried until a study day still ahead,
so a custom session never shows a card the normal queues would hide.
"""

from __future__ import annotations

from typing import Any

from quizapp.store.store import Store, reviewed_due

# the card is in play at :now (not retired, not suspended, not buried until later)
_IN_PLAY = ("c.retired = 0 AND s.suspended = 0 AND (s.buried_until IS NULL OR s.buried_until <= :now)")
# reviewed cards first, the most overdue first; then new cards in deck order
_ORDER = "ORDER BY s.reps = 0, CASE WHEN s.reps > 0 THEN s.due END, c.origin, c.position"


class StudyQueries:
    """Read-only card lists for custom study (run on the app thread, like every other query)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def tags(self) -> list[tuple[str, int]]:
        """Every tag on a card being studied, with its card count, most used first."""
        rows = self.store._rows(
            "SELECT j.value AS tag, count(*) AS n FROM cards c, json_each(c.tags) j WHERE c.retired = 0 "
            "GROUP BY j.value ORDER BY n DESC, lower(j.value)")
        return [(r["tag"], r["n"]) for r in rows]

    def with_tag(self, tag: str, now: str) -> list[str]:
        """Cards carrying `tag` (any case), reviewed ones by due date, then new ones in deck order."""
        return self._ids(
            f"WHERE {_IN_PLAY} AND EXISTS (SELECT 1 FROM json_each(c.tags) j WHERE lower(j.value) = lower(:tag)) "
            f"{_ORDER}", {"tag": tag, "now": now})

    def in_topic(self, topic: str, now: str) -> list[str]:
        return self._ids(f"WHERE {_IN_PLAY} AND lower(c.topic) = lower(:topic) {_ORDER}",
                         {"topic": topic, "now": now})

    def failed_since(self, since: str, now: str) -> list[str]:
        """Cards rated Again at least once since `since` (the study day's start), first failure first."""
        return self._ids(
            f"JOIN (SELECT card_id, min(reviewed_at) AS first FROM reviews WHERE rating = 1 AND reviewed_at >= :since "
            f"GROUP BY card_id) f ON f.card_id = c.id WHERE {_IN_PLAY} ORDER BY f.first",
            {"since": since, "now": now})

    def due_before(self, before: str, now: str) -> list[str]:
        """Reviewed cards due before `before` (review ahead), soonest first."""
        return self._ids(f"JOIN ({reviewed_due('s.due < :before')}) d ON d.card_id = c.id WHERE {_IN_PLAY} "
                         "ORDER BY d.due", {"before": before, "now": now})

    def new_cards(self, limit: int, now: str, topic: str | None = None) -> list[str]:
        """The next `limit` never-studied cards in deck order."""
        return self._ids(
            f"WHERE {_IN_PLAY} AND s.reps = 0 AND (:topic IS NULL OR c.topic = :topic) "
            "ORDER BY c.origin, c.position LIMIT :limit", {"limit": limit, "now": now, "topic": topic})

    def reviewed_states(self, now: str) -> list[dict[str, Any]]:
        """The FSRS state of every studied card in play (recall is computed from these in srs)."""
        return self.store._rows(
            "SELECT s.card_id, s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses "
            f"FROM schedule s JOIN cards c ON c.id = s.card_id WHERE {_IN_PLAY} AND s.reps > 0 "
            "ORDER BY c.origin, c.position", {"now": now})

    def _ids(self, tail: str, params: dict[str, Any]) -> list[str]:
        rows = self.store._rows(f"SELECT c.id FROM cards c JOIN schedule s ON s.card_id = c.id {tail}", params)
        return [r["id"] for r in rows]

