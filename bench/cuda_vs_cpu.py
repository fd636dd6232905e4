"""Every demo's default run on CPU and on CUDA: wall time and verdict (for the README table).

Needs only python3 with torch (a bare GPU machine): no quizapp install, no rich. Writes a JSON summary
to the path given as the first argument, if any.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demos.protocol import ProtocolError, decode  # noqa: E402

NOT_DEMOS = {"__init__", "protocol", "common"}


def run(name: str, device: str) -> dict:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", f"demos.{name}", "--device", device, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - start
    verdict, meta, error = None, None, None
    for line in proc.stdout.splitlines():
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
    return {"demo": name, "device": device, "wall_s": round(wall, 2), "returncode": proc.returncode,
            "device_name": (meta or {}).get("device_name"), "passed": verdict and verdict["passed"],
            "numbers": verdict and verdict["numbers"], "error": error or (proc.stderr[-500:] if proc.returncode else None)}


def main() -> None:
    names = sorted(p.stem for p in (ROOT / "demos").glob("*.py") if p.stem not in NOT_DEMOS)
    results = []
    for device in ("cuda", "cpu"):  # every demo on CUDA first: passing there matters most
        for name in names:
            result = run(name, device)
            results.append(result)
            print(f"{name:22} {device:5} {result['wall_s']:7.2f}s passed={result['passed']} "
                  f"rc={result['returncode']} {result['device_name']} {result['error'] or ''}", flush=True)
            if len(sys.argv) > 1:  # written after every run, so a cut-off run still reports
                Path(sys.argv[1]).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
