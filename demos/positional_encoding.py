"""Positional encoding: self-attention alone cannot see order; positions let it.

The task is about order only: each sequence holds one token A, one token B and filler tokens, and
the label says whether A comes before B. The same small transformer layer (token embedding,
self-attention, a feed-forward block, mean over positions, a linear read-out) trains twice, with
and without positional encodings added to the embeddings. Without them the layer is permutation
equivariant (shuffle the input and the per-token outputs shuffle the same way: measured), so after
the mean it sees only the bag of tokens, which is the same for both labels: it must stay at chance.
With them it can solve the task. The verdict compares the two held-out accuracies.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Positional encoding: order needs positions"
CLAIM = ("Self-attention without positional information is permutation equivariant, so it cannot solve a task "
         "that depends on order; adding positional encodings lets the same model solve it.")
CARDS = ["positional-encodings"]

PARAMS = [
    Param("encoding", "sinusoidal", "the positional encoding added to the embeddings", choices=("sinusoidal", "learned")),
    Param("length", 8, "tokens per sequence", lo=3, hi=32),
    Param("steps", 400, "Adam steps (a fresh batch of 128 each)", lo=10, hi=10000, quick=100),
    Param("lr", 0.003, "Adam learning rate", lo=1e-5, hi=0.1),
]

WIDTH, HEADS, VOCAB = 32, 2, 12   # tokens 0 = A, 1 = B, the rest are filler
CHANCE_MARGIN = 0.05   # without positions: within 5 points of 50 %
SOLVED = 0.9           # with positions: at least 90 %


def batch(n: int, length: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Sequences of filler with one A and one B at two random places; label 1 when A is first."""
    seq = torch.randint(2, VOCAB, (n, length), generator=gen)
    order = torch.rand(n, length, generator=gen).argsort(dim=1)
    pos_a, pos_b = order[:, 0], order[:, 1]
    rows = torch.arange(n)
    seq[rows, pos_a] = 0
    seq[rows, pos_b] = 1
    return seq, (pos_a < pos_b).float()


def sinusoidal(length: int, width: int) -> torch.Tensor:
    """The fixed encoding of 'Attention is all you need': sin/cos at geometrically spaced frequencies."""
    pos = torch.arange(length).unsqueeze(1).float()
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, width, 2).float() / width)
    pe = torch.zeros(length, width)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe


class OrderModel(nn.Module):
    def __init__(self, length: int, encoding: str | None) -> None:
        super().__init__()
        self.embed = nn.Embedding(VOCAB, WIDTH)
        self.encoding = encoding
        if encoding == "learned":
            self.pos = nn.Parameter(0.5 * torch.randn(length, WIDTH))
        elif encoding == "sinusoidal":
            self.register_buffer("pos", sinusoidal(length, WIDTH))
        self.attn = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
        self.ff = nn.Sequential(nn.Linear(WIDTH, 64), nn.ReLU(), nn.Linear(64, WIDTH))
        self.out = nn.Linear(WIDTH, 1)

    def tokens(self, seq: torch.Tensor) -> torch.Tensor:
        """Per-position outputs, before the mean."""
        h = self.embed(seq)
        if self.encoding is not None:
            h = h + self.pos
        h = h + self.attn(h, h, h, need_weights=False)[0]
        return h + self.ff(h)

    def forward(self, seq: torch.Tensor) -> torch.Tensor:
        return self.out(self.tokens(seq).mean(dim=1)).squeeze(-1)


def main(ctx: DemoContext) -> None:
    device, steps, length = ctx.device, ctx.p.steps, ctx.p.length
    every = max(1, steps // 40)           # loss points
    eval_every = max(1, steps // 10)      # held-out accuracy points (2000 sequences each)
    gen = torch.Generator().manual_seed(ctx.seed)
    test_x, test_y = (t.to(device) for t in batch(2000, length, gen))
    ctx.log(f"Sequences of {length} tokens with one A and one B among filler; label: A before B. "
            f"One attention layer ({HEADS} heads, width {WIDTH}), Adam lr={ctx.p.lr:g}, {steps} batches of 128.")
    results: dict[str, dict[str, float]] = {}
    for series, encoding in (("no positions", None), (f"{ctx.p.encoding} positions", ctx.p.encoding)):
        torch.manual_seed(ctx.seed)
        model = OrderModel(length, encoding).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=ctx.p.lr)
        data_gen = torch.Generator().manual_seed(ctx.seed + 1)  # both models see the same batches
        for step in range(1, steps + 1):
            x, y = (t.to(device) for t in batch(128, length, data_gen))
            loss = nn.functional.binary_cross_entropy_with_logits(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % eval_every == 0 or step == steps:
                with torch.no_grad():
                    acc = ((model(test_x) > 0).float() == test_y).float().mean().item()
                ctx.metric(step, series, loss=loss.item(), test_acc=acc)
            elif step % every == 0:
                ctx.metric(step, series, loss=loss.item())
        with torch.no_grad():  # shuffle each test sequence; do the per-token outputs shuffle with it?
            perm = torch.randperm(length, generator=gen).to(device)
            out, out_shuffled = model.tokens(test_x[:256]), model.tokens(test_x[:256, perm])
            equivariance_error = (out[:, perm] - out_shuffled).abs().max().item()
        ctx.log(f"{series}: shuffling the input changes the per-token outputs by at most {equivariance_error:.2g} "
                f"beyond the same shuffle")
        results[series] = {"acc": acc, "equivariance_error": equivariance_error}
        if encoding is not None:
            ctx.matrix(f"{series}: the encoding ({length} positions x {WIDTH} dims)",
                       model.pos.detach().cpu().double().mul(1000).round().div(1000))

    plain, with_pos = results["no positions"], results[f"{ctx.p.encoding} positions"]
    equivariant = plain["equivariance_error"] < 1e-4
    at_chance = abs(plain["acc"] - 0.5) <= CHANCE_MARGIN
    solved = with_pos["acc"] >= SOLVED
    passed = equivariant and at_chance and solved
    numbers = {"no_positions_acc": plain["acc"], "with_positions_acc": with_pos["acc"],
               "no_positions_shuffle_error": plain["equivariance_error"],
               "with_positions_shuffle_error": with_pos["equivariance_error"]}
    text = (f"Held-out accuracy without positions {plain['acc']:.1%} (chance is 50%; shuffling the input "
            f"only shuffled its outputs, error {plain['equivariance_error']:.1g}); with {ctx.p.encoding} "
            f"positions {with_pos['acc']:.1%}. Pass needs the first within {CHANCE_MARGIN:.0%} of chance and the "
            f"second at least {SOLVED:.0%}.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("the model without positions was not permutation equivariant", equivariant),
                                         ("the model without positions was not at chance", at_chance),
                                         (f"with {ctx.p.encoding} positions it did not reach {SOLVED:.0%}", solved)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
