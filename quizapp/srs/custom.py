"""Custom study: a one-off session over a chosen set of cards, as Anki's "Custom Study".

Each kind picks a card list (queries in quizapp.store.study_queries, recall computed here with
the scheduler); the session over that list is an ordinary Session, so every rating is a real review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from quizapp.srs.scheduler import Scheduler
from quizapp.srs.session import Session
from quizapp.store import Store
from quizapp.store.study_queries import StudyQueries
from quizapp.timeutil import study_day_end, study_day_start, to_iso

TAG, TOPIC, FAILED, AHEAD, NEW, HARDEST = "tag", "topic", "failed", "ahead", "new", "hardest"
KINDS = {
    TAG: "One tag",
    TOPIC: "One topic",
    FAILED: "Cards failed today",
    AHEAD: "Review ahead (days)",
    NEW: "More new cards today",
    HARDEST: "Hardest cards (lowest recall)",
}
DEFAULT_AMOUNT = {AHEAD: 1, NEW: 10, HARDEST: 20}
MAX_AMOUNT = {AHEAD: 365, NEW: 9999, HARDEST: 9999}


@dataclass(frozen=True)
class CustomStudy:
    """What to study: a kind and its argument (a tag or topic name, or a number of days or cards)."""

    kind: str
    name: str = ""
    amount: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown custom study {self.kind!r}; known: {', '.join(KINDS)}")
        if self.kind in (TAG, TOPIC) and not self.name.strip():
            raise ValueError(f"choose a {self.kind}")
        if self.kind in MAX_AMOUNT and not 1 <= self.amount <= MAX_AMOUNT[self.kind]:
            raise ValueError(f"the number must be between 1 and {MAX_AMOUNT[self.kind]}")

    @property
    def title(self) -> str:
        """The review screen's title for this session."""
        if self.kind == TAG:
            return f"#{self.name}"
        if self.kind == TOPIC:
            return self.name
        if self.kind == AHEAD:
            return f"review ahead {self.amount} day{'s' * (self.amount != 1)}"
        if self.kind == NEW:
            return f"{self.amount} more new card{'s' * (self.amount != 1)}"
        if self.kind == HARDEST:
            return f"the {self.amount} hardest cards"
        return "cards failed today"

    @property
    def empty_message(self) -> str:
        """What to say when nothing matches."""
        return {
            TAG: f"No card to study has the tag #{self.name}.",
            TOPIC: f"No card to study is in the topic {self.name}.",
            FAILED: "No card was failed today.",
            AHEAD: f"No card is due in the next {self.amount} day{'s' * (self.amount != 1)}.",
            NEW: "There are no new cards left.",
            HARDEST: "No card has been studied yet, so none is hardest.",
        }[self.kind]


def card_ids(study: CustomStudy, store: Store, scheduler: Scheduler, now: datetime) -> list[str]:
    """The cards a custom study session shows, in order."""
    queries = StudyQueries(store)
    stamp = to_iso(now)
    hour = scheduler.settings.rollover_hour
    if study.kind == TAG:
        return queries.with_tag(study.name.lstrip("#"), stamp)
    if study.kind == TOPIC:
        return queries.in_topic(study.name, stamp)
    if study.kind == FAILED:
        return queries.failed_since(to_iso(study_day_start(now, hour)), stamp)
    if study.kind == AHEAD:
        return queries.due_before(to_iso(study_day_end(now, hour) + timedelta(days=study.amount)), stamp)
    if study.kind == NEW:
        return queries.new_cards(study.amount, stamp)
    return hardest(store, scheduler, now, study.amount)


def hardest(store: Store, scheduler: Scheduler, now: datetime, limit: int) -> list[str]:
    """Studied cards by lowest FSRS recall now (ties: most lapses first)."""
    scored = []
    for row in StudyQueries(store).reviewed_states(to_iso(now)):
        recall = scheduler.retrievability(row, now)
        if recall is not None:
            scored.append((recall, -row["lapses"], row["card_id"]))
    return [card_id for _, _, card_id in sorted(scored)[:limit]]


def custom_session(study: CustomStudy, store: Store, scheduler: Scheduler, now: datetime,
                   **kwargs) -> Session | None:
    """A session over the chosen cards, or None when there are none."""
    ids = card_ids(study, store, scheduler, now)
    if not ids:
        return None
    return Session(store, scheduler, card_ids=tuple(ids), title=study.title, **kwargs)
