"""A simulated learner whose memory follows FSRS-6 with known parameters, for tests and benchmarks.

The learner's true memory state per card is stepped by `fsrs-rs-python` with
TRUE_PARAMETERS; each card also has its own hardness, which raises its true
difficulty (so some cards grow stability slowly) and makes its first rating
worse. Whether a review is recalled is drawn from the true forgetting curve
(at whole days elapsed, as FSRS counts them; within the first day, at the real
fraction, so learning steps can be failed too). The app's own Scheduler decides when cards come back
(learning steps, fuzz, daily new cards), as it would for a real user. Because
the true parameters are known, an optimizer's fit can be checked against them.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Sequence

from quizapp.srs.scheduler import AGAIN, Scheduler
from quizapp.timeutil import from_iso

# a learner who forgets clearly faster than FSRS-6's defaults assume: lower initial stabilities (0.1 / 0.4 /
# 0.8 / 3.0 days against 0.21 / 1.29 / 2.31 / 8.30), less stability gained per success (w8 1.0 against 1.87,
# w10 0.6 against 0.80), less kept after a lapse (w11 1.0 against 1.48) and a steeper forgetting curve
# (decay 0.5 against 0.1542). Scheduled by the defaults, this learner recalls about four reviews in five
# instead of nine in ten: a gap an optimizer should find, and one a test set of a couple of thousand
# reviews shows clearly.
TRUE_PARAMETERS: tuple[float, ...] = (
    0.1, 0.4, 0.8, 3.0, 7.0, 0.6, 2.6, 0.005, 1.0, 0.15, 0.6, 1.0, 0.08, 0.3, 1.4, 0.4, 2.2,
    0.6, 0.15, 0.1, 0.5)

# how much one standard deviation of a card's hidden hardness raises its true FSRS difficulty (1..10)
DIFFICULTY_PER_SD = 1.2

START = datetime(2025, 11, 3, 7, 30, tzinfo=timezone.utc)


@dataclass(frozen=True)
class SimulatedReview:
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int


def recall_probability(parameters: Sequence[float], stability: float, elapsed_days: float) -> float:
    """FSRS-6's forgetting curve: R = (1 + factor * t / S) ** -decay, with R(S) = 0.9."""
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** -decay


class _Learner:
    """The true memory of one learner, card by card."""

    def __init__(self, parameters: Sequence[float], rng: random.Random) -> None:
        import fsrs_rs_python as rs

        self.rs = rs
        self.parameters = list(parameters)
        self.model = rs.FSRS(self.parameters)
        self.rng = rng
        self.memory: dict[str, tuple[float, float, datetime]] = {}  # stability, difficulty, last review
        self.hardness: dict[str, float] = {}

    def answer(self, card_id: str, now: datetime) -> int:
        """The rating this learner gives the card now, updating its true memory."""
        rng = self.rng
        hard = self.hardness.setdefault(card_id, rng.gauss(0.0, 1.0))
        if card_id not in self.memory:
            rating = rng.choices([1, 2, 3, 4], weights=[0.25 * math.exp(0.6 * hard), 0.12, 0.5,
                                                        0.13 * math.exp(-0.6 * hard)])[0]
            state = self.model.memory_state(self.rs.FSRSItem([self.rs.FSRSReview(rating, 0)]))
            difficulty = min(10.0, max(1.0, state.difficulty + DIFFICULTY_PER_SD * hard))
            self.memory[card_id] = (state.stability, difficulty, now)
            return rating
        stability, difficulty, last = self.memory[card_id]
        elapsed = (now - last).total_seconds() / 86400
        days = int(elapsed)  # whole days, as FSRS counts them; within a day, the real fraction
        recalled = rng.random() < recall_probability(self.parameters, stability, days or elapsed)
        rating = AGAIN if not recalled else rng.choices([2, 3, 4], weights=[0.15, 0.75, 0.10])[0]
        nxt = self.model.next_states(self.rs.MemoryState(stability, difficulty), 0.9, days)
        memory = {1: nxt.again, 2: nxt.hard, 3: nxt.good, 4: nxt.easy}[rating].memory
        self.memory[card_id] = (memory.stability, memory.difficulty, now)
        return rating


def simulate_history(card_ids: Sequence[str], days: int, new_per_day: int = 10, seed: int = 7,
                     true_parameters: Sequence[float] = TRUE_PARAMETERS, scheduler: Scheduler | None = None,
                     start: datetime = START) -> list[SimulatedReview]:
    """Every review of `days` days of study, in time order.

    The learner sits down once a day (skipping about one day in eight), takes
    `new_per_day` new cards, and reviews whatever is due until nothing is due
    for the rest of the day (learning steps of minutes are waited for).
    """
    rng = random.Random(seed)
    scheduler = scheduler or Scheduler()
    learner = _Learner(true_parameters, rng)
    waiting = list(card_ids)
    states: dict[str, dict] = {}
    queue: list[tuple[datetime, str]] = []  # (due, card); stale entries are skipped
    reviews: list[SimulatedReview] = []
    for day in range(days):
        if rng.random() < 0.12:
            continue
        now = start + timedelta(days=day, minutes=rng.randint(0, 600))
        for _ in range(new_per_day):
            if waiting:
                card = waiting.pop(0)
                states[card] = scheduler.new_state(now)
                heapq.heappush(queue, (now, card))
        session_end = now + timedelta(hours=1)
        day_end = now + timedelta(hours=14)  # review cards due later today are shown now, as in Anki
        while queue:
            due, card = queue[0]
            if from_iso(states[card]["due"]) != due:
                heapq.heappop(queue)  # superseded by a later review
                continue
            learning = states[card]["state"] != 2
            if due > day_end or (learning and due > session_end):
                break
            heapq.heappop(queue)
            if learning:
                now = max(now, due)  # wait for the learning step
            rating = learner.answer(card, now)
            duration = rng.randint(3000, 25000)
            states[card] = scheduler.review(card, states[card], rating, now)
            heapq.heappush(queue, (from_iso(states[card]["due"]), card))
            reviews.append(SimulatedReview(card, rating, now, duration))
            now += timedelta(milliseconds=duration + rng.randint(500, 4000))
    return reviews
