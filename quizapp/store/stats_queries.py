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
import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

from quizapp.store.review_log import ALL_KINDS, BUCKET_MS, MATURE_S, ms_sql, to_ms
from quizapp.store.store import Store, _translate_error


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

    # Card-level figures read the schedule table alone (topic and retirement are copied onto it,
    # migration 7): one narrow pass over 100,000 rows, no lookup per card.

    def forecast(self, shift_minutes: int, today: str, end: str) -> list[dict[str, Any]]:
        """(day, learning, review) due per study day before `end`; overdue cards count for today.

        Counted per hour of the stored due time (a text prefix: no date parsing per card), then
        hours are placed in study days here; a zone that is not a whole number of hours from UTC
        is counted per minute instead."""
        width = 13 if shift_minutes % 60 == 0 else 16  # 'YYYY-MM-DDTHH' or 'YYYY-MM-DDTHH:MM'
        rows = self.store._rows(
            f"SELECT substr(s.due, 1, {width}) AS slot, sum(s.state != 2) AS learning, sum(s.state = 2) AS review "
            f"FROM schedule s INDEXED BY schedule_forecast WHERE s.reps > 0 AND s.deck_retired = 0 AND s.due < :end "
            f"GROUP BY 1",
            {"end": end})
        first = date.fromisoformat(today)
        days: dict[date, list[int]] = {}
        for row in rows:
            moment = datetime.fromisoformat(row["slot"] + (":00" if width == 13 else ""))
            day = max(first, (moment + timedelta(minutes=shift_minutes)).date())
            counts = days.setdefault(day, [0, 0])
            counts[0] += row["learning"]
            counts[1] += row["review"]
        return [{"day": day.isoformat(), "learning": v[0], "review": v[1]} for day, v in sorted(days.items())]

    def by_tag(self, mastered_days: float) -> list[dict[str, Any]]:
        """The same per tag (a card counts once under each of its tags), largest first.

        Summed per distinct tag list in SQL (few of them), then spread over the tags here: no
        JSON is taken apart for each of 100,000 cards."""
        rows = self.store._rows(
            "SELECT c.tags AS tags, count(*) AS cards, sum(s.reps = 0) AS new, "
            "sum(s.reps > 0 AND s.state IN (1, 3)) AS learning, sum(s.reps > 0 AND s.state = 2) AS review, "
            "sum(s.reps > 0 AND s.stability > :m) AS mastered "
            "FROM schedule s JOIN cards c ON c.id = s.card_id WHERE s.deck_retired = 0 GROUP BY c.tags",
            {"m": mastered_days})
        keys = ("cards", "new", "learning", "review", "mastered")
        tags: dict[str, dict[str, Any]] = {}
        for row in rows:
            for tag in dict.fromkeys(json.loads(row["tags"])):
                group = tags.setdefault(tag, {"name": tag, **{k: 0 for k in keys}})
                for k in keys:
                    group[k] += row[k]
        return sorted(tags.values(), key=lambda g: (-g["cards"], g["name"]))

    def topics(self, mastered_days: float, recall_at: tuple[str, float, float] | None = None) -> list[dict[str, Any]]:
        """Per topic (deck order), in ONE pass over the schedule: cards, new, learning (1 and 3 apart),
        review and mastered (stability > `mastered_days`); with `recall_at` = (now, factor, decay) also
        the sum and count of FSRS's recall probability then, R = (1 + factor * t / S) ^ decay with t
        the whole days since the last review (as the `fsrs` package counts them)."""
        recall = ""
        params: dict[str, Any] = {"m": mastered_days}
        if recall_at is not None:
            days = f"max(0, (:now - {ms_sql('s.last_review')}) / 86400000)"
            studied = "s.reps > 0 AND s.stability IS NOT NULL AND s.last_review IS NOT NULL"
            recall = (f", coalesce(sum(CASE WHEN {studied} THEN pow(1 + :factor * {days} / s.stability, :decay) END), 0) "
                      f"AS recall_total, sum({studied}) AS recall_cards")
            now, params["factor"], params["decay"] = recall_at
            params["now"] = to_ms(now)
        return self.store._rows(
            f"SELECT s.deck_topic AS name, count(*) AS cards, sum(s.reps = 0) AS new, "
            f"sum(s.reps > 0 AND s.state = 1) AS learning_only, sum(s.reps > 0 AND s.state = 3) AS relearning, "
            f"sum(s.reps > 0 AND s.state = 2) AS review, sum(s.reps > 0 AND s.stability > :m) AS mastered{recall} "
            f"FROM schedule s WHERE s.deck_retired = 0 "
            f"GROUP BY s.deck_topic ORDER BY min(s.deck_origin), min(s.deck_position)", params)

    def recall_inputs(self) -> tuple[list[str], list[float], list[int]]:
        """(topic, stability, last review in Unix ms) of every studied card still in a deck, as three
        columns: what FSRS's recall needs at any time, read in one narrow pass (NOT INDEXED: the
        planner would rather walk the forecast index and then look up 100,000 rows one by one)."""
        try:
            rows = self.store.conn.execute(
                f"SELECT s.deck_topic, s.stability, {ms_sql('s.last_review')} FROM schedule s NOT INDEXED "
                f"WHERE s.deck_retired = 0 AND s.reps > 0 AND s.stability IS NOT NULL "
                f"AND s.last_review IS NOT NULL").fetchall()
        except sqlite3.Error as exc:
            raise _translate_error(self.store.path, exc) from None
        if not rows:
            return [], [], []
        topics, stability, last = zip(*rows)
        return list(topics), list(stability), list(last)

    def change_token(self) -> tuple[int, int]:
        """Differs after any write to the file: another connection's commit moves SQLite's
        data_version, and this connection's own writes move its total_changes."""
        return self.store.data_version(), self.store.conn.total_changes

    def retired_count(self) -> int:
        return int(self.store._value("SELECT count(*) FROM schedule WHERE deck_retired = 1"))

    def hardest(self, limit: int) -> list[dict[str, Any]]:
        """Cards with the most lapses (forgotten after being learnt), most first."""
        return self.store._rows(
            "SELECT c.id, c.topic, c.question, s.lapses, s.reps FROM schedule s INDEXED BY schedule_lapses "
            "JOIN cards c ON c.id = s.card_id WHERE s.lapses > 0 AND s.deck_retired = 0 "
            "ORDER BY s.lapses DESC, s.reps DESC, c.id LIMIT ?", (limit,))

    def lapsed_at_least(self, lapses: int) -> int:
        """How many cards have lapsed at least this often (leeches, at Anki's threshold of 8)."""
        return int(self.store._value(
            "SELECT count(*) FROM schedule s INDEXED BY schedule_lapses WHERE s.lapses > 0 AND s.deck_retired = 0 "
            "AND s.lapses >= ?", (lapses,)))

    # -- demos ---------------------------------------------------------------------------

    def demo_summary(self) -> list[dict[str, Any]]:
        """Per demo and device: runs, passes, and the latest run's status and verdict, latest first."""
        return self.store._rows(
            "SELECT demo, device, count(*) AS runs, coalesce(sum(passed = 1), 0) AS passes, "
            "max(started_at) AS last_at, status AS last_status, passed AS last_passed "
            "FROM demo_runs GROUP BY demo, device ORDER BY last_at DESC, demo, device")
