"""Statistics maths over what the store counts: streaks, retention, today's tally."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from quizapp.store import Store
from quizapp.timeutil import ROLLOVER_HOUR, local_offset_minutes, study_day_end, study_day_start, to_iso


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


@dataclass
class Overview:
    due_today: int
    new_available: int
    reviewed_today: int
    current_streak: int
    longest_streak: int
    retention_30d: float | None  # share of review-state reviews passed (rating > Again)
    retention_reviews: int
    cards: int


def overview(store: Store, now: datetime, tz=None) -> Overview:
    start = study_day_start(now, tz=tz)
    offset = local_offset_minutes(now, tz) - ROLLOVER_HOUR * 60
    days = [date.fromisoformat(d) for d in store.review_days(offset)]
    today = (now + timedelta(minutes=offset)).date()
    current, longest = streaks(days, today)
    passed, total = store.retention_since(to_iso(now - timedelta(days=30)))
    return Overview(
        due_today=store.due_count(to_iso(study_day_end(now, tz=tz))),
        new_available=store.new_count(),
        reviewed_today=store.studied_since(to_iso(start))["total"],
        current_streak=current,
        longest_streak=longest,
        retention_30d=passed / total if total else None,
        retention_reviews=total,
        cards=store.card_count(),
    )
