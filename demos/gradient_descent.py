"""Gradient descent on 2-D loss surfaces: the step size decides whether it creeps, zig-zags or escapes.

Plain gradient descent, theta <- theta - lr * grad L (the gradient from autograd), runs with a
small and a large step size on three surfaces: a round bowl, a narrow valley (one direction 20x
steeper than the other) and a saddle (a ridge between two minima). Each path is drawn on its
surface's heatmap (path cells are left empty, NaN, so they stand out). The verdict checks
the three behaviours on the run's own numbers: in the bowl the small step creeps while the large
one converges; in the valley the large step zig-zags across (the steep coordinate changes sign
step after step); from just beside the saddle the large step escapes to a minimum while the small
one is still near the ridge.
"""

from __future__ import annotations

import math

import torch

from demos.common import DemoContext, Param, run

TITLE = "Gradient descent on 2-D surfaces: creep, zig-zag, escape"
CLAIM = ("Gradient descent steps against the gradient, and the step size decides the path: too small a step "
         "creeps, a large one zig-zags across a narrow valley, and off a saddle point it escapes quickly "
         "with a large step but lingers with a small one.")
CARDS = ["gradient-descent", "local-minima-saddle-points"]

PARAMS = [
    Param("small", 0.01, "the small step size (learning rate)", lo=1e-5, hi=1.0),
    Param("large", 0.09, "the large step size (learning rate)", lo=1e-5, hi=1.0),
    Param("steps", 80, "gradient steps on each surface", lo=5, hi=2000),
    Param("valley", 20.0, "how many times steeper the valley is across than along", lo=1.0, hi=100.0),
]

GRID = 24          # heatmap cells per side
CREEP = 0.3        # the small step still has at least this fraction of the start distance left
CONVERGED = 0.01   # the large step has at most this fraction left
ZIGZAG = 0.5       # fraction of steps on which the valley's steep coordinate changes sign
ESCAPED = 0.5      # |y| beyond this has left the saddle for a minimum (at y = +-1)


def surfaces(valley: float) -> dict[str, dict]:
    """Each surface: its function, where descent starts, and the window drawn."""
    return {
        "bowl": {"f": lambda x, y: (x ** 2 + y ** 2) / 2, "start": (-2.5, 2.0), "box": (-3, 3, -3, 3)},
        "valley": {"f": lambda x, y: (x ** 2 + valley * y ** 2) / 2, "start": (-2.5, 0.8),
                   "box": (-3, 3, -1.2, 1.2)},
        "saddle": {"f": lambda x, y: x ** 2 / 2 - y ** 2 / 2 + y ** 4 / 4, "start": (-2.5, 0.01),
                   "box": (-3, 3, -1.5, 1.5)},
    }


def descend(f, start: tuple[float, float], lr: float, steps: int, device) -> tuple[list, list]:
    """The path of plain gradient descent and the loss at each point (stops if it blows up)."""
    theta = torch.tensor(start, dtype=torch.float64, device=device, requires_grad=True)
    path, losses = [], []
    for step in range(steps + 1):
        loss = f(theta[0], theta[1])
        path.append(tuple(theta.detach().tolist()))
        losses.append(loss.item())
        if step == steps or not math.isfinite(loss.item()) or theta.detach().abs().max().item() > 1e6:
            break
        (grad,) = torch.autograd.grad(loss, theta)
        with torch.no_grad():
            theta -= lr * grad
    return path, losses


def heatmap(f, box: tuple[float, float, float, float], path: list) -> list[list[float]]:
    """The surface on a GRID x GRID window (top row = largest y) with the path's cells set to NaN."""
    x0, x1, y0, y1 = box
    xs = [x0 + (x1 - x0) * (c + 0.5) / GRID for c in range(GRID)]
    ys = [y1 - (y1 - y0) * (r + 0.5) / GRID for r in range(GRID)]
    data = [[f(x, y) for x in xs] for y in ys]
    for x, y in path:
        if x0 <= x < x1 and y0 <= y < y1:
            data[min(GRID - 1, int((y1 - y) / (y1 - y0) * GRID))][min(GRID - 1, int((x - x0) / (x1 - x0) * GRID))] = \
                float("nan")
    return data


