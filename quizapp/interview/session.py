"""One mock interview from start to report: pick the questions, keep each answer, record each rating.

The steps follow the screen: `answer()` keeps the typed (or spoken) answer and returns the
matcher's suggestions; `answer_follow_up()` keeps the follow-up's answer; `confirm()` records
the learner's ticks and rating, the rating as an ordinary review of the card (the study
session's own `Session.rate`) unless the interview was started with `schedule=False`.
Each step is committed before it returns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from quizapp.interview.matcher import PointMatch, match_points
from quizapp.interview.report import InterviewReport, build_report
from quizapp.interview.scoring import suggest_rating
from quizapp.interview.selection import Candidate, select
from quizapp.srs.scheduler import Scheduler
from quizapp.srs.session import Session
from quizapp.store import Store
from quizapp.store.interviews import InterviewStore
from quizapp.timeutil import to_iso, utcnow

DEFAULT_QUESTIONS = 8
DEFAULT_MINUTES = 3.0
LAPSE_WINDOW_DAYS = 30  # "recent" lapses


@dataclass
class Answered:
    """What the checklist shows after an answer: the matcher's verdicts and the rating they suggest."""

    question_id: int
    card: dict[str, Any]
    matches: list[PointMatch]
    seconds_used: float
    aloud: bool
    follow_up: str | None

    @property
    def suggested(self) -> list[bool]:
        return [m.covered for m in self.matches]


@dataclass
class InterviewSession:
    store: Store
    scheduler: Scheduler
    topic: str | None = None
    questions: int = DEFAULT_QUESTIONS
    seconds_per_question: int = int(DEFAULT_MINUTES * 60)
    seed: int | None = None
    schedule: bool = True
    clock: Callable[[], datetime] = utcnow
    interview_id: int | None = None
    cards: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0  # index of the question being asked
    current: Answered | None = None
    asked_at: datetime | None = None

    def __post_init__(self) -> None:
        self.db = InterviewStore(self.store)
        self.study = Session(self.store, self.scheduler, clock=self.clock)

    # -- the interview ---------------------------------------------------------------------------

    def start(self) -> int:
        """Choose the questions and store the interview; returns how many questions it has (0: none to ask)."""
        now = self.clock()
        rows = self.db.candidates(self.topic, to_iso(now - timedelta(days=LAPSE_WINDOW_DAYS)))
        candidates = [Candidate(r["id"], r["topic"], self.scheduler.retrievability(r, now), r["recent_lapses"],
                                r["times_interviewed"]) for r in rows]
        picked = select(candidates, self.questions, self.seed)
        self.cards = [card for card in (self.store.card(c.card_id) for c in picked) if card is not None]
        if not self.cards:
            return 0
        self.interview_id = self.db.start(to_iso(now), self.topic, self.seed, self.seconds_per_question,
                                          self.schedule, [c["id"] for c in self.cards])
        return len(self.cards)

    @property
    def card(self) -> dict[str, Any] | None:
        """The card being asked, None once every question is done."""
        return self.cards[self.position] if self.position < len(self.cards) else None

    def ask(self) -> dict[str, Any] | None:
        """Start the clock on the current question."""
        self.asked_at = self.clock()
        self.current = None
        return self.card

    def answer(self, text: str, seconds_used: float) -> Answered:
        """Keep the answer (committed now); an empty text means it was answered aloud."""
        card = self.card
        if card is None or self.interview_id is None:
            raise RuntimeError("no question is being asked")
        aloud = not text.strip()
        matches = match_points(text, card["key_points"], card.get("synonyms") or {})
        suggested = [m.covered for m in matches]
        rating = None if aloud else suggest_rating(sum(suggested), len(suggested), seconds_used,
                                                   self.seconds_per_question)
        question_id = self.db.save_answer(
            self.interview_id, self.position + 1, card["id"], card["topic"], to_iso(self.asked_at or self.clock()),
            round(seconds_used, 3), text, aloud, card["key_points"], suggested, rating)
        follow_up = self.pick_follow_up(card)
        self.current = Answered(question_id, card, matches, seconds_used, aloud, follow_up)
        return self.current

    def pick_follow_up(self, card: dict[str, Any]) -> str | None:
        follow_ups = card.get("follow_ups") or []
        if not follow_ups:
            return None
        return random.Random(f"{self.seed}:{self.interview_id}:{card['id']}").choice(follow_ups)

    def answer_follow_up(self, text: str, seconds: float) -> None:
        if self.current is None or self.current.follow_up is None:
            raise RuntimeError("no follow-up was asked")
        self.db.save_follow_up(self.current.question_id, self.current.follow_up, text, round(seconds, 3))

    def suggested_rating(self, ticks: list[bool]) -> int | None:
        """The rating the learner's (possibly changed) ticks suggest."""
        if self.current is None:
            return None
        return suggest_rating(sum(ticks), len(ticks), self.current.seconds_used, self.seconds_per_question)

    def confirm(self, ticks: list[bool], rating: int) -> int | None:
        """Record the confirmed ticks and rating; returns the review's id (None with schedule=False)."""
        if self.current is None:
            raise RuntimeError("no answer to confirm")
        review_id = None
        if self.schedule:
            card = self.store.card(self.current.card["id"])  # its state now, not when the interview began
            duration_ms = int(self.current.seconds_used * 1000)
            review_id = self.study.rate(card, rating, duration_ms).review_id
        self.db.confirm(self.current.question_id, ticks, rating, review_id)
        self.current = None
        self.position += 1
        return review_id

    def finish(self) -> None:
        if self.interview_id is not None:
            self.db.finish(self.interview_id, to_iso(self.clock()))

    def report(self) -> InterviewReport | None:
        return load_report(self.store, self.interview_id) if self.interview_id is not None else None


def load_report(store: Store, interview_id: int | None = None) -> InterviewReport | None:
    """The report of one interview (the latest when no id), compared with those before it."""
    db = InterviewStore(store)
    interview_id = db.latest_id() if interview_id is None else interview_id
    interview = db.interview(interview_id) if interview_id is not None else None
    if interview is None:
        return None
    earlier = [i for i in db.interviews() if i["id"] < interview_id]
    rows = db.questions([i["id"] for i in earlier]) if earlier else []
    by_id: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_id.setdefault(row["interview_id"], []).append(row)
    full = [(i, by_id.get(i["id"], [])) for i in earlier]
    return build_report(interview, full)
