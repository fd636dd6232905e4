"""The card counts the triggers keep (card_counts.py) always equal a count over every card: after
ratings, undos, suspends, buries, forgets, deck syncs that add, retire, move and retag cards, and
import-history; the migration fills them from the rows already there; and the report built from
them has the numbers a straightforward count gives."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from quizapp.content import Card
from quizapp.srs import Scheduler, Session, Settings
from quizapp.srs.statistics import build_report
from quizapp.store import Store
from quizapp.store.card_counts import MIGRATION
from quizapp.store.schema import MIGRATIONS
from quizapp.timeutil import to_iso

# the database as it was before the migration: no counts, the forecast's old index (and the index on
# due alone, which a later migration drops)
UNDO_MIGRATION = """
DROP TRIGGER schedule_counted; DROP TRIGGER schedule_uncounted; DROP TRIGGER schedule_recounted;
DROP TRIGGER cards_retagged; DROP TRIGGER schedule_due_counted; DROP TRIGGER schedule_due_uncounted;
DROP TRIGGER schedule_due_recounted; DROP TABLE card_counts; DROP TABLE due_counts;
DROP INDEX schedule_recall; DROP INDEX schedule_topic_origin; DROP INDEX schedule_topic_position;
CREATE INDEX schedule_forecast ON schedule(due, state) WHERE reps > 0 AND deck_retired = 0;
CREATE INDEX schedule_due ON schedule(due);
"""


def deck(n: int, variant: int = 0) -> list[Card]:
    """Cards whose topics and tags shift with `variant` (a deck edited between syncs)."""
    return [Card(id=f"c{i}", question="Q?", answer="A.", topic=f"T{(i + variant) % 4}",
                 tags=tuple(f"t{(i * k + variant) % 5}" for k in range(1, 1 + (i + variant) % 3)),
                 path="d.md", line=i) for i in range(n)]


def expected_groups(store: Store) -> dict[tuple[str, str], dict[str, int]]:
    rows = store._rows(
        "SELECT s.deck_topic AS topic, c.tags AS tags, sum(s.deck_retired = 0) AS cards, "
        "sum(s.deck_retired = 0 AND s.reps = 0) AS new_cards, "
        "sum(s.deck_retired = 0 AND s.reps > 0 AND s.state = 1) AS learning, "
        "sum(s.deck_retired = 0 AND s.reps > 0 AND s.state = 3) AS relearning, "
        "sum(s.deck_retired = 0 AND s.reps > 0 AND s.state = 2) AS review, "
        "sum(s.deck_retired = 0 AND s.reps > 0 AND s.stability > 21) AS mastered, "
        "sum(s.deck_retired = 0 AND s.lapses >= 8) AS leeches, sum(s.deck_retired = 1) AS retired "
        "FROM schedule s JOIN cards c ON c.id = s.card_id GROUP BY 1, 2")
    return {(r.pop("topic"), r.pop("tags")): {k: int(v or 0) for k, v in r.items()} for r in rows}


def kept_groups(store: Store) -> dict[tuple[str, str], dict[str, int]]:
    rows = store._rows("SELECT * FROM card_counts WHERE cards OR retired")
    assert store._value("SELECT count(*) FROM card_counts WHERE min(cards, new_cards, learning, relearning, "
                        "review, mastered, leeches, retired) < 0") == 0
    return {(r.pop("topic"), r.pop("tags")): r for r in rows}


def expected_due(store: Store) -> dict[int, tuple[int, int]]:
    return {r["slot"]: (r["learning"], r["review"]) for r in store._rows(
        "SELECT CAST(strftime('%s', due) AS INTEGER) / 900 AS slot, sum(state != 2) AS learning, "
        "sum(state = 2) AS review FROM schedule WHERE reps > 0 AND deck_retired = 0 GROUP BY 1")}


def kept_due(store: Store) -> dict[int, tuple[int, int]]:
    return {r["slot"]: (r["learning"], r["review"]) for r in store._rows("SELECT * FROM due_counts")}


def check(store: Store) -> None:
    assert kept_groups(store) == {k: v for k, v in expected_groups(store).items() if v["cards"] or v["retired"]}
    assert kept_due(store) == expected_due(store)


def test_counts_follow_every_kind_of_write(tmp_path: Path, clock):
    from quizapp.history_io import import_history
    from quizapp.store.browse import Browse

    store = Store(tmp_path / "a.db")
    store.sync(deck(40), "d", to_iso(clock.now))
    check(store)
    rng = random.Random(11)
    session = Session(store, Scheduler(Settings(new_per_day=999)), clock=clock)
    browse = Browse(store)
    for n in range(600):
        card = session.next_card()
        if card is None:
            clock.advance(hours=rng.randint(1, 200))
            continue
        session.rate(card, rng.choice([1, 1, 2, 3, 3, 4]), 1000)  # lapses too: leeches
        if n % 9 == 0:
            session.undo()
        if n % 50 == 0:
            ids = [f"c{rng.randrange(40)}" for _ in range(3)]
            action = rng.choice(["suspend", "unsuspend", "bury", "forget"])
            if action == "forget":
                browse.forget(ids, to_iso(clock.now))
                session = Session(store, Scheduler(Settings(new_per_day=999)), clock=clock)  # no undo past it
            elif action == "bury":
                browse.bury(ids, to_iso(clock.now + timedelta(days=1)))
            else:
                browse.set_suspended(ids, action == "suspend")
            check(store)
        if n % 120 == 0:  # an edited deck: topics and tags move, some cards leave and come back
            variant = n // 120
            store.sync(deck(40 - 5 * (variant % 2), variant), "d", to_iso(clock.now))
            check(store)
        clock.advance(minutes=rng.randint(1, 900))
    store.sync(deck(33, 5), "d", to_iso(clock.now))
    check(store)
    history = "card_id,review_rating,review_time\n" + "\n".join(
        f"c{i},{rng.randint(1, 4)},{to_iso(clock.now - timedelta(days=rng.randint(1, 90), minutes=i))}"
        for i in range(0, 40, 3))
    import_history(store, Scheduler(), history, clock.now)
    check(store)
    groups = expected_groups(store)
    for key in ("learning", "relearning", "review", "mastered", "retired", "new_cards"):
        assert sum(g[key] for g in groups.values()) > 0, key  # the comparison saw every class
    assert len({tags for _, tags in groups}) > 3
    store.close()


def test_the_migration_fills_the_counts_from_the_rows_there(tmp_path: Path, clock):
    path = tmp_path / "m.db"
    store = Store(path)
    store.sync(deck(30), "d", to_iso(clock.now))
    study(store, clock, 200, seed=3)
    store.sync(deck(25, 1), "d", to_iso(clock.now))
    store.conn.executescript(UNDO_MIGRATION + f"PRAGMA user_version = {MIGRATIONS.index(MIGRATION)};")
    store.close()
    store = Store(path)
    check(store)
    assert store._value("SELECT sum(cards) FROM card_counts") == 25
    store.close()


def study(store: Store, clock, ratings: int, seed: int, idle_hours: int = 60, gap_minutes: int = 1500) -> Session:
    """Random real ratings (mostly Good), random gaps between them, idle hours when nothing is due."""
    session, rng = Session(store, Scheduler(Settings(new_per_day=999)), clock=clock), random.Random(seed)
    for _ in range(ratings):
        card = session.next_card()
        if card is None:
            clock.advance(hours=rng.randint(1, idle_hours))
            continue
        session.rate(card, rng.choice([1, 2, 3, 3, 4]), 1500)
        clock.advance(minutes=rng.randint(1, gap_minutes))
    return session


@pytest.mark.parametrize("hours", [0, 2, 5.75, 5.5, -3.5])
def test_the_report_has_the_numbers_counted_card_by_card(tmp_path: Path, clock, hours):
    from datetime import timezone

    store = Store(tmp_path / "r.db")
    store.sync(deck(36), "d", to_iso(clock.now))
    study(store, clock, 300, seed=5)
    store.sync(deck(30, 2), "d", to_iso(clock.now))  # some retired, topics and tags moved
    tz = timezone(timedelta(hours=hours))
    report = build_report(store, Scheduler(), clock.now, tz=tz)

    cards = store._rows("SELECT s.*, c.tags FROM schedule s JOIN cards c ON c.id = s.card_id")
    live = [c for c in cards if not c["deck_retired"]]
    order = store._rows("SELECT deck_topic FROM schedule WHERE deck_retired = 0 GROUP BY deck_topic "
                        "ORDER BY min(deck_origin), min(deck_position)")
    assert [g.name for g in report.topics] == [r["deck_topic"] for r in order]

    def counts(group: list[dict]) -> tuple:
        studied = [c for c in group if c["reps"] > 0]
        return (len(group), sum(c["reps"] == 0 for c in group), sum(c["state"] in (1, 3) for c in studied),
                sum(c["state"] == 2 for c in studied), sum((c["stability"] or 0) > 21 for c in studied))

    for g in report.topics:
        assert (g.cards, g.new, g.learning, g.review, g.mastered) == counts(
            [c for c in live if c["deck_topic"] == g.name])
    tags = {t for c in live for t in json.loads(c["tags"])}
    assert {g.name for g in report.tags} == tags
    for g in report.tags:
        assert (g.cards, g.new, g.learning, g.review, g.mastered) == counts(
            [c for c in live if g.name in json.loads(c["tags"])])
    assert report.states["retired"] == len(cards) - len(live) > 0
    assert report.states["new"] == sum(c["reps"] == 0 for c in live)
    assert report.leeches == sum(c["lapses"] >= 8 for c in live)
    # the forecast: each studied card on the study day its due time falls in, overdue ones today
    shift = round(tz.utcoffset(None).total_seconds() / 60) - 4 * 60
    want: dict[date, list[int]] = {}
    for c in live:
        if c["reps"] == 0:
            continue
        from quizapp.timeutil import from_iso

        day = max(report.today, (from_iso(c["due"]) + timedelta(minutes=shift)).date())
        if day < report.today + timedelta(days=30):
            want.setdefault(day, [0, 0])[c["state"] == 2] += 1
    got = {d.day: [d.learning, d.review] for d in report.forecast if d.total}
    assert got == want and len(want) > 2
    store.close()


# A sync adds its new cards' schedule rows a chunk at a time in one statement each (Store.sync): the
# insert triggers count every one of them once, over several chunks, beside cards already studied,
# and a sync stopped part way leaves the counts as they were.

@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 7 cards, so a small deck is added over several chunks as a big one is."""
    import quizapp.store.store as store_module

    monkeypatch.setattr(store_module, "SYNC_CHUNK", 7)


