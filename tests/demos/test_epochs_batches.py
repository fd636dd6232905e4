"""The epochs_batches demo: a real DataLoader yields ceil(N/B) batches per epoch, per the streamed metrics."""

from __future__ import annotations

import math

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def test_iterations_per_epoch_are_ceil_n_over_b():
    rc, events, stderr = run_demo("epochs_batches", "--quick", "--json", "--device", "cpu")
    numbers = passed_verdict(rc, events, stderr)["numbers"]
    per_epoch: dict[str, dict[int, dict]] = {}
    last_update: dict[str, int] = {}
    for e in events:
        if e.type != "metric":
            continue
        if "loss_by_epoch" in e["values"]:
            per_epoch.setdefault(e["series"], {})[e["step"]] = e["values"]
        if "loss_by_update" in e["values"]:
            last_update[e["series"]] = e["step"]
    assert set(per_epoch) == {"B=256", "B=64", "B=16"}
    for series, epochs in per_epoch.items():
        b = int(series[2:])
        assert sorted(epochs) == [0, 1, 2, 3, 4]
        counts = {epochs[k]["iterations_in_epoch"] for k in range(1, 5)}
        assert counts == {math.ceil(1000 / b)} == {numbers[f"iterations_per_epoch_B{b}"]}
        assert last_update[series] == 4 * math.ceil(1000 / b)  # updates = epochs x ceil(N/B)
        assert numbers[f"loss_after_epoch1_B{b}"] == pytest.approx(to_number(epochs[1]["loss_by_epoch"]))
    after_one = [to_number(per_epoch[s][1]["loss_by_epoch"]) for s in ("B=256", "B=64", "B=16")]
    assert after_one[0] > after_one[1] > after_one[2]  # more updates per epoch, further along
    start = {to_number(per_epoch[s][0]["loss_by_epoch"]) for s in per_epoch}
    assert len(start) == 1  # every run starts from the same (zero) model


def test_drop_last_is_reported_honestly_and_bad_knobs_exit_2():
    rc, events, stderr = run_demo("epochs_batches", "--quick", "--json", "--device", "cpu",
                                  "--set", "drop_last=true", "--set", "epochs=1")
    assert rc == 0, stderr
    verdict = [e for e in events if e.type == "verdict"][0]
    assert verdict["passed"] is False and "floor(N/B)" in verdict["summary"] and "not shown" in verdict["summary"]
    assert verdict["numbers"]["iterations_per_epoch_B64"] == 1000 // 64
    rc, events, _ = run_demo("epochs_batches", "--quick", "--json", "--set", "batch_small=0")
    assert rc == 2 and "batch_small" in events[-1]["message"] and "1 to 20000" in events[-1]["message"]
