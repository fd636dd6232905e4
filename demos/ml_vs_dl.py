"""Machine learning vs deep learning: hand-made features vs features a network learns itself.

Small 16x16 images of four shapes (horizontal bar, vertical bar, plus sign, square outline),
drawn at random positions and brightness with pixel noise. Three models are compared on the
same held-out images:
  1. a linear (softmax) classifier on the raw pixels: a shape at a new position is a new pattern;
  2. the same linear classifier on hand-made features, as classical ML would use: edge energy
     per orientation (|horizontal| and |vertical| differences), pooled over 4x4 cells and over
     the whole image, plus row and column profiles sorted by size (so their position is lost);
  3. a small CNN that learns its own features from the pixels.
The verdict: hand-made features beat raw pixels, and the CNN beats the hand-made features.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Machine learning vs deep learning: pixels, hand-made features, learned features"
CLAIM = ("Classical machine learning depends on features people design, deep learning learns its own: on "
         "image-like data a linear model on raw pixels is weak, hand-made features help it, and a small CNN "
         "that learns its features from the pixels does best.")
CARDS = ["machine-learning-vs-deep-learning", "what-is-deep-learning"]

PARAMS = [
    Param("train", 800, "training images", lo=40, hi=10000, quick=600),
    Param("shift", 9, "how far (pixels) a shape may move around the image", lo=0, hi=11),
    Param("noise", 0.3, "standard deviation of the pixel noise", lo=0.0, hi=2.0),
    Param("epochs", 16, "CNN training epochs (mini-batches of 32)", lo=1, hi=200, quick=10),
]

SIZE, GLYPH = 16, 5
CLASSES = ["horizontal bar", "vertical bar", "plus sign", "square outline"]
TEST = 1000
MARGIN = 0.05   # each step up the ladder must gain at least this much test accuracy


def glyphs() -> torch.Tensor:
    g = torch.zeros(len(CLASSES), GLYPH, GLYPH)
    mid = GLYPH // 2
    g[0, mid, :] = 1
    g[1, :, mid] = 1
    g[2, mid, :] = 1
    g[2, :, mid] = 1
    g[3, 0, :] = g[3, -1, :] = 1
    g[3, :, 0] = g[3, :, -1] = 1
    return g


def make_images(n: int, shift: int, noise: float, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy images; each shape's corner lies within `shift` pixels of a central spot."""
    shapes = glyphs()
    y = torch.randint(0, len(CLASSES), (n,), generator=gen)
    centre = (SIZE - GLYPH) // 2
    low, high = max(0, centre - shift // 2), min(SIZE - GLYPH, centre - shift // 2 + shift)
    rows = torch.randint(low, high + 1, (n,), generator=gen)
    cols = torch.randint(low, high + 1, (n,), generator=gen)
    bright = 0.6 + 0.4 * torch.rand(n, generator=gen)
    x = noise * torch.randn(n, 1, SIZE, SIZE, generator=gen)
    for i in range(n):
        r, c = int(rows[i]), int(cols[i])
        x[i, 0, r:r + GLYPH, c:c + GLYPH] += bright[i] * shapes[y[i]]
    return x, y


def hand_features(x: torch.Tensor) -> torch.Tensor:
    """Designed, position-tolerant features: oriented edge energy in 4x4 cells and overall, sorted profiles."""
    dx = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs()[:, :, :-1, :]    # horizontal differences: vertical edges
    dy = (x[:, :, 1:, :] - x[:, :, :-1, :]).abs()[:, :, :, :-1]    # vertical differences: horizontal edges
    edges = torch.cat([dx, dy], 1)                                  # (n, 2, 15, 15)
    cells = F.adaptive_avg_pool2d(edges, 4).flatten(1)              # (n, 32)
    overall = edges.mean((2, 3))                                    # (n, 2)
    rows = x.sum(3).flatten(1).sort(1, descending=True).values[:, :6]   # strongest row sums, position dropped
    cols = x.sum(2).flatten(1).sort(1, descending=True).values[:, :6]
    return torch.cat([cells, overall, rows / SIZE, cols / SIZE], 1)


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16, len(CLASSES))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.relu(self.conv2(x))
        return self.fc(x.amax((2, 3)))


def sgd_momentum(params: list[torch.Tensor], velocity: list[torch.Tensor], lr: float, beta: float = 0.9) -> None:
    """v <- beta v + grad; p <- p - lr v (what torch.optim.SGD does, without importing torch._dynamo)."""
    with torch.no_grad():
        for p, v in zip(params, velocity):
            v.mul_(beta).add_(p.grad)
            p -= lr * v
            p.grad = None


