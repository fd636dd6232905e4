"""Autoencoders: the bottleneck, denoising, and the link to PCA.

The data are 8x8 images, each the sum of one horizontal and one vertical bar at random places with
random brightness: 64 pixels, but only 16 bar patterns underneath. First, linear autoencoders
(64 -> k -> 64, no activation) with bottlenecks k = 1, 2, 4, 8, 16 train with Adam on the
reconstruction error; next to each, PCA with k components (from an SVD of the centred data) gives
the best error any linear rank-k reconstruction can reach. The error falls as the bottleneck grows,
and the linear autoencoder ends at PCA's error. Second, a ReLU autoencoder trained to map images
with Gaussian pixel noise (fresh noise each step) back to the clean images (a denoising
autoencoder) is tested on new noisy images: its outputs must be much closer to the clean images
than its noisy inputs were.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from demos.common import DemoContext, Param, run

TITLE = "Autoencoders: bottleneck size, denoising, and PCA"
CLAIM = ("An autoencoder's reconstruction error falls as its bottleneck grows; a linear autoencoder reaches the "
         "same error as PCA with as many components; a denoising autoencoder cleans noisy inputs.")
CARDS = ["autoencoder-what-is", "autoencoder-variants", "autoencoder-vs-pca"]

PARAMS = [
    Param("noise", 0.3, "standard deviation of the pixel noise for the denoising autoencoder", lo=0.0, hi=2.0),
    Param("code", 16, "bottleneck of the denoising autoencoder", lo=1, hi=64),
    Param("steps", 800, "Adam steps per autoencoder (full batch of 512 images)", lo=10, hi=20000, quick=300),
    Param("lr", 0.03, "Adam learning rate of the linear autoencoders", lo=1e-5, hi=1.0),
    Param("dae_lr", 0.01, "Adam learning rate of the denoising autoencoder", lo=1e-5, hi=1.0),
]

SIZES = (1, 2, 4, 8, 16)
MATCH = 0.02      # linear AE within 2 % of the data's variance of PCA's error
CLEANED = 0.5     # denoised error at most half of the noisy input's error


def bars(n: int, gen: torch.Generator) -> torch.Tensor:
    """n images (n x 64): a horizontal bar in a random row plus a vertical bar in a random column."""
    img = torch.zeros(n, 8, 8)
    rows, cols = torch.randint(0, 8, (n,), generator=gen), torch.randint(0, 8, (n,), generator=gen)
    a, b = 0.5 + 0.5 * torch.rand(n, generator=gen), 0.5 + 0.5 * torch.rand(n, generator=gen)
    idx = torch.arange(n)
    img[idx, rows, :] += a.unsqueeze(1)
    img[idx, :, cols] += b.unsqueeze(1)
    return img.reshape(n, 64)


def pca_error(x: torch.Tensor, k: int) -> float:
    """Mean squared error per pixel of the best rank-k reconstruction of the centred data."""
    centred = x - x.mean(0)
    _, s, _ = torch.linalg.svd(centred, full_matrices=False)
    return ((s[k:] ** 2).sum() / x.numel()).item()


def train(model: nn.Module, inputs: Callable[[], torch.Tensor], targets: torch.Tensor, ctx: DemoContext,
          series: str, lr: float) -> float:
    """Full-batch Adam; `inputs()` gives each step's input (fresh noise for the denoising autoencoder)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = ctx.p.steps
    every = max(1, steps // 40)
    for step in range(1, steps + 1):
        loss = nn.functional.mse_loss(model(inputs()), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % every == 0 or step == steps:
            ctx.metric(step, series, loss=loss.item())
    with torch.no_grad():
        return nn.functional.mse_loss(model(inputs()), targets).item()


def main(ctx: DemoContext) -> None:
    device = ctx.device
    gen = torch.Generator().manual_seed(ctx.seed)
    x = bars(512, gen).to(device)
    variance = x.var(0, unbiased=False).sum().item() / 64   # the error of always answering the mean image
    ctx.log(f"512 8x8 bar images; predicting the mean image costs {variance:.4f} per pixel. Linear autoencoders "
            f"and PCA at k = {', '.join(map(str, SIZES))}; Adam lr {ctx.p.lr:g}, {ctx.p.steps} steps each.")

    errors: dict[int, tuple[float, float]] = {}
    for k in SIZES:
        torch.manual_seed(ctx.seed)
        model = nn.Sequential(nn.Linear(64, k), nn.Linear(k, 64)).to(device)
        ae = train(model, lambda: x, x, ctx, f"linear k={k}", ctx.p.lr)
        pca = pca_error(x.cpu().double(), k)
        errors[k] = (ae, pca)
        ctx.metric(k, "by bottleneck: linear autoencoder", final_error=ae)
        ctx.metric(k, "by bottleneck: PCA", final_error=pca)
        ctx.log(f"k={k}: linear autoencoder {ae:.4f}, PCA {pca:.4f}")

    # Denoising: noisy in, clean out, tested on fresh images.
    torch.manual_seed(ctx.seed)
    code = ctx.p.code
    dae = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, code), nn.ReLU(),
                        nn.Linear(code, 64), nn.ReLU(), nn.Linear(64, 64)).to(device)
    train(dae, lambda: x + ctx.p.noise * torch.randn(x.shape, generator=gen).to(device), x, ctx, "denoising",
          ctx.p.dae_lr)
    clean_test = bars(512, gen).to(device)
    noisy_test = clean_test + ctx.p.noise * torch.randn(clean_test.shape, generator=gen).to(device)
    with torch.no_grad():
        denoised = dae(noisy_test)
    noisy_err = nn.functional.mse_loss(noisy_test, clean_test).item()
    denoised_err = nn.functional.mse_loss(denoised, clean_test).item()
    for label, img in (("clean", clean_test[0]), ("noisy input", noisy_test[0]), ("denoised", denoised[0])):
        ctx.matrix(f"test image: {label}", img.reshape(8, 8).cpu().double().mul(1000).round().div(1000))

    falls = all(errors[a][0] > errors[b][0] for a, b in zip(SIZES, SIZES[1:]))
    worst_k = max(SIZES, key=lambda k: errors[k][0] - errors[k][1])
    worst_excess = errors[worst_k][0] - errors[worst_k][1]
    matches = worst_excess <= MATCH * variance
    cleans = denoised_err <= CLEANED * noisy_err
    passed = falls and matches and cleans
    numbers = {**{f"linear_ae_k{k}": errors[k][0] for k in SIZES}, **{f"pca_k{k}": errors[k][1] for k in SIZES},
               "data_variance": variance, "largest_excess_over_pca": worst_excess,
               "noisy_input_error": noisy_err, "denoised_error": denoised_err}
    text = ("Linear autoencoder error by bottleneck: "
            + ", ".join(f"k={k} {errors[k][0]:.4f} (PCA {errors[k][1]:.4f})" for k in SIZES)
            + f"; at most {worst_excess:.2g} above PCA (k={worst_k}; pass needs {MATCH:.0%} of the variance "
            f"{variance:.3f}). Denoising: noisy inputs were {noisy_err:.4f} from the clean images, the outputs "
            f"{denoised_err:.4f} ({denoised_err / noisy_err:.0%}).")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("the error did not fall with every larger bottleneck", falls),
                                         (f"the linear autoencoder stayed above PCA's error at k={worst_k}", matches),
                                         (f"denoising did not halve the error", cleans)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
