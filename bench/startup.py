"""Launch to first card on screen, against a bare Textual app, at 10,000 cards / 100,000 reviews and
at 100,000 cards / 5,000,000 reviews.

Both are whole processes started the same way, alternated, in the same run; the ratio is the figure
that matters (goal: at most 1.5x the bare app at 10k, 1.8x at 100k / 5M).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._data import cached_database  # noqa: E402


def launch(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "_launch.py"), *args], check=True, cwd=HERE.parent)
    return time.perf_counter() - start


def ratio_at(db: Path, runs: int) -> dict[str, float]:
    launch("quizapp", str(db))  # warm-up: first sync of the bundled deck, file caches
    launch("bare")
    app_times, bare_times = [], []
    for _ in range(runs):
        app_times.append(launch("quizapp", str(db)))
        bare_times.append(launch("bare"))
    ratios = [a / b for a, b in zip(app_times, bare_times)]
    return {"quizapp_s": statistics.median(app_times), "bare_s": statistics.median(bare_times),
            "ratio": statistics.median(ratios)}


def main(runs: int = 7, sizes: tuple[tuple[int, int], ...] = ((10_000, 100_000), (100_000, 5_000_000))
         ) -> dict[str, dict[str, float]]:
    results = {}
    for cards, reviews in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.db"
            shutil.copy(cached_database(cards, reviews), db)  # launches sync the bundled deck into it
            result = results[f"{cards}/{reviews}"] = ratio_at(db, runs)
        print(f"launch to first card at {cards:,} cards / {reviews:,} reviews: quizapp {result['quizapp_s']:.3f}s, "
              f"bare Textual {result['bare_s']:.3f}s, ratio {result['ratio']:.2f}x (median of {runs}, pairwise)")
    return results


if __name__ == "__main__":
    main()
