"""Choosing interview questions: weights toward weak, lapsed and never-asked cards; topics mixed; seeded."""

from __future__ import annotations

from quizapp.interview.selection import Candidate, select, weight


def pool(topics: int = 3, per_topic: int = 4) -> list[Candidate]:
    return [Candidate(f"t{t}-c{c}", f"topic {t}", recall=0.8) for t in range(topics) for c in range(per_topic)]


def test_weights_favour_low_recall_recent_lapses_and_never_asked_cards():
    strong = Candidate("a", "T", recall=0.98, recent_lapses=0, times_interviewed=2)
    assert weight(Candidate("a", "T", recall=0.40, times_interviewed=2)) > weight(strong)
    assert weight(Candidate("a", "T", recall=0.98, recent_lapses=2, times_interviewed=2)) > weight(strong)
    assert weight(Candidate("a", "T", recall=0.98, times_interviewed=0)) > weight(strong)
    assert weight(strong) > 0  # a card known cold can still come up


def test_the_weak_card_is_asked_far_more_often_than_the_strong_one():
    weak = Candidate("weak", "T", recall=0.3, recent_lapses=2, times_interviewed=0)
    strong = Candidate("strong", "T", recall=0.97, recent_lapses=0, times_interviewed=3)
    firsts = [select([strong, weak], 1, seed)[0].card_id for seed in range(400)]
    share = firsts.count("weak") / len(firsts)
    expected = weight(weak) / (weight(weak) + weight(strong))
    assert abs(share - expected) < 0.06
    assert share > 0.8


def test_no_card_twice_and_never_more_than_there_are():
    cards = pool()
    for seed in range(30):
        picked = select(cards + cards[:3], 8, seed)  # duplicates in the input count once
        ids = [c.card_id for c in picked]
        assert len(ids) == len(set(ids)) == 8
    assert len(select(cards, 50, 1)) == len(cards)
    assert select([], 8, 1) == []


def test_the_same_seed_gives_the_same_interview_and_other_seeds_others():
    cards = pool()
    first = [c.card_id for c in select(cards, 6, seed=42)]
    assert first == [c.card_id for c in select(list(reversed(cards)), 6, seed=42)]  # input order does not matter
    others = {tuple(c.card_id for c in select(cards, 6, seed)) for seed in range(10)}
    assert len(others) > 5


def test_questions_are_spread_across_topics():
    cards = pool(topics=3, per_topic=4)
    # every topic once before any twice (a plain draw of 3 from 12 gets three topics only 29% of the time)
    for seed in range(100):
        assert len({c.topic for c in select(cards, 3, seed)}) == 3
        six = select(cards, 6, seed)
        assert sorted(c.topic for c in six) == ["topic 0"] * 2 + ["topic 1"] * 2 + ["topic 2"] * 2


def test_a_topic_full_of_weak_cards_comes_up_first():
    weak_topic = [Candidate(f"w{i}", "weak", recall=0.2) for i in range(3)]
    strong_topic = [Candidate(f"s{i}", "strong", recall=0.99, times_interviewed=1) for i in range(3)]
    firsts = [select(weak_topic + strong_topic, 2, seed)[0].topic for seed in range(200)]
    assert firsts.count("weak") > 0.8 * len(firsts)
