"""Every aggregation the statistics need, as SQL over one Store.

Counting happens here, in SQLite (GROUP BY over indexed columns), so a log of a
million reviews is summarised without pulling it into Python. The maths on top
(streaks, ratios, FSRS recall) lives in quizapp.srs.statistics.

Study days: `shift_minutes` is the local UTC offset minus the rollover hour (4 am by default), so
`date(reviewed_at, shift)` is the study day a review counts for. The offset is
today's: a review made under the other daylight-saving offset may land an hour
off, as in Anki.
"""

from __future__ import annotations

from typing import Any

from quizapp.store.store import Store


def _shift(minutes: int) -> str:
    return f"{minutes:+d} minutes"


class StatsQueries:
    """Read-only statistics queries (run on the app thread, like every other query)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- the review log --------------------------------------------------------------

    def daily_reviews(self, shift_minutes: int, today: str) -> list[dict[str, Any]]:
        """(day, new, learning, review, relearning) for every study day from the first review to `today`.

        Each count is a range count on the (kind, reviewed_at) index: no row of the log is
        read, so a million reviews cost a few milliseconds. Days without reviews are 0.
        One query feeds the heatmap, the per-day charts and the streaks.
        """
        counts = ", ".join(
            f"(SELECT count(*) FROM reviews WHERE kind = {kind} AND reviewed_at >= start AND reviewed_at < end) "
            f"AS {name}" for kind, name in enumerate(("new", "learning", "review", "relearning")))
        return self.store._rows(
            f"""
            WITH RECURSIVE days(day) AS (
                SELECT date((SELECT min(reviewed_at) FROM reviews), :shift)
                UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < :today
            ), bounds AS (
                SELECT day, strftime('%Y-%m-%dT%H:%M:%fZ', day, :unshift) AS start,
                       strftime('%Y-%m-%dT%H:%M:%fZ', day, '+1 day', :unshift) AS end
                FROM days WHERE day IS NOT NULL
            )
            SELECT day, {counts} FROM bounds ORDER BY day
            """,
            {"shift": _shift(shift_minutes), "unshift": _shift(-shift_minutes), "today": today})

    def between(self, start: str, end: str) -> dict[str, int]:
        """Reviews, distinct cards, milliseconds spent and Again ratings in [start, end)."""
        row = self.store._rows(
            "SELECT count(*) AS reviews, count(DISTINCT card_id) AS cards, "
            "coalesce(sum(duration_ms), 0) AS ms, coalesce(sum(rating = 1), 0) AS again "
            "FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ?", (start, end))[0]
        return {k: int(v) for k, v in row.items()}

    def retention(self, start: str, end: str, shift_minutes: int, mature_days: float) -> dict[str, int]:
        """Passes among review-state reviews in [start, end): all, and mature ones apart.

        Only a card's first review of a study day counts (a repeat the same day tests
        nothing): the previous review, `elapsed_days` back, must lie before the start of
        this review's study day, which began `(time of day + shift) mod 24 h` ago.
        Mature: the interval the card was on was >= `mature_days`. Reads the covering
        index only (migration 3).
        """
        row = self.store._rows(
            """
            SELECT count(*) AS total, coalesce(sum(rating > 1), 0) AS passed,
                   coalesce(sum(interval_days >= :mature), 0) AS mature_total,
                   coalesce(sum(interval_days >= :mature AND rating > 1), 0) AS mature_passed
            FROM reviews
            WHERE kind = 2 AND reviewed_at >= :start AND reviewed_at < :end
              AND (elapsed_days IS NULL OR elapsed_days >= 1 OR elapsed_days * 86400000 >
                   ((substr(reviewed_at, 12, 2) * 3600000 + substr(reviewed_at, 15, 2) * 60000
                     + substr(reviewed_at, 18, 2) * 1000 + substr(reviewed_at, 21, 3) + :shift_ms)
                    % 86400000 + 86400000) % 86400000)
            """,
            {"start": start, "end": end, "mature": mature_days, "shift_ms": shift_minutes * 60000})[0]
        return {k: int(v) for k, v in row.items()}

    # -- cards -------------------------------------------------------------------------

    def forecast(self, shift_minutes: int, today: str, end: str) -> list[dict[str, Any]]:
        """(day, learning, review) due per study day before `end`; overdue cards count for today."""
        return self.store._rows(
            "SELECT max(date(s.due, :shift), :today) AS day, sum(s.state != 2) AS learning, "
            "sum(s.state = 2) AS review "
            "FROM schedule s JOIN cards c ON c.id = s.card_id "
            "WHERE c.retired = 0 AND s.reps > 0 AND s.due < :end GROUP BY 1 ORDER BY 1",
            {"shift": _shift(shift_minutes), "today": today, "end": end})

    def state_counts(self) -> dict[str, int]:
        """Cards by state: new (never reviewed), learning, review, relearning; and retired ones apart."""
        row = self.store._rows(
            "SELECT coalesce(sum(c.retired = 0 AND s.reps = 0), 0) AS new, "
            "coalesce(sum(c.retired = 0 AND s.reps > 0 AND s.state = 1), 0) AS learning, "
            "coalesce(sum(c.retired = 0 AND s.reps > 0 AND s.state = 2), 0) AS review, "
            "coalesce(sum(c.retired = 0 AND s.reps > 0 AND s.state = 3), 0) AS relearning, "
            "coalesce(sum(c.retired = 1), 0) AS retired "
            "FROM cards c JOIN schedule s ON s.card_id = c.id")[0]
        return {k: int(v) for k, v in row.items()}

    def by_topic(self, mastered_days: float) -> list[dict[str, Any]]:
        """Per topic (deck order): cards, new, learning, review, mastered (stability > `mastered_days`)."""
        return self.store._rows(
            "SELECT c.topic AS name, count(*) AS cards, sum(s.reps = 0) AS new, "
            "sum(s.reps > 0 AND s.state IN (1, 3)) AS learning, sum(s.reps > 0 AND s.state = 2) AS review, "
            "sum(s.reps > 0 AND s.stability > :m) AS mastered "
            "FROM cards c JOIN schedule s ON s.card_id = c.id WHERE c.retired = 0 "
            "GROUP BY c.topic ORDER BY min(c.origin), min(c.position)", {"m": mastered_days})

    def by_tag(self, mastered_days: float) -> list[dict[str, Any]]:
        """The same per tag (a card counts once under each of its tags), largest first."""
        return self.store._rows(
            "SELECT t.value AS name, count(*) AS cards, sum(s.reps = 0) AS new, "
            "sum(s.reps > 0 AND s.state IN (1, 3)) AS learning, sum(s.reps > 0 AND s.state = 2) AS review, "
            "sum(s.reps > 0 AND s.stability > :m) AS mastered "
            "FROM cards c JOIN schedule s ON s.card_id = c.id, json_each(c.tags) t WHERE c.retired = 0 "
            "GROUP BY t.value ORDER BY cards DESC, name", {"m": mastered_days})

    def memory_states(self) -> list[dict[str, Any]]:
        """Topic and FSRS state of every studied card, for the recall probability (maths in srs)."""
        return self.store._rows(
            "SELECT c.topic, s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses "
            "FROM cards c JOIN schedule s ON s.card_id = c.id WHERE c.retired = 0 AND s.reps > 0")

    def hardest(self, limit: int) -> list[dict[str, Any]]:
        """Cards with the most lapses (forgotten after being learnt), most first."""
        return self.store._rows(
            "SELECT c.id, c.topic, c.question, s.lapses, s.reps FROM cards c JOIN schedule s ON s.card_id = c.id "
            "WHERE c.retired = 0 AND s.lapses > 0 ORDER BY s.lapses DESC, s.reps DESC, c.id LIMIT ?", (limit,))

    def lapsed_at_least(self, lapses: int) -> int:
        """How many cards have lapsed at least this often (leeches, at Anki's threshold of 8)."""
        return int(self.store._value(
            "SELECT count(*) FROM cards c JOIN schedule s ON s.card_id = c.id "
            "WHERE c.retired = 0 AND s.lapses >= ?", (lapses,)))

    # -- demos ---------------------------------------------------------------------------

    def demo_summary(self) -> list[dict[str, Any]]:
        """Per demo and device: runs, passes, and the latest run's status and verdict, latest first."""
        return self.store._rows(
            "SELECT demo, device, count(*) AS runs, coalesce(sum(passed = 1), 0) AS passes, "
            "max(started_at) AS last_at, status AS last_status, passed AS last_passed "
            "FROM demo_runs GROUP BY demo, device ORDER BY last_at DESC, demo, device")
