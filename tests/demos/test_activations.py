"""The activations demo: the no-activation MLP matches the linear model, every nonlinear one beats it."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("activations", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_curves(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    final: dict[str, float] = {}
    for e in events:
        if e.type == "metric":
            final[e["series"]] = to_number(e["values"]["test_acc"])  # the last point of each curve
    assert set(final) == {"linear model", "none", "sigmoid", "tanh", "relu", "gelu"}
    numbers = verdict["numbers"]
    assert numbers["linear_model_acc"] == pytest.approx(final["linear model"])
    for kind in ("none", "sigmoid", "tanh", "relu", "gelu"):
        assert numbers[f"{kind}_acc"] == pytest.approx(final[kind])
    assert abs(final["none"] - final["linear model"]) <= 0.05          # collapses to the linear model
    assert min(final[k] for k in ("sigmoid", "tanh", "relu", "gelu")) >= final["linear model"] + 0.15
    labels = {e["label"] for e in events if e.type == "matrix"}
    assert labels == {"P(outer ring), activation none", "P(outer ring), activation relu"}


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("activations", "--quick", "--json", "--set", "hidden=1")
    assert code == 2 and "hidden" in events[-1]["message"] and "2 to 256" in events[-1]["message"]
    code, events, _ = run_demo("activations", "--quick", "--json", "--set", "depth=3")
    assert code == 2 and "unknown parameter 'depth'" in events[-1]["message"]
