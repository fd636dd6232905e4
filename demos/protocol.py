"""The JSON-lines protocol spoken between demo programs and quizapp.

Standard library only: demos import it to write events, the app imports it to
read them, and neither side needs the other's dependencies (the app never
imports torch). One event per line, flushed, so a reader sees progress live.

Event types (every object has a "type" key):

- meta:    title, claim, cards (list of card ids), device, device_name, params
- metric:  step (int), series (str), values ({name: number})
- matrix:  label (str), data (2-D list of numbers), step (optional int)
- log:     message
- verdict: claim, passed (bool), numbers ({name: number}), summary (str)
- error:   message

It also holds the knob declarations (`Param`, `resolve_params`): the demo uses them to read
`--set name=value`, the app to validate the same values before it starts the child.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from typing import IO, Any, Sequence

EVENT_TYPES = ("meta", "metric", "matrix", "log", "verdict", "error")

# Fields each event type must carry, with the Python type each must have.
REQUIRED: dict[str, dict[str, type | tuple[type, ...]]] = {
    "meta": {"title": str, "claim": str, "device": str},
    "metric": {"step": int, "series": str, "values": dict},
    "matrix": {"label": str, "data": list},
    "log": {"message": str},
    "verdict": {"claim": str, "passed": bool, "numbers": dict},
    "error": {"message": str},
}


class ProtocolError(ValueError):
    """A line that is not a valid protocol event."""


@dataclass
class Event:
    type: str
    data: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def _clean(value: Any) -> Any:
    """Make a value JSON-safe: NaN and inf become strings the reader understands."""
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if getattr(value, "ndim", None) == 0 and callable(getattr(value, "item", None)):  # 0-d tensors, numpy scalars
        return _clean(value.item())
    if callable(getattr(value, "tolist", None)):  # arrays and tensors of any shape
        return _clean(value.tolist())
    return value


def encode(event_type: str, **fields: Any) -> str:
    """One event as a single JSON line (no trailing newline)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    return json.dumps({"type": event_type, **_clean(fields)}, separators=(",", ":"))


def to_number(value: Any) -> float:
    """Read a metric value back: numbers stay numbers, 'nan'/'inf' become floats."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    raise ProtocolError(f"not a number: {value!r}")


def decode(line: str) -> Event:
    """Parse and validate one line; raises ProtocolError with the reason."""
    text = line.strip()
    if not text:
        raise ProtocolError("empty line")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"not JSON: {exc.msg}") from None
    if not isinstance(obj, dict):
        raise ProtocolError("not a JSON object")
    kind = obj.get("type")
    if kind not in EVENT_TYPES:
        raise ProtocolError(f"unknown event type {kind!r}")
    for name, expected in REQUIRED[kind].items():
        if name not in obj:
            raise ProtocolError(f"{kind} event lacks {name!r}")
        value = obj[name]
        if expected is int and isinstance(value, bool):
            raise ProtocolError(f"{kind}.{name} must be an integer")
        if not isinstance(value, expected):
            raise ProtocolError(f"{kind}.{name} has the wrong type")
    if kind == "metric":
        for key, value in obj["values"].items():
            to_number(value)
    if kind == "matrix":
        rows = obj["data"]
        if not rows or not all(isinstance(r, list) and r for r in rows):
            raise ProtocolError("matrix.data must be a non-empty 2-D list")
        for row in rows:
            for value in row:
                to_number(value)
    data = {k: v for k, v in obj.items() if k != "type"}
    return Event(kind, data)


class Emitter:
    """Writes protocol events to a stream, one flushed line each."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout

    def emit(self, event_type: str, **fields: Any) -> None:
        self.stream.write(encode(event_type, **fields) + "\n")
        self.stream.flush()

    def meta(self, **fields: Any) -> None:
        self.emit("meta", **fields)

    def metric(self, step: int, series: str, **values: Any) -> None:
        self.emit("metric", step=int(step), series=series, values=values)

    def matrix(self, label: str, data: Any, step: int | None = None) -> None:
        fields: dict[str, Any] = {"label": label, "data": data}
        if step is not None:
            fields["step"] = int(step)
        self.emit("matrix", **fields)

    def log(self, message: str) -> None:
        self.emit("log", message=message)

    def verdict(self, claim: str, passed: bool, numbers: dict[str, Any], summary: str = "") -> None:
        self.emit("verdict", claim=claim, passed=bool(passed), numbers=numbers, summary=summary)

    def error(self, message: str) -> None:
        self.emit("error", message=message)


# -- knobs: declared by each demo, read by the app from the source (ast) and by the demo at run time --

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

    def __post_init__(self) -> None:
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))

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
