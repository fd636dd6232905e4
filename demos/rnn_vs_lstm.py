"""Vanilla RNN vs LSTM: the adding problem, a long-range dependency only gating can carry.

Each input is a sequence of (value, marker) pairs; two markers sit in the first few steps,
and the target, read after the whole sequence, is the sum of the two marked values. A tanh
RNN and an LSTM of the same hidden size train with the same data, optimizer and steps. The
verdict compares each model's held-out MSE with the baseline of always predicting the mean.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Vanilla RNN vs LSTM on a long-range dependency"
CLAIM = ("A vanilla RNN cannot learn a dependency spanning dozens of steps (vanishing gradients), "
         "while an LSTM's gated cell state carries it and solves the task.")
CARDS = ["rnn-what-is", "lstm-how-it-works"]

MARK_WINDOW = 10    # both markers fall in the first MARK_WINDOW steps
BATCH = 64
PARAMS = [
    Param("seq_len", 50, "sequence length T: the marked values are carried T-10 steps or more", lo=12, hi=200),
    Param("hidden", 16, "hidden size of both models", lo=2, hi=128),
    Param("lr", 0.01, "Adam learning rate of both models", lo=1e-4, hi=0.1),
    Param("steps", 1500, "training steps (batches of 64) per model", lo=20, hi=5000, quick=450),
]


def make_batch(n: int, gen: torch.Generator, seq_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n adding-problem sequences (n, seq_len, 2) and their targets (n,), on the CPU."""
    values = torch.rand(n, seq_len, generator=gen)
    marks = torch.zeros(n, seq_len)
    where = torch.rand(n, MARK_WINDOW, generator=gen).argsort(dim=1)[:, :2]
    marks.scatter_(1, where, 1.0)
    target = (values * marks).sum(dim=1)
    return torch.stack([values, marks], dim=-1), target


class SeqRegressor(nn.Module):
    """A recurrent layer read out by a linear layer at the last step."""

    def __init__(self, kind: str, hidden: int, seq_len: int) -> None:
        super().__init__()
        self.kind = kind
        self.hidden, self.seq_len = hidden, seq_len
        cell = nn.RNN if kind == "rnn" else nn.LSTM  # nn.RNN's default nonlinearity is tanh
        self.rec = cell(2, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)
        if kind == "lstm":
            self._chrono_init()

    def _chrono_init(self) -> None:
        """Gate biases b_f = log U(1, T-1), b_i = -b_f (Tallec & Ollivier, 2018).

        Sets the forget gates' initial timescales to span the sequence length; a vanilla
        RNN has no gates, so there is nothing equivalent to set there.
        """
        h = self.hidden
        with torch.no_grad():
            b_f = torch.log(torch.empty(h, device=self.rec.bias_hh_l0.device).uniform_(1, self.seq_len - 1))
            self.rec.bias_ih_l0.zero_()
            self.rec.bias_hh_l0.zero_()
            self.rec.bias_hh_l0[h:2 * h] = b_f   # PyTorch gate order: input, forget, cell, output
            self.rec.bias_hh_l0[:h] = -b_f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        seq, _ = self.rec(x)
        return self.out(seq[:, -1]).squeeze(-1)


