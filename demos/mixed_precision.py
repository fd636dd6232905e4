"""Mixed precision: why fp16 needs loss scaling and bf16 does not.

A small MLP trains in fp32 (Adam, learning rate decayed to zero) until it fits its 256 points, so
its gradients shrink by many orders of magnitude, as late-training gradients do. At each checkpoint
the run stores that step's real gradients the way a half-precision backward pass would have to:
cast to fp16 as they are, cast to fp16 after multiplying by a loss scale S (and divided by S again
in fp32 afterwards), and cast to bf16. It counts the non-zero gradients that became exactly 0
(underflow) and those that became inf (overflow). fp16's smallest step above zero is about 6e-8,
so small gradients vanish; S lifts them into range; bf16 has fp32's exponent range (8 bits) and
needs no scale. The ranges come from torch.finfo. The verdict reads the last checkpoint.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Mixed precision: fp16 underflow and loss scaling"
CLAIM = ("Gradients too small for fp16 are flushed to zero; multiplying the loss by a scale factor lifts them "
         "into fp16's range so they survive, and bf16, with fp32's exponent range, keeps them without scaling.")
CARDS = ["mixed-precision-training"]

PARAMS = [
    Param("scale", 65536.0, "the loss scale S (PyTorch's GradScaler starts at 2^16)", lo=1.0, hi=1e12),
    Param("steps", 1200, "fp32 training steps (the gradients shrink as the fit improves)", lo=20, hi=20000, quick=500),
    Param("lr", 0.003, "Adam learning rate at the start (decays linearly to 0)", lo=1e-5, hi=0.1),
]

FLUSHED = 0.2        # without scaling, at least a fifth of the final gradients must underflow ...
SURVIVE = 0.01       # ... with scaling (and in bf16) at most 1 %
BINS = list(range(-14, 1))   # histogram columns: log10|g| from -14 to 0, after a column for exact zeros


def cast_back(g: torch.Tensor, dtype: torch.dtype, scale: float) -> torch.Tensor:
    """g as it comes out of storage in `dtype` with loss scale `scale`, read back in fp32."""
    return (g * scale).to(dtype).float() / scale


def histogram(g: torch.Tensor) -> list[float]:
    """Fraction of entries that are 0, then per decade of |g| (10^-14 and below ... 10^0 and above)."""
    zero = (g == 0).float().mean().item()
    mags = torch.log10(g[g != 0].abs()).floor().clamp(BINS[0], BINS[-1])
    counts = [(mags == b).float().sum().item() / g.numel() for b in BINS]
    return [round(v, 4) for v in [zero, *counts]]


def main(ctx: DemoContext) -> None:
    device, steps, scale = ctx.device, ctx.p.steps, ctx.p.scale
    f16, bf16, f32 = torch.finfo(torch.float16), torch.finfo(torch.bfloat16), torch.finfo(torch.float32)
    ranges = {"fp16": f16, "bf16": bf16, "fp32": f32}
    for name, fi in ranges.items():
        ctx.log(f"{name}: largest {fi.max:.3g}, smallest normal {fi.tiny:.3g}, smallest subnormal "
                f"{fi.smallest_normal * fi.eps:.3g}, relative precision {fi.eps:.3g}")
    gen = torch.Generator().manual_seed(ctx.seed)
    x = torch.randn(256, 16, generator=gen)
    y = torch.sin(2 * x[:, :1]) + 0.5 * x[:, 1:2] + 0.1 * torch.randn(256, 1, generator=gen)
    x, y = x.to(device), y.to(device)
    model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=ctx.p.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / steps))
    ctx.log(f"A 16-64-64-1 MLP fits 256 noisy points in fp32 for {steps} Adam steps; every checkpoint casts that "
            f"step's {sum(p.numel() for p in model.parameters())} gradients to fp16, to fp16 with S={scale:g}, "
            f"and to bf16.")
    every = max(1, steps // 40)
    last: dict[str, float] = {}
    worst_overflow, overflow_step = 0.0, -1   # a scale too large overflows early, while gradients are big
    for step in range(steps + 1):
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        if step % every == 0 or step == steps:
            g = torch.cat([p.grad.flatten() for p in model.parameters()])
            nonzero = g != 0
            casts = {"fp16": cast_back(g, torch.float16, 1.0), f"fp16 x {scale:g}": cast_back(g, torch.float16, scale),
                     "bf16": cast_back(g, torch.bfloat16, 1.0)}
            median = g.abs().median().item()
            ctx.metric(step, "fp32", loss=loss.item(), median_abs_grad=median)
            for name, c in casts.items():
                flushed = ((c == 0) & nonzero).float().sum().item() / max(1, nonzero.sum().item())
                overflow = (~torch.isfinite(c)).float().mean().item()
                ctx.metric(step, name, flushed=flushed, overflowed=overflow)
                last[f"{name} flushed"], last[f"{name} overflowed"] = flushed, overflow
                if name.startswith("fp16 x") and overflow > worst_overflow:
                    worst_overflow, overflow_step = overflow, step
            last["median"], last["loss"] = median, loss.item()
        if step < steps:
            opt.step()
            sched.step()
    rows = [histogram(g), *(histogram(c) for c in casts.values())]
    ctx.matrix("gradients at the end: rows fp32, fp16, fp16 x S, bf16; columns: exactly 0, then log10|g| = "
               f"{BINS[0]} (and below) ... {BINS[-1]} (and above)", rows, step=steps)

    scaled = f"fp16 x {scale:g}"
    flushed_plain, flushed_scaled, flushed_bf16 = last["fp16 flushed"], last[f"{scaled} flushed"], last["bf16 flushed"]
    overflow_scaled = worst_overflow
    plain_flushes = flushed_plain >= FLUSHED
    scaled_survives = flushed_scaled <= SURVIVE and overflow_scaled == 0
    bf16_survives = flushed_bf16 <= SURVIVE
    passed = plain_flushes and scaled_survives and bf16_survives
    numbers = {
        "fp16_max": f16.max, "fp16_smallest_normal": f16.tiny, "bf16_max": bf16.max, "bf16_smallest_normal": bf16.tiny,
        "fp32_smallest_normal": f32.tiny, "final_loss": last["loss"], "final_median_abs_grad": last["median"],
        "fp16_flushed": flushed_plain, "fp16_scaled_flushed": flushed_scaled, "fp16_scaled_max_overflowed": overflow_scaled,
        "bf16_flushed": flushed_bf16, "scale": scale,
    }
    text = (f"At the end the median gradient was {last['median']:.2g}. Cast to fp16 {flushed_plain:.1%} of the "
            f"non-zero gradients became 0; with S={scale:g}, {flushed_scaled:.1%} ("
            + (f"but at step {overflow_step} {overflow_scaled:.1%} overflowed to inf" if overflow_scaled
               else "and none overflowed at any checkpoint")
            + f"); in bf16 {flushed_bf16:.1%}. fp16 stops at {f16.max:.0f} and has normals down to "
            f"{f16.tiny:.2g}; bf16 reaches {bf16.max:.3g} and {bf16.tiny:.3g}, like fp32.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (
            (f"fewer than {FLUSHED:.0%} of the gradients underflowed in plain fp16", plain_flushes),
            (f"with S={scale:g} more than {SURVIVE:.0%} still underflowed or some overflowed", scaled_survives),
            (f"more than {SURVIVE:.0%} underflowed in bf16", bf16_survives)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
