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

from demos.protocol import Emitter

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class DemoFailed(RuntimeError):
    """Raised by a demo for a failure the user should read as one line."""


class UsageError(ValueError):
    """A bad --set: names the knob and what it accepts (exit status 2)."""


@dataclass(frozen=True)
class Param:
    """One knob of a demo. Its type is its default's (bool, int, float or str).

    `lo`/`hi` bound numbers (inclusive); `choices` lists the allowed values; `quick` is the
    value a --quick run uses unless the user set one.
    """

    name: str
    default: bool | int | float | str
    help: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[Any, ...] | None = None
    quick: bool | int | float | str | None = None

    @property
    def kind(self) -> str:
        return type(self.default).__name__

    def allowed(self) -> str:
        """What the knob accepts, in words, for error messages and forms."""
        if self.choices is not None:
            return "one of " + ", ".join(str(c) for c in self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.lo is not None and self.hi is not None:
            return f"{'an integer' if self.kind == 'int' else 'a number'} from {self.lo:g} to {self.hi:g}"
        return "an integer" if self.kind == "int" else ("a number" if self.kind == "float" else "text")

    def parse(self, text: str) -> bool | int | float | str:
        """A value typed by the user, checked against the knob's type and range."""
        text = text.strip()
        bad = UsageError(f"{self.name}={text!r} is not allowed: {self.name} takes {self.allowed()}")
        value: bool | int | float | str
        if self.kind == "bool":
            lowered = text.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise bad
            value = lowered in ("true", "1", "yes", "on")
        elif self.kind == "int":
            try:
                value = int(text)
            except ValueError:
                raise bad from None
        elif self.kind == "float":
            try:
                value = float(text)
            except ValueError:
                raise bad from None
            if not math.isfinite(value):
                raise bad
        else:
            value = text
        if self.choices is not None and value not in self.choices:
            raise bad
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
                raise bad
        return value


def resolve_params(params: Sequence[Param], settings: Sequence[str], quick: bool) -> dict[str, Any]:
    """Knob values for one run: defaults (or quick values), overridden by `name=value` settings."""
    by_name = {p.name: p for p in params}
    values = {p.name: (p.quick if quick and p.quick is not None else p.default) for p in params}
    for setting in settings:
        name, sep, text = setting.partition("=")
        name = name.strip()
        if not sep:
            raise UsageError(f"--set {setting!r}: write it as name=value")
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise UsageError(f"unknown parameter {name!r}; this demo's parameters: {known}")
        values[name] = by_name[name].parse(text)
    return values


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
            self._print(f"[bold]{fields['title']}[/bold] on {fields['device_name']}\nClaim: {fields['claim']}")
        elif event_type == "log":
            self._print(fields["message"])
        elif event_type == "matrix":
            self._print(f"(matrix {fields['label']}: {len(fields['data'])}x{len(fields['data'][0])})")
        elif event_type == "verdict":
            self.close()
            if self.latest and self.console is not None:
                self.console.print(self._table())
            mark = "[green]PASS[/green]" if fields["passed"] else "[red]FAIL[/red]"
            numbers = ", ".join(f"{k}={_fmt(v)}" for k, v in fields["numbers"].items())
            self._print(f"{mark} {fields['claim']}\n{fields.get('summary', '')}\n{numbers}")
        elif event_type == "error":
            self.close()
            self._print(f"[red]error:[/red] {fields['message']}")

    def _print(self, text: str) -> None:
        if self.console is not None:
            self.console.print(text)
        else:
            import re

            print(re.sub(r"\[/?[a-z ]+\]", "", text), flush=True)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


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
        params: Sequence[Param] = (), argv: list[str] | None = None, cpu_threads: int | None = 1) -> None:
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
         params={"quick": args.quick, "seed": args.seed, **values},
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
