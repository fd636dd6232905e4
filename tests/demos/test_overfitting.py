"""The overfitting demo: underfitting, a validation minimum then a rise, and weight decay's narrower gap."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("overfitting", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_curves(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    curves: dict[str, list[tuple[int, float, float]]] = {}
    for e in events:
        if e.type == "metric":
            v = e["values"]
            curves.setdefault(e["series"], []).append((e["step"], to_number(v["train_loss"]), to_number(v["val_loss"])))
    small, large, decayed = "small (2)", "large (128)", "large + weight decay 3"
    assert set(curves) == {small, large, decayed}
    numbers = verdict["numbers"]
    epochs = numbers["epochs"]
    # the best epoch is streamed, so early stopping's choice can be read off the curve
    best_epoch, _, best_val = min(curves[large], key=lambda p: p[2])
    assert numbers["large_best_epoch"] == best_epoch and numbers["large_best_val_loss"] == pytest.approx(best_val)
    for key, series in (("small", small), ("large", large), ("decay", decayed)):
        step, train, val = curves[series][-1]
        assert step == epochs
        assert numbers[f"{key}_train_loss"] == pytest.approx(train) and numbers[f"{key}_val_loss"] == pytest.approx(val)
    final = {s: curves[s][-1] for s in curves}
    assert final[small][1] >= 2.5 * final[large][1]                         # too little capacity: underfits
    assert best_epoch < epochs // 2 and final[large][2] >= 1.15 * best_val   # validation bottoms out, then rises
    gap = {s: final[s][2] - final[s][1] for s in curves}
    assert gap[decayed] <= 0.75 * gap[large]                                 # weight decay narrows the gap


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("overfitting", "--quick", "--json", "--set", "weight_decay=-1")
    assert code == 2 and "weight_decay" in events[-1]["message"] and "0 to 50" in events[-1]["message"]
