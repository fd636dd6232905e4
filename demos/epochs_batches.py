"""Epochs, batches and iterations, counted from a real DataLoader.

N training examples go through a torch DataLoader with three batch sizes B. The demo counts
the batches the loader actually yields in each epoch (and the size of the last one) and
compares the count with ceil(N / B). The same linear model then trains with plain SGD at the
same learning rate for the same number of epochs with each B; its loss on the whole training
set is streamed against epochs and against updates (iterations). The verdict: every count
equals ceil(N / B), and after one epoch the smaller batches, having made more updates, are
further along.
"""

from __future__ import annotations

import math

import torch
from torch.utils.data import DataLoader, TensorDataset

from demos.common import DemoContext, Param, run

TITLE = "Epochs, batches and iterations"
CLAIM = ("An epoch is one pass over all N examples, a batch is the B examples behind one update, and an "
         "iteration is one update: a DataLoader yields ceil(N/B) iterations per epoch, so smaller batches make "
         "more updates per epoch.")
CARDS = ["epoch-batch-iteration"]

PARAMS = [
    Param("n", 1000, "training examples N", lo=10, hi=20000),
    Param("batch_large", 256, "the largest batch size", lo=1, hi=20000),
    Param("batch_mid", 64, "the middle batch size", lo=1, hi=20000),
    Param("batch_small", 16, "the smallest batch size", lo=1, hi=20000),
    Param("epochs", 8, "passes over the data", lo=1, hi=200, quick=4),
    Param("lr", 0.02, "SGD learning rate (the same for every batch size)", lo=1e-5, hi=1.0),
    Param("drop_last", False, "let the DataLoader drop the last, incomplete batch"),
]

FEATURES = 20


def main(ctx: DemoContext) -> None:
    n, epochs, lr, drop_last = ctx.p.n, ctx.p.epochs, ctx.p.lr, ctx.p.drop_last
    batches = sorted({ctx.p.batch_large, ctx.p.batch_mid, ctx.p.batch_small}, reverse=True)
    gen = torch.Generator().manual_seed(ctx.seed)
    x = torch.randn(n, FEATURES, generator=gen)
    w_true = torch.randn(FEATURES, 1, generator=gen)
    y = x @ w_true + 0.3 * torch.randn(n, 1, generator=gen)
    data = TensorDataset(x, y)
    x_all, y_all = x.to(ctx.device), y.to(ctx.device)
    ctx.log(f"N = {n} examples, {FEATURES} features, a linear model, SGD lr={lr:g}, {epochs} epochs, "
            f"batch sizes {', '.join(map(str, batches))}" + (", drop_last=True" if drop_last else ""))

    counts_ok = True
    after_first_epoch, final, total_updates = {}, {}, {}
    for b in batches:
        name = f"B={b}"
        loader = DataLoader(data, batch_size=b, shuffle=True, drop_last=drop_last,
                            generator=torch.Generator().manual_seed(ctx.seed))
        model = torch.nn.Linear(FEATURES, 1).to(ctx.device)
        torch.nn.init.zeros_(model.weight)
        torch.nn.init.zeros_(model.bias)
        expected = n // b if drop_last else math.ceil(n / b)
        updates = 0
        every = max(1, epochs * expected // 150)

        def full_loss() -> float:
            with torch.no_grad():
                return torch.nn.functional.mse_loss(model(x_all), y_all).item()

        start = full_loss()
        ctx.metric(0, name, loss_by_epoch=start)
        ctx.metric(0, name, loss_by_update=start)
        for epoch in range(1, epochs + 1):
            counted, last_size = 0, 0
            for xb, yb in loader:
                counted += 1
                last_size = len(xb)
                loss = torch.nn.functional.mse_loss(model(xb.to(ctx.device)), yb.to(ctx.device))
                loss.backward()
                with torch.no_grad():  # one iteration = one SGD update: p <- p - lr * grad
                    for p in model.parameters():
                        p -= lr * p.grad
                        p.grad = None
                updates += 1
                if updates % every == 0:
                    ctx.metric(updates, name, loss_by_update=full_loss())
            loss_now = full_loss()
            ctx.metric(epoch, name, loss_by_epoch=loss_now, iterations_in_epoch=counted)
            if counted != expected or len(loader) != expected:
                counts_ok = False
            if epoch == 1:
                after_first_epoch[b] = loss_now
                ctx.log(f"B={b}: the DataLoader yielded {counted} batches in epoch 1 (len(loader) = {len(loader)}; "
                        f"ceil({n}/{b}) = {math.ceil(n / b)}), the last one of {last_size} examples")
        final[b] = full_loss()
        total_updates[b] = updates
        if updates % every:
            ctx.metric(updates, name, loss_by_update=final[b])

    ordered = all(after_first_epoch[a] > after_first_epoch[b] for a, b in zip(batches, batches[1:]))
    ceil_counts = all(total_updates[b] == epochs * math.ceil(n / b) for b in batches)
    passed = counts_ok and ceil_counts and ordered and len(batches) == 3
    numbers = {}
    for b in batches:
        numbers[f"iterations_per_epoch_B{b}"] = total_updates[b] // epochs
        numbers[f"ceil_N_over_B{b}"] = math.ceil(n / b)
        numbers[f"loss_after_epoch1_B{b}"] = after_first_epoch[b]
        numbers[f"final_loss_B{b}"] = final[b]
    counts_text = ", ".join(f"B={b}: {total_updates[b] // epochs} (ceil = {math.ceil(n / b)})" for b in batches)
    text = (f"Iterations per epoch for N={n}: {counts_text}. After one epoch the loss was "
            + ", ".join(f"{after_first_epoch[b]:.3g} (B={b})" for b in batches) + ".")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("three different batch sizes are needed", len(batches) == 3),
                                         ("the counts were not ceil(N/B)"
                                          + (" (drop_last drops the incomplete batch: floor(N/B))" if drop_last
                                             else ""), counts_ok and ceil_counts),
                                         ("the smaller batches were not further along after one epoch", ordered))
                   if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
