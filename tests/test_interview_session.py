"""A mock interview against a real database: answers kept, ratings become reviews, the report's numbers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from quizapp.content import parse_text
from quizapp.interview.report import to_markdown
from quizapp.interview.session import InterviewSession, load_report
from quizapp.srs import Scheduler
from quizapp.store import Store
from quizapp.store.interviews import InterviewStore
from quizapp.sync import sync_path

REPO = Path(__file__).resolve().parents[1]

GOOD_ANSWERS = {
    "zero-init": "All hidden units stay identical units with the same gradient; random initialisation breaks it.",
    "he-init": "Variance 2 over fan_in.",
    "adam": "",  # answered aloud
    "momentum": "A velocity accumulates past gradients and damps oscillations.",
}


def interview(store: Store, clock, **kwargs) -> InterviewSession:
    session = InterviewSession(store, Scheduler(), clock=clock, seconds_per_question=180, **kwargs)
    assert session.start() == kwargs.get("questions", 4)
    return session


def test_a_whole_interview_keeps_answers_records_reviews_and_reports(store: Store, interview_deck: Path, clock):
    sync_path(store, interview_deck)
    session = interview(store, clock, questions=4, seed=7)
    assert sorted(c["id"] for c in session.cards) == ["adam", "he-init", "momentum", "zero-init"]
    topics = [c["topic"] for c in session.cards]
    assert sorted(topics[:2]) == ["Initialization", "Optimizers"]  # both topics before either twice
    ratings = {}
    while (card := session.ask()) is not None:
        clock.advance(seconds=40)
        answered = session.answer(GOOD_ANSWERS[card["id"]], 40)
        if card["id"] == "zero-init":
            assert answered.suggested == [True, True]
            assert answered.follow_up == "Is a zero bias a problem too?"
            assert session.suggested_rating(answered.suggested) == 4  # all points in 40 s of 180: Easy
            session.answer_follow_up("No, the weights already differ.", 12)
            rating = 3  # the learner confirms Good instead
        elif card["id"] == "he-init":
            assert answered.suggested == [True, False]
            ticks = [True, True]  # the learner did say it; ticks the second point
            rating = session.suggested_rating(ticks)
            assert rating == 4
        elif card["id"] == "adam":
            assert answered.aloud and answered.suggested == [False, False, False]
            session.answer_follow_up("", 5)
            ticks, rating = [True, False, False], 1
        else:
            assert answered.suggested == [True, True]
            rating = 3
        ticks = answered.suggested if card["id"] in ("zero-init", "momentum") else ticks
        review_id = session.confirm(ticks, rating)
        ratings[card["id"]] = (rating, review_id)
    session.finish()

    for card_id, (rating, review_id) in ratings.items():
        reviews = store.reviews_for(card_id)
        assert [(r["id"], r["rating"], r["duration_ms"]) for r in reviews] == [(review_id, rating, 40000)]
        assert store.card(card_id)["reps"] == 1  # the schedule moved, as after any review

    report = load_report(store)
    assert report.interview_id == session.interview_id and report.scheduled
    by_id = {q.card_id: q for q in report.questions}
    assert (by_id["zero-init"].covered, by_id["zero-init"].total) == (2, 2)
    assert by_id["he-init"].covered == 2 and by_id["adam"].covered == 1 and by_id["adam"].aloud
    assert by_id["adam"].missed == ("per-parameter step size from the second moment",
                                    "bias correction of both averages in early steps")
    assert report.study_list == ["adam"]
    assert report.readiness == {"Initialization": 1.0, "Optimizers": (1 / 3 + 1) / 2}
    assert abs(report.score - (1 + 1 + 1 / 3 + 1) / 4) < 1e-9
    stored = InterviewStore(store).questions([session.interview_id])
    assert [q["follow_up_answer"] for q in stored if q["card_id"] == "zero-init"] == [
        "No, the weights already differ."]
    markdown = to_markdown(report)
    assert "**Overall score: 83%** (your first scored interview)" in markdown
    assert "- **How does Adam work?** (`adam`)\n  - per-parameter step size from the second moment" in markdown


def test_the_report_compares_with_earlier_interviews(store: Store, interview_deck: Path, clock):
    sync_path(store, interview_deck)
    everything = ("moving average of gradients, momentum; per-parameter step size from the second moment; "
                  "bias correction of both averages in early steps; velocity accumulates past gradients and "
                  "damps oscillations")  # every point of both Optimizers cards
    for answer_text in ("", everything):
        session = interview(store, clock, questions=1, topic="Optimizers", seed=3, schedule=False)
        session.ask()
        answered = session.answer(answer_text, 10)
        session.confirm(answered.suggested, 3)
        session.finish()
        clock.advance(days=1)
    report = load_report(store)
    assert [p.score for p in report.previous] == [0.0] and report.score == 1.0
    assert "up 100 points on the last interview (0%)" in to_markdown(report)
    assert store.review_count() == 0  # --no-schedule: interviews kept, schedule untouched
    assert len(InterviewStore(store).interviews()) == 2


def test_interviews_prefer_cards_never_asked_before(store: Store, interview_deck: Path, clock):
    sync_path(store, interview_deck)
    asked = []
    for seed in range(4):
        session = interview(store, clock, questions=1, seed=seed, schedule=False)
        card = session.ask()
        session.confirm(session.answer("", 5).suggested, 3)
        asked.append(card["id"])
    assert len(set(asked)) >= 3  # a never-asked card weighs more than one asked already


def test_synonyms_reach_the_store_and_a_bad_entry_names_its_line(store: Store, interview_deck: Path):
    sync_path(store, interview_deck)
    assert store.card("zero-init")["synonyms"] == {"symmetry": ["identical units", "same gradient"]}
    assert store.card("he-init")["synonyms"] == {}
    text = ("## Q?\n\n```meta\nid: q\nsynonyms:\n  relu: [rectifier]\n  gelu: {a: b}\n```\n\n### Answer\n\nA.\n\n"
            "#### Key points\n\n- relu\n")
    cards, problems = parse_text(text, "deck.md")
    assert cards == [] and [str(p) for p in problems] == [
        "deck.md:7: error: bad synonyms for 'gelu': give a text or a list of texts"]
    _, problems = parse_text(text.replace("  relu: [rectifier]\n  gelu: {a: b}\n", "").replace(
        "synonyms:\n", "synonyms: [a, b]\n"), "deck.md")
    assert [p.line for p in problems] == [5] and "synonyms must map a term" in problems[0].message
    cards, problems = parse_text(text.replace("  gelu: {a: b}\n", "  dropout: inverted dropout\n"), "deck.md")
    assert not problems and cards[0].synonym_map == {"relu": ["rectifier"], "dropout": ["inverted dropout"]}


def test_a_killed_interview_keeps_every_answered_question(tmp_path: Path, interview_deck: Path):
    db = tmp_path / "killed.db"
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pathlib import Path
        from quizapp.store import Store
        from quizapp.srs import Scheduler
        from quizapp.sync import sync_path
        from quizapp.interview.session import InterviewSession
        store = Store(Path({str(db)!r}))
        sync_path(store, Path({str(interview_deck)!r}))
        session = InterviewSession(store, Scheduler(), questions=4, seed=5)
        session.start()
        for rating in (3, 1):
            session.ask()
            answered = session.answer("gradients velocity symmetry", 30)
            session.confirm(answered.suggested, rating)
        session.ask()
        session.answer("answered, then killed at the checklist", 20)
        print(session.interview_id, flush=True)
        time.sleep(60)
    """)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        interview_id = int(child.stdout.readline().strip())
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    store = Store(db)
    try:
        report = load_report(store, interview_id)
        assert [q.confirmed for q in report.questions] == [True, True, False]
        assert [q.rating for q in report.questions] == [3, 1, None]
        assert [q.seconds_used for q in report.questions] == [30, 30, 20]
        assert [r["rating"] for r in store.db["reviews"].rows_where(order_by="id")] == [3, 1]
        assert "not confirmed" in to_markdown(report)
    finally:
        store.close()



def test_ticks_suggest_a_rating_all_fast_easy_all_good_most_hard_few_again():
    from quizapp.interview.scoring import suggest_rating

    assert suggest_rating(4, 4, 60, 180) == 4  # all points, in a third of the time
    assert suggest_rating(4, 4, 120, 180) == 3  # all points
    assert suggest_rating(4, 4, 400, 180) == 3  # all points, over time: still Good
    assert suggest_rating(3, 4, 30, 180) == 2 and suggest_rating(2, 4, 30, 180) == 2  # most
    assert suggest_rating(1, 4, 30, 180) == 1 and suggest_rating(0, 4, 30, 180) == 1  # few
    assert suggest_rating(0, 0, 30, 180) is None  # nothing to judge by
