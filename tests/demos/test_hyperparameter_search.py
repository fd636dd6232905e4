"""The hyperparameter_search demo: best-of-many on the test split is optimistic; validation picking is not."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def test_picking_on_test_is_optimistic():
    rc, events, stderr = run_demo("hyperparameter_search", "--quick", "--json", "--device", "cpu")
    numbers = passed_verdict(rc, events, stderr)["numbers"]
    gaps: dict[str, list[float]] = {}
    first_draw: list[dict] = []
    for e in events:
        if e.type != "metric":
            continue
        if "reported_minus_fresh" in e["values"]:
            gaps.setdefault(e["series"], []).append(to_number(e["values"]["reported_minus_fresh"]))
        if e["series"] == "setting (first draw)":
            first_draw.append({k: to_number(v) for k, v in e["values"].items()})
    assert len(gaps["picked on test"]) == len(gaps["picked on validation"]) == numbers["draws"] == 200
    wrong = sum(gaps["picked on test"]) / 200
    right = sum(gaps["picked on validation"]) / 200
    assert numbers["mean_gap_picked_on_test"] == pytest.approx(wrong)
    assert numbers["mean_gap_picked_on_validation"] == pytest.approx(right)
    assert wrong >= 0.01 and abs(right) <= 0.01  # the claim, from the streamed gaps
    assert min(gaps["picked on test"]) < 0 < max(gaps["picked on test"])  # single draws are noisy; the mean is not
    # On the first draw the test-picked setting has the best test score of all settings, by construction.
    assert len(first_draw) == numbers["settings"] == 20
    best_test = max(first_draw, key=lambda s: s["test_acc"])
    assert gaps["picked on test"][0] == pytest.approx(best_test["test_acc"] - best_test["fresh_acc"])


def test_bad_knob_exits_2():
    rc, events, _ = run_demo("hyperparameter_search", "--quick", "--json", "--set", "draws=0")
    assert rc == 2 and "draws" in events[-1]["message"] and "1 to 2000" in events[-1]["message"]
