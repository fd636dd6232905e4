"""Batch norm: a deep net that trains at a learning rate where the plain net blows up.

A six-layer ReLU MLP classifies four Gaussian clusters in 16-D (raw, un-normalized inputs), with
SGD + momentum on mini-batches of 64. Three runs from the same seed: the plain net at a low
learning rate (it can learn the task), the plain net at a high rate, and the same net with a
BatchNorm1d after every hidden linear layer at that high rate. The verdict: the plain net fails at
the high rate (the loss becomes NaN or it stays near chance) while the batch-norm net learns, and
the plain net at the low rate learns too (so the rate, not the task, is what broke it). Then the
batch-norm net's two modes: train mode normalizes with the batch's own statistics, eval mode with
the running averages, so the same inputs give different outputs, and in train mode an example's
output even depends on which other examples share its batch.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Batch norm: training at a high learning rate; train vs eval mode"
CLAIM = ("Batch normalization lets a deep network train at a learning rate where the same network without it "
         "fails, and its outputs differ between train mode (batch statistics) and eval mode (running statistics).")
CARDS = ["batch-normalization", "pytorch-train-eval-no-grad"]

PARAMS = [
    Param("high_lr", 0.5, "the high learning rate (plain net and batch-norm net)", lo=1e-4, hi=10.0),
    Param("low_lr", 0.03, "the low learning rate for the plain net", lo=1e-5, hi=10.0),
    Param("depth", 6, "hidden layers", lo=1, hi=20),
    Param("steps", 400, "SGD steps (mini-batches of 64)", lo=10, hi=10000, quick=200),
]

WIDTH, CLASSES, LEARNED = 64, 4, 0.9   # "learns": at least 90 % accuracy; chance is 25 %


def make_data(gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """1024 points around four random centres in 16-D, then shifted and stretched (no input scaling)."""
    centres = torch.randn(CLASSES, 16, generator=gen)
    labels = torch.randint(0, CLASSES, (1024,), generator=gen)
    x = centres[labels] + torch.randn(1024, 16, generator=gen)
    return 3 * x + 2, labels


def build(depth: int, norm: bool) -> nn.Module:
    layers: list[nn.Module] = []
    width_in = 16
    for _ in range(depth):
        layers += [nn.Linear(width_in, WIDTH), *([nn.BatchNorm1d(WIDTH)] if norm else []), nn.ReLU()]
        width_in = WIDTH
    return nn.Sequential(*layers, nn.Linear(width_in, CLASSES))


def main(ctx: DemoContext) -> None:
    device, steps = ctx.device, ctx.p.steps
    high, low = ctx.p.high_lr, ctx.p.low_lr
    every = max(1, steps // 80)
    gen = torch.Generator().manual_seed(ctx.seed)
    x, labels = (t.to(device) for t in make_data(gen))
    ctx.log(f"Four clusters in 16-D, 1024 points; a {ctx.p.depth}-layer ReLU MLP (width {WIDTH}), SGD momentum 0.9, "
            f"{steps} mini-batches of 64. Chance accuracy is {1 / CLASSES:.0%}.")
    runs = (("plain, lr=" + f"{low:g}", False, low), ("plain, lr=" + f"{high:g}", False, high),
            ("batch norm, lr=" + f"{high:g}", True, high))
    results: dict[str, dict[str, float]] = {}
    nets = {}
    for series, norm, lr in runs:
        torch.manual_seed(ctx.seed)
        model = build(ctx.p.depth, norm).to(device)
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        batches = torch.Generator().manual_seed(ctx.seed + 1)   # every run sees the same mini-batches
        diverged_at, acc = -1, float("nan")
        for step in range(1, steps + 1):
            model.train()
            idx = torch.randint(0, len(x), (64,), generator=batches).to(device)
            loss = nn.functional.cross_entropy(model(x[idx]), labels[idx])
            if not math.isfinite(loss.item()):
                diverged_at = step
                ctx.metric(step, series, loss=loss.item())
                ctx.log(f"{series}: the loss became {loss.item()} at step {step}; stopped that run")
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % every == 0 or step == steps:
                model.eval()
                with torch.no_grad():
                    acc = (model(x).argmax(1) == labels).float().mean().item()
                ctx.metric(step, series, loss=loss.item(), acc=acc)
        final_acc = acc if diverged_at < 0 else float("nan")
        results[series] = {"acc": final_acc, "diverged_at": diverged_at}
        nets[series] = model

    # The batch-norm net in its two modes, on the same 64 inputs.
    bn_net = nets[runs[2][0]]
    probe, others = x[:64], x[64:128]
    with torch.no_grad():
        bn_net.train()
        train_out = bn_net(probe)
        mixed = bn_net(torch.cat([probe[:32], others[:32]]))[:32]   # the same 32 examples, other batch-mates
        bn_net.eval()
        eval_out = bn_net(probe)
        eval_again = bn_net(torch.cat([probe[:32], others[:32]]))[:32]
    mode_diff = (train_out - eval_out).abs().max().item()
    batchmate_diff = (train_out[:32] - mixed).abs().max().item()
    eval_batchmate_diff = (eval_out[:32] - eval_again).abs().max().item()
    ctx.log(f"batch-norm net, the same 64 inputs: train-mode and eval-mode logits differ by up to {mode_diff:.3g}; "
            f"in train mode, changing half the batch changes the other half's logits by up to {batchmate_diff:.3g} "
            f"(eval mode: {eval_batchmate_diff:.3g})")

    low_r, high_r, bn_r = (results[s] for s, _, _ in runs)
    low_learns = low_r["acc"] >= LEARNED
    plain_fails = high_r["diverged_at"] > 0 or high_r["acc"] < 0.5
    bn_learns = bn_r["acc"] >= LEARNED
    modes_differ = mode_diff > 1e-3
    passed = low_learns and plain_fails and bn_learns and modes_differ
    numbers = {"plain_low_lr_acc": low_r["acc"], "plain_high_lr_acc": high_r["acc"],
               "plain_high_lr_diverged_at_step": high_r["diverged_at"], "batch_norm_high_lr_acc": bn_r["acc"],
               "train_vs_eval_max_difference": mode_diff, "train_mode_batchmate_difference": batchmate_diff,
               "eval_mode_batchmate_difference": eval_batchmate_diff}
    high_text = (f"the plain net blew up (NaN loss at step {high_r['diverged_at']})" if high_r["diverged_at"] > 0
                 else f"the plain net reached {high_r['acc']:.1%}")
    text = (f"At lr={high:g} {high_text} while the batch-norm net reached {bn_r['acc']:.1%}; at lr={low:g} the "
            f"plain net reached {low_r['acc']:.1%}. Train vs eval mode: logits differ by up to {mode_diff:.3g}.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in ((f"the plain net did not learn at lr={low:g}", low_learns),
                                         (f"the plain net did not fail at lr={high:g}", plain_fails),
                                         (f"the batch-norm net did not learn at lr={high:g}", bn_learns),
                                         ("train and eval mode gave the same outputs", modes_differ)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
