"""Run every benchmark in turn (`make bench`); each prints its own figures."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = [a for a in sys.argv[1:]] or ["startup", "import_sync", "rating", "stats", "storage", "demo_overhead",
                                      "scheduler", "peer_anki", "demo_times", "long_answer", "browser_search"]

for name in NAMES:
    path = HERE / f"{name}.py"
    if path.exists():
        print(f"== {name}")
        runpy.run_path(str(path), run_name="__main__")
