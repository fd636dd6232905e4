"""Rebuilding stored states from ratings alone, for histories that arrive from elsewhere.

An imported review has only (card, rating, time); the state before and after
each review is whatever FSRS gives when the card's whole history, old and new,
is replayed in time order. Replaying is deterministic (seeded fuzz), so a
history exported and imported again yields the same schedule.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from quizapp.srs.scheduler import Scheduler, kind_of
from quizapp.timeutil import from_iso


def replay_reviews(scheduler: Scheduler, card_id: str, reviews: Iterable[Mapping[str, Any]]
                   ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each review (dicts with rating and reviewed_at, already in time order) with its kind and
    states filled in, and the card's final state."""
    out: list[dict[str, Any]] = []
    state: dict[str, Any] | None = None
    for review in reviews:
        moment = from_iso(review["reviewed_at"])
        if state is None:
            state = scheduler.new_state(moment)
        after = scheduler.review(card_id, state, review["rating"], moment)
        out.append({**review, "card_id": card_id, "kind": kind_of(state), "state_before": state,
                    "state_after": after})
        state = after
    if state is None:
        raise ValueError(f"card {card_id} has no reviews to replay")
    return out, state
