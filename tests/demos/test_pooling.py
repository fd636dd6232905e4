"""The pooling demo: a one-pixel shift moves the conv map much more than its pooled map, per its metrics."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def test_pooled_maps_change_less_under_a_shift():
    rc, events, stderr = run_demo("pooling", "--quick", "--json", "--device", "cpu")
    numbers = passed_verdict(rc, events, stderr)["numbers"]
    change: dict[str, dict[int, float]] = {}
    for e in events:
        if e.type == "metric":
            change.setdefault(e["series"], {})[e["step"]] = to_number(e["values"]["relative_change"])
    assert set(change) == {"conv map", "2x2 max-pooled", "4x4 max-pooled", "global max pool"}
    assert all(curve[0] == 0 for curve in change.values())  # no shift, no change
    conv, pool2, pool4, pooled_global = (change[k][1] for k in ("conv map", "2x2 max-pooled", "4x4 max-pooled",
                                                                  "global max pool"))
    assert numbers["conv_change_1px"] == pytest.approx(conv)
    assert numbers["pooled_change_1px"] == pytest.approx(pool4)
    assert numbers["pool2_change_1px"] == pytest.approx(pool2)
    assert numbers["pooled_over_conv"] == pytest.approx(pool4 / conv)
    # The claim: a lot for the conv map, much less once pooled, and less the wider the pool.
    assert conv > 0.5
    assert pool4 <= 0.6 * conv and pooled_global < pool4 < pool2 < conv
    matrices = {e["label"]: e["data"] for e in events if e.type == "matrix"}
    assert len(matrices["conv map (vertical edges)"]) == 22 and len(matrices["4x4 max-pooled map"]) == 5


def test_bad_knob_exits_2():
    rc, events, _ = run_demo("pooling", "--quick", "--json", "--set", "mode=min")
    assert rc == 2 and "mode" in events[-1]["message"] and "max, avg" in events[-1]["message"]
