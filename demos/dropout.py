"""Dropout: a regularizer at training time that is switched off at evaluation.

An over-sized MLP (two hidden layers of 256 ReLU units) fits a handful of noisy samples of a sine
wave, twice from the same initial weights: once plain, once with dropout after each hidden layer.
Train and test losses are measured in eval mode (dropout off), so the train/test gap is the gap
of the network as it would be used. The plain net memorizes the noise (train loss near zero, test
loss high); dropout keeps it from relying on any single unit and narrows the gap. Then the same
input goes through the dropout net twice in each mode: eval mode must give identical outputs,
train mode different ones (a fresh random mask each pass).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Dropout: a narrower train/test gap, off at evaluation"
CLAIM = ("Dropout narrows the gap between training and test loss of an over-sized network on small noisy data, "
         "and it is only active in training: in eval mode the output is deterministic.")
CARDS = ["dropout", "pytorch-train-eval-no-grad", "regularization-overview"]

PARAMS = [
    Param("p", 0.5, "dropout probability after each hidden layer", lo=0.0, hi=0.9),
    Param("points", 24, "noisy training samples", lo=4, hi=1000),
    Param("noise", 0.5, "standard deviation of the label noise", lo=0.0, hi=2.0),
    Param("width", 256, "units per hidden layer", lo=4, hi=1024),
    Param("lr", 0.003, "Adam learning rate", lo=1e-5, hi=0.1),
    Param("steps", 1500, "full-batch Adam steps", lo=10, hi=20000, quick=600),
]

NARROWER = 0.75  # dropout's gap must be at least a quarter narrower than the plain net's


def sample(n: int, noise: float, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.rand(n, 1, generator=gen) * 4 - 2
    return x, torch.sin(2 * x) + noise * torch.randn(n, 1, generator=gen)


def build(width: int, p: float) -> nn.Module:
    return nn.Sequential(nn.Linear(1, width), nn.ReLU(), nn.Dropout(p), nn.Linear(width, width), nn.ReLU(),
                         nn.Dropout(p), nn.Linear(width, 1))


def main(ctx: DemoContext) -> None:
    device, steps = ctx.device, ctx.p.steps
    every = max(1, steps // 60)
    gen = torch.Generator().manual_seed(ctx.seed)
    x, y = (t.to(device) for t in sample(ctx.p.points, ctx.p.noise, gen))
    xt, yt = (t.to(device) for t in sample(500, ctx.p.noise, gen))
    ctx.log(f"{ctx.p.points} samples of sin(2x) + noise (sd {ctx.p.noise:g}); 1-{ctx.p.width}-{ctx.p.width}-1 ReLU "
            f"MLP, Adam lr {ctx.p.lr:g}, {steps} full-batch steps; losses measured in eval mode on the training points "
            f"and on 500 fresh test points (their noise alone costs {ctx.p.noise ** 2:.3g}).")
    final: dict[str, dict[str, float]] = {}
    models = {}
    for series, p in (("plain", 0.0), (f"dropout {ctx.p.p:g}", ctx.p.p)):
        torch.manual_seed(ctx.seed)  # the same initial weights for both
        model = build(ctx.p.width, p).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=ctx.p.lr)
        for step in range(1, steps + 1):
            model.train()
            loss = nn.functional.mse_loss(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % every == 0 or step == steps:
                model.eval()
                with torch.no_grad():
                    train = nn.functional.mse_loss(model(x), y).item()
                    test = nn.functional.mse_loss(model(xt), yt).item()
                ctx.metric(step, series, train_loss=train, test_loss=test, gap=test - train)
        final[series] = {"train": train, "test": test, "gap": test - train}
        models[series] = model

    # Dropout at evaluation: the same inputs twice in each mode.
    net = models[f"dropout {ctx.p.p:g}"]
    with torch.no_grad():
        net.eval()
        eval_diff = (net(xt) - net(xt)).abs().max().item()
        net.train()
        train_diff = (net(xt) - net(xt)).abs().max().item()
    ctx.log(f"dropout net, same input twice: eval mode outputs differ by at most {eval_diff:.3g}, "
            f"train mode outputs by up to {train_diff:.3g}")

    plain, drop = final["plain"], final[f"dropout {ctx.p.p:g}"]
    narrower = drop["gap"] <= NARROWER * plain["gap"] and plain["gap"] > 0
    eval_deterministic = eval_diff == 0.0
    train_random = train_diff > 0.0
    passed = narrower and eval_deterministic and train_random
    numbers = {"plain_train_loss": plain["train"], "plain_test_loss": plain["test"], "plain_gap": plain["gap"],
               "dropout_train_loss": drop["train"], "dropout_test_loss": drop["test"], "dropout_gap": drop["gap"],
               "eval_mode_max_difference": eval_diff, "train_mode_max_difference": train_diff}
    text = (f"Train/test loss: plain {plain['train']:.3g}/{plain['test']:.3g} (gap {plain['gap']:.3g}), dropout "
            f"p={ctx.p.p:g} {drop['train']:.3g}/{drop['test']:.3g} (gap {drop['gap']:.3g}, "
            f"{drop['gap'] / plain['gap']:.0%} of the plain gap; pass needs at most {NARROWER:.0%}). The same input "
            f"twice: eval mode differed by {eval_diff:.3g}, train mode by {train_diff:.3g}."
            if plain["gap"] else "the plain net had no gap to narrow")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in ((f"dropout did not narrow the gap to {NARROWER:.0%}", narrower),
                                         ("eval mode was not deterministic", eval_deterministic),
                                         ("train mode did not randomize (p=0?)", train_random)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
