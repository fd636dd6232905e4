"""The gd_variants demo: per example seen smaller batches go further; their gradients are noisier (1/sqrt(B))."""

from __future__ import annotations

import math

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo

SERIES = ("full batch", "mini-batch B=32", "single example")


def test_variants_compared_by_examples_seen_and_noise():
    rc, events, stderr = run_demo("gd_variants", "--quick", "--json", "--device", "cpu")
    numbers = passed_verdict(rc, events, stderr)["numbers"]
    by_seen: dict[str, dict[int, float]] = {}
    by_update: dict[str, dict[int, float]] = {}
    noise: dict[int, float] = {}
    for e in events:
        if e.type != "metric":
            continue
        values = e["values"]
        if "loss_by_examples_seen" in values:
            by_seen.setdefault(e["series"], {})[e["step"]] = to_number(values["loss_by_examples_seen"])
        if "loss_by_update" in values:
            by_update.setdefault(e["series"], {})[e["step"]] = to_number(values["loss_by_update"])
        if "noise" in values:
            noise[e["step"]] = to_number(values["noise"])
    assert set(by_seen) == set(SERIES)
    # One start for all; the number of updates is epochs x ceil(N/B) (2 epochs in the quick run).
    assert len({curve[0] for curve in by_seen.values()}) == 1
    assert [max(by_update[s]) for s in SERIES] == [2, 2 * 16, 2 * 512]
    assert [max(by_seen[s]) for s in SERIES] == [1024, 1024, 1024]
    after_epoch = [by_seen[s][512] for s in SERIES]
    assert [numbers["epoch1_loss_full"], numbers["epoch1_loss_mini"], numbers["epoch1_loss_single"]] == \
        pytest.approx(after_epoch)
    assert after_epoch[2] < after_epoch[1] < after_epoch[0]  # same examples seen: more updates, further along
    assert set(noise) == {1, 32, 512}
    assert numbers["noise_single"] == pytest.approx(noise[1]) and numbers["noise_mini"] == pytest.approx(noise[32])
    assert noise[512] < 1e-6 * noise[1] and noise[32] < noise[1]
    assert 0.7 <= noise[1] / noise[32] / math.sqrt(32) <= 1.4  # noise falls like 1/sqrt(B)


def test_bad_knob_exits_2():
    rc, events, _ = run_demo("gd_variants", "--quick", "--json", "--set", "batch=1")
    assert rc == 2 and "batch" in events[-1]["message"] and "2 to 10000" in events[-1]["message"]
