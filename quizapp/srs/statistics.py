"""The statistics report: the maths on top of the store's counts, one `Report` for screen and CLI.

The store counts (in SQL); this module turns counts into what a learner reads:
streaks across the 4 am rollover, retention ratios, mastery, FSRS recall
probabilities, a card's history. Both the Statistics screen and `quizapp stats`
render the same `Report`, so they cannot disagree.
"""

from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from quizapp.srs.scheduler import Scheduler
from quizapp.store import Store
from quizapp.store.stats_queries import StatsQueries
from quizapp.timeutil import ROLLOVER_HOUR, from_iso, local_offset_minutes, to_iso

MATURE_DAYS = 21  # Anki's line between young and mature cards
LEECH_LAPSES = 8  # Anki's default leech threshold
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
    # Reports with the same generation were built from the same counts (they differ at most in recall
    # and `now`): a panel drawn from those counts alone can be drawn once for all of them.
    generation: int = field(default=0, compare=False)

    def last(self, days: int) -> list[Day]:
        return self.days[-days:]


def study_shift(now: datetime, tz=None, rollover_hour: int = ROLLOVER_HOUR) -> int:
    """Minutes to add to a UTC time to get the local time minus the rollover hour."""
    return local_offset_minutes(now, tz) - rollover_hour * 60


def build_report(store: Store, scheduler: Scheduler, now: datetime, tz=None) -> Report:
    """Every number on the Statistics screen, from a dozen SQL aggregations (and FSRS recall at `now`)."""
    return ReportCache().report(store, scheduler, now, tz)


