"""Mock interviews in the database: the cards to choose from, each interview and its questions.

Every write is its own transaction, made the moment the learner acts (the interview starts,
an answer is given, a follow-up answered, ticks and rating confirmed), so a process killed
mid-interview keeps every question answered so far. The ratings themselves become reviews
through Store.record_review, the same path a study session uses.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from quizapp.store.store import Store, StoreError

_JSON = ("key_points", "suggested", "ticks")


class InterviewStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- choosing questions ------------------------------------------------------------------

    def candidates(self, topic: str | None, lapses_since: str) -> list[dict[str, Any]]:
        """Cards an interview may ask (studied or not, with key points, not retired or suspended), each
        with its FSRS state, its lapses since `lapses_since` and how often interviews have asked it."""
        return self.store._rows(
            """
            SELECT c.id, c.topic, s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps,
                   s.lapses,
                   (SELECT count(*) FROM reviews r WHERE r.card_id = c.id AND r.kind = 2 AND r.rating = 1
                      AND r.reviewed_at >= :since) AS recent_lapses,
                   (SELECT count(*) FROM interview_questions q WHERE q.card_id = c.id) AS times_interviewed
            FROM cards c JOIN schedule s ON s.card_id = c.id
            WHERE c.retired = 0 AND s.suspended = 0 AND c.key_points != '[]'
              AND (:topic IS NULL OR c.topic = :topic)
            ORDER BY c.id
            """, {"since": lapses_since, "topic": topic})

    # -- writing, one transaction per step -------------------------------------------------------

    def start(self, started_at: str, topic: str | None, seed: int | None, seconds_per_question: int,
              scheduled: bool, card_ids: Sequence[str]) -> int:
        with self.store._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO interviews (started_at, topic, seed, seconds_per_question, scheduled, card_ids) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (started_at, topic, seed, seconds_per_question, int(scheduled), json.dumps(list(card_ids))))
            return int(cursor.lastrowid)

    def save_answer(self, interview_id: int, position: int, card_id: str, topic: str, asked_at: str,
                    seconds_used: float, answer: str, aloud: bool, key_points: Sequence[str],
                    suggested: Sequence[bool], suggested_rating: int | None) -> int:
        """The learner's answer, committed as soon as it is given; returns the question's id."""
        with self.store._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO interview_questions (interview_id, position, card_id, topic, asked_at, seconds_used, "
                "answer, aloud, key_points, suggested, suggested_rating) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (interview_id, position, card_id, topic, asked_at, seconds_used, answer, int(aloud),
                 json.dumps(list(key_points), ensure_ascii=False), json.dumps([bool(t) for t in suggested]),
                 suggested_rating))
            return int(cursor.lastrowid)

    def save_follow_up(self, question_id: int, follow_up: str, answer: str, seconds: float) -> None:
        self._update(question_id, "follow_up = ?, follow_up_answer = ?, follow_up_seconds = ?",
                     (follow_up, answer, seconds))

    def confirm(self, question_id: int, ticks: Sequence[bool], rating: int, review_id: int | None) -> None:
        self._update(question_id, "ticks = ?, rating = ?, review_id = ?",
                     (json.dumps([bool(t) for t in ticks]), rating, review_id))

    def finish(self, interview_id: int, finished_at: str) -> None:
        with self.store._transaction() as conn:
            conn.execute("UPDATE interviews SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                         (finished_at, interview_id))

    def _update(self, question_id: int, assignments: str, values: tuple) -> None:
        with self.store._transaction() as conn:
            cursor = conn.execute(f"UPDATE interview_questions SET {assignments} WHERE id = ?",
                                  (*values, question_id))
            if cursor.rowcount != 1:
                raise StoreError(f"interview question {question_id} is not in the database {self.store.path}")

    # -- reading ---------------------------------------------------------------------------------

    def interview(self, interview_id: int) -> dict[str, Any] | None:
        rows = self.store._rows("SELECT * FROM interviews WHERE id = ?", (interview_id,))
        if not rows:
            return None
        row = rows[0]
        row["card_ids"] = json.loads(row["card_ids"])
        row["questions"] = self.questions([interview_id])
        return row

    def latest_id(self) -> int | None:
        return self.store._value("SELECT max(id) FROM interviews")

    def interviews(self) -> list[dict[str, Any]]:
        """Every interview, oldest first (without questions)."""
        return self.store._rows("SELECT id, started_at, finished_at, topic, scheduled, seconds_per_question FROM interviews "
                                "ORDER BY id")

    def questions(self, interview_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Questions of some interviews (all when None) in asking order, with the card's question text."""
        rows = self.store._rows(
            "SELECT q.*, c.question FROM interview_questions q JOIN cards c ON c.id = q.card_id "
            "WHERE ? IS NULL OR q.interview_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY q.interview_id, q.position",
            (None if interview_ids is None else 1, json.dumps(list(interview_ids or []))))
        for row in rows:
            for key in _JSON:
                row[key] = None if row[key] is None else json.loads(row[key])
        return rows
