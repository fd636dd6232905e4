"""The rnn_vs_lstm demo runs, and its verdict agrees with the metrics it streamed."""

from __future__ import annotations

import pytest

from demos.protocol import to_number
from tests.demos._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("rnn_vs_lstm", "--quick", "--json", "--device", "cpu")


def test_runs_and_passes(result):
    code, events, stderr = result
    passed_verdict(code, events, stderr)
    assert events[0]["cards"] == ["rnn-what-is", "lstm-how-it-works"]


def test_verdict_matches_metrics(result):
    _, events, _ = result
    final = {}
    steps = {}
    for m in (e for e in events if e.type == "metric"):
        if "mse" in m["values"]:
            final[m["series"]] = m["values"]["mse"]
        steps[m["series"]] = m["step"]
    assert set(final) == {"rnn", "lstm"}
    assert steps["rnn"] == steps["lstm"]  # same number of training steps
    numbers = next(e for e in events if e.type == "verdict")["numbers"]
    assert numbers["rnn_mse"] == pytest.approx(final["rnn"])
    assert numbers["lstm_mse"] == pytest.approx(final["lstm"])
    baseline = numbers["baseline_mse"]
    assert 0.12 < baseline < 0.22  # Var(U1 + U2) = 2/12 ~ 0.167
    assert final["lstm"] < 0.05 and final["lstm"] < 0.3 * baseline
    assert final["rnn"] >= 0.75 * baseline


def test_too_few_steps_for_the_lstm_is_reported_honestly():
    from ._knobs import assert_rejects

    rc, events, stderr = run_demo("rnn_vs_lstm", "--quick", "--json", "--device", "cpu", "--set", "steps=20")
    assert rc == 0, stderr
    verdict = next(e for e in events if e.type == "verdict")
    lstm = [to_number(e["values"]["mse"]) for e in events if e.type == "metric" and e["series"] == "lstm"
            and "mse" in e["values"]]
    assert lstm[-1] >= 0.05  # recomputed: 20 steps are not enough for the LSTM either
    assert verdict["passed"] is False and "With steps=20" in verdict["summary"]
    assert "not shown at these settings" in verdict["summary"]
    assert_rejects("rnn_vs_lstm", "seq_len=5", "from 12 to 200")