@dataclass(frozen=True)
class RecallInputs:
    """Every studied card's topic (an index into the report's topics), stability and last review (Unix
    ms), as columns: recall over 100,000 cards is then a few vectorised operations, not 100,000 calls."""

    topic: Any  # numpy int array
    stability: Any  # numpy float array
    last_ms: Any  # numpy int64 array

    @classmethod
    def from_columns(cls, names: list[str], topics: list[str], stability: list[float],
                     last_ms: list[int]) -> RecallInputs:
        import numpy as np

        index = {name: i for i, name in enumerate(names)}
        return cls(np.fromiter(map(index.__getitem__, topics), dtype=np.intp, count=len(topics)),
                   np.array(stability, dtype=np.float64), np.array(last_ms, dtype=np.int64))

    def recall(self, groups: int, now: datetime, factor: float, decay: float) -> tuple[list[float], list[int]]:
        """Per topic: the sum of FSRS's recall probability at `now` and the number of cards summed.

        R = (1 + factor * t / S) ^ decay, t the whole days since the last review (as the `fsrs`
        package counts them), never negative."""
        import numpy as np

        now_ms = (now - _EPOCH) // timedelta(milliseconds=1)  # whole ms, as the stored times
        days = np.maximum(0, (now_ms - self.last_ms) // 86_400_000)
        recall = (1 + factor * days / self.stability) ** decay
        totals = np.bincount(self.topic, weights=recall, minlength=groups)
        counts = np.bincount(self.topic, minlength=groups)
        return [float(v) for v in totals], [int(v) for v in counts]


_GENERATIONS = itertools.count(1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass
class _Parts:
    """The report as writes left it: everything but recall, which moves with the clock. Recall is
    known either at one moment (summed in SQL with the counts: the cheap way to build a report once;
    at another moment it is summed in SQL again) or at any moment, from the studied cards' columns
    (fetched once, by a worker when there is one: then a report costs a millisecond)."""

    today: date
    day: Today
    current_streak: int
    longest_streak: int
    days: list[Day]
    retention: list[Retention]
    forecast: list[Due]
    states: dict[str, int]
    topics: list[Group]  # recall not filled in
    tags: list[Group]
    hardest: list[HardCard]
    leeches: int
    demos: list[DemoRuns]
    recall_at: tuple[datetime, list[float], list[int]] | None = None  # (when, totals, counts) per topic
    recall_inputs: RecallInputs | None = None
    generation: int = field(default_factory=lambda: next(_GENERATIONS))

    def with_inputs(self, queries: StatsQueries) -> None:
        if self.recall_inputs is None:
            self.recall_inputs = RecallInputs.from_columns([g.name for g in self.topics], *queries.recall_inputs())

    def report(self, now: datetime, factor: float, decay: float, queries: StatsQueries) -> Report:
        if self.recall_inputs is not None:
            totals, counts = self.recall_inputs.recall(len(self.topics), now, factor, decay)
        elif self.recall_at is not None and self.recall_at[0] == now:
            totals, counts = self.recall_at[1], self.recall_at[2]
        else:  # the columns are not in yet (a worker adds them): sum recall in SQL again, for `now`
            rows = {r["name"]: r for r in queries.topics(MATURE_DAYS, (to_iso(now), factor, decay))}
            totals = [rows[g.name]["recall_total"] if g.name in rows else 0.0 for g in self.topics]
            counts = [rows[g.name]["recall_cards"] if g.name in rows else 0 for g in self.topics]
        topics = [replace(g, recall=total / n if n else None) for g, total, n in zip(self.topics, totals, counts)]
        studied = sum(counts)
        return Report(now=now, today=self.today, day=self.day, current_streak=self.current_streak,
                      longest_streak=self.longest_streak, days=self.days, retention=self.retention,
                      forecast=self.forecast, states=self.states, topics=topics, tags=self.tags,
                      recall=sum(totals) / studied if studied else None, hardest=self.hardest,
                      leeches=self.leeches, demos=self.demos, generation=self.generation)


class ReportCache:
    """Builds reports, reusing what only a write can change while nothing has been written.

    The counts behind a report change only when the database does; recall also changes with the
    clock, so it is computed again for every report: from the studied cards' columns once `refill`
    has added them (vectorised, about a millisecond at 100,000 cards), else in SQL. The cache is
    keyed by the store's change token (any commit by another connection or write by this one moves
    it), the study day, the day boundary and the forgetting curve: a report from it has the numbers
    `build_report` would give now (recall to floating-point rounding: the sums run in another order)."""

    def __init__(self) -> None:
        self._entry: tuple[tuple, _Parts] | None = None  # (key, parts), replaced whole (threads)

    def key(self, store: Store, scheduler: Scheduler, now: datetime, tz=None) -> tuple:
        """What the counts depend on: the store's change token, the day boundary, the study day, the curve."""
        shift = study_shift(now, tz, scheduler.settings.rollover_hour)
        today = (now.astimezone(timezone.utc) + timedelta(minutes=shift)).date()
        return (StatsQueries(store).change_token(), shift, today, scheduler.recall_curve())

    def current(self, key: tuple) -> bool:
        """Whether a report for `key` would come from the cache (no SQL at all once `complete`)."""
        entry = self._entry
        return entry is not None and entry[0] == key

    def complete(self) -> bool:
        """Whether the cached counts can give recall at any time (the studied cards' columns are in)."""
        entry = self._entry
        return entry is not None and entry[1].recall_inputs is not None

    def report(self, store: Store, scheduler: Scheduler, now: datetime, tz=None) -> Report:
        key = self.key(store, scheduler, now, tz)  # read before the data: a write after it only moves it on
        factor, decay = key[3]
        queries = StatsQueries(store)
        entry = self._entry
        if entry is None or entry[0] != key:
            entry = self._entry = (key, _collect(queries, key[1], key[2], recall_at=(now, factor, decay)))
        return entry[1].report(now, factor, decay, queries)

    def refill(self, path, key: tuple) -> None:
        """Collect the counts for `key` (taken on the app's connection before calling), with the studied
        cards' columns, over a connection of its own, for a worker thread, and keep them. A write after
        `key` was taken makes the entry's key stale, so it is never mistaken for current. When the
        counts for `key` are there already, only the columns are added."""
        store = Store(path)
        try:
            queries = StatsQueries(store)
            entry = self._entry
            if entry is not None and entry[0] == key:
                entry[1].with_inputs(queries)
                return
            parts = _collect(queries, key[1], key[2])
            parts.with_inputs(queries)
        finally:
            store.close()
        self._entry = (key, parts)


_CACHES: weakref.WeakKeyDictionary[Store, ReportCache] = weakref.WeakKeyDictionary()


def cache_for(store: Store) -> ReportCache:
    """The one ReportCache of this open store (the Statistics screen reuses it each time it opens)."""
    cache = _CACHES.get(store)
    if cache is None:
        cache = _CACHES[store] = ReportCache()
    return cache


def _collect(queries: StatsQueries, shift: int, today: date,
             recall_at: tuple[datetime, float, float] | None = None) -> _Parts:
    """Every count; recall summed in SQL at `recall_at` = (now, factor, decay) if given."""
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
    topics = queries.topics(MATURE_DAYS, recall_at and (to_iso(recall_at[0]), *recall_at[1:]))  # one pass
    states = {"new": sum(r["new"] for r in topics), "learning": sum(r["learning_only"] for r in topics),
              "review": sum(r["review"] for r in topics), "relearning": sum(r["relearning"] for r in topics),
              "retired": queries.retired_count()}
    return _Parts(
        today=today,
        day=Today(t["reviews"], t["cards"], t["ms"] / 1000, t["again"]),
        current_streak=current,
        longest_streak=longest,
        days=days,
        retention=_retention(queries, start_of, today, end, shift),
        forecast=_forecast(queries, shift, today, start_of(today + timedelta(days=FORECAST_DAYS))),
        states=states,
        topics=[Group(r["name"], r["cards"], r["new"], r["learning_only"] + r["relearning"], r["review"], r["mastered"])
                for r in topics],
        tags=[Group(**r) for r in queries.by_tag(MATURE_DAYS)],
        hardest=[HardCard(**r) for r in queries.hardest(HARDEST)],
        leeches=queries.lapsed_at_least(LEECH_LAPSES),
        demos=[DemoRuns(r["demo"], r["device"], r["runs"], r["passes"], from_iso(r["last_at"]), r["last_status"],
                        None if r["last_passed"] is None else bool(r["last_passed"])) for r in queries.demo_summary()],
        recall_at=recall_at and (recall_at[0], [r["recall_total"] for r in topics], [r["recall_cards"] for r in topics]),
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
