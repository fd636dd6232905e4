"""Pooling: a one-pixel shift changes a conv feature map a lot and its max-pooled map much less.

Small images of random bars and dots go through one fixed convolution layer (four edge
detectors + ReLU). Each image is then moved right by 0, 1 and 2 pixels and the relative change of
each representation is measured: ||f(shifted) - f(original)|| / ||f(original)||, averaged over
the images, for the conv feature map, the map after 2x2 and PxP max pooling (stride = window; 4x4 is what two
stacked 2x2 pools see), and after global max pooling. The verdict compares the one-pixel-shift
change of the conv map with that of its PxP pooled map: at most 0.6 of it. (A single 2x2 pool
keeps only about half its maxima in place under a one-pixel shift, so it damps the change less.)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from demos.common import DemoContext, Param, run

TITLE = "Pooling: a one-pixel shift barely moves a pooled map"
CLAIM = ("Pooling gives robustness to small shifts: moving the input by one pixel changes a convolution's "
         "feature map a lot, but its max-pooled (or average-pooled) map much less.")
CARDS = ["cnn-pooling"]

PARAMS = [
    Param("pool", 4, "pooling window and stride (P x P; 4 = two stacked 2x2 pools)", lo=2, hi=8),
    Param("mode", "max", "pooling kind", choices=("max", "avg")),
    Param("images", 200, "random images averaged over", lo=10, hi=2000, quick=100),
]

SIZE = 24            # image side
MAX_SHIFT = 4
AT_MOST = 0.6        # the pooled change must be at most this fraction of the conv map's change


def make_images(n: int, gen: torch.Generator) -> torch.Tensor:
    """n images of SIZE x (SIZE + MAX_SHIFT): a few random bars and dots on a dark background."""
    x = torch.zeros(n, 1, SIZE, SIZE + MAX_SHIFT)
    for i in range(n):
        for _ in range(int(torch.randint(3, 7, (1,), generator=gen))):
            r, c = (int(v) for v in torch.randint(2, SIZE - 2, (2,), generator=gen))
            c += MAX_SHIFT // 2
            length = int(torch.randint(2, 7, (1,), generator=gen))
            kind = int(torch.randint(0, 3, (1,), generator=gen))
            if kind == 0:
                x[i, 0, r, c:c + length] = 1.0          # horizontal bar
            elif kind == 1:
                x[i, 0, r:r + length, c] = 1.0          # vertical bar
            else:
                x[i, 0, r:r + 2, c:c + 2] = 1.0         # dot
    return x + 0.02 * torch.randn(x.shape, generator=gen)


def edge_filters() -> torch.Tensor:
    sobel = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    diag = torch.tensor([[0.0, 1, 2], [-1, 0, 1], [-2, -1, 0]])
    return torch.stack([sobel, sobel.T, diag, diag.flip(1)]).unsqueeze(1)


def relative_change(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean over images of ||a - b|| / ||a||."""
    a, b = a.flatten(1), b.flatten(1)
    return ((a - b).norm(dim=1) / a.norm(dim=1).clamp_min(1e-12)).mean().item()


def main(ctx: DemoContext) -> None:
    pool, mode = ctx.p.pool, ctx.p.mode
    gen = torch.Generator().manual_seed(ctx.seed)
    wide = make_images(ctx.p.images, gen).to(ctx.device)
    weight = edge_filters().to(ctx.device)

    windows = sorted({2, pool})

    def features(img: torch.Tensor) -> dict[str, torch.Tensor]:
        conv = F.relu(F.conv2d(img, weight))
        out = {"conv map": conv}
        for w in windows:
            out[f"{w}x{w} {mode}-pooled"] = F.max_pool2d(conv, w) if mode == "max" else F.avg_pool2d(conv, w)
        out["global max pool"] = conv.amax(dim=(2, 3))
        return out

    # The image seen at shift s is the window starting s columns further left, so the content moves right by s.
    base = MAX_SHIFT // 2

    def window(s: int) -> torch.Tensor:  # shifts up to MAX_SHIFT // 2 fit inside the margin
        return wide[:, :, :, base - s:base - s + SIZE]

    original = features(window(0))
    changes: dict[str, list[float]] = {name: [] for name in original}
    for s in range(0, base + 1):
        moved = features(window(s))
        for name in original:
            value = relative_change(original[name], moved[name])
            changes[name].append(value)
            ctx.metric(s, name, relative_change=value)
    ctx.log(f"{ctx.p.images} images of {SIZE}x{SIZE}; conv: 4 edge filters 3x3 + ReLU -> 4x{SIZE - 2}x{SIZE - 2}; "
            f"{pool}x{pool} {mode} pooling -> 4x{(SIZE - 2) // pool}x{(SIZE - 2) // pool}")

    one_shift = features(window(1))
    ctx.matrix("image", window(0)[0, 0])
    ctx.matrix("image moved 1 pixel right", window(1)[0, 0])
    ctx.matrix("conv map (vertical edges)", original["conv map"][0, 0])
    ctx.matrix("conv map after the shift", one_shift["conv map"][0, 0])
    pooled_name = f"{pool}x{pool} {mode}-pooled"
    ctx.matrix(f"{pooled_name} map", original[pooled_name][0, 0])
    ctx.matrix(f"{pooled_name} map after the shift", one_shift[pooled_name][0, 0])

    conv_change = changes["conv map"][1]
    pooled_change = changes[pooled_name][1]
    two_change = changes[f"2x2 {mode}-pooled"][1]
    global_change = changes["global max pool"][1]
    ratio = pooled_change / conv_change if conv_change > 0 else float("inf")
    passed = ratio <= AT_MOST and max(two_change, pooled_change) < conv_change
    settings = ctx.settings_text()
    summary = ((f"{settings[0].upper()}{settings[1:]}: " if settings else "")
               + f"A one-pixel shift changed the conv feature map by {conv_change:.0%} but its {pool}x{pool} "
               f"{mode}-pooled map by {pooled_change:.0%} ({ratio:.2f}x; the claim needs at most {AT_MOST:g}x)"
               + (f", a single 2x2 pool's by {two_change:.0%}" if pool != 2 else "")
               + f", and the global max pool's by {global_change:.0%}.")
    if not passed:
        summary += f" {pool}x{pool} {mode} pooling did not damp the shift that much: not shown at these settings."
    ctx.verdict(CLAIM, passed, {"conv_change_1px": conv_change, "pooled_change_1px": pooled_change,
                                "global_max_change_1px": global_change, "pooled_over_conv": ratio,
                                "pool2_change_1px": two_change,
                                "conv_change_2px": changes["conv map"][2],
                                "pooled_change_2px": changes[pooled_name][2]}, summary=summary)


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
