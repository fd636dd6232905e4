"""FSRS-6 parameter vectors: the defaults, and checking 21 values pasted from Anki or elsewhere.

The bounds are the `fsrs` package's own, so any vector accepted here is one
the scheduler accepts.
"""

from __future__ import annotations

import math
import re
from typing import Sequence

from fsrs.scheduler import DEFAULT_PARAMETERS as _DEFAULTS
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(float(w) for w in _DEFAULTS)
COUNT = len(DEFAULT_PARAMETERS)  # 21 for FSRS-6


def parse_parameters(text: str) -> tuple[float, ...]:
    """21 comma- or space-separated numbers (Anki's 'FSRS parameters' box), or ValueError saying what is wrong."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip().strip("[]()")) if p]
    values = []
    for index, part in enumerate(parts):
        try:
            values.append(float(part))
        except ValueError:
            raise ValueError(f"parameter {index + 1} ({part!r}) is not a number") from None
    return validate(values)


def validate(values: Sequence[float]) -> tuple[float, ...]:
    """The values as a tuple if they are 21 finite numbers within fsrs's bounds; ValueError otherwise."""
    if len(values) != COUNT:
        hint = " (FSRS-5 had 19; FSRS-6, which quizapp uses, has 21)" if len(values) in (17, 19) else ""
        raise ValueError(f"expected {COUNT} FSRS-6 parameters, got {len(values)}{hint}")
    problems = []
    for index, (value, low, high) in enumerate(zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)):
        if not math.isfinite(value):
            problems.append(f"w[{index}] = {value} is not a finite number")
        elif not low <= value <= high:
            problems.append(f"w[{index}] = {value:g} is outside {low:g}..{high:g}")
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(float(v) for v in values)


def format_parameters(values: Sequence[float]) -> str:
    """As Anki shows them: comma-separated, four decimals."""
    return ", ".join(f"{v:.4f}" for v in values)
