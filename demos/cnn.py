"""CNN layers: convolution output sizes, pooling, learned filters, and generalising to shifted shapes.

A small CNN (conv 5x5, max-pool, conv 3x3, max-pool, global max-pool, linear) learns four shapes
(horizontal bar, vertical bar, cross, square outline) drawn at random positions in the left part
of 20x20 noisy images, and is tested on shapes drawn only in the right part. An MLP with about
as many parameters trains on the same images. Layer output sizes are logged (W - K + 1) and
checked on the textbook 32x32 / 5x5 case. The verdict compares the two models' shifted-test accuracy.
"""

from __future__ import annotations

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "CNN: conv/pool output sizes and translation generalisation"
CLAIM = ("A convolution with a KxK kernel (stride 1, no padding) maps WxW to (W-K+1)x(W-K+1) and 2x2 pooling "
         "halves it; weight sharing plus pooling lets a CNN recognise shapes at positions never seen in "
         "training, where an MLP of similar size fails.")
CARDS = ["cnn-layers", "cnn-conv-output-size", "cnn-pooling"]

SIZE = 20     # images are SIZE x SIZE
GLYPH = 5     # shapes are GLYPH x GLYPH
MLP_EPOCH_FACTOR = 4
PARAMS = [
    Param("epochs", 8, "CNN training epochs (the MLP gets 4x as many)", lo=1, hi=30, quick=3),
    Param("lr", 0.01, "Adam learning rate of both models", lo=1e-5, hi=1.0),
    Param("n_train", 3072, "training images", lo=128, hi=8192, quick=1536),
    Param("noise", 0.08, "standard deviation of the pixel noise", lo=0.0, hi=1.0),
    Param("filters", 8, "filters in the first conv layer", lo=1, hi=32),
    Param("mlp_hidden", 4, "hidden units of the MLP", lo=1, hi=256),
]
CLASSES = ["horizontal bar", "vertical bar", "cross", "square outline"]
# Where a glyph's top-left corner may go. A margin of a few pixels keeps every shape away from
# the border, where a valid (unpadded) convolution has fewer positions, so border effects do not
# blur the comparison.
ROWS = range(2, 14)         # train and test
TRAIN_COLS = range(2, 7)    # training: left part (shape covers columns 2..10)
TEST_COLS = range(9, 13)    # test: right part only (shape covers columns 9..16)


def glyphs() -> torch.Tensor:
    g = torch.zeros(len(CLASSES), GLYPH, GLYPH)
    mid = GLYPH // 2
    g[0, mid, :] = 1                     # horizontal bar
    g[1, :, mid] = 1                     # vertical bar
    g[2, mid, :] = 1                     # cross
    g[2, :, mid] = 1
    g[3, 0, :] = g[3, -1, :] = 1         # square outline
    g[3, :, 0] = g[3, :, -1] = 1
    return g


