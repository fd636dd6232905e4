"""The logistic_regression demo runs, and its verdict agrees with the metrics it streamed."""

from __future__ import annotations

import pytest

from tests.demos._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("logistic_regression", "--quick", "--json", "--device", "cpu")


def test_runs_and_passes(result):
    code, events, stderr = result
    passed_verdict(code, events, stderr)
    assert events[0]["cards"] == ["logistic-regression"]


def test_verdict_matches_metrics(result):
    _, events, _ = result
    metrics = [e for e in events if e.type == "metric"]
    final = {}
    for m in metrics:
        if "acc" in m["values"]:
            final[m["series"]] = m["values"]["acc"]
    assert set(final) == {"logreg blobs", "logreg moons", "mlp moons"}
    numbers = next(e for e in events if e.type == "verdict")["numbers"]
    assert numbers["logreg_blobs_acc"] == pytest.approx(final["logreg blobs"])
    assert numbers["logreg_moons_acc"] == pytest.approx(final["logreg moons"])
    assert numbers["mlp_moons_acc"] == pytest.approx(final["mlp moons"])
    assert numbers["moons_gap"] == pytest.approx(final["mlp moons"] - final["logreg moons"])
    # the decision itself, recomputed from the streamed metrics
    assert final["logreg blobs"] >= 0.9
    assert final["mlp moons"] >= 0.95
    assert final["mlp moons"] - final["logreg moons"] >= 0.08


def test_probability_heatmaps(result):
    _, events, _ = result
    labels = {e["label"] for e in events if e.type == "matrix"}
    assert {"logreg blobs P(y=1)", "logreg moons P(y=1)", "mlp moons P(y=1)"} <= labels


def test_overlapping_blobs_are_not_separable_and_the_verdict_says_so():
    from ._knobs import assert_rejects

    code, events, stderr = run_demo("logistic_regression", "--quick", "--json", "--device", "cpu",
                                    "--set", "blob_std=2.5")
    assert code == 0, stderr
    blobs = [e["values"]["acc"] for e in events if e.type == "metric" and e["series"] == "logreg blobs"]
    assert blobs[-1] < 0.9  # recomputed: heavily overlapping blobs defeat any line
    verdict = next(e for e in events if e.type == "verdict")
    assert verdict["passed"] is False and verdict["numbers"]["logreg_blobs_acc"] == pytest.approx(blobs[-1])
    assert "With blob_std=2.5" in verdict["summary"] and "not shown at these settings" in verdict["summary"]
    assert_rejects("logistic_regression", "lr=0", "from 0.0001 to 10")
