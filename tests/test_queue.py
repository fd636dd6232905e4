"""The study queue: suspended and buried cards stay out of it, and choosing the next card and counting
what is left costs the same whatever the size of the deck and of its history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from quizapp.content import Card
from quizapp.srs import GOOD, Scheduler, Session, Settings
from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.timeutil import to_iso


def _set(store: Store, card_id: str, **columns) -> None:
    with store._transaction() as conn:  # test set-up: the browser's store methods will do this
        for column, value in columns.items():
            conn.execute(f"UPDATE schedule SET {column} = ? WHERE card_id = ?", (value, card_id))


def test_suspended_and_buried_cards_are_neither_shown_nor_counted(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    assert session.remaining() == 3
    _set(store, "tensor", suspended=1)
    _set(store, "mean", buried_until=to_iso(clock.now + timedelta(hours=5)))
    assert session.next_card()["id"] == "relu"
    assert session.remaining() == 1
    counts = {r["topic"]: r for r in store.topic_counts(to_iso(clock.now), to_iso(clock.now + timedelta(hours=6)))}
    assert counts["Sample"]["new"] == 1 and counts["Sample"]["total"] == 3
    clock.advance(hours=6)  # the burial is over; the suspension is not
    assert session.next_card()["id"] == "mean"
    assert session.remaining() == 2


def test_a_suspended_learning_card_is_not_due(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    session.rate(store.card("tensor"), 1, 1000)  # Again: learning, due in a minute
    clock.advance(minutes=2)
    assert session.next_card()["id"] == "tensor"
    _set(store, "tensor", suspended=1)
    assert session.next_card()["id"] == "mean"


def _deck(cards: int) -> list[Card]:
    return [Card(id=f"c-{i}", question=f"Q{i}?", answer=f"A{i}.", topic=f"T{i % 5}", path="d.md", line=i)
            for i in range(cards)]


def _work_to_show_next(tmp_path: Path, cards: int, clock) -> int:
    """SQLite virtual-machine steps for one rating's follow-up (next card + count left) on a deck where
    all but a few cards were studied and are due in the future."""
    store = Store(tmp_path / f"q{cards}.db")
    store.sync(_deck(cards), "bench", to_iso(clock.now))
    scheduler = Scheduler(Settings(new_per_day=9999))
    later = clock.now + timedelta(days=30)
    with store._transaction() as conn:  # every card but the last ten was studied and is due in a month
        conn.execute("UPDATE schedule SET state = 2, reps = 3, stability = 40, difficulty = 5, due = ?, "
                     "last_review = ? WHERE deck_position < ?", (to_iso(later), to_iso(clock.now), cards - 10))
    session = Session(store, scheduler, clock=clock)
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.conn.set_progress_handler(count, 10)
    card = session.next_card()
    left = session.remaining()
    store.conn.set_progress_handler(None, 0)
    assert card["id"] == f"c-{cards - 10}" and left == 10
    session.rate(card, GOOD, 1000)
    store.close()
    return steps


def test_choosing_the_next_card_does_not_grow_with_the_deck(tmp_path: Path, clock):
    small = _work_to_show_next(tmp_path, 200, clock)
    large = _work_to_show_next(tmp_path, 20_000, clock)
    assert large < small * 1.5, (small, large)  # a deck scan would make it ~100x


def test_the_queue_follows_topic_changes_retirement_and_return(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    path = deck_dir / "sample.md"
    original = path.read_text()
    path.write_text(original.replace("topic: Sample", "topic: Renamed"))
    sync_path(store, deck_dir)
    assert Session(store, Scheduler(), topic="Renamed", clock=clock).remaining() == 3
    assert Session(store, Scheduler(), topic="Sample", clock=clock).next_card() is None
    path.write_text(original.split("## Why use ReLU?")[0])
    sync_path(store, deck_dir)  # relu retired: neither shown nor counted
    session = Session(store, Scheduler(), clock=clock)
    assert session.remaining() == 2
    session.rate(session.next_card(), GOOD, 1000)
    session.rate(session.next_card(), GOOD, 1000)
    clock.advance(minutes=1)
    assert session.next_card()["id"] in ("tensor", "mean")  # learning ahead, never the retired card
    path.write_text(original)
    sync_path(store, deck_dir)  # back again
    assert store.next_new("Sample", now=to_iso(clock.now)) == "relu"
