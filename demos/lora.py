"""LoRA: fine-tuning through a low-rank update, with a small fraction of the parameters.

A 16-128-128-1 MLP is first pre-trained on task A: imitate a fixed random "teacher" network. Task B
is a shifted version of A: the teacher's weights change by a low-rank amount, as fine-tuning
updates tend to be. Then three ways to adapt the pre-trained model to B, on the same small data set
and budget: do nothing; fine-tune every weight; or LoRA: freeze every pre-trained weight W and
learn W + (alpha / r) * B A per layer, with A (r x in) random and B (out x r) zero at the start, so
training starts exactly at the pre-trained model. The verdict: LoRA must close most of the gap
between the untouched model and full fine-tuning on B's held-out loss, while training only a small
fraction of the parameters.
"""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "LoRA: low-rank adaptation vs full fine-tuning"
CLAIM = ("Low-rank adaptation reaches close to full fine-tuning's quality while training only a small fraction "
         "of the parameters, the pre-trained weights staying frozen.")
CARDS = ["pretraining-finetuning", "transfer-learning"]

PARAMS = [
    Param("rank", 2, "rank r of each LoRA update", lo=1, hi=64),
    Param("shift_rank", 2, "rank of the change from task A to task B", lo=1, hi=64),
    Param("steps", 400, "Adam steps for pre-training and for each fine-tuning", lo=10, hi=10000, quick=150),
    Param("lr", 0.003, "Adam learning rate for fine-tuning", lo=1e-5, hi=1.0),
]

WIDTH = 128
CLOSED = 0.9        # LoRA must close at least 90 % of the gap ...
FRACTION = 0.1      # ... training at most 10 % of the parameters


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update (alpha / r) * B @ A; B starts at zero."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float = 1.0) -> None:
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        device = base.weight.device
        self.a = nn.Parameter(torch.randn(rank, base.in_features, device=device) / math.sqrt(base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank, device=device))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(16, WIDTH), nn.Tanh(), nn.Linear(WIDTH, WIDTH), nn.Tanh(), nn.Linear(WIDTH, 1))


def with_lora(model: nn.Sequential, rank: int) -> nn.Sequential:
    adapted = copy.deepcopy(model)
    for i, layer in enumerate(adapted):
        if isinstance(layer, nn.Linear):
            adapted[i] = LoRALinear(layer, rank)
    return adapted


def trainable(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def fit(model: nn.Module, x: torch.Tensor, y: torch.Tensor, xt: torch.Tensor, yt: torch.Tensor, steps: int,
        lr: float, ctx: DemoContext, series: str) -> float:
    """Full-batch Adam; returns the held-out loss at the end."""
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    every = max(1, steps // 20)
    for step in range(steps + 1):
        if step % every == 0 or step == steps:
            with torch.no_grad():
                test = nn.functional.mse_loss(model(xt), yt).item()
            ctx.metric(step, series, test_loss=test)
        if step == steps:
            return test
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return test


def main(ctx: DemoContext) -> None:
    device, steps = ctx.device, ctx.p.steps
    gen = torch.Generator().manual_seed(ctx.seed)
    torch.manual_seed(ctx.seed)
    teacher_a = mlp()
    teacher_b = copy.deepcopy(teacher_a)
    with torch.no_grad():  # task B: the teacher's hidden layer moves by a low-rank amount
        w = teacher_b[2].weight
        u = torch.randn(WIDTH, ctx.p.shift_rank, generator=gen)
        v = torch.randn(ctx.p.shift_rank, WIDTH, generator=gen)
        w += 1.5 * w.norm() * (u @ v) / (u @ v).norm()
    teacher_a, teacher_b = teacher_a.to(device), teacher_b.to(device)

    def task(teacher: nn.Module, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randn(n, 16, generator=gen).to(device)
        with torch.no_grad():
            return x, teacher(x)

    xa, ya = task(teacher_a, 512)
    xb, yb = task(teacher_b, 256)          # little data for the new task
    xbt, ybt = task(teacher_b, 1024)
    base = mlp().to(device)
    ctx.log(f"Pre-training a 16-{WIDTH}-{WIDTH}-1 MLP on task A (512 points, {steps} steps), then adapting it to "
            f"task B (256 points; the teacher's hidden layer changed by a rank-{ctx.p.shift_rank} update).")
    fit(base, xa, ya, xa, ya, steps, 0.003, ctx, "pre-training on A")

    with torch.no_grad():
        untouched = nn.functional.mse_loss(base(xbt), ybt).item()
    full = copy.deepcopy(base)
    lora = with_lora(base, ctx.p.rank)
    frozen = [p for m in lora if isinstance(m, LoRALinear) for p in m.base.parameters()]
    frozen_before = [p.clone() for p in frozen]
    full_loss = fit(full, xb, yb, xbt, ybt, steps, ctx.p.lr, ctx, "full fine-tuning")
    lora_loss = fit(lora, xb, yb, xbt, ybt, steps, ctx.p.lr, ctx, f"LoRA r={ctx.p.rank}")
    n_full, n_lora = trainable(full), trainable(lora)
    frozen_same = all(torch.equal(p, q) for p, q in zip(frozen, frozen_before))
    fraction = n_lora / n_full
    gap = untouched - full_loss
    closed = (untouched - lora_loss) / gap if gap > 0 else float("nan")
    close_enough = gap > 0 and closed >= CLOSED
    small = fraction <= FRACTION
    passed = close_enough and small and frozen_same
    numbers = {"untouched_loss": untouched, "full_finetune_loss": full_loss, "lora_loss": lora_loss,
               "gap_closed": closed, "full_trainable_params": n_full, "lora_trainable_params": n_lora,
               "trainable_fraction": fraction}
    text = (f"Held-out loss on task B: pre-trained model as is {untouched:.4f}, full fine-tuning {full_loss:.4f} "
            f"({n_full} trainable parameters), LoRA r={ctx.p.rank} {lora_loss:.4f} ({n_lora}, {fraction:.1%} of them; "
            f"pre-trained weights unchanged: {frozen_same}). LoRA closed {closed:.0%} of the gap; pass needs "
            f"{CLOSED:.0%} with at most {FRACTION:.0%} of the parameters.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in ((f"LoRA closed less than {CLOSED:.0%} of the gap", close_enough),
                                         (f"LoRA trained more than {FRACTION:.0%} of the parameters", small),
                                         ("the frozen weights changed", frozen_same)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
