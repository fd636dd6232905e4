"""The GPU-speed demo runs on the CPU alone, passes, and its verdict matches its measurements."""

from __future__ import annotations

import math

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def test_gpu_speed_quick_cpu_only() -> None:
    rc, events, stderr = run_demo("gpu_speed", "--quick", "--json", "--device", "cpu")
    verdict = passed_verdict(rc, events, stderr)
    numbers = {k: to_number(v) for k, v in verdict["numbers"].items()}

    cpu = {e["step"]: e["values"] for e in events if e.type == "metric" and e["series"] == "cpu"}
    assert not [e for e in events if e.type == "metric" and e["series"] == "cuda"]  # --device cpu: CPU only
    sizes = sorted(cpu)
    assert len(sizes) >= 3
    for n in sizes:  # GFLOP/s and milliseconds describe the same timing
        assert math.isclose(to_number(cpu[n]["gflops"]), 2 * n ** 3 / (to_number(cpu[n]["ms"]) / 1e3) / 1e9,
                            rel_tol=1e-6)
    small, large = to_number(cpu[sizes[0]]["gflops"]), to_number(cpu[sizes[-1]]["gflops"])
    assert numbers["gpu_present"] == 0
    assert "CPU only" in verdict["claim"]  # the GPU half of the claim is not marked as shown
    assert numbers["largest_n"] == sizes[-1]
    assert math.isclose(numbers["cpu_gflops_smallest"], small, rel_tol=1e-9)
    assert math.isclose(numbers["cpu_gflops_largest"], large, rel_tol=1e-9)
    assert math.isclose(numbers["cpu_growth_largest_over_smallest"], large / small, rel_tol=1e-9)
    # the verdict, recomputed: grew from the smallest size and stayed near the peak
    rates = [to_number(cpu[n]["gflops"]) for n in sizes]
    assert numbers["cpu_gflops_peak"] == max(rates) and numbers["cpu_peak_n"] == sizes[rates.index(max(rates))]
    from demos.gpu_speed import NEAR_PEAK

    assert large > small and large >= NEAR_PEAK * max(rates)
    assert events[0]["x_label"] == "matrix size n"  # the x axis is labelled as what it is
    assert "no gpu" in verdict["summary"].lower() or "--device cpu" in verdict["summary"]
    assert "gpu_speedup_largest" not in numbers


def test_a_curve_that_peaked_and_fell_does_not_hold() -> None:
    from demos.gpu_speed import grows, sizes_up_to

    sizes = sizes_up_to(512)
    assert sizes == [32, 64, 128, 256, 512] and sizes_up_to(600) == [32, 64, 128, 256, 512, 600]
    ok, why = grows([1.0, 5.0, 20.0, 40.0, 12.0], sizes)  # 12 < 0.6 x 40
    assert not ok and "peaked at n=256" in why and "fell to 12" in why
    assert grows([1.0, 5.0, 20.0, 40.0, 38.0], sizes) == (True, "")
    assert not grows([3.0, 2.0, 2.0, 2.0, 2.5], sizes)[0]


def test_gpu_speed_knobs() -> None:
    from ._knobs import assert_rejects

    rc, events, stderr = run_demo("gpu_speed", "--quick", "--json", "--device", "cpu", "--set", "max_n=128",
                                  "--set", "repeats=3")
    assert rc == 0, stderr
    sizes = sorted({e["step"] for e in events if e.type == "metric" and e["series"] == "cpu"})
    assert sizes == [32, 64, 128]
    verdict = next(e for e in events if e.type == "verdict")
    assert verdict["summary"].startswith("With max_n=128, repeats=3: ") and "median of 3 rounds" in verdict["summary"]
    assert_rejects("gpu_speed", "max_n=100000", "from 64 to 8192")
