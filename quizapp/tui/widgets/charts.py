"""Terminal charts drawn with Unicode: braille line charts and half-block heatmaps.

Both keep their data and redraw only when told (`refresh`), so a demo posting
hundreds of points costs a few redraws a second, not one per point. A line chart keeps
at most MAX_POINTS per series (it thins older points), and can keep the previous run's
curves as a dimmed "ghost" behind the current ones, on the same axes.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.widget import Widget

PALETTE = ["#4ea1ff", "#ffb347", "#6fdc8c", "#ff6b6b", "#c792ea", "#89ddff"]
GHOST = "grey42"
MAX_POINTS = 2000
BRAILLE_BASE = 0x2800
# dot bit for (column 0/1, row 0..3) inside one braille cell
DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e4 or abs(value) < 1e-3):
        return f"{value:.1e}"
    return f"{value:.3g}"


class LineChart(Widget):
    """Several series of (step, value) on shared axes; log scale when values span > 3 decades."""

    DEFAULT_CSS = """
    LineChart { height: 9; }
    """

    def __init__(self, title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = title
        self.series: dict[str, list[tuple[float, float]]] = {}
        self.ghost: dict[str, list[tuple[float, float]]] = {}  # the previous run's curves, drawn dimmed
        self.x_label = "step"

    def add_point(self, series: str, step: float, value: float) -> None:
        points = self.series.setdefault(series, [])
        points.append((step, value))
        if len(points) > MAX_POINTS:  # keep the shape, not every point: drop every other older one
            points[:] = points[: -MAX_POINTS // 2 : 2] + points[-MAX_POINTS // 2 :]

    def keep_as_ghost(self) -> None:
        """The current curves become the dimmed previous run; the chart starts empty."""
        if self.series:
            self.ghost = self.series
        self.series = {}
        self.refresh()

    def render(self) -> Text:
        width = max(10, self.size.width - 10)
        height = max(2, self.size.height - 2)
        layers = [*self.ghost.values(), *self.series.values()]
        points = [(s, v) for pts in layers for s, v in pts if math.isfinite(v)]
        text = Text()
        legend = Text(f"{self.title}  ", style="bold")
        for index, (name, pts) in enumerate(self.series.items()):
            last = pts[-1][1] if pts else float("nan")
            legend.append(f"● {name} {_fmt(last)}  ", style=PALETTE[index % len(PALETTE)])
        if self.ghost:
            legend.append("· previous run", style=GHOST)
        text.append_text(legend)
        text.append("\n")
        if not points:
            text.append("waiting for data…", style="dim")
            return text
        xs = [s for s, _ in points]
        ys = [v for _, v in points]
        positive = [v for v in ys if v > 0]
        log = bool(positive) and len(positive) == len(ys) and max(ys) / min(positive) > 1e3

        def ty(v: float) -> float:
            return math.log10(v) if log else v

        x0, x1 = min(xs), max(xs)
        y0, y1 = min(ty(v) for v in ys), max(ty(v) for v in ys)
        if x1 == x0:
            x1 = x0 + 1
        if y1 == y0:
            y1 = y0 + 1
        cols, rows = width * 2, height * 4
        grid = [[0] * width for _ in range(height)]
        owner = [[-1] * width for _ in range(height)]
        ghosts = len(self.ghost)
        for index, pts in enumerate(layers):  # ghosts first, so the current run is drawn over them
            previous = None
            for step, value in pts:
                if not math.isfinite(value) or (log and value <= 0):
                    previous = None
                    continue
                cx = round((step - x0) / (x1 - x0) * (cols - 1))
                cy = round((ty(value) - y0) / (y1 - y0) * (rows - 1))
                for px, py in _segment(previous, (cx, cy)):
                    row = rows - 1 - py
                    grid[row // 4][px // 2] |= DOTS[px % 2][row % 4]
                    owner[row // 4][px // 2] = index - ghosts  # negative: a ghost
                previous = (cx, cy)
        top = _fmt(10 ** y1 if log else y1)
        bottom = _fmt(10 ** y0 if log else y0)
        for r in range(height):
            label = top if r == 0 else bottom if r == height - 1 else ""
            text.append(f"{label:>8} ", style="dim")
            text.append("│", style="dim")
            for c in range(width):
                bits = grid[r][c]
                who = owner[r][c]
                style = (PALETTE[who % len(PALETTE)] if who >= 0 else GHOST) if bits else ""
                text.append(chr(BRAILLE_BASE + bits) if bits else " ", style=style)
            text.append("\n")
        scale = " (log scale)" if log else ""
        text.append(f"{'':9}{self.x_label} {x0:g} … {x1:g}{scale}", style="dim")
        return text


def _segment(start: tuple[int, int] | None, end: tuple[int, int]) -> list[tuple[int, int]]:
    """Points on the line from start to end (Bresenham), so curves have no gaps."""
    if start is None:
        return [end]
    (x0, y0), (x1, y1) = start, end
    points = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err = dx + dy
    while True:
        points.append((x0, y0))
        if (x0, y0) == (x1, y1) or len(points) > 2000:
            return points
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


# viridis, sampled: dark blue -> green -> yellow
COLORMAP = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]


def _colour(t: float) -> str:
    if not math.isfinite(t):
        return "#ff00ff"
    t = min(1.0, max(0.0, t)) * (len(COLORMAP) - 1)
    i = min(int(t), len(COLORMAP) - 2)
    f = t - i
    a, b = COLORMAP[i], COLORMAP[i + 1]
    r, g, bl = (round(a[k] + (b[k] - a[k]) * f) for k in range(3))
    return f"#{r:02x}{g:02x}{bl:02x}"


class Heatmap(Widget):
    """A matrix as coloured half-blocks: two matrix rows per terminal row."""

    DEFAULT_CSS = """
    Heatmap { height: auto; width: auto; margin: 0 2 1 0; }
    """

    def __init__(self, label: str, data: list[list[float]], max_width: int = 36, **kwargs) -> None:
        super().__init__(**kwargs)
        self.label = label
        self.data = data
        self.max_width = max_width

    def set_data(self, data: list[list[float]]) -> None:
        self.data = data
        self.refresh(layout=True)

    def _grid(self) -> list[list[float]]:
        return thin_grid(self.data, self.max_width)

    def get_content_width(self, container, viewport) -> int:
        return max(len(self.label), len(self._grid()[0])) + 1

    def get_content_height(self, container, viewport, width: int) -> int:
        return (len(self._grid()) + 1) // 2 + 2

    def render(self) -> Text:
        return heatmap_text(self.label, self._grid())


def thin_grid(data: list[list[float]], max_width: int) -> list[list[float]]:
    """Every k-th row and column, so the matrix is at most `max_width` cells wide (and rows tall)."""
    rows, cols = len(data), max(len(row) for row in data)
    data = [row + [math.nan] * (cols - len(row)) for row in data]  # ragged rows: pad, do not crash
    scale = max(1, math.ceil(cols / max_width), math.ceil(rows / max_width))
    return [[data[min(rows - 1, r * scale)][min(cols - 1, c * scale)] for c in range(math.ceil(cols / scale))]
            for r in range(math.ceil(rows / scale))]


def heatmap_text(label: str, grid: list[list[float]]) -> Text:
    """A matrix as half-blocks (two rows per line), viridis colours, with its value range below."""
    finite = [v for row in grid for v in row if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    span = (high - low) or 1.0
    text = Text(label + "\n", style="bold")
    for r in range(0, len(grid), 2):
        upper = grid[r]
        lower = grid[r + 1] if r + 1 < len(grid) else None
        for c, value in enumerate(upper):
            fg = _colour((value - low) / span)
            if lower is None:
                text.append("▀", style=fg)
            else:
                text.append("▀", style=f"{fg} on {_colour((lower[c] - low) / span)}")
        text.append("\n")
    text.append(f"{_fmt(low)} … {_fmt(high)}", style="dim")
    return text
