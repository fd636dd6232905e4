"""No index on `schedule.due` alone (each rating would have to move it): the reads of a range of due
times (the soonest due after now, review ahead, the browser's "due today", the forecast counted card by
card) take it from the two queue indexes led by `due`. They must give what a scan of the whole table
gives, for cards in every state, suspended, buried and retired, and never scan the table."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from quizapp.srs import Scheduler, Session, Settings
from quizapp.srs.browse import suspend
from quizapp.store import Store
from quizapp.store.browse import Browse, CardFilter
from quizapp.store.stats_queries import StatsQueries
from quizapp.store.study_queries import StudyQueries
from quizapp.sync import sync_path
from quizapp.timeutil import to_iso

SCAN = "FROM schedule s WHERE s.deck_retired = 0 AND s.reps > 0"


def _deck(folder: Path, cards: int) -> Path:
    folder.mkdir()
    text = "---\ntopic: Alpha\n---\n"
    for i in range(cards):
        text += f"\n## Question {i}?\n\n```meta\nid: q-{i}\n```\n\n### Answer\n\nAnswer {i}.\n"
    (folder / "alpha.md").write_text(text, encoding="utf-8")
    return folder


def _studied(tmp_path: Path, clock) -> Store:
    """A deck studied over simulated weeks: learning, review and relearning cards, some suspended,
    buried or retired."""
    rng = random.Random(7)
    store = Store(tmp_path / "quiz.db")
    deck = _deck(tmp_path / "deck", 60)
    sync_path(store, deck)
    session = Session(store, Scheduler(Settings(new_per_day=15, reviews_per_day=100)), clock=clock)
    for _ in range(400):
        card = session.next_card()
        if card is None:
            clock.advance(hours=rng.randint(3, 40))
            continue
        session.rate(card, rng.choice((1, 2, 3, 3, 3, 4)), 900)
        clock.advance(minutes=rng.randint(1, 300))
    clock.advance(hours=24)
    for _ in range(6):  # some cards left in learning and relearning
        card = session.next_card()
        if card is not None:
            session.rate(card, 1, 900)
    reviewed = [r[0] for r in store.conn.execute("SELECT card_id FROM schedule WHERE reps > 0 ORDER BY card_id")]
    suspend(store, reviewed[::7])
    Browse(store).bury(reviewed[3::9], to_iso(clock() + timedelta(hours=5)))
    head, _, rest = (deck / "alpha.md").read_text(encoding="utf-8").partition("## Question 0?")
    (deck / "alpha.md").write_text(head + "## Question 10?" + rest.partition("## Question 10?")[2],
                                   encoding="utf-8")  # retires 0..9
    sync_path(store, deck)
    return store


def test_due_ranges_read_from_the_queue_indexes_match_a_full_scan(tmp_path: Path, clock):
    store = _studied(tmp_path, clock)
    try:
        assert store._value("SELECT count(*) FROM schedule WHERE reps > 0 AND deck_retired = 1") > 0
        assert store._value("SELECT count(*) FROM schedule WHERE reps > 0 AND state = 2") > 0
        assert store._value("SELECT count(*) FROM schedule WHERE reps > 0 AND state IN (1, 3)") > 0
        assert store._value("SELECT count(*) FROM sqlite_master WHERE name = 'schedule_due'") == 0
        now = clock()
        for hours in (-48, 0, 6, 30, 24 * 10, 24 * 400):
            moment = to_iso(now + timedelta(hours=hours))
            assert store.next_due_after(moment) == store._value(
                f"SELECT min(s.due) {SCAN} AND s.due > ? AND s.suspended = 0", (moment,)), hours
            later = to_iso(now + timedelta(hours=abs(hours) + 1))
            ahead = StudyQueries(store).due_before(later, to_iso(now))
            expected = [r["card_id"] for r in store._rows(
                f"SELECT s.card_id {SCAN} AND s.due < :before AND s.suspended = 0 "
                "AND (s.buried_until IS NULL OR s.buried_until <= :now) ORDER BY s.due, s.card_id",
                {"before": later, "now": to_iso(now)})]
            assert sorted(ahead) == sorted(expected) and len(ahead) == len(set(ahead))
            dues = dict(store.conn.execute("SELECT card_id, due FROM schedule"))
            assert [dues[c] for c in ahead] == sorted(dues[c] for c in ahead)  # soonest first
            shown = {r["id"] for r in Browse(store).search(CardFilter(due_today=True), to_iso(now), later)}
            assert shown == set(expected)
            rows = StatsQueries(store)._forecast_from_cards(37, now.date().isoformat(), later)
            want = store._rows(
                f"SELECT max(date(s.due, '+37 minutes'), :today) AS day, sum(s.state != 2) AS learning, "
                f"sum(s.state = 2) AS review {SCAN} AND s.due < :end GROUP BY 1 ORDER BY 1",
                {"today": now.date().isoformat(), "end": later})
            assert rows == want
    finally:
        store.close()


def test_the_soonest_due_time_reads_two_index_entries_not_the_table(tmp_path: Path, clock):
    store = _studied(tmp_path, clock)
    try:
        trace: list[str] = []
        store.conn.set_trace_callback(trace.append)
        store.next_due_after(to_iso(clock()))
        store.conn.set_trace_callback(None)
        plan = " | ".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + trace[-1],
                                                               {"moment": to_iso(clock())}))
        assert "schedule_learning" in plan and "schedule_review" in plan, plan
        assert "SCAN s" not in plan, plan
    finally:
        store.close()
