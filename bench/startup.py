"""Launch to first card on screen, with 10,000 cards and 100,000 reviews, against a bare Textual app.

Both are whole processes started the same way, alternated, in the same run; the ratio is the figure
that matters (goal: at most 1.5x the bare app).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._data import fill_database  # noqa: E402


def launch(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "_launch.py"), *args], check=True, cwd=HERE.parent)
    return time.perf_counter() - start


def main(runs: int = 7) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        fill_database(db, cards=10_000, reviews=100_000)
        print(f"built database: 10,000 cards, 100,000 reviews in {time.perf_counter() - t0:.1f}s")
        launch("quizapp", str(db))  # warm-up: first sync of the bundled deck, file caches
        launch("bare")
        app_times, bare_times = [], []
        for _ in range(runs):
            app_times.append(launch("quizapp", str(db)))
            bare_times.append(launch("bare"))
    ratios = [a / b for a, b in zip(app_times, bare_times)]
    result = {"quizapp_s": statistics.median(app_times), "bare_s": statistics.median(bare_times),
              "ratio": statistics.median(ratios)}
    print(f"launch to first card: quizapp {result['quizapp_s']:.3f}s, bare Textual {result['bare_s']:.3f}s, "
          f"ratio {result['ratio']:.2f}x (median of {runs}, pairwise)")
    return result


if __name__ == "__main__":
    main()
