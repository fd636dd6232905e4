"""The LoRA demo: close to full fine-tuning with a small fraction of trainable parameters."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("lora", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_curves(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    curves: dict[str, list[tuple[int, float]]] = {}
    for e in events:
        if e.type == "metric":
            curves.setdefault(e["series"], []).append((e["step"], to_number(e["values"]["test_loss"])))
    assert set(curves) == {"pre-training on A", "full fine-tuning", "LoRA r=2"}
    full, lora = curves["full fine-tuning"], curves["LoRA r=2"]
    numbers = verdict["numbers"]
    # both adaptations start from the pre-trained model itself (LoRA's B starts at zero)
    assert full[0] == lora[0] == (0, pytest.approx(numbers["untouched_loss"]))
    assert numbers["full_finetune_loss"] == pytest.approx(full[-1][1])
    assert numbers["lora_loss"] == pytest.approx(lora[-1][1])
    untouched = full[0][1]
    assert (untouched - lora[-1][1]) >= 0.9 * (untouched - full[-1][1]) > 0
    # 16-128-128-1 has 18817 weights and biases; rank-2 factors on its three layers have 1058
    assert numbers["full_trainable_params"] == 16 * 128 + 128 + 128 * 128 + 128 + 128 + 1
    assert numbers["lora_trainable_params"] == 2 * (16 + 128) + 2 * (128 + 128) + 2 * (128 + 1)
    assert numbers["trainable_fraction"] <= 0.1


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("lora", "--quick", "--json", "--set", "rank=0")
    assert code == 2 and "rank" in events[-1]["message"] and "1 to 64" in events[-1]["message"]
