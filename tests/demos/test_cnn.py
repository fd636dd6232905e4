"""The cnn demo runs, logs W-K+1 shapes, and its verdict agrees with the metrics it streamed."""

from __future__ import annotations

import re

import pytest

from tests.demos._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("cnn", "--quick", "--json", "--device", "cpu")


def test_runs_and_passes(result):
    code, events, stderr = result
    passed_verdict(code, events, stderr)
    assert events[0]["cards"] == ["cnn-layers", "cnn-conv-output-size", "cnn-pooling"]


def test_verdict_matches_metrics(result):
    _, events, _ = result
    final = {}
    for m in (e for e in events if e.type == "metric"):
        if "test_acc" in m["values"]:
            final[m["series"]] = m["values"]
    assert set(final) == {"cnn", "mlp"}
    numbers = next(e for e in events if e.type == "verdict")["numbers"]
    assert numbers["cnn_test_acc"] == pytest.approx(final["cnn"]["test_acc"])
    assert numbers["mlp_test_acc"] == pytest.approx(final["mlp"]["test_acc"])
    assert numbers["cnn_train_acc"] == pytest.approx(final["cnn"]["train_acc"])
    assert numbers["mlp_train_acc"] == pytest.approx(final["mlp"]["train_acc"])
    assert numbers["margin"] == pytest.approx(final["cnn"]["test_acc"] - final["mlp"]["test_acc"])
    assert final["cnn"]["test_acc"] >= 0.9
    assert final["cnn"]["test_acc"] - final["mlp"]["test_acc"] >= 0.1
    assert numbers["conv_out_32_k5"] == 28
    # "similar parameter count": within a factor of 1.5
    assert 1 / 1.5 <= numbers["mlp_params"] / numbers["cnn_params"] <= 1.5


def test_shape_logs_follow_w_minus_k_plus_1(result):
    _, events, _ = result
    logs = [e["message"] for e in events if e.type == "log"]
    assert any("32x32 -> 28x28" in line for line in logs)
    convs = [line for line in logs if line.startswith("conv")]
    pools = [line for line in logs if line.startswith("maxpool")]
    assert convs and pools
    for line in convs:
        k = int(re.search(r"(\d+)x\1", line).group(1))
        w_in, w_out = (int(s) for s in re.search(r"x(\d+)x\d+ -> \d+x(\d+)x\d+", line).groups())
        assert w_out == w_in - k + 1, line
    for line in pools:
        w_in, w_out = (int(s) for s in re.search(r"x(\d+)x\d+ -> \d+x(\d+)x\d+", line).groups())
        assert w_out == w_in // 2, line


def test_filters_and_feature_maps(result):
    _, events, _ = result
    matrices = {e["label"]: e["data"] for e in events if e.type == "matrix"}
    filters = [m for label, m in matrices.items() if label.startswith("conv1 filter")]
    maps = [m for label, m in matrices.items() if label.startswith("conv1 feature map") and "pool" not in label]
    assert filters and all(len(f) == 5 and len(f[0]) == 5 for f in filters)
    assert maps and all(len(m) == len(m[0]) == 16 for m in maps)


def test_an_undertrained_cnn_is_reported_honestly():
    from ._knobs import assert_rejects

    code, events, stderr = run_demo("cnn", "--quick", "--json", "--device", "cpu", "--set", "epochs=1",
                                    "--set", "lr=0.00002", "--set", "n_train=256")
    assert code == 0, stderr
    cnn = [e["values"]["test_acc"] for e in events if e.type == "metric" and e["series"] == "cnn"
           and "test_acc" in e["values"]]
    assert cnn[-1] < 0.9  # recomputed: one tiny epoch at a crawling rate does not learn the shapes
    verdict = next(e for e in events if e.type == "verdict")
    assert verdict["passed"] is False and "not shown at these settings" in verdict["summary"]
    assert "epochs=1" in verdict["summary"]
    assert_rejects("cnn", "filters=64", "from 1 to 32")
