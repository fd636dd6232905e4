"""Write data/sample-history.csv: two years of a simulated learner on the bundled deck.

The learner's memory follows FSRS-6 with known parameters (quizapp.srs.simulate.TRUE_PARAMETERS,
a learner who forgets clearly faster than the defaults assume) plus a hidden difficulty per card; the
app's scheduler, with FSRS-6's default parameters, decides when each card comes back. Two years, not
one: the deck has only a couple of hundred cards, and the later fifth of the history must hold enough
reviews (about two thousand) for a held-out score to tell parameter sets apart. Deterministic (seeded).
Use it to try the statistics, `quizapp optimize` or `bench/scheduler.py`.
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizapp.content import load_deck  # noqa: E402
from quizapp.paths import bundled_content_dir  # noqa: E402
from quizapp.srs.simulate import simulate_history  # noqa: E402
from quizapp.timeutil import to_iso  # noqa: E402

DAYS = 730
NEW_PER_DAY = 10
SEED = 7
# a Monday two years before the history was made: import refuses reviews dated in the future
START = datetime(2024, 11, 4, 7, 30, tzinfo=timezone.utc)


def main() -> None:
    cards = [c.id for c in load_deck([bundled_content_dir()]).cards]
    reviews = simulate_history(cards, DAYS, new_per_day=NEW_PER_DAY, seed=SEED, start=START)
    out = ROOT / "data" / "sample-history.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["card_id", "review_rating", "review_time", "review_duration"])
        writer.writerows((r.card_id, r.rating, to_iso(r.reviewed_at), r.duration_ms) for r in reviews)
    print(f"wrote {len(reviews)} reviews of {len({r.card_id for r in reviews})} cards to {out} "
          f"({out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
