"""The statistics report: the maths on top of the store's counts, one `Report` for screen and CLI.

The store counts (in SQL); this module turns counts into what a learner reads:
streaks across the 4 am rollover, retention ratios, mastery, FSRS recall
probabilities, a card's history. Both the Statistics screen and `quizapp stats`
render the same `Report`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from quizapp.srs.scheduler import Scheduler
from quizapp.store import Store
from quizapp.store.card_counts import LEECH_LAPSES, MASTERED_DAYS
from quizapp.store.stats_queries import StatsQueries
from quizapp.timeutil import ROLLOVER_HOUR, from_iso, local_offset_minutes, to_iso

MATURE_DAYS = MASTERED_DAYS  # Anki's line between young and mature cards (the store counts by it)
FORECAST_DAYS = 30
HEATMAP_DAYS = 371  # 53 weeks
RETENTION_PERIODS = (("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30), ("Last 365 days", 365))
HARDEST = 10


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None



def streaks(days: list[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive study days.

    The current streak still counts if today has no reviews yet but yesterday has.
    """
    unique = sorted(set(days))
    longest = run = 0
    previous: date | None = None
    for day in unique:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    present = set(unique)
    cursor = today if today in present else today - timedelta(days=1)
    while cursor in present:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest

@dataclass(frozen=True)
class Today:
    reviews: int
    cards: int
    seconds: float
    again: int

    @property
    def again_rate(self) -> float | None:
        return ratio(self.again, self.reviews)


@dataclass(frozen=True)
class Day:
    """Reviews on one study day by the card's state before the review (relearning counts as learning)."""

    day: date
    new: int = 0
    learning: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class Retention:
    """Passes (Hard or better) among each card's first review-state review of a study day."""

    period: str
    days: int
    young_passed: int
    young_total: int
    mature_passed: int
    mature_total: int

    @property
    def passed(self) -> int:
        return self.young_passed + self.mature_passed

    @property
    def total(self) -> int:
        return self.young_total + self.mature_total

    @property
    def young(self) -> float | None:
        return ratio(self.young_passed, self.young_total)

    @property
    def mature(self) -> float | None:
        return ratio(self.mature_passed, self.mature_total)

    @property
    def overall(self) -> float | None:
        return ratio(self.passed, self.total)


@dataclass(frozen=True)
class Due:
    day: date
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.learning + self.review


@dataclass(frozen=True)
class Group:
    """A topic or a tag: its cards by state, how many are mastered, and the mean recall probability now."""

    name: str
    cards: int
    new: int
    learning: int
    review: int
    mastered: int
    recall: float | None = None

    @property
    def mastery(self) -> float | None:
        return ratio(self.mastered, self.cards)


@dataclass(frozen=True)
class HardCard:
    id: str
    topic: str
    question: str
    lapses: int
    reps: int

    @property
    def leech(self) -> bool:
        return self.lapses >= LEECH_LAPSES


@dataclass(frozen=True)
class DemoRuns:
    demo: str
    device: str
    runs: int
    passes: int
    last_at: datetime
    last_status: str
    last_passed: bool | None


@dataclass
class Report:
    now: datetime
    today: date  # the current study day
    day: Today
    current_streak: int
    longest_streak: int
    days: list[Day]  # every study day from HEATMAP_DAYS ago to today, oldest first, zeros included
    retention: list[Retention]
    forecast: list[Due]  # FORECAST_DAYS days from today; overdue cards count for today
    states: dict[str, int]
    topics: list[Group]
    tags: list[Group]
    recall: float | None  # mean recall probability over every studied card
    hardest: list[HardCard]
    leeches: int
    demos: list[DemoRuns] = field(default_factory=list)

    def last(self, days: int) -> list[Day]:
        return self.days[-days:]


def study_shift(now: datetime, tz=None, rollover_hour: int = ROLLOVER_HOUR) -> int:
    """Minutes to add to a UTC time to get the local time minus the rollover hour."""
    return local_offset_minutes(now, tz) - rollover_hour * 60


