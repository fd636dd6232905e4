"""The attention-scaling demo: raw scores saturate the softmax as d_k grows, scaled ones do not."""

from __future__ import annotations

import math

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("attention_scaling", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_metrics(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    points: dict[str, dict[int, dict[str, float]]] = {"unscaled": {}, "scaled": {}}
    for e in events:
        if e.type == "metric":
            points[e["series"]][e["step"]] = {k: to_number(v) for k, v in e["values"].items()}
    dks = sorted(points["unscaled"])
    assert dks == sorted(points["scaled"]) == [4 * 2**i for i in range(len(dks))] and dks[-1] == 1024
    numbers = verdict["numbers"]
    uniform = math.log(16)
    un, sc = points["unscaled"], points["scaled"]
    assert numbers["unscaled_entropy_largest_dk"] == pytest.approx(un[1024]["entropy"])
    assert numbers["unscaled_entropy_smallest_dk"] == pytest.approx(un[4]["entropy"])
    assert numbers["scaled_entropy_min"] == pytest.approx(min(p["entropy"] for p in sc.values()))
    assert numbers["unscaled_grad_largest_dk"] == pytest.approx(un[1024]["grad_norm"])
    assert numbers["scaled_grad_largest_dk"] == pytest.approx(sc[1024]["grad_norm"])
    # The claim on the curves: unscaled entropy falls as d_k grows and ends near one-hot ...
    assert all(un[a]["entropy"] > un[b]["entropy"] for a, b in zip(dks, dks[1:]))
    assert un[1024]["entropy"] < 0.25 * uniform
    # ... while the scaled softmax keeps its spread and its gradient.
    assert min(p["entropy"] for p in sc.values()) > 0.6 * uniform
    assert un[1024]["grad_norm"] < 0.1 * sc[1024]["grad_norm"]
    # every row of the attention weights shown sums to 1
    rows = [row for e in events if e.type == "matrix" for row in e["data"]]
    assert rows and all(sum(row) == pytest.approx(1.0, abs=0.02) for row in rows)


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("attention_scaling", "--quick", "--json", "--set", "max_dk=100")
    assert code == 2 and "max_dk" in events[-1]["message"] and "one of 16, 64, 256, 1024, 4096" in events[-1]["message"]
    code, events, _ = run_demo("attention_scaling", "--quick", "--json", "--set", "keys=1")
    assert code == 2 and "keys" in events[-1]["message"]
