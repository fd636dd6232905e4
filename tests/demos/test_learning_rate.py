"""The learning-rate demo runs, passes, and its verdict matches its own loss curves."""

from __future__ import annotations

import math

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=1e-9)


def test_learning_rate_quick() -> None:
    rc, events, stderr = run_demo("learning_rate", "--quick", "--json", "--device", "cpu")
    verdict = passed_verdict(rc, events, stderr)
    numbers = {k: to_number(v) for k, v in verdict["numbers"].items()}

    curves: dict[str, list[tuple[int, float]]] = {}
    for e in events:
        if e.type == "metric":
            curves.setdefault(e["series"], []).append((e["step"], to_number(e["values"]["loss"])))
    assert set(curves) == {"lr=0.001", "lr=0.1", "lr=1"}
    final = {name: points[-1][1] for name, points in curves.items()}
    start = curves["lr=0.1"][0]
    assert start[0] == 0 and all(points[0] == start for points in curves.values())  # same model, same start

    assert _same(numbers["start_loss"], start[1])
    assert _same(numbers["final_loss_low"], final["lr=0.001"])
    assert _same(numbers["final_loss_good"], final["lr=0.1"])
    assert _same(numbers["final_loss_high"], final["lr=1"])
    # The claim, recomputed from the curves.
    assert final["lr=0.001"] > 10 * final["lr=0.1"]
    assert final["lr=0.1"] < 0.05 * start[1]
    assert not math.isfinite(final["lr=1"]) or final["lr=1"] > start[1]


def test_learning_rate_knobs_make_an_honest_verdict() -> None:
    """With a 'high' rate that cannot diverge, the run says the claim was not shown at these settings."""
    rc, events, stderr = run_demo("learning_rate", "--quick", "--json", "--device", "cpu", "--set", "high=0.05")
    assert rc == 0, stderr
    assert events[0]["params"]["high"] == 0.05
    verdict = [e for e in events if e.type == "verdict"][0]
    final_high = [to_number(e["values"]["loss"]) for e in events if e.type == "metric" and e["series"] == "lr=0.05"][-1]
    start = to_number(verdict["numbers"]["start_loss"])
    assert final_high < start  # it did not diverge ...
    assert verdict["passed"] is False  # ... so the claim is not shown
    assert "not shown at these settings" in verdict["summary"] and "high=0.05" in verdict["summary"]


def test_learning_rate_rejects_a_bad_knob() -> None:
    rc, events, _ = run_demo("learning_rate", "--quick", "--json", "--set", "high=50")
    assert rc == 2
    assert events[-1].type == "error" and "high" in events[-1]["message"] and "1e-06 to 10" in events[-1]["message"]
    rc, events, _ = run_demo("learning_rate", "--quick", "--json", "--set", "nope=1")
    assert rc == 2 and "unknown parameter 'nope'" in events[-1]["message"]
