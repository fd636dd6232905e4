"""A study session: which card comes next, rating, undo, and the session's tally.

Order, as in Anki: learning cards that are due, then reviews due today, then
new cards up to the daily limit, then learning cards due within the
learn-ahead window. Every rating is committed before the next card is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from quizapp.srs.scheduler import AGAIN, Scheduler, kind_of
from quizapp.store import StaleState, Store
from quizapp.timeutil import from_iso, study_day_end, study_day_start, to_iso, utcnow


@dataclass
class Rated:
    review_id: int
    card_id: str
    rating: int
    duration_ms: int


@dataclass
class Summary:
    reviewed: int
    again: int
    seconds: float
    next_due: datetime | None

    @property
    def again_rate(self) -> float:
        return self.again / self.reviewed if self.reviewed else 0.0


@dataclass
class Session:
    store: Store
    scheduler: Scheduler
    topic: str | None = None
    clock: Callable[[], datetime] = utcnow
    history: list[Rated] = field(default_factory=list)

    def limits_left(self, now: datetime) -> tuple[int, int]:
        studied = self.store.studied_since(to_iso(study_day_start(now)))
        settings = self.scheduler.settings
        return (max(0, settings.new_per_day - studied["new"]),
                max(0, settings.reviews_per_day - studied["review"]))

    def next_card(self) -> dict[str, Any] | None:
        """The next card to show, or None when the session's queue is empty."""
        now = self.clock()
        new_left, reviews_left = self.limits_left(now)
        store = self.store
        at = to_iso(now)
        card_id = store.next_learning(at, self.topic, now=at)
        if card_id is None and reviews_left > 0:
            card_id = store.next_review(to_iso(study_day_end(now)), self.topic, now=at)
        if card_id is None and new_left > 0:
            card_id = store.next_new(self.topic, now=at)
        if card_id is None:
            ahead = now + timedelta(minutes=self.scheduler.settings.learn_ahead_min)
            card_id = store.next_learning(to_iso(ahead), self.topic, now=at)
        return store.card(card_id) if card_id else None

    def remaining(self) -> int:
        """Cards still to see today in this session's scope (limits applied).

        Runs after every rating, so it reads only what is due: indexed counts capped by the
        day's limits (`Store.queue_counts`), never the whole deck.
        """
        now = self.clock()
        new_left, reviews_left = self.limits_left(now)
        counts = self.store.queue_counts(to_iso(now), to_iso(study_day_end(now)), self.topic,
                                         new_cap=new_left, review_cap=reviews_left)
        return counts["learning"] + counts["review"] + counts["new"]

    def previews(self, card: dict[str, Any]) -> dict[int, dict[str, Any]]:
        return self.scheduler.preview(card["id"], _state_of(card), self.clock())

    def rate(self, card: dict[str, Any], rating: int, duration_ms: int) -> Rated:
        """Schedule and store one rating (one transaction); returns what undo needs.

        StaleState if the card was rated elsewhere since it was read: nothing is recorded,
        and the caller shows `next_card()` again (which reads the card afresh).
        """
        now = self.clock()
        before = _state_of(card)
        after = self.scheduler.review(card["id"], before, rating, now)
        review_id = self.store.record_review(card["id"], rating, to_iso(now), duration_ms,
                                             kind_of(before), before, after)
        rated = Rated(review_id, card["id"], rating, duration_ms)
        self.history.append(rated)
        return rated

    def undo(self) -> dict[str, Any] | None:
        """Take back this session's last rating; returns that card, restored, to show again.

        StaleState if the card was reviewed elsewhere after that rating: the rating stays (it
        is part of the card's history now) and leaves this session's undo list.
        """
        if not self.history:
            return None
        last = self.history[-1]
        try:
            self.store.undo_review(last.review_id)
        except StaleState:
            self.history.pop()
            raise
        self.history.pop()
        return self.store.card(last.card_id)

    def summary(self) -> Summary:
        now = self.clock()
        next_due = self.store.next_due_after(to_iso(now))
        return Summary(
            reviewed=len(self.history),
            again=sum(r.rating == AGAIN for r in self.history),
            seconds=sum(r.duration_ms for r in self.history) / 1000,
            next_due=from_iso(next_due) if next_due else None,
        )


def _state_of(card: dict[str, Any]) -> dict[str, Any]:
    return {k: card[k] for k in ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")}
