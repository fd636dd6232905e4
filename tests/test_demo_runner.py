"""The demo runner against real child processes: cancel, crash, garbage, missing CUDA."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from demos.protocol import ProtocolError, decode, encode
from quizapp.demo.runner import DemoProcess, RunTracker, run_to_end

REPO = Path(__file__).resolve().parents[1]


def script(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


META = encode("meta", title="t", claim="c", device="cpu", device_name="cpu", cards=[], params={})


def test_protocol_round_trip_and_rejections():
    line = encode("metric", step=3, series="a", values={"loss": float("nan"), "acc": 0.5})
    event = decode(line)
    assert event.type == "metric" and event["values"]["loss"] == "nan"
    for bad in ("not json", "[1, 2]", '{"type": "nope"}', '{"type": "metric", "step": "x", "series": "a", '
                '"values": {}}', '{"type": "matrix", "label": "m", "data": [[1, "z"]]}'):
        with pytest.raises(ProtocolError):
            decode(bad)


def test_a_good_run_gives_a_verdict():
    verdict = encode("verdict", claim="c", passed=True, numbers={"x": 1}, summary="ok")
    result, events = run_to_end("fake", command=script(f"""
        print({META!r}); print({encode("metric", step=1, series="s", values={"loss": 0.5})!r}); print({verdict!r})
    """))
    assert result.status == "passed" and result.passed is True
    assert result.final_metrics == {"s": {"loss": 0.5}}
    assert [e.type for e in events] == ["meta", "metric", "verdict"]


def test_malformed_lines_are_tolerated_and_counted():
    verdict = encode("verdict", claim="c", passed=False, numbers={}, summary="")
    result, events = run_to_end("fake", command=script(f"""
        print({META!r}); print("garbage {{"); print('{{"type": "metric"}}'); print({verdict!r})
    """))
    assert result.status == "failed" and result.passed is False
    assert result.malformed == 2


def test_a_crash_is_reported_with_its_stderr():
    result, _ = run_to_end("fake", command=script(f"""
        import sys
        print({META!r}, flush=True)
        sys.stderr.write("Traceback: boom happened\\n")
        sys.exit(3)
    """))
    assert result.status == "error"
    assert "status 3" in result.error and "boom happened" in result.error


def test_error_events_are_reported():
    err = encode("error", message="--device cuda was asked for, but CUDA is not available on this machine")
    result, _ = run_to_end("fake", command=script(f"import sys; print({err!r}); sys.exit(2)"))
    assert result.status == "error" and "CUDA is not available" in result.error


def test_cancel_kills_the_child_and_its_children_and_reaps_them(tmp_path: Path):
    pidfile = tmp_path / "grandchild.pid"
    process = DemoProcess("fake", command=script(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(pidfile)!r}, "w").write(str(child.pid))
        print({META!r}, flush=True)
        time.sleep(60)
    """))
    first = next(process.events())
    assert first.type == "meta"
    deadline = time.time() + 10
    while not pidfile.exists() and time.time() < deadline:
        time.sleep(0.05)
    grandchild = int(pidfile.read_text())
    process.cancel(grace=0.5)
    assert process.proc.poll() is not None  # reaped: no zombie left behind
    assert _dead(grandchild)  # the whole process group went, not only the direct child
    tracker = RunTracker("fake", "cpu")
    assert tracker.result(process, process.proc.returncode).status == "cancelled"


def _dead(pid: int, wait: float = 5.0) -> bool:
    """Gone, or a zombie waiting for init (it has no parent of ours to reap it)."""
    deadline = time.time() + wait
    while time.time() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_cuda_without_cuda_exits_2_with_a_clear_message():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result, events = run_to_end("learning_rate", device="cuda", quick=True)
    assert result.returncode == 2
    assert result.status == "error"
    assert "CUDA is not available" in result.error
