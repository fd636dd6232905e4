"""Optimizers: plain SGD, SGD with momentum and Adam in a long, narrow valley.

The loss is a 2-D quadratic 0.5 * (x^2 + kappa * y^2): one direction is kappa times steeper than
the other (condition number kappa). Each optimizer (torch.optim's own) starts at the same point.
Plain SGD and momentum use the same learning rate, a fraction of 2/kappa (the largest rate at
which SGD does not blow up across the steep direction), so SGD crawls along the shallow one. Momentum builds speed along the valley
floor; Adam rescales each coordinate by its own gradient size. The verdict counts the steps each needs to bring the loss below a target
(a fraction of the start): momentum and Adam must get there several times sooner than SGD.
Heatmaps: the log-loss surface with each optimizer's path marked. The problem and the start are
fixed, so the run is the same for every seed.
"""

from __future__ import annotations

import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Optimizers: SGD, momentum and Adam in a narrow valley"
CLAIM = ("On an ill-conditioned problem plain SGD crawls along the shallow direction, while momentum "
         "and Adam reach a low loss several times sooner.")
CARDS = ["momentum", "adam-optimizer", "sgd-vs-adam"]

PARAMS = [
    Param("kappa", 100.0, "condition number: how much steeper y is than x", lo=1.0, hi=10000.0),
    Param("lr_frac", 0.5, "SGD and momentum learning rate, as a fraction of SGD's limit 2/kappa", lo=0.01, hi=1.5),
    Param("momentum", 0.9, "momentum coefficient (beta)", lo=0.0, hi=0.999),
    Param("adam_lr", 0.2, "Adam learning rate", lo=1e-4, hi=10.0),
    Param("target", 1e-6, "the loss to reach, as a fraction of the starting loss", lo=1e-12, hi=0.5, quick=1e-4),
    Param("steps", 1500, "steps per optimizer", lo=10, hi=100000, quick=500),
]

START = (-8.0, 0.9)
SPEEDUP = 3.0       # "several times sooner"
GRID = 24


def loss_fn(p: torch.Tensor, kappa: float) -> torch.Tensor:
    return 0.5 * (p[0] ** 2 + kappa * p[1] ** 2)


def path_map(paths: list[list[tuple[float, float]]], kappa: float) -> list[list[list[float]]]:
    """One heatmap per path: the log-loss surface scaled to [0, 0.6], the cells the path visits at 1.
    Row 0 is the top (y = +1), column 0 the left (x = -9)."""
    xs = torch.linspace(-9, 3, GRID)
    ys = torch.linspace(1.0, -1.0, GRID)
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    surface = torch.log10(0.5 * (xx**2 + kappa * yy**2) + 1e-3)
    surface = 0.6 * (surface - surface.min()) / (surface.max() - surface.min())
    maps = []
    for path in paths:
        m = surface.clone()
        for x, y in path:
            col = round((x + 9) / 12 * (GRID - 1))
            row = round((1.0 - y) / 2.0 * (GRID - 1))
            if 0 <= row < GRID and 0 <= col < GRID:
                m[row, col] = 1.0
        maps.append(m.double().mul(1000).round().div(1000).tolist())
    return maps


def main(ctx: DemoContext) -> None:
    kappa, steps = ctx.p.kappa, ctx.p.steps
    lr = ctx.p.lr_frac * 2.0 / kappa
    every = max(1, steps // 200)
    make = {
        "sgd": lambda ps: torch.optim.SGD(ps, lr=lr),
        "momentum": lambda ps: torch.optim.SGD(ps, lr=lr, momentum=ctx.p.momentum),
        "adam": lambda ps: torch.optim.Adam(ps, lr=ctx.p.adam_lr),
    }
    start_loss = loss_fn(torch.tensor(START), kappa).item()
    target = ctx.p.target * start_loss
    ctx.log(f"loss = 0.5 * (x^2 + {kappa:g} * y^2), start {START}, loss {start_loss:.3g}; target {target:.3g}. "
            f"SGD and momentum (beta {ctx.p.momentum:g}) at lr {lr:.3g}, Adam at lr {ctx.p.adam_lr:g}; {steps} steps each.")

    reached: dict[str, int | None] = {}
    finals: dict[str, float] = {}
    paths = []
    for name, make_opt in make.items():
        p = torch.tensor(START, device=ctx.device, requires_grad=True)
        opt = make_opt([p])
        reached[name] = None
        path = []
        for step in range(steps + 1):
            loss = loss_fn(p, kappa)
            value = loss.item()
            if step < 100:
                path.append(tuple(p.detach().cpu().tolist()))
            if step % every == 0 or step == steps or (reached[name] is None and value < target) or not math.isfinite(value):
                ctx.metric(step, name, loss=value)
            if reached[name] is None and value < target:
                reached[name] = step
            if not math.isfinite(value) or step == steps:
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
        finals[name] = value
        paths.append(path)
    for name, m in zip(make, path_map(paths, kappa)):
        ctx.matrix(f"{name}: path over the log-loss surface (first 100 steps), x -9..3, y -1..1", m)

    def steps_or_more(name: str) -> int:
        return reached[name] if reached[name] is not None else steps + 1  # never reached: at least steps + 1

    sgd = steps_or_more("sgd")
    fast = {name: steps_or_more(name) for name in ("momentum", "adam")}
    speedups = {name: sgd / n if n else float("inf") for name, n in fast.items()}
    passed = all(reached[name] is not None and speedups[name] >= SPEEDUP for name in fast)
    numbers = {"start_loss": start_loss, "target_loss": target,
               **{f"{n}_steps_to_target": (reached[n] if reached[n] is not None else -1) for n in make},
               **{f"{n}_final_loss": finals[n] for n in make},
               **{f"{n}_speedup_over_sgd": speedups[n] for n in fast}}

    def when(name: str) -> str:
        return f"{reached[name]} steps" if reached[name] is not None else f"not within {steps} steps"

    settings = ctx.settings_text()
    summary = ((f"{settings[0].upper()}{settings[1:]}: " if settings else "")
               + f"Steps to bring the loss from {start_loss:.3g} below {target:.3g}: SGD {when('sgd')}, momentum "
               f"{when('momentum')}, Adam {when('adam')} (speed-ups over SGD: momentum "
               f"{'>=' if reached['sgd'] is None else ''}{speedups['momentum']:.1f}x, Adam "
               f"{'>=' if reached['sgd'] is None else ''}{speedups['adam']:.1f}x; pass needs {SPEEDUP:g}x each).")
    if not passed:
        slow = [n for n in fast if reached[n] is None or speedups[n] < SPEEDUP]
        summary += " " + " and ".join(slow) + f" did not reach the target {SPEEDUP:g}x sooner: not shown at these settings."
    ctx.verdict(CLAIM, passed, numbers, summary=summary)


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
