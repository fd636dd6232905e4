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
