"""Every demo's default and --quick run on the CPU, each a whole process (Python start, torch import,
training, verdict), against the README's budget: default <= 20 s, quick <= 5 s on 2 cores.

    python bench/demo_times.py [results.json] [--only a,b]

The machine's load average is printed with every run: on a shared machine the times say as much
about the neighbours as about the demos, so the load is part of the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cuda_vs_cpu import discover, run  # noqa: E402

BUDGET = {"default": 20.0, "quick": 5.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    names = [n for n in discover() if not args.only or n in args.only.split(",")]
    rows = []
    print(f"{os.cpu_count()} CPUs; load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for name in names:
        row = {"demo": name}
        for mode in ("default", "quick"):
            load = os.getloadavg()[0]
            result = run(name, "cpu", mode == "quick")
            row[mode] = result
            row[f"{mode}_load"] = round(load, 2)
            over = " OVER BUDGET" if result["wall_s"] > BUDGET[mode] else ""
            print(f"{name:24} {mode:8} {result['wall_s']:6.2f}s (cpu {result['cpu_s']:6.2f}s) "
                  f"passed={result['passed']} load={load:.2f}{over}",
                  flush=True)
        rows.append(row)
        if args.out:
            args.out.write_text(json.dumps(rows, indent=1))
    print("\n| Demo | default wall (CPU) s | quick wall (CPU) s | passed | load (1 min) |\n|---|---|---|---|---|")
    for row in rows:
        passed = "yes" if row["default"]["passed"] and row["quick"]["passed"] else "no"
        d, q = row["default"], row["quick"]
        print(f"| `{row['demo']}` | {d['wall_s']:.1f} ({d['cpu_s']:.1f}) | {q['wall_s']:.1f} ({q['cpu_s']:.1f}) | "
              f"{passed} | {row['default_load']:.1f} |")
    within = all(r["default"]["wall_s"] <= BUDGET["default"] and r["quick"]["wall_s"] <= BUDGET["quick"] for r in rows)
    print(f"\nall within budget (default <= 20 s, quick <= 5 s): {within}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
