"""The backprop demo: hand-written chain rule, autograd and finite differences agree, per its own metrics."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("backprop", "--quick", "--json", "--device", "cpu")


def test_gradients_agree_and_the_verdict_follows_the_metrics(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    diffs: dict[str, list[float]] = {}
    for e in events:
        if e.type == "metric" and "max_abs_diff" in e["values"]:
            diffs.setdefault(e["series"], []).append(to_number(e["values"]["max_abs_diff"]))
    assert set(diffs) == {"hand vs autograd", "finite diff vs autograd"}
    assert all(len(v) == 4 for v in diffs.values())  # W1, b1, W2, b2
    numbers = verdict["numbers"]
    assert numbers["max_diff_hand_vs_autograd"] == pytest.approx(max(diffs["hand vs autograd"]))
    assert numbers["max_diff_finite_vs_autograd"] == pytest.approx(max(diffs["finite diff vs autograd"]))
    assert max(diffs["hand vs autograd"]) <= 1e-6 and max(diffs["finite diff vs autograd"]) <= 1e-6
    sizes = [to_number(e["values"]["max_abs_grad"]) for e in events
             if e.type == "metric" and e["series"] == "gradient size"]
    assert min(sizes) > 1e-3  # the gradients compared are not trivially zero
    assert numbers["grad_after_second_backward_ratio"] == pytest.approx(2.0)


def test_the_autograd_graph_is_printed_node_by_node(result):
    _, events, _ = result
    logs = [e["message"] for e in events if e.type == "log"]
    nodes = [line.strip() for line in logs if line.strip().startswith("#")]
    assert nodes[0].startswith("#1 MeanBackward0")
    assert any("TanhBackward0" in n for n in nodes)
    leaves = [n for n in nodes if "AccumulateGrad:" in n]
    assert {n.split("adds into ")[1].split(".grad")[0] for n in leaves} == {"W1", "b1", "W2", "b2"}
    matrices = {e["label"]: e["data"] for e in events if e.type == "matrix"}
    auto, hand = matrices["dL/dW1 by autograd"], matrices["dL/dW1 by hand"]
    assert len(auto) == 4 and len(auto[0]) == 3
    assert max(abs(a - h) for ra, rh in zip(auto, hand) for a, h in zip(ra, rh)) <= 1e-12


def test_float32_is_not_claimed_and_bad_knobs_exit_2():
    rc, events, stderr = run_demo("backprop", "--quick", "--json", "--device", "cpu", "--set", "dtype=float32")
    assert rc == 0, stderr
    verdict = [e for e in events if e.type == "verdict"][0]
    assert verdict["passed"] is False and "not shown at these settings" in verdict["summary"]
    rc, events, _ = run_demo("backprop", "--quick", "--json", "--set", "eps=1")
    assert rc == 2 and "eps" in events[-1]["message"] and "1e-12 to 0.1" in events[-1]["message"]