def build_report(store: Store, scheduler: Scheduler, now: datetime, tz=None) -> Report:
    """Every number on the Statistics screen, from a dozen small SQL aggregations (and FSRS recall at `now`).

    Nothing here grows with the deck or the history but recall (one pass over a narrow index of
    the studied cards) and today's reviews: card counts and due times are kept by triggers, and
    reviews per quarter hour too."""
    queries = StatsQueries(store)
    shift = study_shift(now, tz, scheduler.settings.rollover_hour)
    today = (now.astimezone(timezone.utc) + timedelta(minutes=shift)).date()
    factor, decay = scheduler.recall_curve()

    def start_of(day: date) -> str:  # the UTC moment a study day begins
        return to_iso(datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc) - timedelta(minutes=shift))

    end = start_of(today + timedelta(days=1))
    counts = {date.fromisoformat(r["day"]): r for r in queries.daily_reviews(shift, today.isoformat())}
    current, longest = streaks([d for d, r in counts.items() if r["new"] + r["learning"] + r["review"]
                                + r["relearning"]], today)
    days = []
    for offset in range(HEATMAP_DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        r = counts.get(day)
        days.append(Day(day, r["new"], r["learning"] + r["relearning"], r["review"]) if r else Day(day))
    t = queries.between(start_of(today), end)
    totals = queries.totals()
    recall = queries.recall(to_iso(now), factor, decay)
    rows = queries.topics()
    topics = []
    for r in rows:
        total, n = recall.get(r["name"], (0.0, 0))
        topics.append(Group(r["name"], r["cards"], r["new"], r["learning_only"] + r["relearning"], r["review"],
                            r["mastered"], recall=total / n if n else None))
    studied = sum(n for _, n in recall.values())
    return Report(
        now=now,
        today=today,
        day=Today(t["reviews"], t["cards"], t["ms"] / 1000, t["again"]),
        current_streak=current,
        longest_streak=longest,
        days=days,
        retention=_retention(queries, start_of, today, end, shift),
        forecast=_forecast(queries, shift, today, start_of(today + timedelta(days=FORECAST_DAYS))),
        states={"new": sum(r["new"] for r in rows), "learning": sum(r["learning_only"] for r in rows),
                "review": sum(r["review"] for r in rows), "relearning": sum(r["relearning"] for r in rows),
                "retired": totals["retired"]},
        topics=topics,
        tags=[Group(**r) for r in queries.by_tag()],
        recall=sum(total for total, _ in recall.values()) / studied if studied else None,
        hardest=[HardCard(**r) for r in queries.hardest(HARDEST)],
        leeches=totals["leeches"],
        demos=[DemoRuns(r["demo"], r["device"], r["runs"], r["passes"], from_iso(r["last_at"]), r["last_status"],
                        None if r["last_passed"] is None else bool(r["last_passed"])) for r in queries.demo_summary()],
    )


def _retention(queries: StatsQueries, start_of, today: date, end: str, shift: int) -> list[Retention]:
    """The periods nest (today in the week in the month...), so each stretch of the log is read once."""
    out, young_p, young_t, mature_p, mature_t = [], 0, 0, 0, 0
    upper = end
    for name, days in RETENTION_PERIODS:
        lower = start_of(today - timedelta(days=days - 1))
        part = queries.retention(lower, upper, shift, MATURE_DAYS)
        mature_p += part["mature_passed"]
        mature_t += part["mature_total"]
        young_p += part["passed"] - part["mature_passed"]
        young_t += part["total"] - part["mature_total"]
        out.append(Retention(name, days, young_p, young_t, mature_p, mature_t))
        upper = lower
    return out


def _forecast(queries: StatsQueries, shift: int, today: date, end: str) -> list[Due]:
    rows = {date.fromisoformat(r["day"]): r for r in queries.forecast(shift, today.isoformat(), end)}
    out = []
    for offset in range(FORECAST_DAYS):
        day = today + timedelta(days=offset)
        r = rows.get(day)
        out.append(Due(day, int(r["learning"]), int(r["review"])) if r else Due(day, 0, 0))
    return out


# -- one card's history --------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewLine:
    at: datetime
    rating: int
    kind: int
    interval_days: float  # the interval this review gave: next due minus now
    stability: float | None  # after the review
    difficulty: float | None
    recall: float | None  # FSRS's probability of recall at the moment of the review (None: first sight)
    duration_ms: int | None


@dataclass
class CardInfo:
    card: dict[str, Any]
    reviews: list[ReviewLine]
    due: datetime
    recall_now: float | None
    demo_runs: list[dict[str, Any]]

    @property
    def leech(self) -> bool:
        return self.card["lapses"] >= LEECH_LAPSES


def card_info(store: Store, scheduler: Scheduler, card_id: str, now: datetime) -> CardInfo | None:
    """A card's whole history with FSRS's view of each review; None for an unknown id."""
    card = store.card(card_id)
    if card is None:
        return None
    lines = []
    for r in store.reviews_for(card_id):
        at = from_iso(r["reviewed_at"])
        after = r["state_after"]
        lines.append(ReviewLine(
            at=at, rating=r["rating"], kind=r["kind"],
            interval_days=(from_iso(after["due"]) - at).total_seconds() / 86400,
            stability=after["stability"], difficulty=after["difficulty"],
            recall=scheduler.retrievability(r["state_before"], at), duration_ms=r["duration_ms"]))
    state = {k: card[k] for k in ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")}
    return CardInfo(card, lines, from_iso(card["due"]), scheduler.retrievability(state, now),
                    store.demo_runs(card_id, limit=20))
