"""The positional-encoding demo: without positions the order task stays at chance; with them it is solved."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("positional_encoding", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_curves(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    acc: dict[str, float] = {}
    for e in events:
        if e.type == "metric" and "test_acc" in e["values"]:
            acc[e["series"]] = to_number(e["values"]["test_acc"])  # the last held-out accuracy of each run
    assert set(acc) == {"no positions", "sinusoidal positions"}
    numbers = verdict["numbers"]
    assert numbers["no_positions_acc"] == pytest.approx(acc["no positions"])
    assert numbers["with_positions_acc"] == pytest.approx(acc["sinusoidal positions"])
    assert abs(acc["no positions"] - 0.5) <= 0.05 and acc["sinusoidal positions"] >= 0.9
    # equivariance, measured: a shuffled input gives the same outputs, shuffled, only without positions
    assert numbers["no_positions_shuffle_error"] < 1e-4 < 1.0 < numbers["with_positions_shuffle_error"]
    encodings = [e for e in events if e.type == "matrix"]
    assert len(encodings) == 1 and len(encodings[0]["data"]) == 8  # 8 positions x 32 dims
    assert all(-1.0 <= v <= 1.0 for row in encodings[0]["data"] for v in row)  # sin and cos


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("positional_encoding", "--quick", "--json", "--set", "encoding=rotary")
    assert code == 2 and "encoding" in events[-1]["message"] and "sinusoidal, learned" in events[-1]["message"]
