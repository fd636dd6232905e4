"""Statistics on a database built from a known sequence of reviews: exact numbers.

Reviews are written through the store with hand-made FSRS states (so intervals,
stabilities and due dates are known), or through a real Session moved by the
test clock. Times are given in a fixed local zone, UTC+2 unless said, so the
4 am rollover is exercised: a review at 01:00 local counts for the day before.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp.srs import AGAIN, EASY, GOOD, HARD, Scheduler, Session
from quizapp.srs.statistics import Day, Due, build_report, card_info
from quizapp.store import Store
from quizapp.store.history import History
from quizapp.sync import sync_path
from quizapp.timeutil import to_iso

PLUS2 = timezone(timedelta(hours=2))
UTC = timezone.utc

DECK = """\
---
topic: Alpha
tags: [alpha]
---

## A1?

```meta
id: a1
tags: [core]
```

### Answer

a1

## A2?

```meta
id: a2
tags: [core]
```

### Answer

a2

## A3?

```meta
id: a3
```

### Answer

a3

## Gone?

```meta
id: gone
```

### Answer

retired later
"""

BETA = """\
---
topic: Beta
---

## B1?

```meta
id: b1
tags: [core]
```

### Answer

b1

## B2?

```meta
id: b2
```

### Answer

b2
"""


@pytest.fixture
def deck(tmp_path: Path, store: Store) -> Store:
    """Six cards in two topics; `gone` is then removed from its file and so retired."""
    folder = tmp_path / "stats-deck"
    folder.mkdir()
    (folder / "alpha.md").write_text(DECK)
    (folder / "beta.md").write_text(BETA)
    sync_path(store, folder)
    (folder / "alpha.md").write_text(DECK.split("## Gone?")[0])
    assert sync_path(store, folder).summary.retired == 1
    return store


def local(text: str, tz=PLUS2) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def state(kind_state: int = 2, *, due: datetime, last: datetime | None, stability: float = 10.0,
          reps: int = 1, lapses: int = 0) -> dict:
    return {"state": kind_state, "step": None if kind_state == 2 else 0, "stability": stability,
            "difficulty": 5.0, "due": to_iso(due), "last_review": to_iso(last) if last else None,
            "reps": reps, "lapses": lapses}


def review(store: Store, card_id: str, at: datetime, rating: int = GOOD, *, kind: int = 2,
           interval_days: float = 5, elapsed_days: float | None = None, after: dict | None = None,
           duration_ms: int = 1000) -> None:
    """A review at `at` of a card that was on `interval_days` and last seen `elapsed_days` before."""
    elapsed = interval_days if elapsed_days is None else elapsed_days
    last = at - timedelta(days=elapsed)
    before = state(due=last + timedelta(days=interval_days), last=last)
    after = after or state(due=at + timedelta(days=3), last=at)
    # the bulk writer import-history uses: it stores the given states as they are (record_review
    # would refuse a `before` that is not the card's current state)
    History(store).rewrite([(card_id, [{"rating": rating, "reviewed_at": to_iso(at), "duration_ms": duration_ms,
                                        "kind": kind, "state_before": before, "state_after": after}], after)])


# -- streaks, today, per-day counts ---------------------------------------------------------------


def test_streaks_and_days_follow_the_4am_rollover(deck: Store):
    for moment in ("2026-02-01 10:00", "2026-02-02 10:00", "2026-02-03 10:00", "2026-02-04 10:00",
                   "2026-02-05 10:00",  # an older run of 5 days
                   "2026-03-07 10:00",
                   "2026-03-08 01:00",  # 1 am: still Mar 7's study day
                   "2026-03-08 23:00",
                   "2026-03-10 03:30",  # Mar 9's study day
                   ):
        review(deck, "a1", local(moment))
    review(deck, "a2", local("2026-03-10 09:00"), AGAIN, kind=0, duration_ms=4000)
    review(deck, "a3", local("2026-03-10 09:30"), GOOD, kind=1, duration_ms=2500)
    review(deck, "a2", local("2026-03-10 09:40"), GOOD, kind=3, duration_ms=1500)
    now = local("2026-03-10 12:00")

    report = build_report(deck, Scheduler(), now, tz=PLUS2)

    assert report.today == date(2026, 3, 10)
    assert (report.current_streak, report.longest_streak) == (4, 5)
    assert report.days[-4:] == [Day(date(2026, 3, 7), review=2), Day(date(2026, 3, 8), review=1),
                                Day(date(2026, 3, 9), review=1), Day(date(2026, 3, 10), new=1, learning=2)]
    assert len(report.days) == 371 and report.days[0].day == date(2025, 3, 5)
    assert sum(d.total for d in report.days) == 12
    assert (report.day.reviews, report.day.cards, report.day.seconds, report.day.again) == (3, 2, 8.0, 1)
    assert report.day.again_rate == 1 / 3


def test_a_missed_day_ends_the_streak_and_today_need_not_have_reviews_yet(deck: Store):
    for moment in ("2026-03-05 10:00", "2026-03-06 10:00", "2026-03-08 10:00", "2026-03-09 10:00"):
        review(deck, "a1", local(moment))
    report = build_report(deck, Scheduler(), local("2026-03-10 03:00"), tz=PLUS2)  # still Mar 9's day
    assert report.today == date(2026, 3, 9)
    assert (report.current_streak, report.longest_streak) == (2, 2)
    report = build_report(deck, Scheduler(), local("2026-03-10 12:00"), tz=PLUS2)  # Mar 10: none yet
    assert (report.current_streak, report.day.reviews) == (2, 0)
    report = build_report(deck, Scheduler(), local("2026-03-11 12:00"), tz=PLUS2)  # a whole day missed
    assert report.current_streak == 0


def test_empty_database_gives_zeros_not_errors(deck: Store):
    report = build_report(deck, Scheduler(), local("2026-03-10 12:00"), tz=PLUS2)
    assert (report.current_streak, report.longest_streak, report.day.reviews) == (0, 0, 0)
    assert sum(d.total for d in report.days) == 0
    assert [r.total for r in report.retention] == [0, 0, 0, 0]
    assert report.recall is None and report.hardest == [] and report.leeches == 0
    assert report.states == {"new": 5, "learning": 0, "review": 0, "relearning": 0, "retired": 1}


# -- retention ----------------------------------------------------------------------------------


def test_true_retention_counts_first_review_of_the_day_young_and_mature(deck: Store):
    tz = UTC  # the study day starts at 04:00 UTC
    review(deck, "a1", local("2026-03-10 08:00", tz), GOOD, interval_days=5)  # today, young, pass
    review(deck, "a1", local("2026-03-10 09:00", tz), AGAIN, interval_days=3,
           elapsed_days=1 / 24)  # same card, same study day: not counted
    review(deck, "a2", local("2026-03-10 05:00", tz), AGAIN, interval_days=36)  # today, mature, fail
    review(deck, "a3", local("2026-03-10 03:00", tz), HARD, interval_days=30)  # Mar 9's day: week, mature, pass
    review(deck, "a3", local("2026-03-10 06:00", tz), GOOD, interval_days=2 / 24,
           elapsed_days=3 / 24)  # 3 h after the last one, but that was yesterday's day: today, young, pass
    review(deck, "b1", local("2026-03-10 07:00", tz), AGAIN, kind=1)  # a learning card: not a retention test
    review(deck, "b1", local("2026-03-01 12:00", tz), AGAIN, interval_days=3)  # month, young, fail
    review(deck, "b2", local("2025-06-01 12:00", tz), EASY, interval_days=21)  # year, mature (21 d), pass
    review(deck, "b2", local("2025-01-01 12:00", tz), AGAIN, interval_days=40)  # over a year ago: out

    report = build_report(deck, Scheduler(), local("2026-03-10 12:00", tz), tz=tz)

    got = {r.period: (r.young_passed, r.young_total, r.mature_passed, r.mature_total) for r in report.retention}
    assert got == {"Today": (2, 2, 0, 1), "Last 7 days": (2, 2, 1, 2), "Last 30 days": (2, 3, 1, 2),
                   "Last 365 days": (2, 3, 2, 3)}
    year = report.retention[-1]
    assert (year.young, year.mature, year.overall) == (2 / 3, 2 / 3, 4 / 6)


def test_retention_day_boundary_moves_with_the_local_zone(deck: Store):
    # 01:30 UTC is 03:30 at UTC+2 (yesterday's study day) but 01:30 at UTC (also yesterday's: before 4 am)
    # and 05:30 at UTC+4 (today's study day)
    review(deck, "a1", local("2026-03-10 01:30", UTC), GOOD)
    now = local("2026-03-10 12:00", UTC)
    assert build_report(deck, Scheduler(), now, tz=PLUS2).retention[0].total == 0
    assert build_report(deck, Scheduler(), now, tz=timezone(timedelta(hours=4))).retention[0].total == 1


# -- cards: forecast, states, topics, tags, recall, leeches --------------------------------------------


def test_forecast_states_topics_tags_recall_and_leeches(deck: Store):
    tz = UTC
    now = local("2026-03-10 12:00", tz)
    # a1: review card, due in 2 days (Mar 12, 10:00), stability 30 (mastered), last seen exactly 30 days ago
    review(deck, "a1", now - timedelta(days=40), after=state(
        due=local("2026-03-12 10:00", tz), last=now - timedelta(days=30), stability=30.0, reps=9, lapses=8))
    # a2: relearning, due in 10 minutes (today), 3 lapses, seen just now
    review(deck, "a2", now - timedelta(minutes=1), AGAIN, after=state(
        3, due=now + timedelta(minutes=10), last=now, stability=2.0, reps=5, lapses=3))
    # b1: review card overdue since yesterday: counts for today
    review(deck, "b1", now - timedelta(days=5), after=state(
        due=local("2026-03-09 08:00", tz), last=now - timedelta(days=5), stability=5.0, reps=2))
    # b2: due at 03:00 on Mar 13, which is Mar 12's study day; a3 stays new
    review(deck, "b2", now - timedelta(days=3), after=state(
        due=local("2026-03-13 03:00", tz), last=now - timedelta(days=3), stability=25.0, reps=3))

    report = build_report(deck, Scheduler(), now, tz=tz)

    assert report.forecast[0] == Due(date(2026, 3, 10), learning=1, review=1)
    assert report.forecast[2] == Due(date(2026, 3, 12), learning=0, review=2)
    assert sum(d.total for d in report.forecast) == 4 and len(report.forecast) == 30
    assert report.states == {"new": 1, "learning": 0, "review": 3, "relearning": 1, "retired": 1}
    topics = {g.name: g for g in report.topics}
    assert [g.name for g in report.topics] == ["Alpha", "Beta"]
    assert (topics["Alpha"].cards, topics["Alpha"].new, topics["Alpha"].learning, topics["Alpha"].review,
            topics["Alpha"].mastered) == (3, 1, 1, 1, 1)
    assert topics["Alpha"].mastery == 1 / 3 and topics["Beta"].mastery == 1 / 2
    # FSRS: recall is 90% exactly one stability after the last review, 100% at once after it
    assert topics["Alpha"].recall == pytest.approx((0.9 + 1.0) / 2)
    tags = {g.name: (g.cards, g.new, g.mastered) for g in report.tags}
    assert tags == {"alpha": (3, 1, 1), "core": (3, 0, 1)}
    assert [g.name for g in report.tags] == ["alpha", "core"]
    assert [(c.id, c.lapses, c.leech) for c in report.hardest] == [("a1", 8, True), ("a2", 3, False)]
    assert report.leeches == 1


def test_a_real_session_shows_up_in_todays_numbers(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    for rating in (AGAIN, GOOD, GOOD):
        session.rate(session.next_card(), rating, 2000)
        clock.advance(seconds=10)  # the failed card's 1-minute step has not come round
    report = build_report(store, Scheduler(), clock(), tz=UTC)
    assert (report.day.reviews, report.day.cards, report.day.seconds, report.day.again) == (3, 3, 6.0, 1)
    assert report.days[-1] == Day(date(2026, 3, 2), new=3)
    assert report.states == {"new": 0, "learning": 3, "review": 0, "relearning": 0, "retired": 0}
    assert report.forecast[0] == Due(date(2026, 3, 2), learning=3, review=0)  # back within minutes
    assert report.current_streak == 1


def test_demo_runs_summary(deck: Store):
    deck.record_demo_run("a1", "xor", "cpu", "2026-03-01T10:00:00.000Z", 1.0, "passed", True, {}, None)
    deck.record_demo_run("a1", "xor", "cpu", "2026-03-02T10:00:00.000Z", 1.0, "failed", False, {}, None)
    deck.record_demo_run("a1", "xor", "cuda", "2026-03-03T10:00:00.000Z", 1.0, "passed", True, {}, None)
    deck.record_demo_run(None, "mlp", "cpu", "2026-02-01T10:00:00.000Z", 1.0, "cancelled", None, {}, None)
    report = build_report(deck, Scheduler(), local("2026-03-10 12:00"), tz=PLUS2)
    got = [(d.demo, d.device, d.runs, d.passes, d.last_status, d.last_passed) for d in report.demos]
    assert got == [("xor", "cuda", 1, 1, "passed", True), ("xor", "cpu", 2, 1, "failed", False),
                   ("mlp", "cpu", 1, 0, "cancelled", None)]


# -- a card's history ---------------------------------------------------------------------------------


def test_card_info_gives_fsrs_view_of_every_review(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler()
    session = Session(store, scheduler, clock=clock)
    card = store.card("tensor")
    session.rate(card, GOOD, 1200)
    clock.advance(minutes=15)
    session.rate(store.card("tensor"), GOOD, 800)
    stability = store.card("tensor")["stability"]
    days = math.ceil(stability)
    clock.advance(days=days)
    session.rate(store.card("tensor"), AGAIN, 3000)
    decay = -scheduler.fsrs.parameters[20]  # FSRS-6: R(t) = (1 + F t / S) ** decay, R(S) = 0.9
    expected = (1 + (0.9 ** (1 / decay) - 1) * days / stability) ** decay

    info = card_info(store, scheduler, "tensor", clock())

    assert [(r.rating, r.kind, r.duration_ms) for r in info.reviews] == [(GOOD, 0, 1200), (GOOD, 1, 800),
                                                                          (AGAIN, 2, 3000)]
    assert info.reviews[0].recall is None  # never seen before
    assert info.reviews[2].recall == pytest.approx(expected) and 0.85 < expected <= 0.9
    assert info.reviews[1].stability == pytest.approx(stability)
    assert info.reviews[0].interval_days == pytest.approx(10 / 1440)  # the 10-minute learning step
    assert info.card["lapses"] == 1 and info.due == info.reviews[2].at + timedelta(minutes=10)
    assert card_info(store, scheduler, "no-such-card", clock()) is None
