"""The gradient_descent demo: creep in the bowl, zig-zag in the valley, escape from the saddle, per its metrics."""

from __future__ import annotations

import math

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def test_paths_creep_zigzag_and_escape():
    rc, events, stderr = run_demo("gradient_descent", "--quick", "--json", "--device", "cpu")
    numbers = passed_verdict(rc, events, stderr)["numbers"]
    curves: dict[str, list[dict]] = {}
    for e in events:
        if e.type == "metric":
            curves.setdefault(e["series"], []).append({k: to_number(v) for k, v in e["values"].items()})
    assert set(curves) == {f"{s} lr={lr}" for s in ("bowl", "valley", "saddle") for lr in ("0.01", "0.09")}
    # bowl: loss = r^2 / 2, so the fraction of the distance left is sqrt(loss_end / loss_start)
    left = {lr: math.sqrt(curves[f"bowl lr={lr}"][-1]["loss"] / curves[f"bowl lr={lr}"][0]["loss"])
            for lr in ("0.01", "0.09")}
    assert numbers["bowl_small_fraction_left"] == pytest.approx(left["0.01"])
    assert numbers["bowl_large_fraction_left"] == pytest.approx(left["0.09"])
    assert left["0.01"] > 0.3 and left["0.09"] < 0.01

    def flip_rate(series: str) -> float:
        ys = [p["valley_y"] for p in curves[series]]
        return sum(a * b < 0 for a, b in zip(ys, ys[1:])) / (len(ys) - 1)

    assert numbers["valley_large_sign_flip_rate"] == pytest.approx(flip_rate("valley lr=0.09"))
    assert flip_rate("valley lr=0.09") >= 0.5 and flip_rate("valley lr=0.01") == 0
    saddle_small = abs(curves["saddle lr=0.01"][-1]["saddle_y"])
    saddle_large = abs(curves["saddle lr=0.09"][-1]["saddle_y"])
    assert numbers["saddle_small_final_abs_y"] == pytest.approx(saddle_small)
    assert saddle_large > 0.5 > saddle_small
    # the minima lie below the saddle's level (0); the small step is still above it
    assert curves["saddle lr=0.09"][-1]["loss"] < 0 < curves["saddle lr=0.01"][-1]["loss"]

    matrices = [e for e in events if e.type == "matrix"]
    assert len(matrices) == 6
    for m in matrices:  # each path is marked on its 24x24 surface
        assert len(m["data"]) == 24 and all(len(row) == 24 for row in m["data"])
        assert any(v == "nan" for row in m["data"] for v in row)


def test_bad_knob_exits_2():
    rc, events, _ = run_demo("gradient_descent", "--quick", "--json", "--set", "steps=1")
    assert rc == 2 and "steps" in events[-1]["message"] and "5 to 2000" in events[-1]["message"]
