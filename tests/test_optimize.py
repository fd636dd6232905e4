"""Fitting FSRS-6 to a history: items, scores, the fit against known true parameters, the decision."""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import numpy as np
import pytest

from quizapp.srs.optimize import (Item, NotEnoughHistory, Scores, auc, build_items, decide, histories_from, log_loss,
                                  optimize, predict, rmse_bins, score, split_by_time)
from quizapp.srs.parameters import DEFAULT_PARAMETERS, parse_parameters, validate
from quizapp.srs.simulate import TRUE_PARAMETERS, recall_probability, simulate_history

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@lru_cache(maxsize=None)
def simulated(cards: int, days: int) -> dict:
    reviews = simulate_history([f"c{i}" for i in range(cards)], days)
    return histories_from((r.card_id, r.rating, r.reviewed_at) for r in reviews)


def test_items_predict_reviews_a_day_or_more_apart_with_the_history_before_them():
    history = {"a": [(3, T0), (3, T0 + timedelta(minutes=10)), (1, T0 + timedelta(days=2, hours=1)),
                     (3, T0 + timedelta(days=2, hours=1, minutes=10)), (3, T0 + timedelta(days=9))]}
    items = build_items(history)
    assert [(i.ratings, i.delta_t) for i in items] == [
        ((3, 3, 1), (0, 0, 2)),
        ((3, 3, 1, 3, 3), (0, 0, 2, 0, 6)),
    ]
    assert [i.recalled for i in items] == [False, True]
    assert items[1].lapses == 1  # the Again two days in counts; same-day ratings would not


def test_split_by_time_puts_every_later_review_in_the_test_part():
    history = {f"c{i}": [(3, T0 + timedelta(days=i)), (3, T0 + timedelta(days=i + 3))] for i in range(10)}
    train, test = split_by_time(build_items(history), 0.2)
    assert len(train) == 8 and len(test) == 2
    assert max(i.at for i in train) < min(i.at for i in test)


def test_predictions_follow_the_fsrs6_forgetting_curve():
    item = Item((3, 3), (0, 5), T0)
    import fsrs_rs_python as rs

    stability = rs.FSRS(list(DEFAULT_PARAMETERS)).memory_state(rs.FSRSItem([rs.FSRSReview(3, 0)])).stability
    assert predict(DEFAULT_PARAMETERS, [item])[0] == pytest.approx(
        recall_probability(DEFAULT_PARAMETERS, stability, 5))
    assert recall_probability(DEFAULT_PARAMETERS, 7.0, 7.0) == pytest.approx(0.9)  # R(S) = 90% by definition


def test_auc_equals_the_share_of_correctly_ordered_pairs():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 40).astype(float)
    p = np.round(rng.random(40), 1)  # rounding makes ties, which count half
    pairs = [(a, b) for a, b in itertools.product(range(40), repeat=2) if y[a] == 1 and y[b] == 0]
    expected = sum(1.0 if p[a] > p[b] else 0.5 if p[a] == p[b] else 0.0 for a, b in pairs) / len(pairs)
    assert auc(y, p) == pytest.approx(expected)
    assert auc(np.ones(3), np.array([0.1, 0.5, 0.9])) is None


def test_log_loss_and_rmse_bins_by_hand():
    y, p = np.array([1.0, 0.0]), np.array([0.8, 0.4])
    assert log_loss(y, p) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)
    # two reviews in the same bin (same elapsed-days bin, review number, no lapses): one group
    same = [Item((3, 3), (0, 4), T0), Item((3, 3), (0, 5), T0)]
    assert rmse_bins(same, y, p) == pytest.approx(abs(0.5 - 0.6))
    # far apart in elapsed days: two groups of one, each off by its own error
    apart = [Item((3, 3), (0, 1), T0), Item((3, 3), (0, 100), T0)]
    assert rmse_bins(apart, y, p) == pytest.approx(math.sqrt((0.2 ** 2 + 0.4 ** 2) / 2))


def test_each_prediction_agrees_with_fsrs_rs_own_evaluation():
    """fsrs-rs weights items by recency when it averages, so compare review by review."""
    import fsrs_rs_python as rs

    model = rs.FSRS(list(DEFAULT_PARAMETERS))
    for item in build_items(simulated(60, 120))[::25]:
        ours = score(DEFAULT_PARAMETERS, [item]).log_loss
        assert ours == pytest.approx(model.evaluate([item.fsrs_item()]).log_loss, rel=1e-4)


def test_fit_on_a_simulated_learner_moves_toward_the_true_parameters_and_predicts_held_out_reviews_better():
    result = optimize(simulated(300, 250), DEFAULT_PARAMETERS)
    fitted, true, default = (np.array(v) for v in (result.fitted_parameters, TRUE_PARAMETERS, DEFAULT_PARAMETERS))
    assert np.linalg.norm(fitted - true) < 0.5 * np.linalg.norm(default - true)
    # the initial stabilities (how long a first answer lasts) move the whole way from the defaults' side
    assert np.all(np.abs(fitted[:3] - true[:3]) < np.abs(default[:3] - true[:3]))
    assert result.fitted.log_loss < result.current.log_loss
    assert result.fitted.rmse_bins < result.current.rmse_bins
    assert result.decision.adopt and result.adopted_parameters is not None
    assert len(result.adopted_parameters) == 21 and result.adopted_parameters != result.fitted_parameters


def test_a_fit_that_does_not_beat_the_parameters_in_force_is_not_adopted():
    result = optimize(simulated(150, 200), TRUE_PARAMETERS)  # nothing can predict better than the truth
    assert not result.decision.adopt and result.adopted_parameters is None
    assert "kept the current parameters" in result.decision.reason


def test_decide_needs_both_lower_log_loss_and_no_worse_rmse():
    now = Scores(0.35, 0.05, 0.6, 500)
    assert decide(now, Scores(0.34, 0.05, 0.6, 500)).adopt
    worse_rmse = decide(now, Scores(0.34, 0.06, 0.6, 500))
    assert not worse_rmse.adopt and "RMSE(bins) 0.0600 is above the current 0.0500" in worse_rmse.reason
    assert not decide(now, Scores(0.35, 0.04, 0.6, 500)).adopt


def test_too_short_a_history_is_refused_with_the_counts():
    with pytest.raises(NotEnoughHistory, match=r"only \d+ reviews so far; an optimization needs at least 400"):
        optimize(simulated(20, 10), DEFAULT_PARAMETERS)


def test_pasted_parameters_are_checked():
    text = ", ".join(str(w) for w in DEFAULT_PARAMETERS)
    assert parse_parameters(text) == DEFAULT_PARAMETERS
    assert parse_parameters("[" + text.replace(", ", " ") + "]") == DEFAULT_PARAMETERS
    with pytest.raises(ValueError, match="expected 21 FSRS-6 parameters, got 19 \\(FSRS-5 had 19"):
        parse_parameters(", ".join(str(w) for w in DEFAULT_PARAMETERS[:19]))
    with pytest.raises(ValueError, match=r"parameter 3 \('x'\) is not a number"):
        parse_parameters("1, 2, x")
    with pytest.raises(ValueError, match=r"w\[20\] = 0.9 is outside 0.1..0.8"):
        validate(DEFAULT_PARAMETERS[:20] + (0.9,))
    with pytest.raises(ValueError, match=r"w\[0\] = nan is not a finite number"):
        validate((float("nan"),) + DEFAULT_PARAMETERS[1:])
