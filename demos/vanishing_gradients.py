"""Vanishing gradients: per-layer gradient norms of a deep sigmoid net, a ReLU+He net and a residual net.

Three 25-hidden-layer networks see the same regression batch; one backward pass
gives each layer's weight-gradient norm. The verdict compares the first layer's
gradient with the last layer's: vanishingly small for sigmoid with the default
init, within a couple of orders of magnitude of 1 for ReLU+He and for the
residual net. A short SGD run then shows the sigmoid net's loss barely moves
while the residual net's falls.
"""

from __future__ import annotations

import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Vanishing gradients in a deep network"
CLAIM = ("In a deep sigmoid network with standard initialization the gradient shrinks layer by layer, so the "
         "first layers get almost none; ReLU with He init or residual connections keep it flowing.")
CARDS = ["vanishing-gradients"]

IN = 16
PARAMS = [
    Param("depth", 25, "hidden layers in each network", lo=2, hi=60),
    Param("width", 64, "units per hidden layer", lo=4, hi=256),
    Param("lr", 0.01, "SGD learning rate (momentum 0.9) of the short training run", lo=1e-4, hi=1.0),
    Param("steps", 200, "SGD steps of the short training run", lo=10, hi=2000, quick=60),
]


class Plain(torch.nn.Module):
    """`depth` hidden Linear+activation layers, then a Linear head."""

    def __init__(self, act: str, depth: int, width: int) -> None:
        super().__init__()
        self.layers = torch.nn.ModuleList(
            [torch.nn.Linear(IN if i == 0 else width, width) for i in range(depth)] + [torch.nn.Linear(width, 1)])
        self.act = torch.sigmoid if act == "sigmoid" else torch.relu
        if act == "relu":
            with torch.no_grad():
                for layer in self.layers[:-1]:
                    torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                    torch.nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers[:-1]:
            x = self.act(layer(x))
        return self.layers[-1](x)


class Residual(torch.nn.Module):
    """Same layers and default init, sigmoid too, but each hidden layer adds to a skip path: h = h + W sigmoid(h)."""

    def __init__(self, depth: int, width: int) -> None:
        super().__init__()
        self.layers = torch.nn.ModuleList(
            [torch.nn.Linear(IN if i == 0 else width, width) for i in range(depth)] + [torch.nn.Linear(width, 1)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.layers[0](x)
        for layer in self.layers[1:-1]:
            h = h + layer(torch.sigmoid(h))
        return self.layers[-1](torch.sigmoid(h))


def main(ctx: DemoContext) -> None:
    device = ctx.device
    depth, width, lr, train_steps = ctx.p.depth, ctx.p.width, ctx.p.lr, ctx.p.steps
    every = max(1, train_steps // 40)
    g = torch.Generator().manual_seed(ctx.seed)
    x = torch.randn(256, IN, generator=g)
    w = torch.randn(IN, 1, generator=g)
    y = 2 * torch.tanh(x @ w / 4)
    x, y = x.to(device), y.to(device)

    nets = {
        "sigmoid, default init": Plain("sigmoid", depth, width).to(device),
        "ReLU, He init": Plain("relu", depth, width).to(device),
        "residual (sigmoid)": Residual(depth, width).to(device),
    }
    ctx.log(f"{depth} hidden layers of width {width} (+ a linear head = {depth + 1} weight layers), "
            f"one batch of 256, MSE loss; layer 1 is nearest the input")

    norms: dict[str, list[float]] = {}
    for name, net in nets.items():
        loss = torch.nn.functional.mse_loss(net(x), y)
        net.zero_grad()
        loss.backward()
        norms[name] = [layer.weight.grad.norm().item() for layer in net.layers]
        for i, value in enumerate(norms[name], start=1):
            ctx.metric(i, name, grad_norm=value)
    ctx.matrix("log10 gradient norm (rows: " + ", ".join(nets) + "; columns: layer 1..%d)" % (depth + 1),
               [[math.log10(v) if v > 0 else float("-inf") for v in norms[name]] for name in nets])
    ratios = {name: norms[name][0] / norms[name][-1] for name in nets}
    for name in nets:
        ctx.log(f"{name}: first/last layer gradient norm = {ratios[name]:.3g}")

    # A short training run: can the nets learn at all?
    sig_name, _, res_name = nets
    trained = {name: nets[name] for name in (sig_name, res_name)}
    ctx.log(f"Training the sigmoid and residual nets for {train_steps} SGD steps (lr {lr:g}, momentum 0.9)")
    losses: dict[str, list[float]] = {name: [] for name in trained}
    opts = {name: torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9) for name, net in trained.items()}
    for step in range(train_steps + 1):
        for name, net in trained.items():
            loss = torch.nn.functional.mse_loss(net(x), y)
            value = loss.item()
            losses[name].append(value)
            if step % every == 0 or step == train_steps:
                ctx.metric(step, "train: " + name, loss=value)
            if step < train_steps and math.isfinite(value):
                opts[name].zero_grad()
                loss.backward()
                opts[name].step()

    sig, relu, res = (ratios[n] for n in nets)
    sig_drop = 1 - losses[sig_name][-1] / losses[sig_name][0]
    res_drop = 1 - losses[res_name][-1] / losses[res_name][0]
    healthy = all(1e-2 <= r <= 1e2 for r in (relu, res))  # within two orders of magnitude of 1
    passed = sig < 1e-3 and healthy and sig_drop < 0.3 and res_drop > 0.5
    failures = [what for what, ok in (
        (f"the sigmoid net's first layer still got {sig:.2g} of the last layer's gradient (not below 1e-3)", sig < 1e-3),
        ("ReLU+He or the residual net lost more than two orders of magnitude of gradient", healthy),
        (f"the sigmoid net's loss fell {100 * sig_drop:.0f}% (it was to stay within 30%)", sig_drop < 0.3),
        (f"the residual net's loss fell only {100 * res_drop:.0f}% (it was to halve)", res_drop > 0.5)) if not ok]

    numbers = {
        "ratio_first_last_sigmoid": sig,
        "ratio_first_last_relu_he": relu,
        "ratio_first_last_residual": res,
        "loss_start_sigmoid": losses[sig_name][0],
        "loss_final_sigmoid": losses[sig_name][-1],
        "loss_start_residual": losses[res_name][0],
        "loss_final_residual": losses[res_name][-1],
    }
    summary = ctx.summary(f"First-to-last layer gradient ratio: sigmoid {sig:.1e}, ReLU+He {relu:.2g}, residual {res:.2g}. "
               f"In {train_steps} SGD steps the sigmoid net's loss went {losses[sig_name][0]:.3f} -> "
               f"{losses[sig_name][-1]:.3f} ({100 * sig_drop:.0f}% lower) while the residual net's went "
               f"{losses[res_name][0]:.3f} -> {losses[res_name][-1]:.3f} ({100 * res_drop:.0f}% lower).", failures)
    ctx.verdict(CLAIM, passed, numbers, summary=summary)


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
