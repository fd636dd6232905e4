"""Bytes on disk per review at 5,000,000 reviews (100,000 cards), and where they go.

The figure is the whole database file divided by the number of reviews (cards, schedule and
settings included), next to the review log's own share (tables and indexes, from SQLite's dbstat).
Goal: at most 150 bytes a review.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._data import cached_database  # noqa: E402


def main(cards: int = 100_000, reviews: int = 5_000_000) -> dict[str, float]:
    path = cached_database(cards, reviews)
    conn = sqlite3.connect(path)
    count = conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
    parts = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    free = conn.execute("PRAGMA freelist_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    size = path.stat().st_size - free  # pages in use (free pages go back to the disk with VACUUM)
    log = sum(v for k, v in parts.items() if k.startswith("review_"))
    result = {"reviews": count, "file_bytes": size, "bytes_per_review": size / count, "log_bytes_per_review": log / count}
    print(f"storage at {count:,} reviews: file {size / 1e9:.2f} GB in use ({free / 1e6:.0f} MB free pages apart) = "
          f"{result['bytes_per_review']:.0f} bytes a review "
          f"(review log alone {result['log_bytes_per_review']:.0f}: " +
          ", ".join(f"{k} {v / count:.0f}" for k, v in sorted(parts.items()) if k.startswith("review_")) + ")")
    return result


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