def main(ctx: DemoContext) -> None:
    small, large, steps = ctx.p.small, ctx.p.large, ctx.p.steps
    surf = surfaces(ctx.p.valley)
    ctx.log(f"Plain gradient descent, {steps} steps, step sizes {small:g} and {large:g}, on a round bowl, a valley "
            f"{ctx.p.valley:g}x steeper across than along, and a saddle with minima at y = +-1")
    result: dict[tuple[str, str], dict] = {}
    for name, s in surf.items():
        for which, lr in (("small", small), ("large", large)):
            path, losses = descend(s["f"], s["start"], lr, steps, ctx.device)
            series = f"{name} lr={lr:g}"
            for step, ((x, y), loss) in enumerate(zip(path, losses)):
                values = {"loss": loss}
                if name != "bowl":
                    values[f"{name}_y"] = y
                ctx.metric(step, series, **values)
            ctx.matrix(f"{name}, lr={lr:g}: path (empty cells) on the loss surface", heatmap(s["f"], s["box"], path))
            result[name, which] = {"path": path, "losses": losses, "lr": lr}

    def left(name: str, which: str) -> float:
        """Distance to the minimum at (0, 0) now, as a fraction of the distance at the start."""
        (x, y), (sx, sy) = result[name, which]["path"][-1], result[name, which]["path"][0]
        return math.hypot(x, y) / math.hypot(sx, sy)

    def flips(name: str, which: str) -> float:
        ys = [y for _, y in result[name, which]["path"]]
        changes = sum(1 for a, b in zip(ys, ys[1:]) if a * b < 0)
        return changes / max(1, len(ys) - 1)

    bowl_small_left, bowl_large_left = left("bowl", "small"), left("bowl", "large")
    valley_large_flips, valley_small_flips = flips("valley", "large"), flips("valley", "small")
    saddle_small_y = abs(result["saddle", "small"]["path"][-1][1])
    saddle_large_y = abs(result["saddle", "large"]["path"][-1][1])
    escape_step = next((i for i, (_, y) in enumerate(result["saddle", "large"]["path"]) if abs(y) > ESCAPED), -1)
    valley_final = result["valley", "large"]["losses"][-1]

    creeps = bowl_small_left > CREEP and bowl_large_left < CONVERGED
    zigzags = valley_large_flips >= ZIGZAG and valley_small_flips == 0
    escapes = saddle_large_y > ESCAPED and saddle_small_y < ESCAPED
    passed = creeps and zigzags and escapes
    valley_diverged = not math.isfinite(valley_final) or valley_final > result["valley", "large"]["losses"][0]
    if valley_diverged:
        ctx.log(f"In the valley lr={large:g} is above 2/curvature = {2 / ctx.p.valley:.3g}: the zig-zag grew "
                "and the run diverged")
    numbers = {
        "bowl_small_fraction_left": bowl_small_left, "bowl_large_fraction_left": bowl_large_left,
        "valley_large_sign_flip_rate": valley_large_flips, "valley_small_sign_flip_rate": valley_small_flips,
        "valley_large_final_loss": valley_final,
        "saddle_small_final_abs_y": saddle_small_y, "saddle_large_final_abs_y": saddle_large_y,
        "saddle_large_escape_step": escape_step,
    }
    text = (f"Bowl: lr={small:g} still had {bowl_small_left:.0%} of the way to go after {steps} steps, "
            f"lr={large:g} {bowl_large_left:.1%}. Valley: lr={large:g} crossed the valley floor on "
            f"{valley_large_flips:.0%} of its steps (lr={small:g}: {valley_small_flips:.0%})"
            + (f" and diverged, being above 2/curvature = {2 / ctx.p.valley:.3g}" if valley_diverged else "")
            + f". Saddle: lr={large:g} "
            + (f"escaped at step {escape_step} (|y| = {saddle_large_y:.2f})" if escape_step >= 0
               else f"ended at |y| = {saddle_large_y:.2g}")
            + f", lr={small:g} ended at |y| = {saddle_small_y:.2g}.")
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in (("the bowl did not show creep versus convergence", creeps),
                                         ("the valley did not show a zig-zag only for the large step", zigzags),
                                         ("the saddle did not show escape only for the large step", escapes)) if not ok]
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
