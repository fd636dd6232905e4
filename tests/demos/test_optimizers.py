"""The optimizers demo: momentum and Adam reach the target loss several times sooner than SGD."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("optimizers", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_loss_curves(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    curves: dict[str, list[tuple[int, float]]] = {}
    for e in events:
        if e.type == "metric":
            curves.setdefault(e["series"], []).append((e["step"], to_number(e["values"]["loss"])))
    assert set(curves) == {"sgd", "momentum", "adam"}
    numbers = verdict["numbers"]
    start = curves["sgd"][0][1]
    assert all(points[0] == (0, start) for points in curves.values())  # same start for all three
    assert numbers["start_loss"] == pytest.approx(start)
    target = numbers["target_loss"]
    assert target == pytest.approx(1e-4 * start)  # the quick run's target
    # the first streamed step under the target is the step the verdict quotes
    first = {name: next(step for step, loss in points if loss < target) for name, points in curves.items()}
    for name in curves:
        assert numbers[f"{name}_steps_to_target"] == first[name]
        assert numbers[f"{name}_final_loss"] == pytest.approx(curves[name][-1][1])
    assert first["momentum"] * 3 <= first["sgd"] and first["adam"] * 3 <= first["sgd"]
    assert len([e for e in events if e.type == "matrix"]) == 3


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("optimizers", "--quick", "--json", "--set", "momentum=1.5")
    assert code == 2 and "momentum" in events[-1]["message"] and "0 to 0.999" in events[-1]["message"]
