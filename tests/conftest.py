"""Shared fixtures: a real SQLite file in a temp folder, a small deck, a settable clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp.store import Store

REPO = Path(__file__).resolve().parents[1]

SMALL_DECK = """\
---
topic: Sample
tags: [sample]
---

## What is a tensor?

```meta
id: tensor
tags: [basics]
seed: 29
```

### Answer

An n-dimensional array with a dtype and a device.

#### Key points

- n-dimensional array
- dtype and device

## What does $\\frac{1}{n}\\sum_i x_i$ compute?

```meta
id: mean
```

### Answer

The mean of the $x_i$.

## Why use ReLU?

```meta
id: relu
demo: xor
```

### Answer

It is cheap and does not saturate for positive inputs.
"""


class Clock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "quiz.db"


@pytest.fixture
def store(db_path: Path):
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "deck"
    folder.mkdir()
    (folder / "sample.md").write_text(SMALL_DECK, encoding="utf-8")
    return folder


INTERVIEW_INIT = """\
---
topic: Initialization
---

## Why not initialise every weight to zero?

```meta
id: zero-init
synonyms:
  symmetry: [identical units, same gradient]
```

### Answer

Every hidden unit then computes the same function and gets the same gradient, so they never
differentiate: the symmetry is never broken.

#### Key points

- symmetry: all hidden units stay the same
- random initialisation breaks it

#### Follow-ups

- Is a zero bias a problem too?

## What is He initialisation?

```meta
id: he-init
```

### Answer

Weights drawn with variance 2/fan_in, which keeps the activation variance steady through ReLU layers.

#### Key points

- variance 2 / fan_in
- keeps activation variance stable through ReLU layers
"""

INTERVIEW_OPTIM = """\
---
topic: Optimizers
---

## How does Adam work?

```meta
id: adam
```

### Answer

Adam keeps moving averages of the gradient and of its square and divides one by the root of the other.

#### Key points

- moving average of gradients (momentum)
- per-parameter step size from the second moment
- bias correction of both averages in early steps

#### Follow-ups

- Why AdamW rather than Adam with L2?

## What does momentum add to SGD?

```meta
id: momentum
```

### Answer

A velocity that accumulates past gradients, which damps oscillations across steep directions.

#### Key points

- velocity accumulates past gradients
- damps oscillations
"""


@pytest.fixture
def interview_deck(tmp_path: Path) -> Path:
    """Two topics, two cards each, every card with key points; one with synonyms, two with follow-ups."""
    folder = tmp_path / "interview-deck"
    folder.mkdir()
    (folder / "init.md").write_text(INTERVIEW_INIT, encoding="utf-8")
    (folder / "optim.md").write_text(INTERVIEW_OPTIM, encoding="utf-8")
    return folder
