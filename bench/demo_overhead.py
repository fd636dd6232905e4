"""Each demo bare (stdout to /dev/null) vs under the app's runner (every line read and parsed).

Runs alternate A B A B so machine noise hits both; the figure is the median of the pairwise ratios
(target: at most 1.05).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from quizapp.demo.registry import available_demos  # noqa: E402
from quizapp.demo.runner import demo_command, demo_env, run_to_end  # noqa: E402


def bare(name: str, quick: bool) -> float:
    start = time.perf_counter()
    subprocess.run(demo_command(name, "cpu", quick), stdout=subprocess.DEVNULL, check=True, cwd=HERE.parent,
                   env=demo_env())
    return time.perf_counter() - start


def runner(name: str, quick: bool) -> float:
    start = time.perf_counter()
    result, _ = run_to_end(name, "cpu", quick)
    assert result.status in ("passed", "failed"), result.error
    return time.perf_counter() - start


def main(runs: int = 3, quick: bool = True) -> dict[str, float]:
    ratios: dict[str, float] = {}
    for name in available_demos():
        bare(name, quick)  # warm-up
        pairs = [(bare(name, quick), runner(name, quick)) for _ in range(runs)]
        ratios[name] = statistics.median(r / b for b, r in pairs)
        print(f"{name:22} bare {statistics.median(b for b, _ in pairs):6.2f}s  "
              f"runner {statistics.median(r for _, r in pairs):6.2f}s  ratio {ratios[name]:.3f}")
    print(f"median overhead across demos: {statistics.median(ratios.values()):.3f}x")
    return ratios


if __name__ == "__main__":
    main(quick="--full" not in sys.argv)
