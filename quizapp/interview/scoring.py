"""From ticks to a suggested rating, and from questions to readiness scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from quizapp.srs.scheduler import AGAIN, EASY, GOOD, HARD
MOST = 0.5  # at least this share of the points (but not all) is "most": Hard
FAST = 0.5  # all points within this share of the time allowed is Easy


def suggest_rating(ticked: int, total: int, seconds_used: float, seconds_allowed: float) -> int | None:
    """All points: Good (Easy when also fast); most: Hard; few: Again. None when the card has no points."""
    if total <= 0:
        return None
    if ticked >= total:
        return EASY if seconds_used <= FAST * seconds_allowed else GOOD
    return HARD if ticked / total >= MOST else AGAIN


@dataclass(frozen=True)
class Scored:
    """What the readiness maths needs of one answered question."""

    topic: str
    ticked: int
    total: int

    @property
    def coverage(self) -> float | None:
        return self.ticked / self.total if self.total else None


def coverage(questions: Iterable[Scored]) -> float | None:
    """The mean share of key points covered per question (each question counts the same)."""
    values = [q.coverage for q in questions if q.coverage is not None]
    return sum(values) / len(values) if values else None


def readiness(questions: Sequence[Scored]) -> dict[str, float]:
    """Per topic (in order of first appearance), the mean coverage of its questions."""
    topics: dict[str, list[Scored]] = {}
    for q in questions:
        topics.setdefault(q.topic, []).append(q)
    out = {}
    for topic, items in topics.items():
        value = coverage(items)
        if value is not None:
            out[topic] = value
    return out
