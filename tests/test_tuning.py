"""Parameters in force: optimizing a real database adopts and replays, a worse fit changes nothing,
revert restores, pasted parameters are checked, and home's nudge counts new reviews."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.history_io import import_history
from quizapp.srs import Scheduler, Settings
from quizapp.srs.optimize import NotEnoughHistory
from quizapp.srs.parameters import DEFAULT_PARAMETERS, format_parameters
from quizapp.srs.replay import replay_reviews
from quizapp.srs.simulate import START, TRUE_PARAMETERS, simulate_history
from quizapp.srs.tuning import NUDGE_AFTER, paste, revert, run_optimization, should_nudge
from quizapp.store import Store, StoreError
from quizapp.store.parameter_sets import ParameterSets
from quizapp.sync import sync_path
from quizapp.timeutil import to_iso

CARDS = 150


def make_db(tmp_path: Path, days: int, cards: int = CARDS) -> tuple[Store, object]:
    """A real database holding `cards` cards and `days` of a simulated learner's reviews; returns (store, now)."""
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "cards.md").write_text("".join(f"## Question {i}?\n\n```meta\nid: c{i}\n```\n\n### Answer\n\nAnswer {i}.\n\n"
                                           for i in range(cards)), encoding="utf-8")
    store = Store(tmp_path / "quiz.db")
    sync_path(store, deck)
    reviews = simulate_history([f"c{i}" for i in range(cards)], days)
    now = START + timedelta(days=days + 1)
    csv = "card_id,review_rating,review_time,review_duration\n" + "".join(
        f"{r.card_id},{r.rating},{to_iso(r.reviewed_at)},{r.duration_ms}\n" for r in reviews)
    import_history(store, Scheduler(Settings.from_store(store.setting)), csv, now)
    return store, now


def states(store: Store) -> dict[str, dict]:
    return {f"c{i}": store.schedule_state(f"c{i}") for i in range(CARDS)}


def test_adopting_replays_every_card_with_the_new_parameters(tmp_path: Path):
    store, now = make_db(tmp_path, 200)
    before = states(store)
    assert should_nudge(store) is not None  # thousands of reviews and never optimized
    outcome = run_optimization(store, Settings.from_store(store.setting), now)
    change = outcome.change
    assert change is not None, outcome.optimization.decision.reason
    settings = Settings.from_store(store.setting)
    assert settings.parameters == change.parameters != DEFAULT_PARAMETERS
    fresh = Scheduler(settings)
    moved = 0
    for card_id, old in before.items():
        stored = store.reviews_for(card_id)
        rows, final = replay_reviews(fresh, card_id, [{"rating": r["rating"], "reviewed_at": r["reviewed_at"]}
                                                      for r in stored])
        assert store.schedule_state(card_id) == final  # the state equals a fresh replay with the new set
        assert [r["state_after"] for r in stored] == [r["state_after"] for r in rows]
        moved += old["due"] != final["due"]
    assert change.cards_moved == moved > 0 and change.cards_replayed == CARDS
    active = ParameterSets(store).active()
    assert active.source == "optimized" and active.scores["set"]["log_loss"] < active.scores["current"]["log_loss"]
    assert should_nudge(store) is None  # just optimized

    # revert: the defaults and every state exactly as before
    target, back = revert(store, settings, now)
    assert target.source == "default" and target.parameters == DEFAULT_PARAMETERS
    assert Settings.from_store(store.setting).parameters == DEFAULT_PARAMETERS
    assert states(store) == before and back.cards_moved == moved
    with pytest.raises(StoreError, match="no earlier parameter set"):
        revert(store, Settings.from_store(store.setting), now)
    store.close()


def test_a_worse_fit_is_kept_on_record_but_changes_nothing(tmp_path: Path):
    store, now = make_db(tmp_path, 200)
    true = format_parameters(TRUE_PARAMETERS)
    pasted = paste(store, Settings.from_store(store.setting), true, now)  # the learner's true parameters in force
    # scored on the whole history against the defaults that were in force: the truth predicts better
    assert pasted.scores["set"]["log_loss"] < pasted.scores["current"]["log_loss"]
    assert ParameterSets(store).active().scores == pasted.scores
    settings = Settings.from_store(store.setting)
    before = states(store)
    outcome = run_optimization(store, settings, now)
    assert outcome.change is None and not outcome.optimization.decision.adopt
    assert states(store) == before
    assert Settings.from_store(store.setting).parameters == settings.parameters
    kept = ParameterSets(store).get(outcome.set_id)
    assert kept.source == "optimized" and not kept.active and "kept the current parameters" in kept.note
    assert ParameterSets(store).active().source == "pasted"
    store.close()


def test_too_short_a_history_is_refused(tmp_path: Path, capsys):
    store, now = make_db(tmp_path, 8, cards=30)
    with pytest.raises(NotEnoughHistory):
        run_optimization(store, Settings.from_store(store.setting), now)
    assert ParameterSets(store).all() == []
    store.close()
    assert main(["--db", str(tmp_path / "quiz.db"), "optimize"]) == 1
    assert "an optimization needs at least 400" in capsys.readouterr().err


def test_cli_pastes_parameters_checks_them_and_reverts(tmp_path: Path, capsys):
    db = str(tmp_path / "quiz.db")
    pasted = "0.3, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835, " \
             "0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.2"
    assert main(["--db", db, "config", "parameters", pasted]) == 0
    assert "pasted" in capsys.readouterr().out
    store = Store(db)
    assert json.loads(store.setting("parameters"))[0] == 0.3
    store.close()
    assert main(["--db", db, "config", "parameters", "1, 2, 3"]) == 2
    assert "expected 21 FSRS-6 parameters, got 3" in capsys.readouterr().err
    assert main(["--db", db, "config", "parameters", pasted.replace("0.2", "0.95")]) == 2
    assert "w[20] = 0.95 is outside 0.1..0.8" in capsys.readouterr().err
    assert main(["--db", db, "optimize", "--revert"]) == 0
    assert "back to parameter set 1 (default" in capsys.readouterr().out
    assert main(["--db", db, "config", "parameters"]) == 0
    assert capsys.readouterr().out.startswith("parameters = 0.2120, 1.2931")


def test_nudge_counts_only_reviews_after_the_last_optimization(tmp_path: Path):
    store, now = make_db(tmp_path, 60, cards=60)
    total = store.review_count()
    assert total < NUDGE_AFTER and should_nudge(store) is None
    assert ParameterSets(store).reviews_since_last_optimization(10_000) == total
    store.close()


def test_cli_optimize_prints_the_table_the_decision_and_the_retention_advice(tmp_path: Path, capsys):
    store, _ = make_db(tmp_path, 200)
    store.close()
    assert main(["--db", str(tmp_path / "quiz.db"), "optimize"]) == 0
    out = capsys.readouterr().out
    assert "log loss  RMSE(bins)" in out and "in force (default)" in out and "fitted" in out
    assert "Adopted: the fitted parameters predicted the later" in out
    assert "Replayed 150 cards: " in out and "due today" in out
    assert "Desired retention: yours is 0.90; the least study time per card remembered comes at 0." in out
    assert main(["--db", str(tmp_path / "quiz.db"), "optimize", "--list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("*") and "optimized" in listing[0] and "default" in listing[2]
