"""The autoencoder demo: error against bottleneck, the linear autoencoder at PCA's error, denoising."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("autoencoder", "--quick", "--json", "--device", "cpu")


def test_verdict_recomputed_from_the_metrics(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    by_k: dict[str, dict[int, float]] = {"by bottleneck: linear autoencoder": {}, "by bottleneck: PCA": {}}
    for e in events:
        if e.type == "metric" and e["series"] in by_k:
            by_k[e["series"]][e["step"]] = to_number(e["values"]["final_error"])
    ae, pca = by_k["by bottleneck: linear autoencoder"], by_k["by bottleneck: PCA"]
    sizes = [1, 2, 4, 8, 16]
    assert sorted(ae) == sorted(pca) == sizes
    numbers = verdict["numbers"]
    for k in sizes:
        assert numbers[f"linear_ae_k{k}"] == pytest.approx(ae[k]) and numbers[f"pca_k{k}"] == pytest.approx(pca[k])
        assert ae[k] >= pca[k] - 1e-6                                  # PCA is the best linear rank-k error ...
        assert ae[k] - pca[k] <= 0.02 * numbers["data_variance"]       # ... and the autoencoder gets there
    assert all(ae[a] > ae[b] for a, b in zip(sizes, sizes[1:]))       # a wider bottleneck, a smaller error
    assert numbers["data_variance"] > ae[1]                            # even k=1 beats predicting the mean
    assert numbers["denoised_error"] <= 0.5 * numbers["noisy_input_error"]
    assert numbers["noisy_input_error"] == pytest.approx(0.3 ** 2, rel=0.1)  # the noise really was added
    images = {e["label"]: e["data"] for e in events if e.type == "matrix"}
    assert set(images) == {"test image: clean", "test image: noisy input", "test image: denoised"}
    clean, noisy, denoised = (images[f"test image: {n}"] for n in ("clean", "noisy input", "denoised"))

    def dist(a, b):
        return sum((p - q) ** 2 for ra, rb in zip(a, b) for p, q in zip(ra, rb))

    assert dist(denoised, clean) < dist(noisy, clean)


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("autoencoder", "--quick", "--json", "--set", "code=0")
    assert code == 2 and "code" in events[-1]["message"] and "1 to 64" in events[-1]["message"]
