"""The RBM demo: CD-1 lowers the reconstruction error and Gibbs chains end on bars and stripes."""

from __future__ import annotations

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


@pytest.fixture(scope="module")
def result():
    return run_demo("rbm", "--quick", "--json", "--device", "cpu")


def is_bars_or_stripes(img: list[list[float]]) -> bool:
    rows_constant = all(len(set(row)) == 1 for row in img)
    cols_constant = all(len({img[r][c] for r in range(4)}) == 1 for c in range(4))
    return rows_constant or cols_constant


def chain_ends(tile: list[list[float]]) -> list[list[list[float]]]:
    """Cut a tiled matrix (4x4 images separated by 0.5 lines) back into images."""
    images = []
    for top in range(0, len(tile), 5):
        for left in range(0, len(tile[top]), 5):
            images.append([row[left:left + 4] for row in tile[top:top + 4]])
    return images


def test_verdict_recomputed_from_the_events(result):
    verdict = passed_verdict(*result)
    _, events, _ = result
    errors = [(e["step"], to_number(e["values"]["reconstruction_error"]))
              for e in events if e.type == "metric" and e["series"] == "CD-1"]
    chains = [e for e in events if e.type == "metric" and e["series"] == "Gibbs chains"]
    numbers = verdict["numbers"]
    assert errors[0][0] == 1 and numbers["first_reconstruction_error"] == pytest.approx(errors[0][1])
    assert numbers["final_reconstruction_error"] == pytest.approx(errors[-1][1])
    assert errors[-1][1] <= 0.25 * errors[0][1]
    assert numbers["valid_fraction"] == pytest.approx(to_number(chains[-1]["values"]["valid_fraction"]))
    assert numbers["distinct_patterns"] == to_number(chains[-1]["values"]["distinct_patterns"])
    assert numbers["valid_fraction"] >= 0.5 and numbers["distinct_patterns"] >= 10
    # The heatmaps agree: most of the last chain ends shown are bars or stripes.
    tiles = [e for e in events if e.type == "matrix" and e["label"].startswith("Gibbs chain ends")]
    shown = chain_ends(tiles[-1]["data"])
    assert len(shown) == 12 and sum(map(is_bars_or_stripes, shown)) >= 4
    training = next(e for e in events if e.type == "matrix" and e["label"].startswith("the training patterns"))
    assert all(is_bars_or_stripes(img) for img in chain_ends(training["data"]))


def test_rejects_a_bad_knob():
    code, events, _ = run_demo("rbm", "--quick", "--json", "--set", "hidden=0")
    assert code == 2 and "hidden" in events[-1]["message"] and "1 to 256" in events[-1]["message"]
