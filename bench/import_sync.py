"""Importing 1,000 and 10,000 cards: parse + first sync, and the re-sync of an unchanged deck.

Baseline in the same run: reading the same files' bytes (the floor any importer pays).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._data import write_deck  # noqa: E402
from quizapp.content import load_deck  # noqa: E402
from quizapp.store import Store  # noqa: E402
from quizapp.sync import sync_path  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def one_size(cards: int, runs: int = 3) -> dict[str, float]:
    parse, first, resync, read = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        deck = write_deck(Path(tmp) / "deck", cards)
        for run in range(runs):
            read.append(timed(lambda: [p.read_bytes() for p in sorted(deck.glob("*.md"))]))
            parse.append(timed(lambda: load_deck([deck])))
            store = Store(Path(tmp) / f"db{run}.sqlite")
            first.append(timed(lambda: sync_path(store, deck)))
            resync.append(timed(lambda: sync_path(store, deck)))
            assert store.card_count() == cards
            store.close()
    result = {name: statistics.median(values) for name, values in
              (("read_s", read), ("parse_s", parse), ("first_import_s", first), ("resync_s", resync))}
    print(f"{cards:>6} cards: first import {result['first_import_s']:.3f}s "
          f"(parse {result['parse_s']:.3f}s), unchanged re-sync {result['resync_s']:.3f}s, "
          f"reading the files {result['read_s'] * 1000:.1f}ms")
    return result


def main() -> dict[int, dict[str, float]]:
    return {n: one_size(n) for n in (1_000, 10_000)}


if __name__ == "__main__":
    main()
