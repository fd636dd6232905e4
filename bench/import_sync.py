"""Importing 1,000 and 10,000 cards: parse + first sync, and the re-sync of an unchanged deck.

Baseline in the same run: reading the same files' bytes (the floor any importer pays). The
database part alone (Store.sync of the parsed cards into a fresh database, as sync_path calls it)
has its own: the same rows inserted into one bare table (no index, no trigger) and committed with
the same durability (WAL, synchronous=FULL), the floor of writing those bytes with SQLite.
"""

from __future__ import annotations

import sqlite3
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
from quizapp.store.store import CARD_COLUMNS  # noqa: E402
from quizapp.sync import origin_of, sync_path  # noqa: E402
from quizapp.timeutil import to_iso, utcnow  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bare_insert(path: Path, rows: list[tuple]) -> float:
    """The sync's card rows into one bare table, one transaction, fsynced as the store commits."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"CREATE TABLE cards ({', '.join(CARD_COLUMNS)})")
    conn.commit()
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO cards VALUES ({', '.join('?' * len(CARD_COLUMNS))})", rows)
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def one_size(cards: int, runs: int = 3) -> dict[str, float]:
    parse, first, resync, read, database, floor = [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        deck = write_deck(Path(tmp) / "deck", cards)
        parsed = load_deck([deck]).cards
        origin = origin_of(deck)
        for run in range(runs):
            read.append(timed(lambda: [p.read_bytes() for p in sorted(deck.glob("*.md"))]))
            parse.append(timed(lambda: load_deck([deck])))
            store = Store(Path(tmp) / f"db{run}.sqlite")
            first.append(timed(lambda: sync_path(store, deck)))
            resync.append(timed(lambda: sync_path(store, deck)))
            assert store.card_count() == cards
            store.close()
            for _ in range(3):  # the database part alone, and its floor, alternated
                store = Store(Path(tmp) / f"sync{len(database)}.sqlite")
                now = to_iso(utcnow())
                database.append(timed(lambda: store.sync(parsed, origin, now, retire=True, stamp=None)))
                rows = store.conn.execute(f"SELECT {', '.join(CARD_COLUMNS)} FROM cards ORDER BY position").fetchall()
                store.close()
                floor.append(bare_insert(Path(tmp) / f"bare{len(floor)}.sqlite", rows))
    result = {name: statistics.median(values) for name, values in
              (("read_s", read), ("parse_s", parse), ("first_import_s", first), ("resync_s", resync),
               ("sync_s", database), ("bare_insert_s", floor))}
    print(f"{cards:>6} cards: first import {result['first_import_s']:.3f}s "
          f"(parse {result['parse_s']:.3f}s), unchanged re-sync {result['resync_s']:.3f}s, "
          f"reading the files {result['read_s'] * 1000:.1f}ms")
    print(f"{'':>6}        the sync alone {result['sync_s'] * 1000:.1f}ms, "
          f"{result['sync_s'] / result['bare_insert_s']:.2f}x the same rows into a bare table "
          f"({result['bare_insert_s'] * 1000:.1f}ms)")
    return result


def main() -> dict[int, dict[str, float]]:
    return {n: one_size(n) for n in (1_000, 10_000)}


if __name__ == "__main__":
    main()
