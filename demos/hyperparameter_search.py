"""Hyperparameter search: choose on a validation split, touch the test split once.

A random search trains K small MLPs (random learning rate, weight decay and width) on the same
training set. Each is then scored on held-out data that is split again and again (R draws)
into a validation set, a test set of the same size, and a large fresh set that stands in for
the truth. Two ways of reporting a score are compared on every draw:
  right: pick the setting with the best validation score, report its test score (test touched once);
  wrong: pick the setting with the best test score, report that test score.
The gap between the reported score and the chosen model's fresh score is averaged over the
draws. The verdict: picking on the test split is optimistic by a clear margin, and the
validation-picked test score is close to the truth.
"""

from __future__ import annotations

import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Hyperparameter search: validation vs test"
CLAIM = ("Hyperparameters are chosen on a validation split and the test split is used once: picking the best of "
         "many settings by their test score reports an optimistic score, while the test score of the "
         "validation-picked setting is an honest estimate.")
CARDS = ["hyperparameters", "train-validation-test-split"]

PARAMS = [
    Param("settings", 30, "how many random hyperparameter settings are tried", lo=1, hi=200, quick=20),
    Param("split_size", 200, "examples in the validation and in the test split", lo=20, hi=2000),
    Param("draws", 200, "random re-draws of the validation/test/fresh split", lo=1, hi=2000),
]

FEATURES, TRAIN, POOL = 10, 300, 6000
STEPS = 150
MAX_WIDTH = 32
OPTIMISTIC = 0.01   # the test-picked score must overstate the truth by at least this (accuracy)
HONEST = 0.01       # and the validation-picked test score must be within this of the truth, on average


def make_data(n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """A non-linear two-class rule with 15% of the labels flipped (so no model is perfect)."""
    x = torch.randn(n, FEATURES, generator=gen)
    score = x[:, 0] * x[:, 1] + torch.sin(2 * x[:, 2]) + 0.5 * x[:, 3]
    y = (score > 0).float()
    flip = torch.rand(n, generator=gen) < 0.15
    return x, torch.where(flip, 1 - y, y)


def train_all(x: torch.Tensor, y: torch.Tensor, lr: torch.Tensor, wd: torch.Tensor, width: torch.Tensor,
              gen: torch.Generator) -> list[torch.Tensor]:
    """K one-hidden-layer MLPs trained side by side (batched matrix products), each with its own settings."""
    k, device = len(lr), x.device
    mask = (torch.arange(MAX_WIDTH, device=device)[None, :] < width[:, None]).float()   # (K, H) live units
    w1 = (torch.randn(k, FEATURES, MAX_WIDTH, generator=gen) / math.sqrt(FEATURES)).to(device)
    b1 = torch.zeros(k, 1, MAX_WIDTH, device=device)
    w2 = (torch.randn(k, MAX_WIDTH, 1, generator=gen) / math.sqrt(MAX_WIDTH)).to(device)
    b2 = torch.zeros(k, 1, 1, device=device)
    params = [w1, b1, w2, b2]
    for p in params:
        p.requires_grad_(True)
    for _ in range(STEPS):
        logits = forward(params, mask, x)                               # (K, N)
        data_loss = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, y.expand_as(logits), reduction="none").mean(1)      # (K,)
        penalty = wd * ((w1 ** 2).sum((1, 2)) + (w2 ** 2).sum((1, 2)))
        (data_loss + penalty).sum().backward()                           # models are independent
        with torch.no_grad():
            for p in params:
                p -= lr.view(-1, *[1] * (p.dim() - 1)) * p.grad
                p.grad = None
    return [p.detach() for p in params] + [mask]


