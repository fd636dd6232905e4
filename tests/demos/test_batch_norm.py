"""The batch-norm demo: the plain net fails at the high rate, the batch-norm net learns; modes differ."""

from __future__ import annotations

import math

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("batch_norm", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_curves(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    curves: dict[str, list[tuple[int, dict[str, float]]]] = {}
    for e in events:
        if e.type == "metric":
            curves.setdefault(e["series"], []).append((e["step"], {k: to_number(v) for k, v in e["values"].items()}))
    low, high, bn = "plain, lr=0.03", "plain, lr=0.5", "batch norm, lr=0.5"
    assert set(curves) == {low, high, bn}
    numbers = verdict["numbers"]
    assert numbers["plain_low_lr_acc"] == pytest.approx(curves[low][-1][1]["acc"])
    assert numbers["batch_norm_high_lr_acc"] == pytest.approx(curves[bn][-1][1]["acc"])
    assert curves[low][-1][1]["acc"] >= 0.9 and curves[bn][-1][1]["acc"] >= 0.9
    # the plain net at the high rate: its curve ends in a non-finite loss, or it stays near chance
    step, last = curves[high][-1]
    if numbers["plain_high_lr_diverged_at_step"] > 0:
        assert step == numbers["plain_high_lr_diverged_at_step"] and not math.isfinite(last["loss"])
    else:
        assert last["acc"] < 0.5
    assert numbers["train_vs_eval_max_difference"] > 1e-3
    assert numbers["train_mode_batchmate_difference"] > 0 and numbers["eval_mode_batchmate_difference"] == 0


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("batch_norm", "--quick", "--json", "--set", "depth=50")
    assert code == 2 and "depth" in events[-1]["message"] and "1 to 20" in events[-1]["message"]
