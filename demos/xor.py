"""XOR: a single-layer perceptron cannot fit it; a two-layer MLP with a nonlinearity can.

Four clusters of points at the corners of a square, labelled by XOR of the coordinates' signs.
A linear model with a sigmoid, two stacked linear layers without an activation, and a 2-8-1 MLP
with tanh train with the same optimizer and steps. The verdict compares their accuracies
(best seen during training for the linear ones, final for the MLP); heatmaps show P(class 1).
"""

from __future__ import annotations

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "XOR: perceptron vs multilayer perceptron"
CLAIM = ("A single-layer perceptron cannot fit XOR (at most 3 of 4 corners right), while a two-layer "
         "MLP with a nonlinear activation fits it perfectly; without the activation the stack stays linear.")
CARDS = ["multilayer-perceptron", "activation-function-role"]

GRID = 24       # decision-region heatmaps are GRID x GRID
EXTENT = 2.0    # the plane shown is [-EXTENT, EXTENT]^2
PARAMS = [
    Param("hidden", 8, "hidden units of the MLP (and of the linear stack)", lo=1, hi=64),
    Param("activation", "tanh", "the MLP's nonlinearity ('none' makes it another linear stack)",
          choices=("tanh", "relu", "sigmoid", "none")),
    Param("lr", 0.05, "Adam learning rate", lo=1e-4, hi=1.0),
    Param("steps", 600, "full-batch training steps per model", lo=10, hi=5000, quick=150),
    Param("noise", 0.25, "standard deviation of the points around each corner", lo=0.0, hi=1.0),
]
ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "none": nn.Identity}


def make_data(per_corner: int, gen: torch.Generator, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Clusters around (+-1, +-1); label 1 where the signs differ (XOR)."""
    corners = torch.tensor([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    labels = torch.tensor([0.0, 1.0, 1.0, 0.0])
    x = corners.repeat_interleave(per_corner, 0) + noise * torch.randn(4 * per_corner, 2, generator=gen)
    y = labels.repeat_interleave(per_corner, 0)
    return x, y


def grid_points(device: torch.device) -> torch.Tensor:
    """GRID*GRID points; row 0 is the top of the plane (y = +EXTENT), column 0 the left (x = -EXTENT)."""
    coords = torch.linspace(-EXTENT, EXTENT, GRID, device=device)
    ys, xs = torch.meshgrid(coords.flip(0), coords, indexing="ij")
    return torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1)


def build(kind: str, hidden: int, activation: str) -> nn.Module:
    if kind == "perceptron":
        return nn.Linear(2, 1)                                     # w.x + b, then sigmoid
    if kind == "linear stack":
        return nn.Sequential(nn.Linear(2, hidden), nn.Linear(hidden, 1))  # no activation between
    return nn.Sequential(nn.Linear(2, hidden), ACTIVATIONS[activation](), nn.Linear(hidden, 1))


def main(ctx: DemoContext) -> None:
    device = ctx.device
    steps, hidden, activation, lr = ctx.p.steps, ctx.p.hidden, ctx.p.activation, ctx.p.lr
    every = max(1, steps // 60)
    snapshots = {steps // 4, steps // 2, steps}  # when to emit decision-region heatmaps

    gen = torch.Generator().manual_seed(ctx.seed * 7919 + 11)
    x, y = make_data(25, gen, ctx.p.noise)
    x, y = x.to(device), y.to(device)
    grid = grid_points(device)
    ctx.log(f"XOR data: {len(y)} points in 4 clusters around (+-1, +-1), label 1 where x and y have "
            f"different signs. Heatmaps: P(class 1) on a {GRID}x{GRID} grid over [-{EXTENT:g}, {EXTENT:g}]^2, "
            f"row 0 = top (y = +{EXTENT:g}).")

    results: dict[str, dict[str, float]] = {}
    for kind in ("perceptron", "linear stack", "mlp"):
        model = build(kind, hidden, activation).to(device)
        n_params = sum(p.numel() for p in model.parameters())
        ctx.log(f"{kind}: {n_params} parameters")
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        best = 0.0
        acc = 0.0
        for step in range(1, steps + 1):
            logits = model(x).squeeze(-1)
            loss = nn.functional.binary_cross_entropy_with_logits(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                acc = ((model(x).squeeze(-1) > 0).float() == y).float().mean().item()
            best = max(best, acc)
            if step % every == 0 or step == steps:
                ctx.metric(step, kind, loss=loss.item(), acc=acc, best_acc=best)
            if step in snapshots:
                with torch.no_grad():
                    prob = torch.sigmoid(model(grid)).reshape(GRID, GRID)
                ctx.matrix(f"{kind} decision region", [[round(v, 4) for v in row] for row in prob.cpu().tolist()],
                           step=step)
        results[kind] = {"final": acc, "best": best}
        if kind == "perceptron":
            w, b = model.weight.detach().cpu()[0], model.bias.detach().cpu()[0]
            ctx.log(f"perceptron boundary: {w[0]:.2f}*x + {w[1]:.2f}*y + {b:.2f} = 0 (a single straight line)")

    perceptron_best = results["perceptron"]["best"]
    stack_best = results["linear stack"]["best"]
    mlp_final = results["mlp"]["final"]
    passed = perceptron_best <= 0.75 and stack_best <= 0.75 and mlp_final == 1.0
    failures = [what for what, ok in (
        (f"a linear model got {max(perceptron_best, stack_best):.0%} (noise put points past the corners' line)",
         perceptron_best <= 0.75 and stack_best <= 0.75),
        (f"the {activation} MLP ended at {mlp_final:.0%}, not 100%", mlp_final == 1.0)) if not ok]
    ctx.verdict(
        CLAIM,
        passed,
        {
            "perceptron_best_acc": perceptron_best,
            "linear_stack_best_acc": stack_best,
            "mlp_final_acc": mlp_final,
        },
        summary=ctx.summary(
            f"Best accuracy ever reached in {steps} steps: perceptron {perceptron_best:.0%}, linear stack "
            f"{stack_best:.0%} (a line can get at most 3 of the 4 clusters right); the {hidden}-unit {activation} "
            f"MLP ends at {mlp_final:.0%}. Pass needs both linear models <= 75% and the MLP at 100%.", failures),
    )


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
