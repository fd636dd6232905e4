"""The weight-init demo runs, passes, and its verdict matches its own metrics."""

from __future__ import annotations

import math

from demos.protocol import to_number

from ._knobs import assert_rejects
from ._run import passed_verdict, run_demo


def test_weight_init_quick() -> None:
    rc, events, stderr = run_demo("weight_init", "--quick", "--json", "--device", "cpu")
    verdict = passed_verdict(rc, events, stderr)
    numbers = {k: to_number(v) for k, v in verdict["numbers"].items()}

    series: dict[str, list[dict[str, float]]] = {}
    for e in events:
        if e.type == "metric":
            series.setdefault(e["series"], []).append({k: to_number(v) for k, v in e["values"].items()})
    assert set(series) == {"zero", "N(0, 0.01)", "Xavier", "He"}
    zero, he = series["zero"], series["He"]
    # Zero init: the hidden units never differ, at any reported step.
    assert all(point["unit_spread"] == 0.0 for point in zero)
    assert he[0]["unit_spread"] > 0
    assert numbers["zero_unit_spread_final"] == zero[-1]["unit_spread"] == 0.0
    assert math.isclose(numbers["zero_loss_start"], zero[0]["loss"], rel_tol=1e-9)
    assert math.isclose(numbers["zero_loss_final"], zero[-1]["loss"], rel_tol=1e-9)
    assert math.isclose(numbers["he_loss_final"], he[-1]["loss"], rel_tol=1e-9)
    assert math.isclose(numbers["xavier_loss_final"], series["Xavier"][-1]["loss"], rel_tol=1e-9)
    # The claim, recomputed: zero's loss is flat, He's ends far lower.
    assert abs(zero[-1]["loss"] - zero[0]["loss"]) <= 0.01 * zero[0]["loss"]
    assert he[-1]["loss"] < 0.25 * zero[-1]["loss"]

    matrices = {e["label"].split(",")[1].strip().split(" ")[0]: e["data"] for e in events if e.type == "matrix"}
    assert set(matrices) == {"zero", "He"}
    assert all(to_number(v) == 0.0 for row in matrices["zero"] for v in row)
    assert any(to_number(v) != 0.0 for row in matrices["He"] for v in row)


def test_weight_init_knobs() -> None:
    """Too few steps for He/Xavier to learn: the verdict says so instead of claiming success."""
    rc, events, stderr = run_demo("weight_init", "--quick", "--json", "--device", "cpu", "--set", "steps=10",
                                  "--set", "lr=0.001")
    assert rc == 0, stderr
    assert events[0]["params"]["steps"] == 10
    verdict = [e for e in events if e.type == "verdict"][0]
    he = [to_number(e["values"]["loss"]) for e in events if e.type == "metric" and e["series"] == "He"]
    zero = [to_number(e["values"]["loss"]) for e in events if e.type == "metric" and e["series"] == "zero"]
    assert he[-1] >= 0.25 * zero[-1]  # He did not get far at these settings ...
    assert verdict["passed"] is False and "not shown at these settings" in verdict["summary"]  # ... and it says so
    assert "steps=10" in verdict["summary"]
    assert_rejects("weight_init", "depth=99", "from 1 to 8")
