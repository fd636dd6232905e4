"""Activations: without a nonlinearity an MLP is a linear model; any nonlinearity fixes that.

Two noisy concentric rings in the plane (inner ring one class, outer ring the other). A logistic
regression (the linear baseline) and five copies of the same two-hidden-layer MLP, differing only in
the activation between layers (none, sigmoid, tanh, ReLU, GELU), train with Adam for the same number
of full-batch steps from the same seed. The verdict compares held-out accuracies: the MLP without an
activation must stay within a few points of the linear model, and every nonlinear MLP must beat it
by a wide margin. Heatmaps show P(outer ring) over the plane for the linear MLP and for ReLU.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Activations: what the nonlinearity buys"
CLAIM = ("Without a nonlinearity a multi-layer network collapses to a linear model and stays at the linear "
         "model's accuracy on a non-linear task; with sigmoid, tanh, ReLU or GELU it beats it.")
CARDS = ["activation-function-role", "sigmoid-tanh-relu", "relu-variants"]

PARAMS = [
    Param("hidden", 32, "units in each of the two hidden layers", lo=2, hi=256),
    Param("steps", 600, "full-batch Adam steps per model", lo=10, hi=5000, quick=150),
    Param("lr", 0.02, "Adam learning rate", lo=1e-4, hi=1.0),
    Param("noise", 0.15, "spread of the points around their ring", lo=0.0, hi=1.0),
]

ACTIVATIONS = {"none": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "gelu": nn.GELU}
GRID, EXTENT = 24, 2.0
LINEAR_MARGIN = 0.05   # "stays at the linear model's accuracy": within 5 points
BEAT_MARGIN = 0.15     # "beats it": at least 15 points higher


def rings(n: int, noise: float, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """n points: half on a ring of radius 0.5 (label 0), half on radius 1.5 (label 1)."""
    label = (torch.arange(n) % 2).float()
    radius = 0.5 + label + noise * torch.randn(n, generator=gen)
    angle = 2 * math.pi * torch.rand(n, generator=gen)
    return torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], 1), label


def build(kind: str, hidden: int) -> nn.Module:
    if kind == "linear model":
        return nn.Linear(2, 1)
    act = ACTIVATIONS[kind]
    return nn.Sequential(nn.Linear(2, hidden), act(), nn.Linear(hidden, hidden), act(), nn.Linear(hidden, 1))


def grid_points(device: torch.device) -> torch.Tensor:
    """Row 0 is the top of the plane, column 0 the left."""
    coords = torch.linspace(-EXTENT, EXTENT, GRID, device=device)
    ys, xs = torch.meshgrid(coords.flip(0), coords, indexing="ij")
    return torch.stack([xs.reshape(-1), ys.reshape(-1)], 1)


def main(ctx: DemoContext) -> None:
    device, steps = ctx.device, ctx.p.steps
    every = max(1, steps // 60)
    gen = torch.Generator().manual_seed(ctx.seed)
    x, y = (t.to(device) for t in rings(400, ctx.p.noise, gen))
    xt, yt = (t.to(device) for t in rings(1000, ctx.p.noise, gen))
    ctx.log(f"Two rings (radius 0.5 vs 1.5, noise {ctx.p.noise:g}): 400 training points, 1000 test points. "
            f"Each MLP is 2-{ctx.p.hidden}-{ctx.p.hidden}-1, Adam lr={ctx.p.lr:g}, {steps} full-batch steps.")

    test_acc: dict[str, float] = {}
    for kind in ("linear model", *ACTIVATIONS):
        torch.manual_seed(ctx.seed)  # every MLP starts from the same weights
        model = build(kind, ctx.p.hidden).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=ctx.p.lr)
        for step in range(1, steps + 1):
            loss = nn.functional.binary_cross_entropy_with_logits(model(x).squeeze(-1), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % every == 0 or step == steps:
                with torch.no_grad():
                    acc = ((model(xt).squeeze(-1) > 0).float() == yt).float().mean().item()
                ctx.metric(step, kind, loss=loss.item(), test_acc=acc)
        test_acc[kind] = acc
        if kind in ("none", "relu"):
            with torch.no_grad():
                prob = torch.sigmoid(model(grid_points(device))).reshape(GRID, GRID)
            ctx.matrix(f"P(outer ring), activation {kind}", prob.cpu().mul(1000).round().div(1000), step=steps)

    linear = test_acc["linear model"]
    none_gap = abs(test_acc["none"] - linear)
    nonlinear = {k: test_acc[k] for k in ("sigmoid", "tanh", "relu", "gelu")}
    worst_kind = min(nonlinear, key=nonlinear.get)
    collapses = none_gap <= LINEAR_MARGIN
    beats = nonlinear[worst_kind] >= linear + BEAT_MARGIN
    passed = collapses and beats
    numbers = {"linear_model_acc": linear, **{f"{k}_acc": v for k, v in test_acc.items() if k != "linear model"},
               "none_minus_linear": test_acc["none"] - linear, "worst_nonlinear_minus_linear": nonlinear[worst_kind] - linear}
    text = (f"Test accuracy: linear model {linear:.1%}, MLP without activation {test_acc['none']:.1%}; "
            + ", ".join(f"{k} {v:.1%}" for k, v in nonlinear.items())
            + f". Pass needs no-activation within {LINEAR_MARGIN * 100:.0f} points of the linear model and every "
            f"nonlinear MLP at least {BEAT_MARGIN * 100:.0f} points above it.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        if not collapses:
            missing.append(f"the MLP without activation was {none_gap * 100:.1f} points away from the linear model")
        if not beats:
            missing.append(f"{worst_kind} reached only {nonlinear[worst_kind]:.1%}")
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
