"""Overfitting: capacity, train/validation curves, early stopping and weight decay.

A few noisy samples of a sine wave, and three MLPs trained full-batch with AdamW (one update per
epoch) from the same seed: a tiny one (2 hidden units per layer), a large one (128 per layer), and
the large one with weight decay. Both losses are recorded every epoch. The tiny net underfits (its
training loss stays high); the large net drives its training loss towards zero while its
validation loss reaches a minimum early and then climbs as it memorizes the noise: that minimum is
where early stopping would stop. Weight decay keeps the weights small and the train/validation gap
narrower. The verdict checks each of those on this run's curves.
"""

from __future__ import annotations

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Overfitting: capacity, early stopping, weight decay"
CLAIM = ("A model with too little capacity underfits; a large one fits the training noise, so its validation loss "
         "bottoms out early and then rises (early stopping picks that epoch); weight decay narrows the gap.")
CARDS = ["overfitting-underfitting", "early-stopping", "bias-variance-tradeoff", "regularization-overview"]

PARAMS = [
    Param("small", 2, "hidden units per layer of the small net", lo=1, hi=64),
    Param("large", 128, "hidden units per layer of the large net", lo=8, hi=1024),
    Param("weight_decay", 3.0, "AdamW weight decay of the third net (shrinks weights by lr*wd per epoch)", lo=0.0, hi=50.0),
    Param("points", 24, "noisy training samples", lo=4, hi=1000),
    Param("noise", 0.5, "standard deviation of the label noise", lo=0.0, hi=2.0),
    Param("epochs", 800, "full-batch epochs", lo=10, hi=20000, quick=400),
]

LR = 0.003
UNDERFIT = 2.5      # the small net's training loss at least 2.5x the large net's
ROSE = 1.15         # the large net's final validation loss at least 15 % above its best
NARROWER = 0.75     # weight decay's gap at most 75 % of the large net's


def sample(n: int, noise: float, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.rand(n, 1, generator=gen) * 4 - 2
    return x, torch.sin(2 * x) + noise * torch.randn(n, 1, generator=gen)


def mlp(width: int) -> nn.Module:
    return nn.Sequential(nn.Linear(1, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 1))


def main(ctx: DemoContext) -> None:
    device, epochs = ctx.device, ctx.p.epochs
    every = max(1, epochs // 100)
    gen = torch.Generator().manual_seed(ctx.seed)
    x, y = (t.to(device) for t in sample(ctx.p.points, ctx.p.noise, gen))
    xv, yv = (t.to(device) for t in sample(300, ctx.p.noise, gen))
    wd = ctx.p.weight_decay
    runs = ((f"small ({ctx.p.small})", ctx.p.small, 0.0), (f"large ({ctx.p.large})", ctx.p.large, 0.0),
            (f"large + weight decay {wd:g}", ctx.p.large, wd))
    ctx.log(f"{ctx.p.points} training samples of sin(2x) + noise (sd {ctx.p.noise:g}, so the best possible loss is "
            f"about {ctx.p.noise ** 2:.3g}), 300 validation samples; 1-w-w-1 ReLU MLPs, AdamW lr {LR:g}, {epochs} epochs.")
    res: dict[str, dict[str, float]] = {}
    for series, width, decay in runs:
        torch.manual_seed(ctx.seed)
        model = mlp(width).to(device)
        opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=decay)
        best, best_epoch = float("inf"), 0
        for epoch in range(1, epochs + 1):
            with torch.no_grad():  # both losses of the weights this epoch starts from
                val = nn.functional.mse_loss(model(xv), yv).item()
            loss = nn.functional.mse_loss(model(x), y)
            train = loss.item()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if val < best:
                best, best_epoch = val, epoch
            if epoch % every == 0 or epoch == epochs or epoch == best_epoch:
                ctx.metric(epoch, series, train_loss=train, val_loss=val)
        res[series] = {"train": train, "val": val, "gap": val - train, "best_val": best, "best_epoch": best_epoch}
        ctx.log(f"{series}: best validation loss {best:.3g} at epoch {best_epoch}, final {val:.3g} "
                f"(train {train:.3g})")

    small, large, decayed = (res[s] for s, _, _ in runs)
    underfits = small["train"] >= UNDERFIT * large["train"]
    overfits = large["best_epoch"] < epochs // 2 and large["val"] >= ROSE * large["best_val"]
    narrower = large["gap"] > 0 and decayed["gap"] <= NARROWER * large["gap"]
    passed = underfits and overfits and narrower
    numbers = {
        "small_train_loss": small["train"], "small_val_loss": small["val"],
        "large_train_loss": large["train"], "large_val_loss": large["val"], "large_gap": large["gap"],
        "large_best_val_loss": large["best_val"], "large_best_epoch": large["best_epoch"],
        "decay_train_loss": decayed["train"], "decay_val_loss": decayed["val"], "decay_gap": decayed["gap"],
        "epochs": epochs,
    }
    text = (f"Training loss: small net {small['train']:.3g}, large net {large['train']:.3g}. The large net's "
            f"validation loss was lowest ({large['best_val']:.3g}) at epoch {large['best_epoch']} of {epochs} and "
            f"ended at {large['val']:.3g}: early stopping would keep epoch {large['best_epoch']}. Train/validation "
            f"gap: {large['gap']:.3g} without weight decay, {decayed['gap']:.3g} with {wd:g}.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (
            (f"the small net's training loss was not {UNDERFIT:g}x the large net's", underfits),
            ("the large net's validation loss did not bottom out early and rise", overfits),
            (f"weight decay did not narrow the gap to {NARROWER:.0%}", narrower)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
