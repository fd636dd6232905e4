"""The mixed-precision demo: small gradients vanish in fp16, survive with a loss scale, and in bf16."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("mixed_precision", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_metrics(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    last: dict[str, dict[str, float]] = {}
    first: dict[str, dict[str, float]] = {}
    scaled_points = []
    for e in events:
        if e.type == "metric":
            values = {k: to_number(v) for k, v in e["values"].items()}
            first.setdefault(e["series"], values)
            last[e["series"]] = values
            if e["series"] == "fp16 x 65536":
                scaled_points.append(values)
    assert set(last) == {"fp32", "fp16", "fp16 x 65536", "bf16"}
    numbers = verdict["numbers"]
    assert numbers["fp16_flushed"] == pytest.approx(last["fp16"]["flushed"])
    assert numbers["fp16_scaled_flushed"] == pytest.approx(last["fp16 x 65536"]["flushed"])
    assert numbers["fp16_scaled_max_overflowed"] == max(v["overflowed"] for v in scaled_points) == 0
    assert numbers["bf16_flushed"] == pytest.approx(last["bf16"]["flushed"])
    assert numbers["final_median_abs_grad"] == pytest.approx(last["fp32"]["median_abs_grad"])
    # the gradients shrank while the model fitted, and then plain fp16 lost them, the scaled cast and bf16 did not
    assert last["fp32"]["median_abs_grad"] < 1e-3 * first["fp32"]["median_abs_grad"]
    assert first["fp16"]["flushed"] < 0.01 and last["fp16"]["flushed"] >= 0.2
    assert last["fp16 x 65536"]["flushed"] <= 0.01
    assert last["bf16"]["flushed"] <= 0.01
    # the ranges quoted are fp16's and bf16's
    assert numbers["fp16_max"] == 65504.0 and numbers["fp16_smallest_normal"] == pytest.approx(6.1035e-5, rel=1e-4)
    assert numbers["bf16_smallest_normal"] == numbers["fp32_smallest_normal"] == pytest.approx(1.1755e-38, rel=1e-4)
    hist = next(e for e in events if e.type == "matrix")["data"]
    assert len(hist) == 4 and all(sum(row) == pytest.approx(1.0, abs=1e-3) for row in hist)
    assert hist[1][0] > hist[0][0]  # more exact zeros in fp16 than in fp32


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("mixed_precision", "--quick", "--json", "--set", "scale=0.5")
    assert code == 2 and "scale" in events[-1]["message"] and "1 to 1e+12" in events[-1]["message"]