def train(ctx: DemoContext, name: str, model: nn.Module, x: torch.Tensor, y: torch.Tensor, x_test: torch.Tensor,
          y_test: torch.Tensor, epochs: int, batch: int, lr: float, gen: torch.Generator) -> float:
    """Mini-batch SGD with momentum, the rate falling linearly to zero (a steady end point); streams loss and test
    accuracy per epoch; returns the final test accuracy."""
    params = list(model.parameters())
    velocity = [torch.zeros_like(p) for p in params]
    acc = 0.0
    steps, step = epochs * math.ceil(len(x) / batch), 0
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(x), generator=gen).to(x.device)
        total = 0.0
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            sgd_momentum(params, velocity, lr * (1 - step / steps))
            step += 1
            total += loss.item() * len(idx)
        with torch.no_grad():
            acc = (model(x_test).argmax(1) == y_test).float().mean().item()
        ctx.metric(epoch, name, train_loss=total / len(x), test_accuracy=acc)
    return acc


def main(ctx: DemoContext) -> None:
    device = ctx.device
    gen = torch.Generator().manual_seed(ctx.seed)
    x, y = make_images(ctx.p.train, ctx.p.shift, ctx.p.noise, gen)
    x_test, y_test = make_images(TEST, ctx.p.shift, ctx.p.noise, gen)
    ctx.log(f"{ctx.p.train} training and {TEST} test images of {SIZE}x{SIZE}: {', '.join(CLASSES)}; shapes move up "
            f"to {ctx.p.shift} pixels, noise {ctx.p.noise:g}")
    for c in range(len(CLASSES)):
        ctx.matrix(f"example: {CLASSES[c]}", x[(y == c).nonzero()[0, 0], 0])

    def standardise(train_f: torch.Tensor, test_f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, std = train_f.mean(0), train_f.std(0).clamp_min(1e-6)
        return ((train_f - mean) / std).to(device), ((test_f - mean) / std).to(device)

    y_d, y_test_d = y.to(device), y_test.to(device)
    raw_train, raw_test = standardise(x.flatten(1), x_test.flatten(1))
    feat_train, feat_test = standardise(hand_features(x), hand_features(x_test))
    ctx.log(f"Hand-made features: {feat_train.shape[1]} numbers per image (edge energy per orientation in 4x4 cells "
            "and overall, the six strongest row and column sums)")
    lin_epochs = 40
    torch.manual_seed(ctx.seed)
    raw_model = nn.Linear(raw_train.shape[1], len(CLASSES)).to(device)
    acc_raw = train(ctx, "linear on pixels", raw_model, raw_train, y_d, raw_test, y_test_d, lin_epochs, 64, 0.01, gen)
    feat_model = nn.Linear(feat_train.shape[1], len(CLASSES)).to(device)
    acc_feat = train(ctx, "linear on hand-made features", feat_model, feat_train, y_d, feat_test, y_test_d,
                     lin_epochs, 64, 0.01, gen)
    cnn = SmallCNN().to(device)
    acc_cnn = train(ctx, "small CNN", cnn, x.to(device), y_d, x_test.to(device), y_test_d, ctx.p.epochs, 32, 0.08,
                    gen)

    # What the pixel model learned for one class: a blurred template, since the shape can be anywhere.
    ctx.matrix(f"linear-on-pixels weights for '{CLASSES[2]}'", raw_model.weight[2].detach().view(SIZE, SIZE))
    ctx.matrix("a learned CNN filter (conv1, 3x3)", cnn.conv1.weight[0, 0].detach())
    n_params = {"raw": sum(p.numel() for p in raw_model.parameters()),
                "features": sum(p.numel() for p in feat_model.parameters()),
                "cnn": sum(p.numel() for p in cnn.parameters())}
    ctx.log(f"Trainable parameters: linear on pixels {n_params['raw']}, linear on features {n_params['features']}, "
            f"CNN {n_params['cnn']}")

    features_help = acc_feat >= acc_raw + MARGIN
    cnn_best = acc_cnn >= acc_feat + MARGIN
    passed = features_help and cnn_best
    numbers = {"test_accuracy_pixels": acc_raw, "test_accuracy_features": acc_feat, "test_accuracy_cnn": acc_cnn,
               "chance": 1 / len(CLASSES), "params_pixels": n_params["raw"], "params_features": n_params["features"],
               "params_cnn": n_params["cnn"]}
    text = (f"Test accuracy on {TEST} new images: linear on raw pixels {acc_raw:.1%}, linear on hand-made "
            f"features {acc_feat:.1%}, small CNN {acc_cnn:.1%} (chance {1 / len(CLASSES):.0%}; each step needs "
            f"+{MARGIN * 100:g} points).")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("the hand-made features did not beat the raw pixels", features_help),
                                         ("the CNN did not beat the hand-made features", cnn_best)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