def make_images(n: int, cols: range, gen: torch.Generator, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy SIZE x SIZE images, each one glyph at a row drawn from ROWS and a column from cols."""
    shapes = glyphs()
    y = torch.randint(0, len(CLASSES), (n,), generator=gen)
    rows = torch.randint(ROWS.start, ROWS.stop, (n,), generator=gen)
    col_choices = torch.tensor(list(cols))
    cs = col_choices[torch.randint(0, len(col_choices), (n,), generator=gen)]
    brightness = 0.7 + 0.3 * torch.rand(n, generator=gen)
    x = noise * torch.randn(n, 1, SIZE, SIZE, generator=gen)
    for i in range(n):
        r, c = int(rows[i]), int(cs[i])
        x[i, 0, r:r + GLYPH, c:c + GLYPH] += brightness[i] * shapes[y[i]]
    return x, y


class SmallCNN(nn.Module):
    def __init__(self, filters: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, filters, kernel_size=5)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(filters, 16, kernel_size=3)
        self.pool2 = nn.MaxPool2d(2)
        self.gpool = nn.AdaptiveMaxPool2d(1)
        self.fc = nn.Linear(16, len(CLASSES))

    def layers(self) -> list[tuple[str, nn.Module]]:
        return [("conv1 5x5 + ReLU", self.conv1), ("maxpool 2x2", self.pool1), ("conv2 3x3 + ReLU", self.conv2),
                ("maxpool 2x2", self.pool2), ("global maxpool", self.gpool)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool1(torch.relu(self.conv1(x)))
        x = self.pool2(torch.relu(self.conv2(x)))
        return self.fc(self.gpool(x).flatten(1))


def shape_str(t: torch.Tensor) -> str:
    return "x".join(str(d) for d in t.shape[1:])


def rows(t: torch.Tensor) -> list[list[float]]:
    return [[round(v, 4) for v in row] for row in t.detach().cpu().tolist()]


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def main(ctx: DemoContext) -> None:
    device = ctx.device
    epochs, n_train, lr, noise = ctx.p.epochs, ctx.p.n_train, ctx.p.lr, ctx.p.noise
    batch = 64
    log_every = max(1, n_train // batch // 6)

    # The textbook case, computed by running the layers rather than by the formula.
    probe = torch.zeros(1, 1, 32, 32, device=device)
    conv_out = nn.Conv2d(1, 1, kernel_size=5).to(device)(probe)
    pool_out = nn.MaxPool2d(2)(conv_out)
    conv32 = conv_out.shape[-1]
    ctx.log(f"Textbook check: Conv2d 5x5 on 32x32 -> {conv32}x{conv_out.shape[-2]} (32 - 5 + 1 = 28); "
            f"2x2 max-pool -> {pool_out.shape[-1]}x{pool_out.shape[-2]}.")

    gen = torch.Generator().manual_seed(ctx.seed * 7919 + 31)
    x_train, y_train = make_images(n_train, TRAIN_COLS, gen, noise)
    x_test, y_test = make_images(512, TEST_COLS, gen, noise)
    x_train, y_train = x_train.to(device), y_train.to(device)
    x_test, y_test = x_test.to(device), y_test.to(device)
    ctx.log(f"Data: {SIZE}x{SIZE} images of {', '.join(CLASSES)} ({GLYPH}x{GLYPH}) plus noise. Train: shape's "
            f"left edge in columns {TRAIN_COLS.start}-{TRAIN_COLS.stop - 1}; test: columns "
            f"{TEST_COLS.start}-{TEST_COLS.stop - 1} (never seen in training).")
    ctx.matrix(f"test image 0 ({CLASSES[int(y_test[0])]})", rows(x_test[0, 0]))

    cnn = SmallCNN(ctx.p.filters).to(device)
    h = x_train[:1]
    for name, layer in cnn.layers():
        out = layer(h)
        if name.startswith("conv"):
            k = layer.kernel_size[0]
            ctx.log(f"{name}: {shape_str(h)} -> {shape_str(out)}   ({h.shape[-1]} - {k} + 1 = {h.shape[-1] - k + 1})")
        elif name.startswith("maxpool"):
            ctx.log(f"{name}: {shape_str(h)} -> {shape_str(out)}   ({h.shape[-1]} / 2 = {h.shape[-1] // 2})")
        else:
            ctx.log(f"{name}: {shape_str(h)} -> {shape_str(out)}   (max over all positions)")
        h = torch.relu(out) if name.startswith("conv") else out
    ctx.log(f"fc: {h.flatten(1).shape[1]} -> {len(CLASSES)}")

    hidden = ctx.p.mlp_hidden
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(SIZE * SIZE, hidden), nn.ReLU(), nn.Linear(hidden, len(CLASSES))).to(device)
    cnn_params = sum(p.numel() for p in cnn.parameters())
    mlp_params = sum(p.numel() for p in mlp.parameters())
    ctx.log(f"Parameters: CNN {cnn_params}, MLP {SIZE * SIZE}-{hidden}-{len(CLASSES)} {mlp_params}.")

    results: dict[str, dict[str, float]] = {}
    perm_gen = torch.Generator().manual_seed(ctx.seed * 7919 + 32)
    ctx.log(f"Both train with Adam lr {lr:g}, batch {batch}: the CNN for {epochs} epochs, the MLP (much cheaper "
            f"per step) for {MLP_EPOCH_FACTOR * epochs} so that it fits its training positions too.")
    for name, model, n_epochs in (("cnn", cnn, epochs), ("mlp", mlp, MLP_EPOCH_FACTOR * epochs)):
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        step = 0
        for epoch in range(1, n_epochs + 1):
            order = torch.randperm(n_train, generator=perm_gen).to(device)
            total, count = 0.0, 0
            for i in range(0, n_train, batch):
                idx = order[i:i + batch]
                loss = nn.functional.cross_entropy(model(x_train[idx]), y_train[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item()
                count += 1
                step += 1
                if step % log_every == 0 and i + batch < n_train:   # mid-epoch: the loss only
                    ctx.metric(step, name, loss=total / count)
                    total, count = 0.0, 0
            train_acc = accuracy(model, x_train, y_train)
            test_acc = accuracy(model, x_test, y_test)              # at the shifted positions
            values = {"loss": total / count} if count else {}
            ctx.metric(step, name, **values, train_acc=train_acc, test_acc=test_acc)
        results[name] = {"train": train_acc, "test": test_acc}

    with torch.no_grad():
        filters = cnn.conv1.weight[:, 0]
        for k in range(min(8, filters.shape[0])):  # at most 8 of each: the screen shows 8 heatmaps
            ctx.matrix(f"conv1 filter {k} (5x5)", rows(filters[k]))
        maps = torch.relu(cnn.conv1(x_test[:1]))[0]
        for k in range(min(8, maps.shape[0])):
            ctx.matrix(f"conv1 feature map {k} of test image 0 ({shape_str(maps[None, k])})", rows(maps[k]))
        pooled = cnn.pool1(maps[None])[0]
        ctx.matrix(f"conv1 feature map 0 after 2x2 max-pool ({shape_str(pooled[None, 0])})", rows(pooled[0]))

    x_same, y_same = make_images(512, TRAIN_COLS, gen, noise)
    x_same, y_same = x_same.to(device), y_same.to(device)
    ctx.log(f"On new images at the training positions: CNN {accuracy(cnn, x_same, y_same):.1%}, "
            f"MLP {accuracy(mlp, x_same, y_same):.1%}; at the shifted positions: CNN {results['cnn']['test']:.1%}, "
            f"MLP {results['mlp']['test']:.1%} (chance {1 / len(CLASSES):.0%}).")

    cnn_test = results["cnn"]["test"]
    mlp_test = results["mlp"]["test"]
    margin = cnn_test - mlp_test
    passed = conv32 == 28 and cnn_test >= 0.9 and margin >= 0.1
    failures = [what for what, ok in (
        (f"a 5x5 conv on 32x32 gave {conv32}, not 28", conv32 == 28),
        (f"the CNN got only {cnn_test:.0%} at the shifted positions", cnn_test >= 0.9),
        (f"the CNN beat the MLP by only {margin:.1%}", margin >= 0.1)) if not ok]
    ctx.verdict(
        CLAIM,
        passed,
        {
            "conv_out_32_k5": conv32,
            "cnn_train_acc": results["cnn"]["train"],
            "cnn_test_acc": cnn_test,
            "mlp_train_acc": results["mlp"]["train"],
            "mlp_test_acc": mlp_test,
            "margin": margin,
            "cnn_params": cnn_params,
            "mlp_params": mlp_params,
        },
        summary=ctx.summary(
            f"A 5x5 conv on 32x32 gave {conv32}x{conv32}. On shapes at unseen (shifted) positions the CNN "
            f"({cnn_params} params) scores {cnn_test:.1%}, the MLP ({mlp_params} params) {mlp_test:.1%} "
            f"with {results['mlp']['train']:.1%} on its training positions. Pass needs 28, CNN >= 90% "
            f"and a margin >= 10 points.", failures),
    )


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