def test_a_first_import_counts_every_new_card_once(tmp_path: Path, clock, small_chunks):
    store = Store(tmp_path / "f.db")
    store.sync(deck(60), "d", to_iso(clock.now))
    check(store)
    assert store._value("SELECT sum(cards) FROM card_counts") == store._value("SELECT sum(new_cards) FROM card_counts") == 60
    assert store._value("SELECT count(*) FROM counts_deferred") == 0  # the trigger is on again
    store.close()


def test_a_resync_that_adds_cards_counts_them_beside_the_studied_ones(tmp_path: Path, clock, small_chunks):
    store = Store(tmp_path / "g.db")
    store.sync(deck(30), "d", to_iso(clock.now))
    study(store, clock, 150, seed=7)
    # more cards in the same topics and tag lists (rows that exist), in new ones, and retired cards back
    store.sync(deck(20, 1), "d", to_iso(clock.now))
    store.sync(deck(55, 1), "d", to_iso(clock.now))
    check(store)
    # another deck whose cards fall in the same (topic, tag list) rows
    other = [Card(id=f"o{i}", question="Q?", answer="A.", topic=f"T{i % 4}", tags=("t1",), path="o.md", line=i)
             for i in range(25)]
    store.sync(other, "o", to_iso(clock.now))
    check(store)
    assert store._value("SELECT sum(cards) FROM card_counts") == 80
    assert store._value("SELECT sum(reps > 0) FROM schedule") > 0  # the counts moved beside studied cards
    store.close()


