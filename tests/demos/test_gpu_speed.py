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
    assert large > small
    assert "no gpu" in verdict["summary"].lower() or "--device cpu" in verdict["summary"]
    assert "gpu_speedup_largest" not in numbers
