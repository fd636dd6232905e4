"""The ml_vs_dl demo: pixels < hand-made features < a CNN that learns its own, per the streamed accuracies."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def test_learned_features_beat_designed_ones_beat_pixels():
    rc, events, stderr = run_demo("ml_vs_dl", "--quick", "--json", "--device", "cpu")
    numbers = passed_verdict(rc, events, stderr)["numbers"]
    final: dict[str, tuple[int, float]] = {}
    for e in events:
        if e.type == "metric" and "test_accuracy" in e["values"]:
            final[e["series"]] = (e["step"], to_number(e["values"]["test_accuracy"]))
    assert set(final) == {"linear on pixels", "linear on hand-made features", "small CNN"}
    assert final["small CNN"][0] == 10  # the quick run's CNN epochs
    pixels, features, cnn = (final[s][1] for s in ("linear on pixels", "linear on hand-made features", "small CNN"))
    assert numbers["test_accuracy_pixels"] == pytest.approx(pixels)
    assert numbers["test_accuracy_features"] == pytest.approx(features)
    assert numbers["test_accuracy_cnn"] == pytest.approx(cnn)
    assert pixels + 0.05 <= features and features + 0.05 <= cnn  # the claim, from the curves
    assert pixels > 0.25  # better than chance: the pixel model is weak, not broken
    matrices = {e["label"]: e["data"] for e in events if e.type == "matrix"}
    assert sum(label.startswith("example:") for label in matrices) == 4
    assert len(matrices["linear-on-pixels weights for 'plus sign'"]) == 16


def test_bad_knob_exits_2():
    rc, events, _ = run_demo("ml_vs_dl", "--quick", "--json", "--set", "shift=12")
    assert rc == 2 and "shift" in events[-1]["message"] and "0 to 11" in events[-1]["message"]
