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

import json
from datetime import date, datetime, timedelta
from typing import Any

from quizapp.store.card_counts import LAST_REVIEW_MS, SLOT_S, STUDIED
from quizapp.store.review_log import ALL_KINDS, BUCKET_MS, MATURE_S, ms_sql, to_ms
from quizapp.store.store import Store, reviewed_due


_EPOCH_DAY = date(1970, 1, 1)


def _shift(minutes: int) -> str:
    return f"{minutes:+d} minutes"


class StatsQueries:
    """Read-only statistics queries (run on the app thread, like every other query)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- the review log --------------------------------------------------------------

    def daily_reviews(self, shift_minutes: int, today: str) -> list[dict[str, Any]]:
        """(day, new, learning, review, relearning) for every study day from the first review to `today`.

        Summed from the 15-minute buckets the log's triggers keep (a year is at most ~35,000 rows
        a kind, however many reviews), so five million reviews cost what a few thousand do. Days
        without reviews are 0. One query feeds the heatmap, the per-day charts and the streaks.
        """
        shift_ms = shift_minutes * 60000
        if shift_ms % BUCKET_MS:  # not a whole quarter hour: count the log itself
            return self._daily_from_log(shift_minutes, today)
        rows = self.store._rows(
            "SELECT (bucket * :size + :shift) / 86400000 - ((bucket * :size + :shift) % 86400000 < 0) AS day, "
            "kind, sum(reviews) AS n FROM review_buckets WHERE reviews > 0 GROUP BY 1, 2",
            {"size": BUCKET_MS, "shift": shift_ms})
        if not rows:
            return []
        epoch = date(1970, 1, 1)
        counts: dict[int, list[int]] = {}
        for row in rows:
            counts.setdefault(row["day"], [0, 0, 0, 0])[row["kind"]] += row["n"]
        last = (date.fromisoformat(today) - epoch).days
        out = []
        for day in range(min(counts), max(last, max(counts)) + 1):
            new, learning, review, relearning = counts.get(day, (0, 0, 0, 0))
            out.append({"day": (epoch + timedelta(days=day)).isoformat(), "new": new, "learning": learning,
                        "review": review, "relearning": relearning})
        return out

    def _daily_from_log(self, shift_minutes: int, today: str) -> list[dict[str, Any]]:
        counts = ", ".join(
            f"(SELECT count(*) FROM review_log WHERE kind = {kind} AND at >= start AND at < end) "
            f"AS {name}" for kind, name in enumerate(("new", "learning", "review", "relearning")))
        first = f"(SELECT min(at) FROM review_log WHERE {ALL_KINDS})"
        return self.store._rows(
            f"""
            WITH RECURSIVE days(day) AS (
                SELECT date({first} / 1000, 'unixepoch', :shift)
                UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < :today
            ), bounds AS (
                SELECT day, {ms_sql("datetime(day, :unshift)")} AS start,
                       {ms_sql("datetime(day, '+1 day', :unshift)")} AS end
                FROM days WHERE day IS NOT NULL
            )
            SELECT day, {counts} FROM bounds ORDER BY day
            """,
            {"shift": _shift(shift_minutes), "unshift": _shift(-shift_minutes), "today": today})

    def between(self, start: str, end: str) -> dict[str, int]:
        """Reviews, distinct cards, milliseconds spent and Again ratings in [start, end)."""
        row = self.store._rows(
            f"SELECT count(*) AS reviews, count(DISTINCT card_id) AS cards, "
            f"coalesce(sum(duration_ms), 0) AS ms, coalesce(sum(rating = 1), 0) AS again "
            f"FROM review_log WHERE {ALL_KINDS} AND at >= ? AND at < ?", (to_ms(start), to_ms(end)))[0]
        return {k: int(v) for k, v in row.items()}

    def retention(self, start: str, end: str, shift_minutes: int, mature_days: float) -> dict[str, int]:
        """Passes among review-state reviews in [start, end): all, and mature ones apart.

        Only a card's first review of a study day counts (a repeat the same day tests
        nothing): the previous review, `elapsed_s` back, must lie before the start of
        this review's study day, which began `(time of day + shift) mod 24 h` ago.
        Mature: the interval the card was on was >= `mature_days`. Reviews a day or more after
        the previous one always count: their sums come from the buckets; the rest (reviews
        less than a day apart) from their own counts per bucket and lag: the log is not read.
        """
        lo, hi = to_ms(start), to_ms(end)
        mature = round(mature_days * 86400)
        if lo % BUCKET_MS or hi % BUCKET_MS or mature != MATURE_S:
            return self._retention_from_log(lo, hi, shift_minutes, mature, "kind = 2")
        shift_ms = shift_minutes * 60000
        sure = self.store._rows(
            "SELECT coalesce(sum(sure), 0) AS total, coalesce(sum(sure_passed), 0) AS passed, "
            "coalesce(sum(mature), 0) AS mature_total, coalesce(sum(mature_passed), 0) AS mature_passed "
            "FROM review_buckets WHERE kind = 2 AND bucket >= ? AND bucket < ?", (lo // BUCKET_MS, hi // BUCKET_MS))[0]
        rest = self.store._rows(  # lag > the bucket's place in its study day (see review_log.py)
            "SELECT coalesce(sum(total), 0) AS total, coalesce(sum(passed), 0) AS passed, "
            "coalesce(sum(mature), 0) AS mature_total, coalesce(sum(mature_passed), 0) AS mature_passed "
            "FROM review_same_day WHERE bucket >= :lo AND bucket < :hi "
            "AND lag > ((bucket * :size + :shift) % 86400000 + 86400000) % 86400000 / :size",
            {"lo": lo // BUCKET_MS, "hi": hi // BUCKET_MS, "size": BUCKET_MS, "shift": shift_ms})[0]
        return {k: int(sure[k]) + int(rest[k]) for k in sure}

    def _retention_from_log(self, lo: int, hi: int, shift_minutes: int, mature: int, which: str) -> dict[str, int]:
        """The same from the log itself: for a day boundary off the quarter hours, another maturity, tests."""
        row = self.store._rows(
            f"""
            SELECT count(*) AS total, coalesce(sum(rating > 1), 0) AS passed,
                   coalesce(sum(interval_s >= :mature), 0) AS mature_total,
                   coalesce(sum(interval_s >= :mature AND rating > 1), 0) AS mature_passed
            FROM review_log
            WHERE {which} AND at >= :start AND at < :end
              AND (elapsed_s IS NULL OR elapsed_s >= 86400 OR elapsed_s * 1000 >
                   ((at % 86400000 + :shift_ms) % 86400000 + 86400000) % 86400000)
            """,
            {"start": lo, "end": hi, "mature": mature, "shift_ms": shift_minutes * 60000})[0]
        return {k: int(v) for k, v in row.items()}

    # -- cards -------------------------------------------------------------------------

    # Card-level counts come from the rows triggers keep (card_counts.py): a few rows per topic and
    # per quarter hour, whatever the size of the deck. Only recall, which moves with the clock, reads
    # each studied card, from a narrow index.

    def forecast(self, shift_minutes: int, today: str, end: str) -> list[dict[str, Any]]:
        """(day, learning, review) due per study day before `end`; overdue cards count for today.

        Summed from the due counts per quarter hour; a day boundary or an `end` off the quarter
        hours is counted card by card instead."""
        day_start = ((date.fromisoformat(today) - _EPOCH_DAY).days * 86400 - shift_minutes * 60)
        end_s = to_ms(end) / 1000
        if day_start % SLOT_S or end_s % SLOT_S:
            return self._forecast_from_cards(shift_minutes, today, end)
        lo, hi = day_start // SLOT_S, int(end_s) // SLOT_S
        overdue = self.store._rows(
            "SELECT coalesce(sum(learning), 0) AS learning, coalesce(sum(review), 0) AS review FROM due_counts "
            "WHERE slot < ?", (lo,))[0]
        days: dict[date, list[int]] = {}
        if overdue["learning"] or overdue["review"]:
            days[date.fromisoformat(today)] = [overdue["learning"], overdue["review"]]
        for row in self.store._rows("SELECT * FROM due_counts WHERE slot >= ? AND slot < ?", (lo, hi)):
            day = _EPOCH_DAY + timedelta(days=(row["slot"] * SLOT_S + shift_minutes * 60) // 86400)
            counts = days.setdefault(day, [0, 0])
            counts[0] += row["learning"]
            counts[1] += row["review"]
        return [{"day": day.isoformat(), "learning": v[0], "review": v[1]} for day, v in sorted(days.items())]

    def _forecast_from_cards(self, shift_minutes: int, today: str, end: str) -> list[dict[str, Any]]:
        return self.store._rows(
            "SELECT max(date(s.due, :shift), :today) AS day, sum(s.state != 2) AS learning, sum(s.state = 2) AS review "
            f"FROM ({reviewed_due('s.deck_retired = 0 AND s.due < :end', 's.due, s.state')}) s GROUP BY 1 ORDER BY 1",
            {"shift": _shift(shift_minutes), "today": today, "end": end})

    def by_tag(self) -> list[dict[str, Any]]:
        """Per tag (a card counts once under each of its tags), largest first: cards, new, learning
        (relearning included), review and mastered. Summed per distinct tag list (few of them), then
        spread over the tags here."""
        rows = self.store._rows(
            "SELECT tags, sum(cards) AS cards, sum(new_cards) AS new, sum(learning + relearning) AS learning, "
            "sum(review) AS review, sum(mastered) AS mastered FROM card_counts GROUP BY tags HAVING sum(cards) > 0")
        keys = ("cards", "new", "learning", "review", "mastered")
        tags: dict[str, dict[str, Any]] = {}
        for row in rows:
            for tag in dict.fromkeys(json.loads(row["tags"])):
                group = tags.setdefault(tag, {"name": tag, **{k: 0 for k in keys}})
                for k in keys:
                    group[k] += row[k]
        return sorted(tags.values(), key=lambda g: (-g["cards"], g["name"]))

    def topics(self) -> list[dict[str, Any]]:
        """Per topic with cards in a deck, in deck order (each topic's first origin, then first
        position: two index seeks per topic): cards, new, learning (1 and 3 apart), review, mastered
        (stability > 21 days)."""
        return self.store._rows(
            "SELECT topic AS name, sum(cards) AS cards, sum(new_cards) AS new, sum(learning) AS learning_only, "
            "sum(relearning) AS relearning, sum(review) AS review, sum(mastered) AS mastered "
            "FROM card_counts GROUP BY topic HAVING sum(cards) > 0 ORDER BY "
            "(SELECT min(deck_origin) FROM schedule INDEXED BY schedule_topic_origin "
            " WHERE deck_topic = topic AND deck_retired = 0), "
            "(SELECT min(deck_position) FROM schedule INDEXED BY schedule_topic_position "
            " WHERE deck_topic = topic AND deck_retired = 0), topic")

    def recall(self, now: str, factor: float, decay: float) -> dict[str, tuple[float, int]]:
        """Per topic: the sum of FSRS's recall probability at `now` over its studied cards, and their
        number. R = (1 + factor * t / S) ^ decay, t the whole days since the last review (as the
        `fsrs` package counts them), never negative. One pass over a covering index."""
        days = f"max(0, (:now - {LAST_REVIEW_MS}) / 86400000)"
        return {r["name"]: (r["total"], r["n"]) for r in self.store._rows(
            f"SELECT deck_topic AS name, sum(pow(1 + :factor * {days} / stability, :decay)) AS total, count(*) AS n "
            f"FROM schedule INDEXED BY schedule_recall WHERE {STUDIED} GROUP BY deck_topic",
            {"now": to_ms(now), "factor": factor, "decay": decay})}

    def totals(self) -> dict[str, int]:
        """Leeches (cards in a deck lapsed at least 8 times) and retired cards."""
        row = self.store._rows("SELECT coalesce(sum(leeches), 0) AS leeches, coalesce(sum(retired), 0) AS retired "
                               "FROM card_counts")[0]
        return {k: int(v) for k, v in row.items()}

    def hardest(self, limit: int) -> list[dict[str, Any]]:
        """Cards with the most lapses (forgotten after being learnt), most first."""
        return self.store._rows(
            "SELECT c.id, c.topic, c.question, s.lapses, s.reps FROM schedule s INDEXED BY schedule_lapses "
            "JOIN cards c ON c.id = s.card_id WHERE s.lapses > 0 AND s.deck_retired = 0 "
            "ORDER BY s.lapses DESC, s.reps DESC, c.id LIMIT ?", (limit,))

    # -- demos ---------------------------------------------------------------------------

    def demo_summary(self) -> list[dict[str, Any]]:
        """Per demo and device: runs, passes, and the latest run's status and verdict, latest first."""
        return self.store._rows(
            "SELECT demo, device, count(*) AS runs, coalesce(sum(passed = 1), 0) AS passes, "
            "max(started_at) AS last_at, status AS last_status, passed AS last_passed "
            "FROM demo_runs GROUP BY demo, device ORDER BY last_at DESC, demo, device")
