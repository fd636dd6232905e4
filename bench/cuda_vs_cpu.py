"""Every demo (found by discovery: each demos/*.py but the shared modules) run as its own process with
--device cuda, --quick and default: wall time, verdict, numbers. One prepared script for a GPU machine.

    python bench/cuda_vs_cpu.py results.json [--devices cuda,cpu] [--modes quick,default] [--only a,b]

Needs only python3 with torch (and numpy): no quizapp install, no rich. Demos start by their file path
with the checkout on PYTHONPATH (as the app starts them). The JSON file is rewritten after every run,
so a run cut off by a time limit still reports what it finished. Exit status 0 when every run reached
a verdict that passed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demos.protocol import ProtocolError, decode  # noqa: E402

NOT_DEMOS = {"__init__", "__main__", "protocol", "common"}


def discover() -> list[str]:
    return sorted(p.stem for p in (ROOT / "demos").glob("*.py") if p.stem not in NOT_DEMOS and not p.stem.startswith("_"))


def run(name: str, device: str, quick: bool, timeout: float = 300.0) -> dict:
    """One demo, one process; the wall time includes Python start-up and the torch import."""
    command = [sys.executable, str(ROOT / "demos" / f"{name}.py"), "--device", device, "--json"]
    if quick:
        command.append("--quick")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"]
                                                    if os.environ.get("PYTHONPATH") else "")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)
        stdout, stderr, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        stderr, code = f"timed out after {timeout:g} s", None
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)  # less swayed by other load
    verdict, meta, error = None, None, None
    for line in stdout.splitlines():
        try:
            event = decode(line)
        except ProtocolError:
            continue
        if event.type == "verdict":
            verdict = event.data
        elif event.type == "meta":
            meta = event.data
        elif event.type == "error":
            error = event["message"]
    return {"demo": name, "device": device, "mode": "quick" if quick else "default", "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "returncode": code, "device_name": (meta or {}).get("device_name"),
            "passed": verdict["passed"] if verdict else None, "numbers": verdict["numbers"] if verdict else None,
            "summary": verdict.get("summary") if verdict else None,
            "error": error or (stderr[-800:] if code != 0 else None)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="JSON file to write")
    parser.add_argument("--devices", default="cuda", help="comma-separated: cuda, cpu")
    parser.add_argument("--modes", default="quick,default", help="comma-separated: quick, default")
    parser.add_argument("--only", default="", help="comma-separated demo names (default: all)")
    args = parser.parse_args(argv)
    names = [n for n in discover() if not args.only or n in args.only.split(",")]
    results = []
    for device in args.devices.split(","):
        for mode in args.modes.split(","):
            for name in names:
                result = run(name, device, mode == "quick")
                results.append(result)
                print(f"{name:24} {device:5} {mode:8} {result['wall_s']:7.2f}s passed={result['passed']} "
                      f"rc={result['returncode']} {result['device_name']} {(result['error'] or '')[:200]}", flush=True)
                if args.out:
                    args.out.write_text(json.dumps({"loadavg": os.getloadavg(), "results": results}, indent=1))
    return 0 if results and all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
