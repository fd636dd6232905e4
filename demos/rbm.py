"""Restricted Boltzmann machine: CD-1 on bars and stripes, then Gibbs sampling.

The data are the 30 "bars and stripes" patterns on a 4x4 grid: every row fully on or off (stripes)
or every column fully on or off (bars). An RBM with 16 binary visible and some binary hidden units
(no connections within a layer) trains with one-step contrastive divergence (CD-1): visible ->
hidden sample -> visible reconstruction -> hidden probabilities, and the weights move by the
difference of the data and reconstruction correlations. No autograd: the update is the rule
itself. The reconstruction error falls. Then many Gibbs chains start from random noise and
alternate hidden and visible samples; if the RBM has learned the distribution, the chains end on
bars-and-stripes patterns (a random 16-pixel image is one with probability 30/65536), and on many
different ones. The heatmaps show chain ends at three points of training.
"""

from __future__ import annotations

import torch

from demos.common import DemoContext, Param, run

TITLE = "RBM: contrastive divergence on bars and stripes"
CLAIM = ("A restricted Boltzmann machine trained with CD-1 on binary patterns lowers its reconstruction error, "
         "and Gibbs sampling from random noise then produces those patterns.")
CARDS = ["restricted-boltzmann-machine", "boltzmann-machine"]

PARAMS = [
    Param("hidden", 16, "hidden units", lo=1, hi=256),
    Param("lr", 0.1, "CD-1 learning rate", lo=1e-4, hi=2.0),
    Param("epochs", 5000, "CD-1 updates (each on all 30 patterns)", lo=10, hi=100000, quick=3000),
    Param("gibbs", 200, "Gibbs steps per chain when sampling", lo=1, hi=5000, quick=150),
]

CHAINS = 300
FELL = 0.25          # final reconstruction error at most a quarter of the first
VALID = 0.5          # at least half of the chains end on a bars-and-stripes pattern
DISTINCT = 10        # ... and on at least 10 different ones


def bars_and_stripes() -> torch.Tensor:
    """The 30 distinct 4x4 patterns, flattened row by row."""
    patterns = set()
    for mask in range(16):
        bits = [(mask >> i) & 1 for i in range(4)]
        patterns.add(tuple(bit for bit in bits for _ in range(4)))      # stripes: whole rows
        patterns.add(tuple(bits[j] for _ in range(4) for j in range(4)))  # bars: whole columns
    return torch.tensor(sorted(patterns), dtype=torch.float32)


def tile(images: torch.Tensor, per_row: int = 6) -> list[list[float]]:
    """Up to 12 4x4 images side by side, separated by 0.5 (grey) lines."""
    rows = []
    for start in range(0, min(len(images), 2 * per_row), per_row):
        block = []
        for r in range(4):
            line: list[float] = []
            for img in images[start:start + per_row]:
                line += img.reshape(4, 4)[r].tolist() + [0.5]
            block.append(line[:-1])
        rows += block + [[0.5] * len(block[0])]
    return rows[:-1]


def main(ctx: DemoContext) -> None:
    device = ctx.device
    data = bars_and_stripes().to(device)
    hidden, lr, epochs = ctx.p.hidden, ctx.p.lr, ctx.p.epochs
    gen = torch.Generator(device=device).manual_seed(ctx.seed)
    w = 0.01 * torch.randn(16, hidden, generator=gen, device=device)
    b_vis = torch.zeros(16, device=device)
    b_hid = torch.zeros(hidden, device=device)
    ctx.log(f"{len(data)} bars-and-stripes patterns (4x4); RBM 16 visible x {hidden} hidden, CD-1, lr {lr:g}, "
            f"{epochs} updates; then {CHAINS} Gibbs chains of {ctx.p.gibbs} steps from random noise.")

    def sample_chains() -> tuple[torch.Tensor, float, int]:
        """Chain ends (visible probabilities > 0.5), the fraction that are patterns, and how many distinct."""
        v = torch.bernoulli(torch.full((CHAINS, 16), 0.5, device=device), generator=gen)
        for _ in range(ctx.p.gibbs):
            h = torch.bernoulli(torch.sigmoid(v @ w + b_hid), generator=gen)
            p_v = torch.sigmoid(h @ w.T + b_vis)
            v = torch.bernoulli(p_v, generator=gen)
        ends = (p_v > 0.5).float()
        hits = (ends.unsqueeze(1) == data.unsqueeze(0)).all(-1).any(-1)
        distinct = len({tuple(row.tolist()) for row in ends[hits]})
        return ends, hits.float().mean().item(), distinct

    every = max(1, epochs // 100)
    snapshots = {epochs // 10, epochs // 3, epochs}
    first_error = error = float("nan")
    for epoch in range(1, epochs + 1):
        v0 = data
        p_h0 = torch.sigmoid(v0 @ w + b_hid)
        h0 = torch.bernoulli(p_h0, generator=gen)
        p_v1 = torch.sigmoid(h0 @ w.T + b_vis)
        v1 = torch.bernoulli(p_v1, generator=gen)
        p_h1 = torch.sigmoid(v1 @ w + b_hid)
        w += lr * (v0.T @ p_h0 - v1.T @ p_h1) / len(v0)   # <v h>_data - <v h>_reconstruction
        b_vis += lr * (v0 - v1).mean(0)
        b_hid += lr * (p_h0 - p_h1).mean(0)
        error = ((v0 - p_v1) ** 2).mean().item()
        if epoch == 1:
            first_error = error
        if epoch % every == 0 or epoch in (1, epochs):
            ctx.metric(epoch, "CD-1", reconstruction_error=error)
        if epoch in snapshots:
            ends, valid, distinct = sample_chains()
            ctx.metric(epoch, "Gibbs chains", valid_fraction=valid, distinct_patterns=distinct)
            ctx.matrix(f"Gibbs chain ends after {epoch} updates ({valid:.0%} are patterns)", tile(ends.cpu()),
                       step=epoch)
    ctx.matrix("the training patterns (first 12)", tile(data.cpu()))

    fell = error <= FELL * first_error
    samples_ok = valid >= VALID and distinct >= DISTINCT
    passed = fell and samples_ok
    numbers = {"first_reconstruction_error": first_error, "final_reconstruction_error": error,
               "valid_fraction": valid, "distinct_patterns": distinct, "chance_valid_fraction": len(data) / 2**16}
    text = (f"Reconstruction error fell from {first_error:.3f} to {error:.4f}. Of {CHAINS} Gibbs chains started from "
            f"noise, {valid:.0%} ended on a bars-and-stripes pattern ({distinct} different ones of 30); by chance it "
            f"would be {len(data) / 2**16:.2%}. Pass needs the error down to {FELL:.0%} of its start and at least "
            f"{VALID:.0%} patterns, {DISTINCT} distinct.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("the reconstruction error did not fall enough", fell),
                                         ("the Gibbs samples did not show the patterns", samples_ok)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