def forward(params: list[torch.Tensor], mask: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    w1, b1, w2, b2 = params
    h = torch.relu(torch.einsum("nd,kdh->knh", x, w1) + b1) * mask[:, None, :]
    return (h @ w2 + b2).squeeze(-1)


def main(ctx: DemoContext) -> None:
    device = ctx.device
    k, size, draws = ctx.p.settings, ctx.p.split_size, ctx.p.draws
    gen = torch.Generator().manual_seed(ctx.seed)
    x_train, y_train = make_data(TRAIN, gen)
    x_pool, y_pool = make_data(POOL, gen)
    lr = 10 ** (-2 + 2 * torch.rand(k, generator=gen))           # 0.01 .. 1, log-uniform
    wd = 10 ** (-5 + 4 * torch.rand(k, generator=gen))           # 1e-5 .. 0.1, log-uniform
    width = torch.randint(2, MAX_WIDTH + 1, (k,), generator=gen)
    ctx.log(f"Random search: {k} settings (lr 0.01-1, weight decay 1e-5-0.1, width 2-{MAX_WIDTH}), each an MLP "
            f"trained {STEPS} full-batch steps on {TRAIN} examples; held-out pool of {POOL}, re-split {draws} times "
            f"into validation ({size}), test ({size}) and fresh ({POOL - 2 * size})")
    *params, mask = train_all(x_train.to(device), y_train.to(device), lr.to(device), wd.to(device),
                              width.to(device), gen)
    with torch.no_grad():
        correct = ((forward(params, mask, x_pool.to(device)) > 0).float() == y_pool.to(device)).float().cpu()

    split_gen = torch.Generator().manual_seed(ctx.seed + 1)
    gaps_right, gaps_wrong, reported_wrong, reported_right = [], [], [], []
    for draw in range(draws):
        order = torch.randperm(POOL, generator=split_gen)
        val, test, fresh = order[:size], order[size:2 * size], order[2 * size:]
        val_acc, test_acc, fresh_acc = (correct[:, idx].mean(1) for idx in (val, test, fresh))
        right = int(val_acc.argmax())
        wrong = int(test_acc.argmax())
        gaps_right.append((test_acc[right] - fresh_acc[right]).item())
        gaps_wrong.append((test_acc[wrong] - fresh_acc[wrong]).item())
        reported_right.append(test_acc[right].item())
        reported_wrong.append(test_acc[wrong].item())
        ctx.metric(draw, "picked on test", reported_minus_fresh=gaps_wrong[-1],
                   mean_gap_so_far=sum(gaps_wrong) / len(gaps_wrong))
        ctx.metric(draw, "picked on validation", reported_minus_fresh=gaps_right[-1],
                   mean_gap_so_far=sum(gaps_right) / len(gaps_right))
        if draw == 0:
            for i in range(k):
                ctx.metric(i, "setting (first draw)", validation_acc=val_acc[i].item(), test_acc=test_acc[i].item(),
                           fresh_acc=fresh_acc[i].item())
            ctx.log(f"First draw: validation picks setting {right} (lr={lr[right]:.3g}, weight decay={wd[right]:.2g}, "
                    f"width {int(width[right])}): test {test_acc[right]:.3f}, fresh {fresh_acc[right]:.3f}; the test "
                    f"split picks setting {wrong}: test {test_acc[wrong]:.3f}, fresh {fresh_acc[wrong]:.3f}")

    gap_wrong = sum(gaps_wrong) / draws
    gap_right = sum(gaps_right) / draws
    spread = (correct.mean(1).max() - correct.mean(1).min()).item()
    optimistic = gap_wrong >= OPTIMISTIC
    honest = abs(gap_right) <= HONEST
    passed = optimistic and honest and k > 1
    numbers = {"mean_gap_picked_on_test": gap_wrong, "mean_gap_picked_on_validation": gap_right,
               "mean_reported_picked_on_test": sum(reported_wrong) / draws,
               "mean_reported_picked_on_validation": sum(reported_right) / draws,
               "settings": k, "draws": draws, "split_size": size, "true_accuracy_spread": spread}
    text = (f"Over {draws} splits, the best-of-{k} test score overstated the chosen model's fresh accuracy by "
            f"{gap_wrong * 100:.1f} points on average; the validation-picked model's single test score was off by "
            f"{gap_right * 100:+.1f} points (the settings' true accuracies span {spread * 100:.1f} points).")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("a search needs more than one setting", k > 1),
                                         (f"picking on test was not optimistic by {OPTIMISTIC * 100:g} points",
                                          optimistic),
                                         ("the validation-picked estimate was off by more than "
                                          f"{HONEST * 100:g} points", honest)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
