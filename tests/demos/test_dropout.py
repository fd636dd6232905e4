"""The dropout demo: a narrower train/test gap, and dropout off in eval mode."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("dropout", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_curves(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    last: dict[str, dict[str, float]] = {}
    for e in events:
        if e.type == "metric":
            last[e["series"]] = {k: to_number(v) for k, v in e["values"].items()}
    assert set(last) == {"plain", "dropout 0.5"}
    plain, drop = last["plain"], last["dropout 0.5"]
    numbers = verdict["numbers"]
    for name, values in (("plain", plain), ("dropout", drop)):
        assert numbers[f"{name}_train_loss"] == pytest.approx(values["train_loss"])
        assert numbers[f"{name}_test_loss"] == pytest.approx(values["test_loss"])
        assert values["gap"] == pytest.approx(values["test_loss"] - values["train_loss"])
    # the plain net memorized the noise (train far below test); dropout narrowed that gap
    assert plain["train_loss"] < 0.5 * plain["test_loss"]
    assert drop["gap"] <= 0.75 * plain["gap"]
    # and dropout is off in eval mode, on in train mode
    assert numbers["eval_mode_max_difference"] == 0.0 and numbers["train_mode_max_difference"] > 0.0


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("dropout", "--quick", "--json", "--set", "p=1")
    assert code == 2 and "p=" in events[-1]["message"] and "0 to 0.9" in events[-1]["message"]
