"""Loss functions: cross-entropy recovers from confident mistakes, MSE on probabilities stalls.

A linear softmax classifier on four well-separated Gaussian clusters starts confidently wrong:
its weights are those of a good classifier with the classes rotated by one and scaled up, so
every point is given ~99.9% to a wrong class. Two copies train from that same start with the
same plain SGD: one on cross-entropy, one on the mean squared error between the softmax
probabilities and the one-hot targets. Cross-entropy's gradient with respect to the logits is
p - y, which is large exactly when the model is confidently wrong; MSE's gradient passes
through the saturated softmax and is nearly zero. The verdict compares accuracy reached and
the gradient norms at the start.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from demos.common import DemoContext, Param, run

TITLE = "Loss functions: cross-entropy vs MSE from a confidently wrong start"
CLAIM = ("For a softmax classifier that is confidently wrong, cross-entropy's gradient (p - y) stays large and "
         "it recovers quickly, while mean squared error on the probabilities has a vanishing gradient and stalls.")
CARDS = ["cross-entropy-vs-mse", "cost-function"]

PARAMS = [
    Param("confidence", 4.0, "how strongly the start favours a wrong class (scale of the start weights)",
          lo=0.0, hi=20.0),
    Param("lr", 0.5, "SGD learning rate, the same for both losses", lo=1e-4, hi=10.0),
    Param("steps", 300, "full-batch SGD steps", lo=10, hi=5000, quick=150),
]

CLASSES, DIM, PER_CLASS = 4, 8, 100
RECOVERED = 0.9   # accuracy that counts as recovered
STALLED = 0.5     # MSE must still be below this accuracy to count as stalled
GRAD_RATIO = 10   # CE's start gradient must be at least this many times MSE's


def make_data(gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Four clusters around orthogonal-ish centres; returns x, labels, the centres."""
    centres = 3 * torch.randn(CLASSES, DIM, generator=gen) / DIM ** 0.5
    y = torch.arange(CLASSES).repeat_interleave(PER_CLASS)
    x = centres[y] + 0.5 * torch.randn(len(y), DIM, generator=gen) / DIM ** 0.5
    return x, y, centres


def main(ctx: DemoContext) -> None:
    device = ctx.device
    gen = torch.Generator().manual_seed(ctx.seed)
    x, y, centres = make_data(gen)
    x, y = x.to(device), y.to(device)
    onehot = F.one_hot(y, CLASSES).to(x.dtype)

    # A good classifier scores class c by x . centre_c; roll the rows so each class scores as the next one.
    good = centres / centres.norm(dim=1, keepdim=True)
    wrong = ctx.p.confidence * torch.roll(good, shifts=1, dims=0)
    start_w = wrong.to(device) * (DIM ** 0.5)
    start_b = torch.zeros(CLASSES, device=device)

    losses = {
        "cross-entropy": lambda logits: F.cross_entropy(logits, y),
        "MSE on probabilities": lambda logits: ((logits.softmax(1) - onehot) ** 2).sum(1).mean(),
    }
    runs = {}
    for name in losses:
        w = start_w.clone().requires_grad_(True)
        b = start_b.clone().requires_grad_(True)
        runs[name] = {"params": [w, b], "acc": [], "grad": [],
                      "loss": [], "first_90": None}

    with torch.no_grad():
        p0 = (x @ start_w.T + start_b).softmax(1)
    start_acc = (p0.argmax(1) == y).float().mean().item()
    wrong_conf = p0.max(1).values.mean().item()
    ctx.log(f"Start: accuracy {start_acc:.2f}, mean top probability {wrong_conf:.3f} (on a wrong class), "
            f"true-class probability {p0[torch.arange(len(y), device=device), y].mean().item():.2e}")

    steps = ctx.p.steps
    every = max(1, steps // 100)
    for step in range(steps + 1):
        for name, r in runs.items():
            w, b = r["params"]
            logits = x @ w.T + b
            logits.retain_grad()
            loss = losses[name](logits)
            loss.backward()
            acc = (logits.argmax(1) == y).float().mean().item()
            grad = w.grad.norm().item()
            logit_grad = logits.grad.norm(dim=1).mean().item() * len(y)  # per-example |dL_i/dlogits|
            r["acc"].append(acc)
            r["grad"].append(grad)
            r["loss"].append(loss.item())
            if r["first_90"] is None and acc >= RECOVERED:
                r["first_90"] = step
            if step < 10 or step % every == 0 or step == steps:
                ctx.metric(step, name, loss=loss.item(), accuracy=acc, grad_norm=grad,
                           logit_grad_per_example=logit_grad)
            with torch.no_grad():  # plain SGD, written out: p <- p - lr * grad
                for p in (w, b):
                    if step < steps:
                        p -= ctx.p.lr * p.grad
                    p.grad = None

    ce, mse = runs["cross-entropy"], runs["MSE on probabilities"]
    ce_acc, mse_acc = ce["acc"][-1], mse["acc"][-1]
    grad_ratio = ce["grad"][0] / mse["grad"][0] if mse["grad"][0] > 0 else float("inf")
    ce_recovers = ce_acc >= RECOVERED
    mse_stalls = mse_acc < STALLED
    big_gradient = grad_ratio >= GRAD_RATIO
    starts_wrong = start_acc < STALLED
    passed = ce_recovers and mse_stalls and big_gradient and starts_wrong
    numbers = {
        "start_accuracy": start_acc, "start_confidence": wrong_conf,
        "final_accuracy_ce": ce_acc, "final_accuracy_mse": mse_acc,
        "start_grad_norm_ce": ce["grad"][0], "start_grad_norm_mse": mse["grad"][0], "grad_ratio": grad_ratio,
        "ce_step_to_90": ce["first_90"] if ce["first_90"] is not None else -1,
        "mse_step_to_90": mse["first_90"] if mse["first_90"] is not None else -1,
    }
    text = (f"From {start_acc:.0%} accuracy ({wrong_conf:.3f} confidence on wrong classes), the weight "
            f"gradient under cross-entropy was {grad_ratio:.3g}x MSE's; after {steps} steps cross-entropy "
            f"reached {ce_acc:.0%} accuracy"
            + (f" (90% at step {ce['first_90']})" if ce["first_90"] is not None else "")
            + f" while MSE was at {mse_acc:.0%}.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("the start was not confidently wrong", starts_wrong),
                                         ("cross-entropy did not recover", ce_recovers),
                                         ("MSE did not stall", mse_stalls),
                                         (f"the gradient ratio was under {GRAD_RATIO}", big_gradient)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
