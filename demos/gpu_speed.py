"""GPU speed: matrix-multiply throughput on the CPU and, when present, a CUDA GPU.

Times the same float32 n x n matrix multiply over a range of sizes (warm-up,
torch.cuda.synchronize() before every clock read on the GPU, median of several
repeats) and one small MLP training step. With a GPU the verdict is its speed-up
over the CPU at the largest size; without one (or with --device cpu) it checks
the part a CPU can show: big matrices run at a higher GFLOP/s than small ones.
"Grows" is checked honestly: the largest size must beat the smallest and stay near
the curve's peak, so a curve that peaked and then fell does not pass.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable

import torch

from demos.common import DemoContext, Param, run

TITLE = "Why GPUs: matrix-multiply throughput, CPU vs GPU"
CLAIM = ("A GPU multiplies large matrices far faster than a CPU, and matrix-multiply throughput grows with size "
         "as the hardware's parallel units are used better; this dense parallel arithmetic is what made deep "
         "learning practical.")
CPU_ONLY_CLAIM = ("Matrix-multiply throughput grows with size as the hardware's parallel units are used "
                  "better (measured on the CPU only: the GPU half of the claim needs a GPU)")
CARDS = ["deep-learning-popularity"]
PARAMS = [
    Param("max_n", 2048, "largest matrix size n (sizes double from 32 up to it)", lo=64, hi=8192, quick=256),
    Param("repeats", 5, "timed repeats per size after warm-up (the median is reported)", lo=1, hi=25),
    Param("min_time", 0.05, "seconds each timed repeat lasts at least", lo=0.005, hi=2.0, quick=0.02),
    Param("width", 1024, "width of the MLP whose training step is timed", lo=64, hi=8192, quick=512),
    Param("batch", 256, "batch size of that training step", lo=1, hi=8192, quick=128),
    Param("threads", 0, "CPU threads (0: all cores); one thread is steadier on a busy machine", lo=0, hi=512,
          quick=1),
]
NEAR_PEAK = 0.6  # the largest size must keep this share of the best throughput seen (else: peaked and fell)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed_batch(fn: Callable[[], object], device: torch.device, calls: int, limit: float) -> float:
    """Seconds per call over up to `calls` calls; stops early once `limit` seconds have passed (a busy machine)."""
    sync(device)
    start = time.perf_counter()
    done = 0
    while done < calls:
        fn()
        done += 1
        if done % 8 == 0 and time.perf_counter() - start > limit:
            break
    sync(device)
    return (time.perf_counter() - start) / done


def calibrate(fn: Callable[[], object], device: torch.device, min_time: float) -> int:
    """2 warm-up calls, then the number of calls one timed batch needs to last about min_time."""
    for _ in range(2):
        fn()
    sync(device)
    calls = 1
    while calls < 1 << 16:  # double the batch until one batch takes min_time
        if timed_batch(fn, device, calls, 4 * min_time) * calls >= min_time:
            break
        calls *= 2
    return calls


def bench(fn: Callable[[], object], device: torch.device, min_time: float, samples: int) -> float:
    """Median seconds per call of fn over `samples` timed batches of about min_time each, after warm-up."""
    calls = calibrate(fn, device, min_time)
    return statistics.median(timed_batch(fn, device, calls, 4 * min_time) for _ in range(samples))


def matmul_rates(sizes: list[int], device: torch.device, gen: torch.Generator, min_time: float,
                 samples: int) -> list[tuple[float, float]]:
    """(GFLOP/s, seconds per call) for an n x n float32 matmul at each size: the median of `samples` rounds.

    The rounds interleave the sizes (32, 64, ..., then again), so a burst of load from other programs
    hits every size alike instead of bending the curve at whichever size was being timed."""
    jobs = []
    for n in sizes:
        a = torch.randn(n, n, generator=gen).to(device)
        b = torch.randn(n, n, generator=gen).to(device)
        c = torch.empty(n, n, device=device)
        fn = (lambda a=a, b=b, c=c: torch.mm(a, b, out=c))
        jobs.append((n, fn, calibrate(fn, device, min_time)))
    times: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(samples):
        for n, fn, calls in jobs:
            times[n].append(timed_batch(fn, device, calls, 4 * min_time))
    return [(2 * n ** 3 / statistics.median(times[n]) / 1e9, statistics.median(times[n])) for n in sizes]


def train_step_ms(width: int, batch: int, device: torch.device, gen: torch.Generator,
                  min_time: float, samples: int) -> float:
    """Milliseconds for one forward + backward + SGD step of a width-wide 3-layer MLP."""
    model = torch.nn.Sequential(torch.nn.Linear(width, width), torch.nn.ReLU(),
                                torch.nn.Linear(width, width), torch.nn.ReLU(),
                                torch.nn.Linear(width, 10)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(batch, width, generator=gen).to(device)
    y = torch.randint(0, 10, (batch,), generator=gen).to(device)

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return 1e3 * bench(step, device, min_time, samples)


def sizes_up_to(max_n: int) -> list[int]:
    sizes = [32]
    while sizes[-1] * 2 <= max_n:
        sizes.append(sizes[-1] * 2)
    return sizes if sizes[-1] == max_n else sizes + [max_n]


def grows(rates: list[float], sizes: list[int]) -> tuple[bool, str]:
    """Does throughput grow with size? The largest size beats the smallest and keeps near the peak."""
    peak = max(range(len(rates)), key=lambda i: rates[i])
    if rates[-1] <= rates[0]:
        return False, f"throughput did not grow: {rates[-1]:.3g} GFLOP/s at n={sizes[-1]} vs {rates[0]:.3g} at n={sizes[0]}"
    if rates[-1] < NEAR_PEAK * rates[peak]:
        return False, (f"throughput peaked at n={sizes[peak]} ({rates[peak]:.3g} GFLOP/s) and fell to "
                       f"{rates[-1]:.3g} at n={sizes[-1]}")
    return True, ""


def main(ctx: DemoContext) -> None:
    gen = torch.Generator().manual_seed(ctx.seed)
    devices = [torch.device("cpu")]
    if ctx.device.type == "cuda":
        devices.append(ctx.device)
    if ctx.p.threads:
        torch.set_num_threads(ctx.p.threads)
    sizes = sizes_up_to(ctx.p.max_n)
    min_time, samples = ctx.p.min_time, ctx.p.repeats
    width, batch = ctx.p.width, ctx.p.batch
    ctx.log(f"float32 n x n matmul, n = {sizes}; warm-up, then {samples} rounds over all sizes, median per size; "
            f"devices: {', '.join(d.type for d in devices)}; CPU threads: {torch.get_num_threads()}")
    if len(devices) == 1:
        why = "--device cpu was given" if ctx.args.device == "cpu" else "no CUDA GPU is available here"
        ctx.log(f"Only the CPU is measured ({why}).")

    gflops: dict[str, list[float]] = {}
    for device in devices:
        name = device.type
        gflops[name] = []
        for n, (rate, seconds) in zip(sizes, matmul_rates(sizes, device, gen, min_time, samples)):
            gflops[name].append(rate)
            ctx.metric(n, name, gflops=rate, ms=1e3 * seconds)
    ctx.matrix("GFLOP/s (rows: " + ", ".join(gflops) + f"; columns: n = {sizes})", [gflops[k] for k in gflops])

    step_ms = {}
    for device in devices:
        step_ms[device.type] = train_step_ms(width, batch, device, gen, min_time, samples)
        ctx.metric(width, f"train step {device.type}", ms_per_step=step_ms[device.type],
                   steps_per_s=1e3 / step_ms[device.type])
    ctx.log(f"training step: MLP {width}-{width}-{width}-10, batch {batch}, forward + backward + SGD")

    cpu = gflops["cpu"]
    growth = cpu[-1] / cpu[0]
    numbers: dict[str, float] = {
        "gpu_present": 1 if len(devices) > 1 else 0,
        "largest_n": sizes[-1],
        "cpu_gflops_smallest": cpu[0],
        "cpu_gflops_largest": cpu[-1],
        "cpu_growth_largest_over_smallest": growth,
        "cpu_gflops_peak": max(cpu),
        "cpu_peak_n": sizes[cpu.index(max(cpu))],
        "cpu_train_step_ms": step_ms["cpu"],
    }
    if "cuda" in gflops:
        gpu = gflops["cuda"]
        speedup = gpu[-1] / cpu[-1]
        numbers.update({
            "gpu_gflops_smallest": gpu[0],
            "gpu_gflops_largest": gpu[-1],
            "gpu_speedup_largest": speedup,
            "gpu_train_step_ms": step_ms["cuda"],
            "gpu_train_speedup": step_ms["cpu"] / step_ms["cuda"],
        })
        gpu_grows, gpu_why = grows(gpu, sizes)
        passed = speedup > 1 and gpu_grows
        failures = [what for what, ok in ((f"the GPU was not faster at n={sizes[-1]} ({speedup:.3g}x)", speedup > 1),
                                          (f"on the GPU {gpu_why}", gpu_grows)) if not ok]
        summary = ctx.summary(
            f"At n={sizes[-1]} the GPU ran {gpu[-1]:.4g} GFLOP/s vs the CPU's {cpu[-1]:.3g} "
            f"({speedup:.3g}x); its throughput went {gpu[0]:.3g} -> {gpu[-1]:.4g} GFLOP/s from n={sizes[0]} "
            f"(median of {samples} rounds). One training step: {step_ms['cpu']:.2f} ms on CPU, "
            f"{step_ms['cuda']:.2f} ms on GPU.", failures)
    else:
        passed, cpu_why = grows(cpu, sizes)
        why = "--device cpu was given" if ctx.args.device == "cpu" else "no GPU was present"
        summary = ctx.summary(
            f"Only the CPU was measured ({why}), so the GPU speed-up is not tested here. What the CPU "
            f"shows: n={sizes[-1]} matmuls ran at {cpu[-1]:.3g} GFLOP/s vs {cpu[0]:.3g} at n={sizes[0]} "
            f"({growth:.3g}x, median of {samples} rounds, {torch.get_num_threads()} CPU threads)"
            + (", since big dense products keep all the arithmetic units busy." if passed else "."),
            [cpu_why] if not passed else [])
    # Without a GPU only the second half of the claim was tested: say so in the verdict's claim itself.
    claim = CLAIM if "cuda" in gflops else CPU_ONLY_CLAIM
    ctx.verdict(claim, passed, numbers, summary=summary)


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS, cpu_threads=None,  # it measures the CPU at full width
        x_label="matrix size n")
