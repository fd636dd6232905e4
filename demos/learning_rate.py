"""Learning rate: too low crawls, a good one converges, too high diverges.

One small ReLU MLP (same initial weights, same synthetic regression data) is
trained with SGD + momentum at three learning rates, side by side. The verdict
compares the final losses: the low rate must end far above the good one, the
good one must fall far below the start, and the high one must blow up.
"""

from __future__ import annotations

import copy
import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Learning rate: too low, good, too high"
CLAIM = ("Too low a learning rate makes training crawl, a good one converges quickly, "
         "and too high a learning rate makes the loss oscillate or diverge.")
CARDS = ["learning-rate-too-low-or-high"]

PARAMS = [
    Param("low", 0.001, "the learning rate expected to crawl", lo=1e-6, hi=10.0),
    Param("good", 0.1, "the learning rate expected to converge", lo=1e-6, hi=10.0),
    Param("high", 1.0, "the learning rate expected to diverge", lo=1e-6, hi=10.0),
    Param("momentum", 0.9, "SGD momentum", lo=0.0, hi=0.99),
    Param("steps", 1500, "full-batch steps per run", lo=20, hi=20000, quick=300),
]


def make_data(seed: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """256 points in 4-D; target = a linear part plus a sine bump, all noise-free."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(256, 4, generator=g)
    w = torch.randn(4, 1, generator=g)
    y = x @ w / 2 + 0.5 * torch.sin(2 * x[:, :1])
    return x.to(device), y.to(device)


def main(ctx: DemoContext) -> None:
    device = ctx.device
    LOW, GOOD, HIGH, MOMENTUM = ctx.p.low, ctx.p.good, ctx.p.high, ctx.p.momentum
    steps = ctx.p.steps
    every = max(1, steps // 150)
    x, y = make_data(ctx.seed, device)

    base = torch.nn.Sequential(torch.nn.Linear(4, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1)).to(device)
    runs = []
    for lr in (LOW, GOOD, HIGH):
        model = copy.deepcopy(base)
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM)
        runs.append({"name": f"lr={lr:g}", "lr": lr, "model": model, "opt": opt,
                     "losses": [], "diverged_at": None})
    ctx.log(f"SGD (momentum {MOMENTUM}) on one 4-64-1 ReLU MLP, same start, {steps} full-batch steps; "
            f"learning rates {LOW:g} / {GOOD:g} / {HIGH:g}")

    def record(step: int, r: dict, loss: float) -> None:
        r["losses"].append(loss)
        if not math.isfinite(loss) and r["diverged_at"] is None:
            r["diverged_at"] = step
        if step < 20 or step % every == 0 or step == steps or r["diverged_at"] == step:
            ctx.metric(step, r["name"], loss=loss)

    for step in range(steps + 1):
        for r in runs:
            if r["diverged_at"] is not None:
                continue  # nothing left to learn from NaN weights
            model = r["model"]
            loss = torch.nn.functional.mse_loss(model(x), y)
            value = loss.item()
            record(step, r, value)
            if step == steps or not math.isfinite(value):
                continue
            r["opt"].zero_grad()
            loss.backward()
            r["opt"].step()

    low, good, high = (r["losses"] for r in runs)
    start = good[0]
    low_final, good_final, high_final = low[-1], good[-1], high[-1]
    high_finite = [v for v in high if math.isfinite(v)]
    high_max = max(high_finite) if high_finite else float("nan")
    if runs[2]["diverged_at"] is not None:
        high_max = float("inf")
        ctx.log(f"lr={HIGH:g}: the loss became {high_final:.3g} at step {runs[2]['diverged_at']}; stopped that run")

    low_over_good = low_final / good_final if good_final > 0 else float("inf")
    low_slow = low_final > 10 * good_final
    good_converges = good_final < 0.05 * start
    high_bad = (not math.isfinite(high_final)) or high_final > start
    passed = low_slow and good_converges and high_bad

    numbers = {
        "start_loss": start,
        "final_loss_low": low_final,
        "final_loss_good": good_final,
        "final_loss_high": high_final,
        "max_loss_high": high_max,
        "low_over_good": low_over_good,
        "high_diverged_at_step": runs[2]["diverged_at"] if runs[2]["diverged_at"] is not None else -1,
    }
    high_text = (f"lr={HIGH:g} blew up (loss {high_final:.3g} at step {runs[2]['diverged_at']})"
                 if runs[2]["diverged_at"] is not None
                 else f"lr={HIGH:g} ended at {high_final:.3g}, start was {start:.3g}")
    text = (f"From a start of {start:.3g}, lr={GOOD:g} reached {good_final:.2g} while lr={LOW:g} was still at "
            f"{low_final:.2g} ({low_over_good:.0f}x higher) after {steps} steps; {high_text}.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in ((f"lr={LOW:g} did not crawl", low_slow),
                                         (f"lr={GOOD:g} did not converge", good_converges),
                                         (f"lr={HIGH:g} did not diverge", high_bad)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
