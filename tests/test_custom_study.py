"""Custom study: each kind picks the right cards, and its ratings are ordinary reviews."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.srs import AGAIN, EASY, GOOD, HARD, Scheduler, Session, Settings
from quizapp.srs.custom import AHEAD, FAILED, HARDEST, NEW, TAG, TOPIC, CustomStudy, card_ids, custom_session
from quizapp.store import Store
from quizapp.sync import sync_path


def _study(store: Store, clock, ratings: dict[str, int]) -> None:
    """Rate the deck's new cards once each, by id."""
    session = Session(store, Scheduler(), clock=clock)
    for _ in range(len(ratings)):
        card = session.next_card()
        session.rate(card, ratings[card["id"]], 1000)


def test_tag_and_topic_any_case(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler()
    assert card_ids(CustomStudy(TAG, "BASICS"), store, scheduler, clock()) == ["tensor"]
    assert card_ids(CustomStudy(TAG, "#sample"), store, scheduler, clock()) == ["tensor", "mean", "relu"]
    assert card_ids(CustomStudy(TOPIC, "sample"), store, scheduler, clock()) == ["tensor", "mean", "relu"]
    assert card_ids(CustomStudy(TAG, "nope"), store, scheduler, clock()) == []


def test_failed_today_and_new_cards(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler()
    assert card_ids(CustomStudy(FAILED), store, scheduler, clock()) == []
    _study(store, clock, {"tensor": GOOD, "mean": AGAIN})
    assert card_ids(CustomStudy(FAILED), store, scheduler, clock()) == ["mean"]
    assert card_ids(CustomStudy(NEW, amount=5), store, scheduler, clock()) == ["relu"]
    clock.advance(days=1)  # a new study day: yesterday's failure is not today's
    assert card_ids(CustomStudy(FAILED), store, scheduler, clock()) == []


def test_review_ahead_takes_cards_due_in_the_next_days_only(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler()
    session = Session(store, scheduler, clock=clock)
    card = session.next_card()
    session.rate(card, GOOD, 1000)
    clock.advance(minutes=11)
    session.rate(store.card(card["id"]), GOOD, 1000)  # graduates: due in a few days
    due = store.card(card["id"])["due"]
    days = (__import__("quizapp.timeutil", fromlist=["from_iso"]).from_iso(due) - clock()).days
    assert card_ids(CustomStudy(AHEAD, amount=max(1, days - 1)), store, scheduler, clock()) == []
    assert card_ids(CustomStudy(AHEAD, amount=days + 1), store, scheduler, clock()) == [card["id"]]


def test_hardest_is_lowest_recall_first(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler(Settings(learn_ahead_min=0))
    _study(store, clock, {"tensor": EASY, "mean": AGAIN, "relu": HARD})
    clock.advance(days=3)
    recall = {cid: scheduler.retrievability(store.schedule_state(cid), clock()) for cid in ("tensor", "mean", "relu")}
    assert recall["mean"] < recall["relu"] < recall["tensor"]
    assert card_ids(CustomStudy(HARDEST, amount=2), store, scheduler, clock()) == ["mean", "relu"]


def test_a_custom_session_shows_each_card_once_and_keeps_real_reviews(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler(Settings(new_per_day=0, learn_ahead_min=0))  # the daily limit does not apply
    session = custom_session(CustomStudy(TAG, "sample"), store, scheduler, clock(), clock=clock)
    assert session is not None and session.title == "#sample"
    assert session.remaining() == 3
    seen = []
    while (card := session.next_card()) is not None:
        seen.append(card["id"])
        session.rate(card, GOOD, 1000)
    assert seen == ["tensor", "mean", "relu"]
    assert store.review_count() == 3
    assert all(store.reviews_for(cid) for cid in seen)
    assert session.remaining() == 2 + 1 - 3 + sum(  # still-learning cards come back later today
        store.schedule_state(cid)["state"] in (1, 3) for cid in seen)


def test_nothing_to_study_gives_no_session(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    assert custom_session(CustomStudy(FAILED), store, Scheduler(), clock()) is None
    assert CustomStudy(FAILED).empty_message == "No card was failed today."


@pytest.mark.parametrize("kind,name,amount", [(TAG, " ", 0), (AHEAD, "", 0), (NEW, "", 100000), ("x", "", 0)])
def test_bad_choices_are_refused_with_a_reason(kind, name, amount):
    with pytest.raises(ValueError):
        CustomStudy(kind, name, amount)
