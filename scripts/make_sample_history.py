"""Write data/sample-history.csv: eight weeks of a simulated learner on the bundled deck.

The learner studies most days, takes up to 12 new cards a day, and answers each due card correctly
with the probability FSRS predicts for it (so the history looks like a real one). Deterministic.
Use it to try the statistics: `quizapp --db /tmp/demo.db import-history data/sample-history.csv`.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizapp.content import load_deck  # noqa: E402
from quizapp.paths import bundled_content_dir  # noqa: E402
from quizapp.srs import Scheduler  # noqa: E402
from quizapp.timeutil import from_iso, to_iso  # noqa: E402


def simulate(days: int = 56, new_per_day: int = 12, seed: int = 7) -> list[tuple[str, int, str, int]]:
    rng = random.Random(seed)
    scheduler = Scheduler()
    cards = [c.id for c in load_deck([bundled_content_dir()]).cards]
    start = datetime(2026, 9, 28, 7, 30, tzinfo=timezone.utc)
    states: dict[str, dict] = {}
    rows = []
    waiting = list(cards)
    for day in range(days):
        if rng.random() < 0.12:
            continue  # a day off
        now = start + timedelta(days=day, minutes=rng.randint(0, 600))
        for _ in range(new_per_day):
            if waiting:
                card = waiting.pop(0)
                states[card] = scheduler.new_state(now)
        session_end = now + timedelta(hours=1)
        while now < session_end:
            due = sorted((from_iso(s["due"]), cid) for cid, s in states.items() if from_iso(s["due"]) <= now)
            if not due:
                break
            card = due[0][1]
            state = states[card]
            recall = scheduler.retrievability(state, now)
            p = 0.8 if recall is None else recall
            rating = 1 if rng.random() > p else rng.choices([2, 3, 4], weights=[2, 7, 1])[0]
            duration = rng.randint(3000, 25000)
            states[card] = scheduler.review(card, state, rating, now)
            rows.append((card, rating, to_iso(now), duration))
            now += timedelta(milliseconds=duration + rng.randint(500, 4000))
            if not any(from_iso(s["due"]) <= now for s in states.values()):
                # learning steps come back in minutes: wait for the next one within the session
                upcoming = min(from_iso(s["due"]) for s in states.values())
                if upcoming < session_end:
                    now = upcoming
    return rows


def main() -> None:
    rows = simulate()
    out = ROOT / "data" / "sample-history.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["card_id", "review_rating", "review_time", "review_duration"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} reviews of {len({r[0] for r in rows})} cards to {out}")


if __name__ == "__main__":
    main()
