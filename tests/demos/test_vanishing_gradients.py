"""The vanishing-gradients demo runs, passes, and its verdict matches its per-layer gradient norms."""

from __future__ import annotations

import math

from demos.protocol import to_number

from ._knobs import assert_rejects
from ._run import passed_verdict, run_demo


def test_vanishing_gradients_quick() -> None:
    rc, events, stderr = run_demo("vanishing_gradients", "--quick", "--json", "--device", "cpu")
    verdict = passed_verdict(rc, events, stderr)
    numbers = {k: to_number(v) for k, v in verdict["numbers"].items()}

    grads: dict[str, dict[int, float]] = {}
    losses: dict[str, list[float]] = {}
    for e in events:
        if e.type != "metric":
            continue
        if "grad_norm" in e["values"]:
            grads.setdefault(e["series"], {})[e["step"]] = to_number(e["values"]["grad_norm"])
        else:
            losses.setdefault(e["series"], []).append(to_number(e["values"]["loss"]))
    names = ["sigmoid, default init", "ReLU, He init", "residual (sigmoid)"]
    assert list(grads) == names
    keys = ["ratio_first_last_sigmoid", "ratio_first_last_relu_he", "ratio_first_last_residual"]
    for name, key in zip(names, keys):
        layers = grads[name]
        assert sorted(layers) == list(range(1, len(layers) + 1)) and len(layers) >= 20
        ratio = layers[1] / layers[len(layers)]
        assert math.isclose(numbers[key], ratio, rel_tol=1e-9), (name, ratio)
    # The claim, recomputed: vanishing for sigmoid, healthy for the others.
    assert numbers["ratio_first_last_sigmoid"] < 1e-3
    assert 1e-2 <= numbers["ratio_first_last_relu_he"] <= 1e2
    assert 1e-2 <= numbers["ratio_first_last_residual"] <= 1e2

    matrix = [e for e in events if e.type == "matrix"]
    assert len(matrix) == 1 and len(matrix[0]["data"]) == 3
    for row, name in zip(matrix[0]["data"], names):
        expected = [math.log10(grads[name][i]) for i in sorted(grads[name])]
        assert all(math.isclose(to_number(a), b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(row, expected))

    sig, res = losses["train: sigmoid, default init"], losses["train: residual (sigmoid)"]
    assert math.isclose(numbers["loss_start_sigmoid"], sig[0], rel_tol=1e-9)
    assert math.isclose(numbers["loss_final_sigmoid"], sig[-1], rel_tol=1e-9)
    assert math.isclose(numbers["loss_final_residual"], res[-1], rel_tol=1e-9)
    assert sig[-1] > 0.7 * sig[0] and res[-1] < 0.5 * res[0]


def test_vanishing_gradients_knobs() -> None:
    """In a shallow sigmoid net the gradient does not vanish, and the verdict says so."""
    rc, events, stderr = run_demo("vanishing_gradients", "--quick", "--json", "--device", "cpu", "--set", "depth=3")
    assert rc == 0, stderr
    first_last = {}
    for e in events:
        if e.type == "metric" and e["series"] == "sigmoid, default init" and "grad_norm" in e["values"]:
            first_last.setdefault("first", to_number(e["values"]["grad_norm"]))
            first_last["last"] = to_number(e["values"]["grad_norm"])
    assert first_last["first"] / first_last["last"] > 1e-3  # recomputed: no vanishing in 3 layers
    verdict = [e for e in events if e.type == "verdict"][0]
    assert verdict["passed"] is False
    assert "With depth=3" in verdict["summary"] and "not shown at these settings" in verdict["summary"]
    assert_rejects("vanishing_gradients", "depth=1", "from 2 to 60")
