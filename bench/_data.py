"""Synthetic decks and review histories for the benchmarks (made fresh each run, never committed)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from quizapp.content import Card
from quizapp.srs import Scheduler
from quizapp.srs.scheduler import kind_of
from quizapp.store import Store
from quizapp.store.history import History
from quizapp.timeutil import to_iso, utcnow

CARD_TEMPLATE = """\
## Synthetic question {i}: what does layer {i} compute?

```meta
id: synthetic-{i}
tags: [bench, t{t}]
```

### Answer

A weighted sum $\\sum_j w_{{ij}} x_j + b_i$ followed by a non-linearity, card {i}.

#### Key points

- weighted sum
- bias
- activation
"""


def write_deck(folder: Path, cards: int, per_file: int = 100) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, cards, per_file):
        body = "\n".join(CARD_TEMPLATE.format(i=i, t=i % 7) for i in range(start, min(cards, start + per_file)))
        (folder / f"topic-{start // per_file:04d}.md").write_text(
            f"---\ntopic: Topic {start // per_file % 20}\n---\n\n{body}", encoding="utf-8")
    return folder


def fill_database(path: Path, cards: int, reviews: int, seed: int = 0) -> None:
    """A database with `cards` cards and `reviews` reviews spread over the past year, through the store."""
    rng = random.Random(seed)
    store = Store(path)
    now = utcnow()
    deck = [Card(id=f"bench-{i}", question=f"Question {i}?", answer=f"Answer {i}.", topic=f"Topic {i % 20}",
                 tags=("bench",), path="bench.md", line=i) for i in range(cards)]
    store.sync(deck, "bench", to_iso(now))
    store.index_pending()  # the search index rows the app writes after start (a used database has them)
    scheduler = Scheduler()
    per_card = max(1, reviews // cards)
    histories = []
    reviewed = rng.sample(range(cards), k=min(cards, reviews // per_card))
    for i in reviewed:
        state = scheduler.new_state(now - timedelta(days=366))
        # review times spread over the past year, ending before today
        moments = sorted(now - timedelta(days=1, minutes=rng.randint(0, 60 * 24 * 364)) for _ in range(per_card))
        rows = []
        for moment in moments:
            rating = rng.choices([1, 2, 3, 4], weights=[1, 2, 6, 1])[0]
            after = scheduler.review(f"bench-{i}", state, rating, moment)
            rows.append({"rating": rating, "reviewed_at": to_iso(moment), "duration_ms": rng.randint(2000, 20000),
                         "kind": kind_of(state), "state_before": state, "state_after": after})
            state = after
        histories.append((f"bench-{i}", rows, state))
    History(store).rewrite(histories)  # one transaction: this is test data, not a user's reviews
    store.close()


def fill_database_fast(path: Path, cards: int, reviews: int, templates: int = 200, seed: int = 0) -> None:
    """Like fill_database, for a million reviews in well under two minutes.

    Real FSRS replays are made for `templates` cards only (about 1 ms per review); every
    other card reuses one of those histories (same times, ratings and states). Rows are
    written through the store's bulk history writer, in one transaction.
    """
    rng = random.Random(seed)
    store = Store(path)
    now = utcnow()
    deck = [Card(id=f"bench-{i}", question=f"Question {i}?", answer=f"Answer {i}.", topic=f"Topic {i % 20}",
                 tags=("bench", f"t{i % 7}"), path="bench.md", line=i) for i in range(cards)]
    store.sync(deck, "bench", to_iso(now))
    store.index_pending()  # the search index rows the app writes after start (a used database has them)
    scheduler = Scheduler()
    per_card = max(1, reviews // cards)
    histories = []
    for t in range(min(templates, cards)):
        state = scheduler.new_state(now - timedelta(days=366))
        # spread over the past year, the last ones today, so "today" and the forecast have data
        moments = sorted(now - timedelta(minutes=rng.randint(1, 60 * 24 * 365)) for _ in range(per_card))
        rows = []
        for moment in moments:
            rating = rng.choices([1, 2, 3, 4], weights=[1, 2, 6, 1])[0]
            after = scheduler.review(f"bench-{t}", state, rating, moment)
            rows.append({"rating": rating, "reviewed_at": to_iso(moment), "duration_ms": rng.randint(2000, 20000),
                         "kind": kind_of(state), "state_before": state, "state_after": after})
            state = after
        histories.append((rows, state))
    History(store).rewrite((f"bench-{i}", histories[i % len(histories)][0], histories[i % len(histories)][1])
                           for i in range(cards))
    store.close()


def cached_database(cards: int, reviews: int) -> Path:
    """A database built by fill_database_fast once and kept in the temp folder for later runs (a
    5,000,000-review database takes minutes to build on a busy 2-core machine). Benchmarks that
    write to it add a few dozen reviews: negligible next to millions."""
    import os
    import tempfile
    import time

    from quizapp.store import LATEST

    path = Path(tempfile.gettempdir()) / f"quizapp-bench-{cards}-{reviews}-schema{LATEST}.db"
    if not path.exists():
        building = path.with_suffix(f".building-{os.getpid()}")
        start = time.perf_counter()
        fill_database_fast(building, cards=cards, reviews=reviews)
        Store(building).close()  # checkpoint: one file
        building.rename(path)
        print(f"built {path}: {cards:,} cards, {reviews:,} reviews in {time.perf_counter() - start:.0f}s")
    return path
