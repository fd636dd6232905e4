"""The loss_functions demo: from a confidently wrong start cross-entropy recovers and MSE stalls."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def test_cross_entropy_recovers_mse_stalls():
    rc, events, stderr = run_demo("loss_functions", "--quick", "--json", "--device", "cpu")
    verdict = passed_verdict(rc, events, stderr)
    numbers = verdict["numbers"]
    curves: dict[str, list[tuple[int, dict]]] = {}
    for e in events:
        if e.type == "metric":
            curves.setdefault(e["series"], []).append((e["step"], {k: to_number(v) for k, v in e["values"].items()}))
    ce, mse = curves["cross-entropy"], curves["MSE on probabilities"]
    assert ce[0][0] == mse[0][0] == 0 and ce[-1][0] == mse[-1][0] == 150
    # same start: same accuracy, confidently wrong
    assert ce[0][1]["accuracy"] == mse[0][1]["accuracy"] == numbers["start_accuracy"] < 0.5
    assert numbers["final_accuracy_ce"] == pytest.approx(ce[-1][1]["accuracy"])
    assert numbers["final_accuracy_mse"] == pytest.approx(mse[-1][1]["accuracy"])
    assert numbers["start_grad_norm_ce"] == pytest.approx(ce[0][1]["grad_norm"])
    assert numbers["start_grad_norm_mse"] == pytest.approx(mse[0][1]["grad_norm"])
    # The claim, from the curves: CE's start gradient is far larger, CE recovers, MSE stays wrong.
    assert ce[0][1]["grad_norm"] >= 10 * mse[0][1]["grad_norm"]
    assert ce[-1][1]["accuracy"] >= 0.9 and mse[-1][1]["accuracy"] < 0.5
    assert mse[-1][1]["loss"] > 0.9 * mse[0][1]["loss"]  # MSE's loss barely moved
    first_90 = next(step for step, v in ce if v["accuracy"] >= 0.9)
    assert first_90 == numbers["ce_step_to_90"]  # the quick run streams every step


def test_bad_knob_exits_2():
    rc, events, _ = run_demo("loss_functions", "--quick", "--json", "--set", "lr=0")
    assert rc == 2 and "lr" in events[-1]["message"] and "0.0001 to 10" in events[-1]["message"]
