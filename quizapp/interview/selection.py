"""Which cards a mock interview asks: a seeded, weighted draw that mixes topics like a real loop.

Each candidate's weight grows with how weak or rusty the learner is on it (low FSRS recall now,
lapses in the last weeks) and with never having been asked in an interview. Cards are drawn one
at a time without replacement, each draw among the cards of the topics asked least so far: every
topic is asked once before any is asked twice, and among those topics a card's chance is its
weight (so a topic full of weak cards comes up first, and its weakest card most likely).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

BASE_WEIGHT = 0.25  # even a card known cold can come up, as in a real interview
UNKNOWN_RECALL = 0.5  # a card never studied: its recall is unknown, neither strong nor weak
WEAKNESS_WEIGHT = 2.0  # per unit of (1 - recall)
LAPSE_WEIGHT = 0.5  # per recent lapse ...
MAX_LAPSES = 3  # ... counting at most this many
NEVER_ASKED_WEIGHT = 1.0


@dataclass(frozen=True)
class Candidate:
    card_id: str
    topic: str
    recall: float | None  # FSRS retrievability now; None for a card never studied
    recent_lapses: int = 0
    times_interviewed: int = 0


def weight(candidate: Candidate) -> float:
    """How strongly a card asks to be interviewed on (always positive)."""
    recall = UNKNOWN_RECALL if candidate.recall is None else min(1.0, max(0.0, candidate.recall))
    return (BASE_WEIGHT + WEAKNESS_WEIGHT * (1.0 - recall)
            + LAPSE_WEIGHT * min(candidate.recent_lapses, MAX_LAPSES)
            + (NEVER_ASKED_WEIGHT if candidate.times_interviewed == 0 else 0.0))


def select(candidates: Sequence[Candidate], count: int, seed: int | None = None) -> list[Candidate]:
    """Up to `count` distinct cards in the order they will be asked; the same seed gives the same interview."""
    rng = random.Random(seed)
    pool = {c.card_id: c for c in sorted(candidates, key=lambda c: c.card_id)}  # one entry per card
    picked: list[Candidate] = []
    per_topic: dict[str, int] = {}
    while pool and len(picked) < count:
        fewest = min(per_topic.get(c.topic, 0) for c in pool.values())
        ids = [i for i, c in pool.items() if per_topic.get(c.topic, 0) == fewest]
        weights = [weight(pool[i]) for i in ids]
        choice = pool.pop(rng.choices(ids, weights=weights)[0])
        per_topic[choice.topic] = per_topic.get(choice.topic, 0) + 1
        picked.append(choice)
    return picked
