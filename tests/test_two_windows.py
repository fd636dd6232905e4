"""Two windows (two connections, two processes) on one database: a rating is recorded only from the
state that was shown, undo never contradicts a later review, and counts notice the other's writes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from quizapp.srs import AGAIN, EASY, GOOD, Scheduler, Session
from quizapp.store import StaleState, Store
from quizapp.sync import sync_path

REPO = Path(__file__).resolve().parents[1]


def test_a_rating_from_a_state_changed_elsewhere_is_refused(db_path: Path, deck_dir: Path, clock):
    first, second = Store(db_path), Store(db_path)
    sync_path(first, deck_dir)
    one, two = Session(first, Scheduler(), clock=clock), Session(second, Scheduler(), clock=clock)
    shown_one, shown_two = one.next_card(), two.next_card()
    assert shown_one["id"] == shown_two["id"] == "tensor"  # both windows show the same card
    one.rate(shown_one, GOOD, 1000)
    with pytest.raises(StaleState):
        two.rate(shown_two, AGAIN, 1000)
    assert two.history == []
    assert [r["rating"] for r in first.reviews_for("tensor")] == [GOOD]
    assert first.schedule_state("tensor")["reps"] == 1
    fresh = two.next_card()  # read afresh: the rated card is no longer first
    assert fresh["id"] == "mean"
    two.rate(fresh, GOOD, 1000)
    assert first.review_count() == 2
    first.close()
    second.close()


def test_undo_after_a_rating_elsewhere_changes_nothing(db_path: Path, deck_dir: Path, clock):
    first, second = Store(db_path), Store(db_path)
    sync_path(first, deck_dir)
    one, two = Session(first, Scheduler(), clock=clock), Session(second, Scheduler(), clock=clock)
    one.rate(one.next_card(), AGAIN, 1000)  # tensor: learning, due again in a minute
    clock.advance(minutes=2)
    card = two.next_card()
    assert card["id"] == "tensor" and card["reps"] == 1
    two.rate(card, GOOD, 1000)
    after_two = first.schedule_state("tensor")
    with pytest.raises(StaleState):
        one.undo()
    assert one.history == []  # that rating is part of the card's history now
    assert first.schedule_state("tensor") == after_two
    reviews = first.reviews_for("tensor")
    assert [r["rating"] for r in reviews] == [AGAIN, GOOD]
    assert after_two["reps"] == len(reviews) == 2
    assert two.undo()["reps"] == 1  # the window that rated last can still undo its own rating
    first.close()
    second.close()


def test_data_version_moves_only_when_another_connection_commits(db_path: Path, deck_dir: Path, clock):
    first, second = Store(db_path), Store(db_path)
    sync_path(first, deck_dir)
    seen = first.data_version()
    Session(first, Scheduler(), clock=clock).rate(first.card("tensor"), GOOD, 1000)
    assert first.data_version() == seen  # its own writes do not count
    Session(second, Scheduler(), clock=clock).rate(second.card("mean"), GOOD, 1000)
    assert first.data_version() != seen
    first.close()
    second.close()


RATER = textwrap.dedent("""
    import json, random, sys, time
    from pathlib import Path
    from quizapp.srs import Scheduler, Session, Settings
    from quizapp.store import StaleState, Store
    db, go, seed, wanted = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    store = Store(db)
    session = Session(store, Scheduler(Settings(new_per_day=9999, reviews_per_day=99999)))
    rng = random.Random(seed)
    while not go.exists():
        time.sleep(0.005)
    recorded, stale = [], 0
    while len(recorded) < wanted:
        card = session.next_card()
        if card is None:
            break
        try:
            recorded.append(session.rate(card, rng.choice([1, 2, 3, 3, 4]), 1000).review_id)
        except StaleState:
            stale += 1
    print(json.dumps({"recorded": recorded, "stale": stale}))
""")

CARD = "## Question {i}?\n\n```meta\nid: q-{i}\n```\n\n### Answer\n\nAnswer {i}.\n"


def test_two_processes_rating_one_queue_lose_and_duplicate_nothing(tmp_path: Path):
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "cards.md").write_text("---\ntopic: T\n---\n\n" + "\n".join(CARD.format(i=i) for i in range(500)))
    db, go = tmp_path / "two.db", tmp_path / "go"
    store = Store(db)
    sync_path(store, deck)
    store.close()
    children = [subprocess.Popen([sys.executable, "-c", RATER, str(db), str(go), str(seed), "200"], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in (1, 2)]
    go.touch()  # both start rating together
    results = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err  # no "database is locked", no traceback
        results.append(json.loads(out))
    assert [len(r["recorded"]) for r in results] == [200, 200]
    store = Store(db)
    ids = []
    for i in range(500):
        reviews = store.reviews_for(f"q-{i}")
        ids += [r["id"] for r in reviews]
        chain = [r["state_before"] for r in reviews] + [store.schedule_state(f"q-{i}")]
        assert [s["reps"] for s in chain] == list(range(len(reviews) + 1))  # no two from one state
        for review, following in zip(reviews, chain[1:]):
            assert review["state_after"] == following  # each starts where the last ended
    assert sorted(ids) == sorted(results[0]["recorded"] + results[1]["recorded"])  # none lost, none extra
    store.close()


async def test_the_review_screen_says_reviewed_elsewhere_and_shows_the_card_afresh(db_path: Path, deck_dir: Path):
    from textual.widgets import Static

    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens.review import ReviewScreen
    from quizapp.tui.widgets.card_text import CardText

    store, other = Store(db_path), Store(db_path)
    app = QuizApp(store, sync=sync_path(store, deck_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card["id"] == "tensor"
        assert "0 done · 3 left" in str(screen.query_one("#progress-text", Static).render())
        Session(other, Scheduler()).rate(other.card("tensor"), EASY, 1000)  # the other window: due in days
        await pilot.press("space", "1")
        await pilot.pause()
        assert any("reviewed elsewhere" in str(n.message) for n in app._notifications)
        assert [r["rating"] for r in store.reviews_for("tensor")] == [EASY]  # not duplicated
        assert screen.card["id"] == "mean"
        assert "What does" in screen.query_one("#question", CardText).source
        await pilot.pause()
        assert "0 done · 2 left" in str(screen.query_one("#progress-text", Static).render())
        Session(other, Scheduler()).rate(other.card("mean"), EASY, 1000)
        await pilot.pause(1.3)  # the counts follow the other window's writes on their own
        assert "0 done · 1 left" in str(screen.query_one("#progress-text", Static).render())
    store.close()
    other.close()
