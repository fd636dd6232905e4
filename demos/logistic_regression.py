"""Logistic regression: gradient descent written out by hand, and where a straight line is not enough.

Logistic regression (sigmoid of w.x + b, log loss, gradient step computed by hand) fits two
Gaussian blobs well and its weights give the boundary line. On two interleaved half-moons it
underfits, because its boundary is still a line, while a small MLP fits them. The verdict
compares the three final training accuracies.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Logistic regression by hand: blobs vs half-moons"
CLAIM = ("Logistic regression (sigmoid + log loss, trained by gradient descent) separates linearly "
         "separable classes well, but its linear boundary underfits data like two interleaved half-moons "
         "that a small MLP fits.")
CARDS = ["logistic-regression"]

GRID = 24
PARAMS = [
    Param("lr", 0.5, "logistic regression's gradient-descent step size", lo=1e-4, hi=10.0),
    Param("steps", 1000, "logistic regression's full-batch steps", lo=10, hi=5000, quick=200),
    Param("blob_std", 0.8, "spread of the two blobs (larger: they overlap more)", lo=0.05, hi=3.0),
    Param("moon_noise", 0.1, "noise on the half-moons", lo=0.0, hi=1.0),
    Param("mlp_steps", 1500, "the MLP's Adam steps on the moons", lo=10, hi=5000, quick=300),
]


def blobs(n: int, gen: torch.Generator, std: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Two Gaussian blobs around (-1, -1) (class 0) and (1, 1) (class 1), slightly overlapping."""
    y = (torch.arange(n) % 2).float()
    centres = torch.stack([2 * y - 1, 2 * y - 1], dim=1)
    return centres + std * torch.randn(n, 2, generator=gen), y


def moons(n: int, gen: torch.Generator, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaved half-circles (like sklearn's make_moons), centred on the origin."""
    y = (torch.arange(n) % 2).float()
    t = math.pi * torch.rand(n, generator=gen)
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)               # class 0
    lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)     # class 1
    x = torch.where(y[:, None] == 1, lower, upper) + noise * torch.randn(n, 2, generator=gen)
    return x - torch.tensor([0.5, 0.25]), y


def grid_points(x_lo: float, x_hi: float, y_lo: float, y_hi: float, device: torch.device) -> torch.Tensor:
    """GRID*GRID points; row 0 is the top (y = y_hi), column 0 the left (x = x_lo)."""
    xs_1d = torch.linspace(x_lo, x_hi, GRID, device=device)
    ys_1d = torch.linspace(y_hi, y_lo, GRID, device=device)
    ys, xs = torch.meshgrid(ys_1d, xs_1d, indexing="ij")
    return torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1)


def signed(v: float) -> str:
    return f"{'-' if v < 0 else '+'} {abs(v):.3f}"


def as_rows(prob: torch.Tensor) -> list[list[float]]:
    return [[round(v, 4) for v in row] for row in prob.reshape(GRID, GRID).cpu().tolist()]


