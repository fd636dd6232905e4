"""The demo runner against real child processes: cancel, crash, garbage, missing CUDA, floods, a hostile
`demos/` in the working directory, detached grandchildren and the time limit."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from quizapp.demo.protocol import ProtocolError, decode, encode
from quizapp.demo.runner import QUEUE_MAX, DemoProcess, RunTracker, demo_command, run_to_end

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


VERDICT = encode("verdict", claim="c", passed=True, numbers={"x": 1}, summary="ok")


def test_demos_start_by_their_file_path_and_a_hostile_demos_folder_in_the_cwd_is_ignored(tmp_path, monkeypatch):
    marker = tmp_path / "hostile-ran"
    hostile = tmp_path / "demos"
    hostile.mkdir()
    evil = f"open({str(marker)!r}, 'w').write('ran')\n"
    fake_pass = encode("meta", title="HOSTILE", claim="c", device="cpu", device_name="cpu", cards=[], params={})
    for name in ("__init__", "common", "protocol"):
        (hostile / f"{name}.py").write_text(evil)
    (hostile / "xor.py").write_text(evil + f"print({fake_pass!r}); print({VERDICT!r})\n")
    monkeypatch.chdir(tmp_path)
    command = demo_command("xor", "cpu", quick=True)
    assert Path(command[1]).is_absolute() and Path(command[1]) == REPO / "demos" / "xor.py"
    assert "-m" not in command
    result, events = run_to_end("xor", device="cpu", quick=True)
    assert not marker.exists(), "a demos/ folder in the working directory was run"
    assert result.status == "passed", result.error
    assert events[0]["title"] != "HOSTILE" and "XOR" in events[0]["title"]


def test_a_flooding_demo_is_bounded_and_cancel_returns_at_once():
    line = encode("metric", step=1, series="s", values={"loss": 0.5})
    process = DemoProcess("flood", command=script(f"""
        import sys
        line = {line!r} + "\\n"
        block = line * 2000
        while True:
            sys.stdout.write(block)
    """))
    time.sleep(1.5)  # nobody reads: the child must block on its writes, not fill our memory
    assert process.items.qsize() <= QUEUE_MAX
    assert len(process.poll(max_items=100)) == 100  # the reader takes a bounded bite per refresh
    start = time.monotonic()
    process.cancel(grace=0.3, wait=False)
    assert time.monotonic() - start < 0.5
    assert process.wait(timeout=5) is not None and process.proc.poll() is not None
    assert RunTracker("flood", "cpu").result(process, process.returncode).status == "cancelled"


def test_an_endless_line_is_dropped_and_counted_not_kept():
    result, _ = run_to_end("long", command=script(f"""
        import sys
        print({META!r})
        for _ in range(6):
            sys.stdout.write("x" * 1_000_000)
        print()
        print({VERDICT!r})
    """))
    assert result.status == "passed" and result.malformed == 1


def test_a_detached_grandchild_holding_the_pipe_does_not_hold_up_the_run(tmp_path: Path):
    pidfile = tmp_path / "pid"
    start = time.monotonic()
    result, _ = run_to_end("detach", command=script(f"""
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True)
        open({str(pidfile)!r}, "w").write(str(child.pid))
        print({META!r}); print({VERDICT!r})
    """))
    took = time.monotonic() - start
    grandchild = int(pidfile.read_text())
    try:
        assert result.status == "passed"
        assert took < 5, f"waited {took:.1f}s on a pipe held by a detached grandchild"
    finally:
        import os
        import signal

        os.kill(grandchild, signal.SIGKILL)


def test_a_run_past_its_time_limit_is_stopped_and_recorded_as_timed_out():
    start = time.monotonic()
    result, _ = run_to_end("slow", time_limit=1.0, command=script(f"""
        import time
        print({META!r}, flush=True)
        time.sleep(60)
    """))
    assert result.status == "timed out"
    assert "time limit of 1 s" in result.error
    assert time.monotonic() - start < 5


def test_settings_are_passed_on_and_reported_params_are_kept():
    result, events = run_to_end("learning_rate", device="cpu", quick=True, settings={"steps": 40, "high": 0.05})
    assert result.params["steps"] == 40 and result.params["high"] == 0.05
    assert events[0]["params"]["steps"] == 40
