"""The exploding-gradients demo runs, passes, and its verdict matches its own curves."""

from __future__ import annotations

import math

from demos.protocol import to_number

from ._knobs import assert_rejects
from ._run import passed_verdict, run_demo


def test_exploding_gradients_quick() -> None:
    rc, events, stderr = run_demo("exploding_gradients", "--quick", "--json", "--device", "cpu")
    verdict = passed_verdict(rc, events, stderr)
    numbers = {k: to_number(v) for k, v in verdict["numbers"].items()}

    series: dict[str, list[tuple[int, float, float]]] = {}
    for e in events:
        if e.type == "metric":
            values = e["values"]
            series.setdefault(e["series"], []).append(
                (e["step"], to_number(values["loss"]), to_number(values["grad_norm"])))
    assert set(series) == {"no clipping", "clip 1"}
    plain, clipped = series["no clipping"], series["clip 1"]
    assert plain[0][0] == 0 and clipped[0][0] == 0

    # Without clipping: the gradient norm explodes and the run breaks.
    first = plain[0][2]
    norms = [g for _, _, g in plain]
    biggest = math.inf if any(not math.isfinite(g) for g in norms) else max(norms)
    assert math.isclose(numbers["plain_grad_norm_first"], first, rel_tol=1e-9)
    assert numbers["plain_grad_norm_max"] == biggest
    assert biggest >= 1e3 * first
    final = plain[-1][1]
    assert (math.isnan(numbers["plain_loss_final"]) and math.isnan(final)) or numbers["plain_loss_final"] == final
    assert not math.isfinite(final) or final > 100 * plain[0][1]

    # With clipping: finite all the way, and lower at the end.
    assert all(math.isfinite(loss) for _, loss, _ in clipped)
    assert math.isclose(numbers["clip_loss_start"], clipped[0][1], rel_tol=1e-9)
    assert math.isclose(numbers["clip_loss_final"], clipped[-1][1], rel_tol=1e-9)
    assert clipped[-1][1] < clipped[0][1]


def test_exploding_gradients_knobs() -> None:
    """With variance-preserving weights (gain 1) nothing explodes, and the verdict says so."""
    rc, events, stderr = run_demo("exploding_gradients", "--quick", "--json", "--device", "cpu", "--set", "gain=0.9")
    assert rc == 0, stderr
    plain = [to_number(e["values"]["grad_norm"]) for e in events if e.type == "metric" and e["series"] == "no clipping"]
    assert all(math.isfinite(v) for v in plain) and max(plain) < 1e3 * plain[0]  # recomputed: no explosion
    verdict = [e for e in events if e.type == "verdict"][0]
    assert verdict["passed"] is False and "not shown at these settings" in verdict["summary"]
    assert "gain=0.9" in verdict["summary"]
    assert_rejects("exploding_gradients", "gain=5", "from 0.1 to 3")