class Adam:
    """Adam, written out (the update torch.optim.Adam makes with its defaults).

    Written here rather than imported because constructing any torch.optim optimizer
    first imports torch._dynamo, about a second of start-up on a small CPU.
    """

    def __init__(self, params: list[torch.Tensor], lr: float, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.params = params
        self.lr, (self.b1, self.b2), self.eps = lr, betas, eps
        self.m = [torch.zeros_like(p) for p in params]   # running mean of the gradient
        self.v = [torch.zeros_like(p) for p in params]   # running mean of its square
        self.t = 0

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t   # bias corrections
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            m.mul_(self.b1).add_(p.grad, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(p.grad, p.grad, value=1 - self.b2)
            p.addcdiv_(m, (v / c2).sqrt_().add_(self.eps), value=-self.lr / c1)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None


def gradient_reach(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> str:
    """How much of the loss gradient reaches the first input steps, relative to the last step."""
    x = x[:128].clone().requires_grad_(True)
    loss = ((model(x) - y[:128]) ** 2).mean()
    (grad,) = torch.autograd.grad(loss, x)
    per_step = grad.norm(dim=(0, 2))
    first = per_step[:MARK_WINDOW].mean().item()
    last = per_step[-1].item()
    return (f"|dLoss/dx| at the marked steps (1-{MARK_WINDOW}) is {first:.2e}, at the last step {last:.2e} "
            f"(ratio {first / max(last, 1e-30):.1e})")


def train(ctx: DemoContext, kind: str, steps: int, every: int, eval_every: int,
          test_x: torch.Tensor, test_y: torch.Tensor) -> float:
    """Train one model; emit the training loss (mean since the last line) every `every` steps and the
    held-out MSE every `eval_every` steps and at the end; return the final held-out MSE."""
    device = ctx.device
    hidden, seq_len, lr = ctx.p.hidden, ctx.p.seq_len, ctx.p.lr
    model = SeqRegressor(kind, hidden, seq_len).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    ctx.log(f"{kind}: hidden {hidden}, {n_params} parameters, Adam lr {lr:g}, {steps} steps of batch {BATCH}")
    if kind == "lstm":
        ctx.log("lstm gate biases: chrono init, forget b_f = log U(1, T-1), input b_i = -b_f, so forget gates "
                "start near 1 with time scales up to T (Tallec & Ollivier 2018); the RNN has no gates to set.")
    ctx.log(f"{kind} at init: {gradient_reach(model, test_x, test_y)}")
    opt = Adam(list(model.parameters()), lr=lr)
    gen = torch.Generator().manual_seed(ctx.seed * 7919 + 1)  # both models see the same batches
    running = 0.0
    test_mse = float("nan")
    for step in range(1, steps + 1):
        x, y = make_batch(BATCH, gen, seq_len)
        x, y = x.to(device), y.to(device)
        loss = ((model(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running += loss.item()
        if step % every == 0 or step == steps:
            n = every if step % every == 0 else step % every
            values = {"loss": running / n}
            if step % eval_every == 0 or step == steps:
                with torch.no_grad():
                    test_mse = ((model(test_x) - test_y) ** 2).mean().item()
                values["mse"] = test_mse
            ctx.metric(step, kind, **values)
            running = 0.0
    ctx.log(f"{kind} after training: {gradient_reach(model, test_x, test_y)}")
    return test_mse


def main(ctx: DemoContext) -> None:
    device = ctx.device
    steps, seq_len = ctx.p.steps, ctx.p.seq_len
    every = max(1, steps // 50)
    eval_every = every * 5

    test_gen = torch.Generator().manual_seed(ctx.seed * 7919 + 2)
    test_x, test_y = make_batch(512, test_gen, seq_len)
    test_x, test_y = test_x.to(device), test_y.to(device)
    baseline = ((test_y - test_y.mean()) ** 2).mean().item()   # predict the mean: ~2/12
    ones_mse = ((test_y - 1.0) ** 2).mean().item()              # predict 1.0 (the expected sum)
    ctx.log(f"Adding problem: T={seq_len} steps of (value ~ U(0,1), marker); two markers in the first "
            f"{MARK_WINDOW} steps, so the answer must be carried for >= {seq_len - MARK_WINDOW} steps.")
    ctx.log(f"Baseline held-out MSE: {baseline:.4f} predicting the mean, {ones_mse:.4f} predicting 1.0 "
            f"(theory 2/12 = {2 / 12:.4f}).")

    rnn_mse = train(ctx, "rnn", steps, every, eval_every, test_x, test_y)
    lstm_mse = train(ctx, "lstm", steps, every, eval_every, test_x, test_y)

    rnn_ratio = rnn_mse / baseline
    lstm_ratio = lstm_mse / baseline
    lstm_ok = math.isfinite(lstm_mse) and lstm_mse < 0.05 and lstm_ratio < 0.3
    rnn_stuck = not math.isfinite(rnn_mse) or rnn_ratio >= 0.75
    ok = lstm_ok and rnn_stuck
    failures = [what for what, good in (
        (f"the LSTM did not get below 0.05 and 30% of baseline (MSE {lstm_mse:.3g})", lstm_ok),
        (f"the RNN learned the task too (MSE {rnn_ratio:.0%} of baseline): over {seq_len - MARK_WINDOW} steps "
         f"its gradient still reached the markers", rnn_stuck)) if not good]
    ctx.verdict(
        CLAIM,
        ok,
        {
            "baseline_mse": baseline,
            "rnn_mse": rnn_mse,
            "lstm_mse": lstm_mse,
            "rnn_vs_baseline": rnn_ratio,
            "lstm_vs_baseline": lstm_ratio,
        },
        summary=ctx.summary(
            f"After {steps} identical Adam steps on T={seq_len} the vanilla RNN's held-out MSE is {rnn_mse:.3f} "
            f"({rnn_ratio:.0%} of the {baseline:.3f} predict-the-mean baseline), while the LSTM reaches "
            f"{lstm_mse:.4f} ({lstm_ratio:.1%}). Pass needs LSTM MSE < 0.05 and < 30% of baseline, "
            f"and the RNN still >= 75% of baseline.", failures),
    )


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
