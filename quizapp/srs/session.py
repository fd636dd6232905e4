"""A study session: which card comes next, rating, undo, and the session's tally.

Order, as in Anki: learning cards that are due, then reviews due today, then
new cards up to the daily limit, then learning cards due within the
learn-ahead window. Every rating is committed before the next card is chosen.
Suspended cards and cards buried until a later study day are never chosen.

A session over an explicit list of cards (the browser's "study these now"; custom
study: one tag or topic, the cards failed today, review ahead, more new cards,
the hardest cards) shows each of them once in the order given, due or not and
without daily limits, and brings back the ones still in learning, like an Anki
filtered deck; its ratings are ordinary reviews.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from quizapp.srs.scheduler import AGAIN, KIND_NEW, KIND_REVIEW, Scheduler, kind_of
from quizapp.store import StaleState, Store
from quizapp.store.browse import Browse
from quizapp.timeutil import from_iso, study_day_end, study_day_start, to_iso, utcnow


@dataclass
class Rated:
    review_id: int
    card_id: str
    rating: int
    duration_ms: int


@dataclass
class Summary:
    reviewed: int  # ratings given (a card failed and seen again counts twice)
    again: int
    seconds: float  # wall time from the session's start to its end
    next_due: datetime | None  # the next review or learning card, after now
    cards: int = 0  # distinct cards rated
    ended_early: bool = False  # Esc with cards still to go
    new_today: int = 0  # new cards that can still be studied today (within the daily limit)
    new_waiting: int = 0  # new cards never studied, in the whole deck

    @property
    def again_rate(self) -> float:
        return self.again / self.reviewed if self.reviewed else 0.0


@dataclass
class _Tally:
    """What `remaining()` last read, kept exact by this session's own ratings so that a rating need not
    count the queue again (at 1,000 cards due, two thirds of a rating's queries).

    It holds while nothing else wrote: the same study day, the same `data_version` (no other
    connection committed) and the same `changes` (no other write on this connection: a suspend,
    bury, undo or sync), and until `expires` (a buried card in scope wakes up). A capped count is
    kept as `exact` (every available card, when fewer than the cap) or only as a floor (at least
    that many) that stays valid while the cap shrinks at least as fast as the floor.
    """

    day_end: str
    data_version: int
    changes: int
    expires: str | None
    studied_new: int
    studied_review: int
    learning: int
    review: int
    review_exact: bool
    new: int
    new_exact: bool

    def holds(self, day_end: str, at: str, data_version: int, changes: int) -> bool:
        return (self.day_end == day_end and self.data_version == data_version and self.changes == changes
                and (self.expires is None or at < self.expires))


@dataclass(frozen=True)
class _StudyDay:
    """The study day `study_day_start`/`study_day_end` give for every moment in [start, end) whose
    local UTC offset is `offset` (with one offset, a day is exactly [start, start + 1 day))."""

    start: datetime
    end: datetime
    hour: int
    offset: timedelta | None
    start_iso: str = field(init=False)
    end_iso: str = field(init=False)
    zone: tuple = field(init=False)  # `_zone()` when worked out
    uniform: bool = field(init=False)  # the zone keeps `offset` all day (no clock change within it)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_iso", to_iso(self.start))
        object.__setattr__(self, "end_iso", to_iso(self.end))
        object.__setattr__(self, "zone", _zone())
        last = self.end - timedelta(microseconds=1)
        object.__setattr__(self, "uniform", self.start.astimezone().utcoffset() == self.offset
                           and last.astimezone().utcoffset() == self.offset)

    def has_offset_at(self, now: datetime) -> bool:
        """Whether the local UTC offset at `now` is this day's: surely, without converting `now`, while
        the zone is the one the day was worked out in and keeps one offset all day."""
        return (self.uniform and self.zone == _zone()) or now.astimezone().utcoffset() == self.offset


def _zone() -> tuple:
    """The local time zone as Python last read it: `datetime.astimezone()` converts with the C
    library's `localtime_r`, which uses the zone read at the last `tzset()` (not the TZ variable of
    the moment), and `time.tzset()` sets these too."""
    return time.tzname, time.timezone, time.altzone, time.daylight


def _capped(count: int, exact: bool, cap: int) -> int | None:
    """min(available, cap) from an exact count or a floor; None when a floor cannot tell."""
    if exact:
        return min(count, cap)
    return cap if count >= cap else None


def _queue_of(state: dict[str, Any], day_end: str) -> str | None:
    """Which count a card in this state is part of (as `Store.queue_counts` decides), if any."""
    if not state["reps"]:
        return "new"
    if state["due"] < day_end:
        return "learning" if state["state"] in (1, 3) else "review" if state["state"] == 2 else None
    return None


@dataclass
class Session:
    store: Store
    scheduler: Scheduler
    topic: str | None = None
    clock: Callable[[], datetime] = utcnow
    history: list[Rated] = field(default_factory=list)
    card_ids: tuple[str, ...] | None = None  # an explicit list: exactly these cards
    title: str | None = None  # what the review screen calls a custom session
    started_at: datetime | None = None
    _tally: _Tally | None = field(default=None, init=False, repr=False)
    _shown: tuple[str, int] | None = field(default=None, init=False, repr=False)  # (card id, changes) when read
    _day_memo: _StudyDay | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock()

    @property
    def rollover_hour(self) -> int:
        return self.scheduler.settings.rollover_hour

    def day_start(self, now: datetime) -> datetime:
        return self._day(now).start

    def day_end(self, now: datetime) -> datetime:
        return self._day(now).end

    def _day(self, now: datetime) -> _StudyDay:
        """The study day around `now` (with its times as stored text), worked out again only when `now`
        leaves the day it was worked out for, the day's start hour changes (the settings can change
        mid-session) or the local UTC offset at `now` does (the only thing of the time zone that
        `study_day_start` reads): each step of a rating asks, each at its own moment."""
        day, hour = self._day_memo, self.rollover_hour
        if day is None or not (day.start <= now < day.end) or day.hour != hour or not day.has_offset_at(now):
            day = self._day_memo = _StudyDay(study_day_start(now, hour), study_day_end(now, hour), hour,
                                             now.astimezone().utcoffset())
        return day

    def limits_left(self, now: datetime) -> tuple[int, int]:
        studied = self.store.studied_since(self._day(now).start_iso)
        settings = self.scheduler.settings
        return (max(0, settings.new_per_day - studied["new"]),
                max(0, settings.reviews_per_day - studied["review"]))

    def next_card(self) -> dict[str, Any] | None:
        """The next card to show, or None when the session's queue is empty."""
        now = self.clock()
        if self.card_ids is not None:
            card_id = self._next_listed(now)
            return self.store.card(card_id) if card_id else None
        at = to_iso(now)
        tally = self._valid_tally(now, at)  # the day's studied counts kept since they were read, if they hold
        if tally is None:
            new_left, reviews_left = self.limits_left(now)
        else:
            settings = self.scheduler.settings
            new_left = max(0, settings.new_per_day - tally.studied_new)
            reviews_left = max(0, settings.reviews_per_day - tally.studied_review)
        ahead = now + timedelta(minutes=self.scheduler.settings.learn_ahead_min)
        card = self.store.next_queued(at, self._day(now).end_iso, to_iso(ahead), self.topic, new_left, reviews_left)
        return self._note_shown(card)

    def _read(self, card_id: str) -> dict[str, Any] | None:
        return self._note_shown(self.store.card(card_id))

    def _note_shown(self, card: dict[str, Any] | None) -> dict[str, Any] | None:
        """A card as shown, noting when it was read (a rating of it may then adjust the counts)."""
        self._shown = (card["id"], self.store.changes()) if card is not None else None
        return card

    def _valid_tally(self, now: datetime, at: str) -> _Tally | None:
        tally = self._tally
        if tally is None or not tally.holds(self._day(now).end_iso, at, self.store.data_version(),
                                            self.store.changes()):
            return None
        return tally

    def _listed(self, now: datetime) -> tuple[list[str], list[dict[str, Any]]]:
        """The listed cards not yet seen in this session, and those seen that are still learning."""
        stamp = to_iso(now)
        rows = [r for r in Browse(self.store).schedules(self.card_ids or ())
                if not r["suspended"] and not (r["buried_until"] and r["buried_until"] > stamp)]
        seen = {rated.card_id for rated in self.history}
        unseen = [r["card_id"] for r in rows if r["card_id"] not in seen]
        learning = [r for r in rows if r["card_id"] in seen and r["state"] in (1, 3)]
        return unseen, learning

    def _next_listed(self, now: datetime) -> str | None:
        unseen, learning = self._listed(now)
        due = sorted((r["due"], r["card_id"]) for r in learning)
        if due and due[0][0] <= to_iso(now):
            return due[0][1]
        if unseen:
            return unseen[0]
        ahead = to_iso(now + timedelta(minutes=self.scheduler.settings.learn_ahead_min))
        return due[0][1] if due and due[0][0] <= ahead else None

    def remaining(self) -> int:
        """Cards still to see today in this session's scope (limits applied).

        Runs after every rating, so it reads only what is due: indexed counts capped by the
        day's limits (`Store.queue_counts`), never the whole deck.
        """
        now = self.clock()
        if self.card_ids is not None:
            unseen, learning = self._listed(now)
            end = self._day(now).end_iso
            return len(unseen) + sum(r["due"] < end for r in learning)
        at = to_iso(now)
        tally = self._valid_tally(now, at)
        if tally is not None:
            settings = self.scheduler.settings
            review = _capped(tally.review, tally.review_exact, max(0, settings.reviews_per_day - tally.studied_review))
            new = _capped(tally.new, tally.new_exact, max(0, settings.new_per_day - tally.studied_new))
            if review is not None and new is not None:
                return tally.learning + review + new
        return self._count(now, at)

    def _count(self, now: datetime, at: str) -> int:
        """Count the queue afresh (bounded by what is due and by the caps) and keep the counts."""
        store = self.store
        data_version, changes = store.data_version(), store.changes()  # first: a write after them shows
        studied = store.studied_since(self._day(now).start_iso)
        settings = self.scheduler.settings
        new_left = max(0, settings.new_per_day - studied["new"])
        reviews_left = max(0, settings.reviews_per_day - studied["review"])
        day_end = self._day(now).end_iso
        counts = store.queue_counts(at, day_end, self.topic, new_cap=new_left, review_cap=reviews_left)
        review_exact, new_exact = counts["review"] < reviews_left, counts["new"] < new_left
        self._tally = _Tally(day_end, data_version, changes,
                             store.next_unburied(at, day_end, self.topic, review=review_exact, new=new_exact),
                             studied["new"], studied["review"], counts["learning"], counts["review"],
                             review_exact, counts["new"], new_exact)
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
        at = to_iso(now)
        tally = self._tally if self._shown == (card["id"], self.store.changes()) else None
        kind = kind_of(before)
        review_id = self.store.record_review(card["id"], rating, at, duration_ms, kind, before, after)
        if tally is not None and tally.changes == self._shown[1]:
            self._count_rating(tally, card, kind, before, after, now, at)
        self._shown = None
        rated = Rated(review_id, card["id"], rating, duration_ms)
        self.history.append(rated)
        return rated

    def _count_rating(self, tally: _Tally, card: dict[str, Any], kind: int, before: dict[str, Any],
                      after: dict[str, Any], now: datetime, at: str) -> None:
        """Move the kept counts by this one rating (the card read fresh before it, nothing else written
        since), as counting again would: the day's studied counts, and the card out of the count its
        old state was in and into its new state's. Otherwise the next look counts afresh."""
        day_end = self._day(now).end_iso
        if tally.day_end != day_end:
            return
        tally.changes = self.store.changes()
        tally.studied_new += kind == KIND_NEW
        tally.studied_review += kind == KIND_REVIEW
        in_scope = (not card["retired"] and not card["suspended"]
                    and (card["buried_until"] is None or card["buried_until"] <= at)
                    and (self.topic is None or card["topic"] == self.topic))
        if not in_scope:
            return
        for state, step in ((before, -1), (after, 1)):
            queue = _queue_of(state, day_end)
            if queue is not None:
                setattr(tally, queue, getattr(tally, queue) + step)

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
        return self._read(last.card_id)

    def summary(self, ended_early: bool = False) -> Summary:
        """The session's tally; `ended_early` when the user stopped with cards still to go."""
        now = self.clock()
        next_due = self.store.next_due_after(to_iso(now))
        new_left, _ = self.limits_left(now)
        counts = self.store.topic_counts(to_iso(now), self._day(now).end_iso)
        new_waiting = sum(r["new"] for r in counts)
        return Summary(
            reviewed=len(self.history),
            again=sum(r.rating == AGAIN for r in self.history),
            seconds=max(0.0, (now - (self.started_at or now)).total_seconds()),
            next_due=from_iso(next_due) if next_due else None,
            cards=len({r.card_id for r in self.history}),
            ended_early=ended_early,
            new_today=min(new_left, new_waiting),
            new_waiting=new_waiting,
        )


def _state_of(card: dict[str, Any]) -> dict[str, Any]:
    return {k: card[k] for k in ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")}
