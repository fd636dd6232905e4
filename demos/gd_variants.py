"""Full-batch, mini-batch and single-example gradient descent on the same data.

One linear-regression problem (N examples, 10 features, noisy targets), one zero start, one
learning rate. The three variants differ only in how many examples each update's gradient
uses: all N, a mini-batch of B, or one; every update is the same backward() and step().
Each sees the data for the same number of epochs; the loss on the whole training set is
streamed against updates and against examples seen. The gradient noise of each batch size is
measured where it is pure noise: at the least-squares solution, where the full gradient is
zero, as the root-mean-square norm of the batch gradient over many random batches. The
verdict: after one epoch (the same examples seen) single-example SGD has got furthest and the
full batch least, and the noise is zero for the full batch and falls about like 1/sqrt(B).
The update is written out (w -= lr * grad): it is the whole of plain gradient descent, and
torch.optim's first step() would import torch._dynamo (about 1.3 s of CPU) for nothing.
"""

from __future__ import annotations

import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Gradient descent variants: full batch, mini-batch, single example"
CLAIM = ("Batch, mini-batch and stochastic gradient descent differ only in how many examples estimate each "
         "update's gradient: for the same examples seen, smaller batches make more updates and get further, "
         "while their gradients are noisier (noise falls like 1/sqrt(B); none for the full batch).")
CARDS = ["mini-batch-gradient-descent",
         "backprop-vs-gradient-descent"]

PARAMS = [
    Param("n", 512, "training examples N", lo=16, hi=10000),
    Param("batch", 32, "the mini-batch size B", lo=2, hi=10000),
    Param("epochs", 4, "passes over the data for every variant", lo=1, hi=100, quick=2),
    Param("lr", 0.02, "learning rate, the same for all three", lo=1e-5, hi=1.0),
]

FEATURES = 10
NOISE = 0.5
NOISE_SAMPLES = 400   # random batches per noise estimate
SQRT_BAND = (0.7, 1.4)  # noise(1) / noise(B) must be within this factor of sqrt(B)


