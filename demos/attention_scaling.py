"""Attention scaling: why scores are divided by sqrt(d_k).

For query and key vectors with unit-variance entries, the dot product q.k has variance d_k, so the
raw scores spread wider as the head dimension grows and the softmax turns into a near one-hot
argmax. For d_k from 4 up to a maximum, many random queries attend over the same number of random
keys, once with raw scores and once with scores / sqrt(d_k). Measured: the attention entropy (in
nats; log(keys) is uniform, 0 is one-hot) and the (median) size of the gradient that reaches the scores
through the softmax (the backward pass of a random loss on the attention output). The verdict:
unscaled, entropy and gradient collapse as d_k grows; scaled, both stay put.
"""

from __future__ import annotations

import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Attention: scaling scores by 1/sqrt(d_k)"
CLAIM = ("Without the 1/sqrt(d_k) factor the dot-product scores grow with d_k and the softmax saturates: "
         "attention entropy and the gradient through the softmax collapse; with it they stay the same.")
CARDS = ["scaled-dot-product-attention"]

PARAMS = [
    Param("keys", 16, "keys each query attends over", lo=2, hi=256),
    Param("max_dk", 1024, "the largest head dimension tried (from 4, doubling)", choices=(16, 64, 256, 1024, 4096)),
    Param("queries", 2048, "random queries averaged per point", lo=16, hi=20000, quick=512),
]

SATURATED = 0.25    # unscaled entropy at the largest d_k below this fraction of log(keys)
KEPT = 0.6          # scaled entropy at every d_k above this fraction of log(keys)
GRAD_RATIO = 0.1    # unscaled gradient at the largest d_k below this fraction of the scaled one


def attend(d_k: int, scaled: bool, ctx: DemoContext, gen: torch.Generator) -> tuple[float, float, torch.Tensor]:
    """Mean entropy, median gradient norm at the scores, and the attention weights of the first queries."""
    n, b = ctx.p.keys, ctx.p.queries
    q = torch.randn(b, 1, d_k, generator=gen).to(ctx.device)
    k = torch.randn(b, n, d_k, generator=gen).to(ctx.device)
    v = torch.randn(b, n, 8, generator=gen).to(ctx.device)
    upstream = torch.randn(b, 1, 8, generator=gen).to(ctx.device)
    scores = (q @ k.transpose(1, 2)) / (math.sqrt(d_k) if scaled else 1.0)
    scores.requires_grad_(True)
    weights = torch.softmax(scores, dim=-1)
    (weights @ v * upstream).sum().backward()   # a random loss on the attention output
    entropy = -(weights * torch.log(weights.clamp_min(1e-30))).sum(-1).mean().item()
    grad = scores.grad.norm(dim=-1).median().item()  # the typical query; a mean follows the few unsaturated ones
    return entropy, grad, weights.detach()[:8, 0]


def main(ctx: DemoContext) -> None:
    gen = torch.Generator().manual_seed(ctx.seed)
    n = ctx.p.keys
    uniform = math.log(n)
    dks = [4]
    while dks[-1] < ctx.p.max_dk:
        dks.append(dks[-1] * 2)
    ctx.log(f"{ctx.p.queries} random queries over {n} random keys, entries N(0, 1); d_k = {', '.join(map(str, dks))}. "
            f"Entropy of a uniform softmax over {n} keys: log({n}) = {uniform:.2f} nats.")
    out: dict[str, dict[int, tuple[float, float]]] = {"unscaled": {}, "scaled": {}}
    for d_k in dks:
        for series in ("unscaled", "scaled"):
            entropy, grad, weights = attend(d_k, series == "scaled", ctx, gen)
            out[series][d_k] = (entropy, grad)
            ctx.metric(d_k, series, entropy=entropy, grad_norm=grad)
            if d_k == dks[-1]:
                ctx.matrix(f"attention weights, {series}, d_k={d_k} (8 queries x {n} keys)",
                           weights.cpu().mul(1000).round().div(1000), step=d_k)

    top, low = dks[-1], dks[0]
    un_top_entropy, un_top_grad = out["unscaled"][top]
    sc_top_grad = out["scaled"][top][1]
    sc_min_entropy = min(e for e, _ in out["scaled"].values())
    saturates = un_top_entropy < SATURATED * uniform and out["unscaled"][low][0] > un_top_entropy
    kept = sc_min_entropy > KEPT * uniform
    grad_collapses = un_top_grad < GRAD_RATIO * sc_top_grad
    passed = saturates and kept and grad_collapses
    numbers = {
        "uniform_entropy": uniform,
        "unscaled_entropy_smallest_dk": out["unscaled"][low][0],
        "unscaled_entropy_largest_dk": un_top_entropy,
        "scaled_entropy_min": sc_min_entropy,
        "unscaled_grad_largest_dk": un_top_grad,
        "scaled_grad_largest_dk": sc_top_grad,
        "largest_dk": top,
    }
    text = (f"Unscaled, the entropy fell from {out['unscaled'][low][0]:.2f} (d_k={low}) to {un_top_entropy:.2f} "
            f"nats (d_k={top}; uniform is {uniform:.2f}) and the gradient at the scores was {un_top_grad:.2g} "
            f"against {sc_top_grad:.2g} scaled ({un_top_grad / sc_top_grad:.2g} times as large); scaled, the entropy never "
            f"went below {sc_min_entropy:.2f}.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (
            (f"unscaled entropy at d_k={top} stayed above {SATURATED:.0%} of uniform", saturates),
            (f"scaled entropy fell below {KEPT:.0%} of uniform", kept),
            (f"the unscaled gradient did not fall below {GRAD_RATIO:.0%} of the scaled one", grad_collapses)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
