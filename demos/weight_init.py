"""Weight initialization: zeros never break symmetry, tiny weights stall, Xavier/He train.

The same 3-hidden-layer ReLU MLP learns a two-ring classification with all-zero,
N(0, 0.01), Xavier and He initial weights. Per run it tracks the loss and the
"unit spread" (largest difference between two hidden units' incoming weights).
The verdict: zero init's spread is exactly 0 at the end and its loss does not
move, while Xavier and He reach a much lower loss.
"""

from __future__ import annotations

import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Weight initialization: zeros vs small random vs Xavier/He"
CLAIM = ("Initializing all weights to zero leaves every hidden unit identical (the symmetry is never "
         "broken) so the network cannot learn, while a scaled random init such as Xavier or He trains well.")
CARDS = ["weight-initialization", "xavier-he-initialization"]

PARAMS = [
    Param("lr", 0.05, "SGD learning rate (momentum 0.9) for every run", lo=1e-4, hi=1.0),
    Param("steps", 1000, "full-batch training steps", lo=10, hi=5000, quick=200),
    Param("width", 32, "hidden units per layer", lo=2, hi=256),
    Param("depth", 3, "hidden layers", lo=1, hi=8),
    Param("small_std", 0.01, "standard deviation of the 'small random' init", lo=1e-6, hi=1.0),
]


def make_data(seed: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Two noisy rings, exactly 128 points each: class 0 at radius 1, class 1 at radius 2."""
    g = torch.Generator().manual_seed(seed)
    n = 128
    angle = torch.rand(2 * n, generator=g) * 2 * math.pi
    radius = torch.cat([torch.full((n,), 1.0), torch.full((n,), 2.0)]) + 0.25 * torch.randn(2 * n, generator=g)
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    y = torch.cat([torch.zeros(n), torch.ones(n)]).unsqueeze(1)
    return x.to(device), y.to(device)


def make_net(kind: str, device: torch.device, width: int, depth: int, small_std: float) -> torch.nn.Sequential:
    layers: list[torch.nn.Module] = []
    d = 2
    for _ in range(depth):
        layers += [torch.nn.Linear(d, width), torch.nn.ReLU()]
        d = width
    layers.append(torch.nn.Linear(d, 1))
    net = torch.nn.Sequential(*layers)
    with torch.no_grad():
        for layer in net:
            if not isinstance(layer, torch.nn.Linear):
                continue
            if kind == "zero":
                torch.nn.init.zeros_(layer.weight)
            elif kind == "small":
                torch.nn.init.normal_(layer.weight, 0.0, small_std)
            elif kind == "Xavier":
                torch.nn.init.xavier_normal_(layer.weight)
            else:
                torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            torch.nn.init.zeros_(layer.bias)
    return net.to(device)


def unit_spread(net: torch.nn.Sequential) -> float:
    """Max |difference| between two hidden units' incoming weight vectors (bias included), over hidden layers."""
    linears = [m for m in net if isinstance(m, torch.nn.Linear)][:-1]
    spread = 0.0
    with torch.no_grad():
        for layer in linears:
            incoming = torch.cat([layer.weight, layer.bias.unsqueeze(1)], dim=1)  # one row per unit
            col_range = incoming.max(dim=0).values - incoming.min(dim=0).values
            spread = max(spread, col_range.max().item())
    return spread


def first_layer(net: torch.nn.Sequential) -> list[list[float]]:
    """First-layer weights as 3 x width: rows w_x, w_y, bias; one column per hidden unit."""
    layer = net[0]
    return torch.cat([layer.weight.detach().T, layer.bias.detach().unsqueeze(0)], dim=0).cpu().tolist()


def main(ctx: DemoContext) -> None:
    device = ctx.device
    steps, lr, width, depth, small_std = ctx.p.steps, ctx.p.lr, ctx.p.width, ctx.p.depth, ctx.p.small_std
    every = max(1, steps // 100)
    x, y = make_data(ctx.seed, device)
    loss_fn = torch.nn.functional.binary_cross_entropy_with_logits
    small = f"N(0, {small_std:g})"

    runs = []
    for kind in ("zero", "small", "Xavier", "He"):
        net = make_net(kind, device, width, depth, small_std)
        runs.append({"name": small if kind == "small" else kind, "net": net,
                     "opt": torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9), "losses": []})
    shape = "-".join(["2", *[str(width)] * depth, "1"])
    ctx.log(f"{shape} ReLU MLP, two-ring classification (256 points, balanced), "
            f"SGD lr={lr:g} momentum 0.9, {steps} full-batch steps, biases start at 0 in every run")

    for step in range(steps + 1):
        for r in runs:
            net = r["net"]
            loss = loss_fn(net(x), y)
            value = loss.item()
            r["losses"].append(value)
            if step % every == 0 or step == steps:
                with torch.no_grad():
                    acc = ((net(x) > 0).float() == y).float().mean().item()
                ctx.metric(step, r["name"], loss=value, acc=acc, unit_spread=unit_spread(net))
            if step < steps:
                r["opt"].zero_grad()
                loss.backward()
                r["opt"].step()

    by = {r["name"]: r for r in runs}
    ctx.matrix("first-layer weights, zero init (rows w_x, w_y, bias; columns hidden units)",
               first_layer(by["zero"]["net"]), step=steps)
    ctx.matrix("first-layer weights, He init (rows w_x, w_y, bias; columns hidden units)",
               first_layer(by["He"]["net"]), step=steps)

    zero_start, zero_final = by["zero"]["losses"][0], by["zero"]["losses"][-1]
    zero_spread = unit_spread(by["zero"]["net"])
    finals = {name: r["losses"][-1] for name, r in by.items()}
    zero_flat = abs(zero_final - zero_start) <= 0.01 * zero_start
    scaled_train = all(math.isfinite(finals[k]) and finals[k] < 0.25 * zero_final for k in ("Xavier", "He"))
    passed = zero_spread == 0.0 and zero_flat and scaled_train
    failures = [what for what, ok in (("zero init's hidden units became different", zero_spread == 0.0),
                                      ("zero init's loss moved", zero_flat),
                                      ("Xavier and He did not both end below a quarter of zero init's loss",
                                       scaled_train)) if not ok]

    numbers = {
        "zero_unit_spread_final": zero_spread,
        "he_unit_spread_final": unit_spread(by["He"]["net"]),
        "zero_loss_start": zero_start,
        "zero_loss_final": zero_final,
        "small_loss_final": finals[small],
        "xavier_loss_final": finals["Xavier"],
        "he_loss_final": finals["He"],
    }
    zero_text = (f"every hidden unit kept identical weights (spread {zero_spread:g})" if zero_spread == 0.0
                 else f"the hidden units drifted apart (spread {zero_spread:.3g})")
    small_text = (" (signal too small to learn in this run)" if finals[small] > 0.5 * zero_final else "")
    summary = ctx.summary(
        f"Zero init: {zero_text} and the loss went {zero_start:.4f} -> {zero_final:.4f}; {small} ended at "
        f"{finals[small]:.4f}{small_text}, while Xavier reached {finals['Xavier']:.3f} and He "
        f"{finals['He']:.3f} after {steps} steps.", failures)
    ctx.verdict(CLAIM, passed, numbers, summary=summary)


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