def main(ctx: DemoContext) -> None:
    n, b, epochs, lr = ctx.p.n, ctx.p.batch, ctx.p.epochs, ctx.p.lr
    device = ctx.device
    gen = torch.Generator().manual_seed(ctx.seed)
    x = torch.randn(n, FEATURES, generator=gen, dtype=torch.float64)
    y = x @ torch.randn(FEATURES, 1, generator=gen, dtype=torch.float64) + NOISE * torch.randn(
        n, 1, generator=gen, dtype=torch.float64)
    x, y = x.to(device), y.to(device)
    variants = [("full batch", n), (f"mini-batch B={b}", b), ("single example", 1)]
    ctx.log(f"N={n}, {FEATURES} features, linear model from zero, lr={lr:g}, {epochs} epochs each; every update "
            "is the same loss.backward() and step w -= lr * grad, only the examples behind it differ")

    def full_loss(w: torch.Tensor) -> float:
        return torch.mean((x @ w - y) ** 2).item()

    results = {}
    first_k = epochs  # the full batch's number of updates: where losses are compared per update
    for name, size in variants:
        w = torch.zeros(FEATURES, 1, dtype=torch.float64, device=device, requires_grad=True)
        order_gen = torch.Generator().manual_seed(ctx.seed + 1)
        per_epoch = math.ceil(n / size)
        total = epochs * per_epoch
        every = max(1, total // 200)
        marks = {0: full_loss(w.detach())}  # update number -> loss on the whole training set
        ctx.metric(0, name, loss_by_update=marks[0])
        ctx.metric(0, name, loss_by_examples_seen=marks[0])
        step, seen = 0, 0
        for _ in range(epochs):
            order = torch.randperm(n, generator=order_gen).to(device)
            for start in range(0, n, size):
                idx = order[start:start + size]
                loss = torch.mean((x[idx] @ w - y[idx]) ** 2)
                loss.backward()              # backprop: the same for every variant
                with torch.no_grad():        # the gradient-descent step: w <- w - lr * grad
                    w -= lr * w.grad
                w.grad = None
                step, seen = step + 1, seen + len(idx)
                if step % every == 0 or step in (first_k, per_epoch, total):
                    marks[step] = full_loss(w.detach())
                    ctx.metric(step, name, loss_by_update=marks[step])
                    ctx.metric(seen, name, loss_by_examples_seen=marks[step])
        results[name] = {"size": size, "marks": marks, "updates": total, "per_epoch": per_epoch}

    # Gradient noise where the full gradient is zero: at the least-squares solution.
    w_star = torch.linalg.lstsq(x, y).solution
    noise_gen = torch.Generator().manual_seed(ctx.seed + 2)
    noise = {}
    for name, size in variants:
        squares = []
        for _ in range(NOISE_SAMPLES if size < n else 1):
            idx = torch.randperm(n, generator=noise_gen)[:size].to(device)
            grad = 2 * x[idx].T @ (x[idx] @ w_star - y[idx]) / size
            squares.append(grad.square().sum().item())
        noise[name] = math.sqrt(sum(squares) / len(squares))  # root-mean-square norm
        ctx.metric(size, "gradient noise at the solution", noise=noise[name])
        ctx.log(f"{name}: {results[name]['updates']} updates; root-mean-square |batch gradient| at the solution "
                f"{noise[name]:.3g}")

    full, mini, single = (results[name]["marks"][results[name]["per_epoch"]] for name, _ in variants)
    end = {name: results[name]["marks"][results[name]["updates"]] for name, _ in variants}
    noise_full, noise_mini, noise_single = (noise[name] for name, _ in variants)
    start = results["full batch"]["marks"][0]
    sqrt_ratio = (noise_single / noise_mini) / math.sqrt(b) if noise_mini > 0 else float("inf")
    by_examples = single < mini < full
    noise_ordered = noise_full < 1e-6 * noise_single and noise_mini < noise_single
    sqrt_law = SQRT_BAND[0] <= sqrt_ratio <= SQRT_BAND[1]
    passed = by_examples and noise_ordered and sqrt_law and 1 < b < n
    k = first_k
    per_update = {name: results[name]["marks"][k] for name, _ in variants}
    numbers = {"start_loss": start, "epoch1_loss_full": full, "epoch1_loss_mini": mini, "epoch1_loss_single": single,
               "final_loss_full": end["full batch"], "final_loss_mini": end[variants[1][0]],
               "final_loss_single": end["single example"],
               "updates_full": results["full batch"]["updates"], "updates_mini": results[variants[1][0]]["updates"],
               "updates_single": results["single example"]["updates"],
               "noise_full": noise_full, "noise_mini": noise_mini, "noise_single": noise_single,
               "noise_ratio_over_sqrt_b": sqrt_ratio,
               "loss_after_k_updates_full": per_update["full batch"],
               "loss_after_k_updates_mini": per_update[variants[1][0]],
               "loss_after_k_updates_single": per_update["single example"], "k": k}
    text = (f"After one epoch ({n} examples seen) from a loss of {start:.3g}: single example {single:.3g} "
            f"({n} updates), mini-batch {mini:.3g} ({math.ceil(n / b)}), full batch {full:.3g} (1). After "
            f"{epochs} epochs: {end['single example']:.3g}, {end[variants[1][0]]:.3g}, {end['full batch']:.3g}"
            + (" (with a constant step single-example SGD keeps bouncing, above the mini-batch's loss)"
               if end["single example"] > end[variants[1][0]] else "")
            + f". Gradient noise (RMS) at "
            f"the solution: {noise_single:.3g} (B=1), {noise_mini:.3g} (B={b}), {noise_full:.1g} (full), so "
            f"B=1 is {noise_single / max(noise_mini, 1e-300):.2g}x B={b}, against sqrt({b}) = {math.sqrt(b):.2g}. "
            + ("Per update the order reverses: " if per_update["full batch"] <= per_update[variants[1][0]]
               <= per_update["single example"] else "Per update: ")
            + f"after {k} updates the losses were {per_update['full batch']:.3g} "
            f"(full), {per_update[variants[1][0]]:.3g} (mini), {per_update['single example']:.3g} (single).")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("the mini-batch must be between 1 and N", 1 < b < n),
                                         ("for equal examples seen, smaller batches did not get further", by_examples),
                                         ("the noise did not shrink with the batch", noise_ordered),
                                         ("the noise did not follow 1/sqrt(B)", sqrt_law)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
