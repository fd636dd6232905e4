"""The xor demo runs, and its verdict agrees with the metrics it streamed."""

from __future__ import annotations

import pytest

from tests.demos._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("xor", "--quick", "--json", "--device", "cpu")


def test_runs_and_passes(result):
    code, events, stderr = result
    passed_verdict(code, events, stderr)
    assert events[0]["cards"] == ["multilayer-perceptron", "activation-function-role"]


def test_verdict_matches_metrics(result):
    _, events, _ = result
    metrics = [e for e in events if e.type == "metric"]
    by_series = {s: [m for m in metrics if m["series"] == s] for s in ("perceptron", "linear stack", "mlp")}
    for series, lines in by_series.items():
        assert lines, f"no metric lines for {series}"
    numbers = next(e for e in events if e.type == "verdict")["numbers"]

    # the running best is streamed with every line; the verdict quotes the last one
    for series, key in (("perceptron", "perceptron_best_acc"), ("linear stack", "linear_stack_best_acc")):
        lines = by_series[series]
        assert numbers[key] == pytest.approx(lines[-1]["values"]["best_acc"])
        assert max(m["values"]["acc"] for m in lines) <= numbers[key] + 1e-9
        assert numbers[key] <= 0.75
    assert numbers["mlp_final_acc"] == pytest.approx(by_series["mlp"][-1]["values"]["acc"])
    assert numbers["mlp_final_acc"] == 1.0


def test_decision_region_heatmaps(result):
    _, events, _ = result
    labels = [e["label"] for e in events if e.type == "matrix"]
    for kind in ("perceptron", "linear stack", "mlp"):
        assert f"{kind} decision region" in labels
    for e in events:
        if e.type == "matrix":
            data = e["data"]
            assert len(data) <= 32 and all(len(row) <= 32 for row in data)
            assert all(0.0 <= v <= 1.0 for row in data for v in row)


def test_xor_without_an_activation_the_mlp_stays_linear_and_the_verdict_says_so():
    from ._knobs import assert_rejects

    code, events, stderr = run_demo("xor", "--quick", "--json", "--device", "cpu", "--set", "activation=none")
    assert code == 0, stderr
    mlp = [e["values"]["acc"] for e in events if e.type == "metric" and e["series"] == "mlp"]
    assert max(mlp) <= 0.75  # recomputed: a stack of linear layers is still a line
    verdict = next(e for e in events if e.type == "verdict")
    assert verdict["passed"] is False
    assert "With activation=none" in verdict["summary"] and "not shown at these settings" in verdict["summary"]
    assert_rejects("xor", "activation=swish", "one of tanh, relu, sigmoid, none")
    assert_rejects("xor", "hidden=0", "from 1 to 64")
