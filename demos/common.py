"""What every demo shares: the command line, device choice, seeding, and output.

A demo module defines TITLE, CLAIM, CARDS, PARAMS (its knobs) and ``main(ctx)``, and
ends with ``if __name__ == "__main__": run(main, TITLE, CLAIM, CARDS, PARAMS)``.
``main`` reads its knobs as ``ctx.p.NAME`` and reports through ``ctx`` (metric,
matrix, log, verdict); ``run`` turns that into JSON lines (``--json``) or a readable
live view, and into the exit status: 0 the run finished with a verdict, 1 it failed,
2 bad usage (no CUDA, an unknown knob or a value out of range).

Knobs are declared once, as ``Param(...)`` calls with literal arguments, so the app
can read them from the source without importing torch. ``--set name=value`` sets one.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from types import SimpleNamespace
from typing import Any, Callable, Sequence

from demos.protocol import Emitter, Param, UsageError, resolve_params  # noqa: F401 (re-exported)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class DemoFailed(RuntimeError):
    """Raised by a demo for a failure the user should read as one line."""


class TextView:
    """Human output: a rich live table when rich is installed, plain lines otherwise."""

    def __init__(self) -> None:
        self.latest: dict[str, dict[str, Any]] = {}
        self.step = 0
        self._last_draw = 0.0
        try:
            from rich.console import Console
            from rich.live import Live

            self.console = Console()
            self._live = Live(console=self.console, refresh_per_second=4, transient=True)
            self._live.start()
        except ImportError:  # a bare GPU machine: torch and numpy only
            self.console = None
            self._live = None

    def _table(self) -> Any:
        from rich.table import Table

        names = sorted({n for v in self.latest.values() for n in v})
        table = Table(title=f"step {self.step}")
        table.add_column("series")
        for name in names:
            table.add_column(name, justify="right")
        for series, values in self.latest.items():
            table.add_row(series, *(_fmt(values.get(n)) for n in names))
        return table

    def handle(self, event_type: str, fields: dict[str, Any]) -> None:
        if event_type == "metric":
            self.step = fields["step"]
            self.latest.setdefault(fields["series"], {}).update(fields["values"])
            now = time.monotonic()
            if now - self._last_draw < 0.25:
                return
            self._last_draw = now
            if self._live is not None:
                self._live.update(self._table())
            else:
                parts = ", ".join(f"{k}={_fmt(v)}" for k, v in fields["values"].items())
                print(f"step {self.step:>5} {fields['series']}: {parts}", flush=True)
        elif event_type == "meta":
            self._print(f"[bold]{_esc(fields['title'])}[/bold] on {_esc(fields['device_name'])}\n"
                        f"Claim: {_esc(fields['claim'])}")
        elif event_type == "log":
            self._print(_esc(fields["message"]))
        elif event_type == "matrix":
            self._matrix(fields["label"], fields["data"])
        elif event_type == "verdict":
            self.close()
            if self.latest and self.console is not None:
                self.console.print(self._table())
            mark = "[green]PASS[/green]" if fields["passed"] else "[red]FAIL[/red]"
            numbers = ", ".join(f"{k}={_fmt(v)}" for k, v in fields["numbers"].items())
            self._print(f"{mark} {_esc(fields['claim'])}\n{_esc(fields.get('summary', ''))}\n{_esc(numbers)}")
        elif event_type == "error":
            self.close()
            self._print(f"[red]error:[/red] {_esc(fields['message'])}")

    def _matrix(self, label: str, data: Any) -> None:
        """A matrix as coloured half-blocks (two rows per line), or a size note without rich."""
        rows = data.tolist() if hasattr(data, "tolist") else data
        if self.console is None:
            print(f"(matrix {label}: {len(rows)}x{len(rows[0])})", flush=True)
            return
        from rich.text import Text

        step = max(1, math.ceil(max(len(rows[0]), len(rows)) / 48))
        grid = [[float(v) for v in row[::step]] for row in rows[::step]]
        finite = [v for row in grid for v in row if math.isfinite(v)]
        low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
        span = (high - low) or 1.0

        def colour(v: float) -> str:
            if not math.isfinite(v):
                return "magenta"
            t = min(1.0, max(0.0, (v - low) / span))
            return f"rgb({int(68 + t * 185)},{int(1 + t * 230)},{int(84 - t * 47)})"  # dark purple -> yellow

        text = Text(f"{label}\n", style="bold")
        for r in range(0, len(grid), 2):
            for c, value in enumerate(grid[r]):
                below = grid[r + 1][c] if r + 1 < len(grid) and c < len(grid[r + 1]) else None
                text.append("▀", style=colour(value) + ("" if below is None else f" on {colour(below)}"))
            text.append("\n")
        text.append(f"{_fmt(low)} … {_fmt(high)}", style="dim")
        self._live_print(text)

    def _live_print(self, renderable: Any) -> None:
        if self._live is not None:
            self._live.console.print(renderable)
        else:
            self.console.print(renderable)

    def _print(self, text: str) -> None:
        if self.console is not None:
            self.console.print(text)
        else:
            import re

            print(re.sub(r"(?<!\\)\[/?[a-z ]+\]", "", text).replace("\\[", "["), flush=True)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


def _esc(text: Any) -> str:
    """Demo text shown literally: `[/data]` in a message is text, not rich markup."""
    return str(text).replace("[", "\\[")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return f"{value:.4g}"
    return "" if value is None else str(value)


class DemoContext(Emitter):
    """Handed to a demo's main(): the device, the mode, and the reporting calls (metric, matrix, log,
    verdict from Emitter), routed to JSON lines or to the readable view."""

    def __init__(self, args: argparse.Namespace, device: Any, emit: Callable[..., None],
                 params: Sequence[Param] = (), values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.args = args
        self.device = device
        self.quick: bool = args.quick
        self.seed: int = args.seed
        self.param_specs = {p.name: p for p in params}
        self.values: dict[str, Any] = dict(values or {})
        self.p = SimpleNamespace(**self.values)  # ctx.p.lr
        self._emit = emit
        self.verdict_given = False
        self.started = time.monotonic()

    def emit(self, event_type: str, **fields: Any) -> None:
        self._emit(event_type, **fields)

    def verdict(self, claim: str, passed: bool, numbers: dict[str, Any], summary: str = "") -> None:
        self.verdict_given = True
        super().verdict(claim, passed, numbers, summary)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def changed(self) -> dict[str, Any]:
        """The knobs the user moved away from their defaults (quick values count as defaults)."""
        out = {}
        for name, value in self.values.items():
            spec = self.param_specs[name]
            if value != spec.default and not (self.quick and value == spec.quick):
                out[name] = value
        return out

    def settings_text(self) -> str:
        """'with lr=0.05, steps=400' when knobs were turned, else '': for honest verdict summaries."""
        changed = self.changed()
        return ("with " + ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                    for k, v in changed.items())) if changed else ""

    def summary(self, text: str, failures: Sequence[str] = ()) -> str:
        """An honest verdict summary at this run's settings: 'With lr=0.05: <text>', and when parts of the
        claim were not seen, '<what failed>: not shown at these settings.' (never a canned text)."""
        settings = self.settings_text()
        out = (f"{settings[0].upper()}{settings[1:]}: " if settings else "") + text
        if failures:
            out += " " + "; ".join(failures) + ": not shown at these settings."
        return out


def parse_args(title: str, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--quick", action="store_true", help="a short run (a few seconds), for tests")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="JSON lines on stdout (the app's protocol)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="set one of the demo's parameters (repeatable)")
    return parser.parse_args(argv)


def pick_device(torch: Any, wanted: str) -> Any:
    """auto -> CUDA when available; cuda without CUDA raises DemoFailed."""
    if wanted == "cuda" and not torch.cuda.is_available():
        raise DemoFailed("--device cuda was asked for, but CUDA is not available on this machine")
    if wanted == "cuda" or (wanted == "auto" and torch.cuda.is_available()):
        return torch.device("cuda")
    return torch.device("cpu")


def device_name(torch: Any, device: Any) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return f"cpu ({os.cpu_count()} cores, {torch.get_num_threads()} threads)"


def run(main: Callable[[DemoContext], None], title: str, claim: str, cards: list[str],
        params: Sequence[Param] = (), argv: list[str] | None = None, cpu_threads: int | None = 1,
        x_label: str = "step") -> None:
    """Run a demo's main() under the shared command line and exit with its status.

    `cpu_threads`: these models are tiny, so a second thread buys nothing and, on a busy machine, makes
    every small matrix multiply wait for the other core (runs 5-20x slower). None keeps torch's default
    (a demo that measures the CPU's throughput wants every core).
    """
    args = parse_args(title, argv)
    emitter = Emitter(sys.stdout)
    view = None if args.json else TextView()

    def emit(event_type: str, **fields: Any) -> None:
        if view is None:
            emitter.emit(event_type, **fields)
        else:
            view.handle(event_type, fields)

    try:
        values = resolve_params(params, args.set, args.quick)
    except UsageError as exc:
        emit("error", message=str(exc))
        if view is not None:
            view.close()
        sys.exit(EXIT_USAGE)

    import numpy as np
    import torch

    try:
        device = pick_device(torch, args.device)
    except DemoFailed as exc:
        emit("error", message=str(exc))
        if view is not None:
            view.close()
        sys.exit(EXIT_USAGE)

    if cpu_threads is not None:
        torch.set_num_threads(cpu_threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    ctx = DemoContext(args, device, emit, params, values)
    emit("meta", title=title, claim=claim, cards=list(cards), device=device.type,
         device_name=device_name(torch, device),
         params={"quick": args.quick, "seed": args.seed, **values}, x_label=x_label,
         knobs=[{**asdict(p), "kind": p.kind} for p in params])
    status = EXIT_OK
    try:
        main(ctx)
        if not ctx.verdict_given:
            raise DemoFailed("the demo ended without a verdict")
    except DemoFailed as exc:
        emit("error", message=str(exc))
        status = EXIT_FAILED
    except KeyboardInterrupt:
        emit("error", message="interrupted")
        status = EXIT_FAILED
    except Exception as exc:  # report any crash as an event, with where it happened
        where = traceback.extract_tb(exc.__traceback__)[-1]
        emit("error", message=f"{type(exc).__name__}: {exc} ({os.path.basename(where.filename)}:{where.lineno})")
        status = EXIT_FAILED
    finally:
        if view is not None:
            view.close()
    sys.exit(status)
