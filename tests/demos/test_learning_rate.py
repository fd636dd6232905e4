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