def test_a_sync_counts_its_new_cards_itself_and_any_other_schedule_insert_is_counted_by_the_trigger(
        tmp_path: Path, clock, small_chunks):
    store = Store(tmp_path / "h.db")
    store.sync(deck(30), "d", to_iso(clock.now))
    groups = kept_groups(store)
    assert len(groups) > 7 and all(g["cards"] == g["new_cards"] for g in groups.values())  # several per chunk
    check(store)
    # a schedule row written outside Store.sync (no bulk count): the insert trigger still counts it
    store.conn.execute("INSERT INTO cards (id, topic, question, answer, tags, content_hash, added_at, updated_at) "
                       "VALUES ('hand', 'T1', 'Q?', 'A.', '[\"t1\"]', 'h', 't', 't')")
    store.conn.execute("INSERT INTO schedule (card_id, due, deck_topic) VALUES ('hand', 't', 'T1')")
    store.conn.commit()
    check(store)
    assert store._value("SELECT sum(cards) FROM card_counts") == 31
    store.close()


def test_an_interrupted_sync_leaves_the_counts_as_they_were(tmp_path: Path, clock, small_chunks):
    store = Store(tmp_path / "i.db")
    store.sync(deck(20), "d", to_iso(clock.now))
    study(store, clock, 60, seed=9)
    before = (kept_groups(store), kept_due(store))

    def stop(what: str, done: int, total: int) -> None:
        if done >= 14:  # after two chunks of new cards were written and counted
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.sync(deck(50, 2), "d", to_iso(clock.now), progress=stop)
    assert (kept_groups(store), kept_due(store)) == before
    check(store)
    assert store._value("SELECT count(*) FROM counts_deferred") == 0  # the sync's flag went with it
    store.sync(deck(50, 2), "d", to_iso(clock.now))
    check(store)
    assert store._value("SELECT sum(cards) FROM card_counts") == 50
    store.close()
