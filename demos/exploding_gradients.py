"""Exploding gradients: a deep net with too-large weights blows up under SGD; clipping tames it.

A 20-layer linear network whose weights start 1.1x larger than the
variance-preserving scale (1.1^20 is about 7x per pass) is trained twice with
the same SGD step: once plain, once with clip_grad_norm_(max_norm=1.0). The
verdict: without clipping the gradient norm grows at least 1000x and the loss
ends non-finite or far above its start; with clipping it stays finite and falls.
"""

from __future__ import annotations

import copy
import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Exploding gradients and gradient clipping"
CLAIM = ("With large weights in a deep network the gradients grow multiplicatively, an SGD step overshoots "
         "and training blows up; clipping the gradient norm keeps the same training stable.")
CARDS = ["exploding-gradients", "gradient-clipping"]

WIDTH, IN = 32, 8
PARAMS = [
    Param("depth", 20, "linear layers in the network", lo=2, hi=60),
    Param("gain", 1.1, "initial weight scale relative to variance-preserving (1 = neutral)", lo=0.1, hi=3.0),
    Param("lr", 0.003, "SGD learning rate, the same for both runs", lo=1e-5, hi=1.0),
    Param("max_norm", 1.0, "clip_grad_norm_ threshold of the clipped run", lo=1e-3, hi=1e3),
    Param("steps", 600, "full-batch SGD steps", lo=10, hi=5000, quick=150),
]


def make_net(device: torch.device, depth: int, gain: float) -> torch.nn.Sequential:
    layers = []
    for i in range(depth):
        layer = torch.nn.Linear(IN if i == 0 else WIDTH, WIDTH if i < depth - 1 else 1)
        with torch.no_grad():
            torch.nn.init.normal_(layer.weight, 0.0, gain / math.sqrt(layer.in_features))
            torch.nn.init.zeros_(layer.bias)
        layers.append(layer)
    return torch.nn.Sequential(*layers).to(device)


def main(ctx: DemoContext) -> None:
    device = ctx.device
    depth, gain, lr, max_norm, steps = ctx.p.depth, ctx.p.gain, ctx.p.lr, ctx.p.max_norm, ctx.p.steps
    every = max(1, steps // 120)
    g = torch.Generator().manual_seed(ctx.seed)
    x = torch.randn(256, IN, generator=g)
    y = x @ (torch.randn(IN, 1, generator=g) / math.sqrt(IN))
    x, y = x.to(device), y.to(device)

    base = make_net(device, depth, gain)
    runs = [{"name": "no clipping", "clip": None}, {"name": f"clip {max_norm:g}", "clip": max_norm}]
    for r in runs:
        r["net"] = copy.deepcopy(base)
        r["opt"] = torch.optim.SGD(r["net"].parameters(), lr=lr)
        r["losses"], r["grads"], r["broke_at"] = [], [], None
    ctx.log(f"{depth}-layer linear net, width {WIDTH}, weights N(0, ({gain}/sqrt(fan_in))^2); "
            f"SGD lr={lr:g}, {steps} full-batch steps; grad_norm is the norm before clipping")

    for step in range(steps + 1):
        for r in runs:
            if r["broke_at"] is not None:
                continue
            net = r["net"]
            loss = torch.nn.functional.mse_loss(net(x), y)
            value = loss.item()
            r["opt"].zero_grad()
            loss.backward()
            # clip_grad_norm_ returns the total norm before clipping; inf max_norm means "measure only".
            norm = torch.nn.utils.clip_grad_norm_(net.parameters(), r["clip"] or float("inf")).item()
            r["losses"].append(value)
            r["grads"].append(norm)
            broke = not (math.isfinite(value) and math.isfinite(norm))
            if broke:
                r["broke_at"] = step
            if step < 10 or step % every == 0 or step == steps or broke:
                ctx.metric(step, r["name"], loss=value, grad_norm=norm)
            if broke:
                ctx.log(f"{r['name']}: loss {value:.3g}, gradient norm {norm:.3g} at step {step}; stopped that run")
            elif step < steps:
                r["opt"].step()

    plain, clipped = runs

    def peak(grads: list[float]) -> float:
        return float("inf") if any(not math.isfinite(v) for v in grads) else max(grads)

    plain_first, plain_max = plain["grads"][0], peak(plain["grads"])
    growth = plain_max / plain_first
    plain_start, plain_final = plain["losses"][0], plain["losses"][-1]
    clip_start, clip_final = clipped["losses"][0], clipped["losses"][-1]
    plain_broke = (not math.isfinite(plain_final)) or plain_final > 100 * plain_start
    clip_ok = clipped["broke_at"] is None and math.isfinite(clip_final) and clip_final < clip_start
    passed = growth >= 1e3 and plain_broke and clip_ok
    failures = [what for what, ok in (
        (f"without clipping the gradient norm grew only {growth:.3g}x (not 1000x)", growth >= 1e3),
        ("without clipping the loss did not blow up", plain_broke),
        ("the clipped run did not stay finite and improve", clip_ok)) if not ok]

    numbers = {
        "plain_grad_norm_first": plain_first,
        "plain_grad_norm_max": plain_max,
        "plain_grad_growth": growth,
        "plain_loss_start": plain_start,
        "plain_loss_final": plain_final,
        "plain_broke_at_step": plain["broke_at"] if plain["broke_at"] is not None else -1,
        "clip_loss_start": clip_start,
        "clip_loss_final": clip_final,
        "clip_grad_norm_max": peak(clipped["grads"]),
    }
    finite_plain = [v for v in plain["grads"] if math.isfinite(v)]
    how = (f"the gradient norm went {plain_first:.3g} -> {max(finite_plain):.3g} -> {plain['grads'][-1]:.3g} and the "
           f"loss became {plain_final:.3g} at step {plain['broke_at']}"
           if plain["broke_at"] is not None
           else f"the gradient norm grew {growth:.3g}x and the loss ended at {plain_final:.3g}")
    clip_how = (f"stayed finite and its loss went {clip_start:.3g} -> {clip_final:.3g}" if clipped["broke_at"] is None
                else f"broke too (loss {clip_final:.3g} at step {clipped['broke_at']})")
    summary = ctx.summary(f"Without clipping {how}. With the norm clipped to {max_norm:g} the same run {clip_how} "
                          f"in {steps} steps.", failures)
    ctx.verdict(CLAIM, passed, numbers, summary=summary)


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