def logistic_regression(ctx: DemoContext, series: str, x: torch.Tensor, y: torch.Tensor,
                        steps: int, every: int, lr: float = 0.5) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Full-batch gradient descent on the mean log loss, gradient written out by hand."""
    n = len(y)
    w = torch.zeros(2, device=x.device)
    b = torch.zeros((), device=x.device)
    acc = 0.0
    for step in range(1, steps + 1):
        p = torch.sigmoid(x @ w + b)                                   # P(y = 1 | x)
        eps = 1e-7
        loss = -(y * torch.log(p + eps) + (1 - y) * torch.log(1 - p + eps)).mean()
        grad_w = x.T @ (p - y) / n                                     # d loss / d w
        grad_b = (p - y).mean()                                        # d loss / d b
        w = w - lr * grad_w
        b = b - lr * grad_b
        if step % every == 0 or step == steps:
            acc = ((x @ w + b > 0).float() == y).float().mean().item()
            ctx.metric(step, series, loss=loss.item(), acc=acc)
    return w, b, acc


def mlp(ctx: DemoContext, series: str, x: torch.Tensor, y: torch.Tensor,
        steps: int, every: int) -> tuple[nn.Module, float]:
    model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1)).to(x.device)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    acc = 0.0
    for step in range(1, steps + 1):
        logits = model(x).squeeze(-1)
        loss = nn.functional.binary_cross_entropy_with_logits(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % every == 0 or step == steps:
            with torch.no_grad():
                acc = ((model(x).squeeze(-1) > 0).float() == y).float().mean().item()
            ctx.metric(step, series, loss=loss.item(), acc=acc)
    return model, acc


def main(ctx: DemoContext) -> None:
    device = ctx.device
    steps, mlp_steps, lr = ctx.p.steps, ctx.p.mlp_steps, ctx.p.lr
    every = max(1, max(steps, mlp_steps) // 60)
    gen = torch.Generator().manual_seed(ctx.seed * 7919 + 21)
    n = 400

    # (a) blobs: a line is the right model.
    xb, yb = (t.to(device) for t in blobs(n, gen, ctx.p.blob_std))
    ctx.log(f"(a) {n} points in two Gaussian blobs (std {ctx.p.blob_std:g}) around (-1,-1) and (1,1). "
            f"Logistic regression: p = sigmoid(w.x + b), loss = -mean(y log p + (1-y) log(1-p)), "
            f"gradient dL/dw = X^T (p - y) / n, dL/db = mean(p - y), step w -= {lr:g} * dL/dw.")
    w, b, blob_acc = logistic_regression(ctx, "logreg blobs", xb, yb, steps, every, lr)
    wl = w.cpu().tolist()
    bl = b.item()
    ctx.log(f"Learned w = ({wl[0]:.3f}, {wl[1]:.3f}), b = {bl:.3f}: decision boundary is the line "
            f"{wl[0]:.3f}*x {signed(wl[1])}*y {signed(bl)} = 0, i.e. y = {-wl[0] / wl[1]:.3f}*x {signed(-bl / wl[1])}.")
    g = grid_points(-3.0, 3.0, -3.0, 3.0, device)
    ctx.matrix("logreg blobs P(y=1)", as_rows(torch.sigmoid(g @ w + b)), step=steps)

    # (b) moons: the boundary must curve.
    xm, ym = (t.to(device) for t in moons(n, gen, ctx.p.moon_noise))
    ctx.log(f"(b) {n} points on two interleaved half-moons (noise {ctx.p.moon_noise:g}). Same logistic regression, "
            f"then an MLP 2-32-32-1 (tanh, Adam) on the same points.")
    wm, bm, moon_acc = logistic_regression(ctx, "logreg moons", xm, ym, steps, every, lr)
    model, mlp_acc = mlp(ctx, "mlp moons", xm, ym, mlp_steps, every)
    g = grid_points(-2.0, 2.0, -1.25, 1.25, device)
    ctx.matrix("logreg moons P(y=1)", as_rows(torch.sigmoid(g @ wm + bm)), step=steps)
    with torch.no_grad():
        ctx.matrix("mlp moons P(y=1)", as_rows(torch.sigmoid(model(g).squeeze(-1))), step=mlp_steps)
    ctx.log("Heatmaps: row 0 is the top of the plane; blobs span x, y in [-3, 3], moons x in [-2, 2], y in [-1.25, 1.25].")

    gap = mlp_acc - moon_acc
    passed = blob_acc >= 0.9 and mlp_acc >= 0.95 and gap >= 0.08
    failures = [what for what, ok in (
        (f"logistic regression got only {blob_acc:.0%} on the blobs", blob_acc >= 0.9),
        (f"the MLP got only {mlp_acc:.0%} on the moons", mlp_acc >= 0.95),
        (f"the MLP beat the line on the moons by only {gap:.1%}", gap >= 0.08)) if not ok]
    ctx.verdict(
        CLAIM,
        passed,
        {
            "logreg_blobs_acc": blob_acc,
            "logreg_moons_acc": moon_acc,
            "mlp_moons_acc": mlp_acc,
            "moons_gap": gap,
        },
        summary=ctx.summary(
            f"Logistic regression reaches {blob_acc:.1%} on the blobs and {moon_acc:.1%} on the moons, "
            f"where the MLP reaches {mlp_acc:.1%} (gap {gap:.1%}). Pass needs blobs >= 90%, "
            f"MLP >= 95% and a gap >= 8 points.", failures),
    )


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
