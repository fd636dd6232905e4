"""Run a demo as a child process and read its JSON-lines protocol.

The child gets its own process group, so cancelling kills it and anything it
started, and is always reaped (no zombies). Malformed lines are counted and
reported, never fatal; a run that ends without a verdict is an error.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterator

from demos.protocol import Event, ProtocolError, decode, to_number


def demo_command(name: str, device: str = "auto", quick: bool = False, json_lines: bool = True,
                 seed: int | None = None) -> list[str]:
    command = [sys.executable, "-m", f"demos.{name}", "--device", device]
    if quick:
        command.append("--quick")
    if seed is not None:
        command += ["--seed", str(seed)]
    if json_lines:
        command.append("--json")
    return command


@dataclass
class RunResult:
    """What a finished run leaves behind: stored in the database and shown on screen."""

    demo: str
    device: str
    status: str  # "passed", "failed", "error", "cancelled"
    duration_s: float
    passed: bool | None = None
    verdict: dict[str, Any] | None = None
    final_metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    error: str | None = None
    malformed: int = 0
    returncode: int | None = None


class DemoProcess:
    """One running demo. `events()` yields decoded events; `cancel()` stops it from any thread."""

    def __init__(self, name: str, device: str = "auto", quick: bool = False, seed: int | None = None,
                 command: list[str] | None = None) -> None:
        self.name = name
        self.device = device
        self.command = command or demo_command(name, device, quick, json_lines=True, seed=seed)
        self.started = time.monotonic()
        self.malformed = 0
        self.cancelled = False
        self._stderr: deque[str] = deque(maxlen=40)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     encoding="utf-8", errors="replace", bufsize=1, env=env,
                                     start_new_session=True)
        self._stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_thread.start()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line.rstrip("\n"))

    def events(self) -> Iterator[Event | ProtocolError]:
        """Every line as an Event, or a ProtocolError for a line that is not one."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if not line.strip():
                continue
            try:
                yield decode(line)
            except ProtocolError as exc:
                self.malformed += 1
                yield exc

    def wait(self, timeout: float | None = None) -> int:
        code = self.proc.wait(timeout=timeout)
        self._stderr_thread.join(timeout=1)
        return code

    def stderr_tail(self, lines: int = 8) -> str:
        return "\n".join(list(self._stderr)[-lines:])

    def cancel(self, grace: float = 1.0) -> None:
        """Stop the child and its group: SIGTERM, then SIGKILL after `grace` seconds; always reap."""
        self.cancelled = True
        if self.proc.poll() is not None:
            return
        for sig, wait_for in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait_for)
                break
            except subprocess.TimeoutExpired:
                continue

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


class RunTracker:
    """Folds events into what the run has shown so far (last values, verdict, errors)."""

    def __init__(self, name: str, device: str) -> None:
        self.name = name
        self.requested_device = device
        self.meta: dict[str, Any] | None = None
        self.verdict: dict[str, Any] | None = None
        self.errors: list[str] = []
        self.last: dict[str, dict[str, float]] = {}

    def add(self, event: Event | ProtocolError) -> None:
        if isinstance(event, ProtocolError):
            return
        if event.type == "meta":
            self.meta = event.data
        elif event.type == "metric":
            series = self.last.setdefault(event["series"], {})
            for key, value in event["values"].items():
                series[key] = to_number(value)
        elif event.type == "verdict":
            self.verdict = event.data
        elif event.type == "error":
            self.errors.append(event["message"])

    def result(self, process: DemoProcess, returncode: int | None) -> RunResult:
        device = (self.meta or {}).get("device", self.requested_device)
        duration = process.elapsed
        if process.cancelled:
            return RunResult(self.name, device, "cancelled", duration, malformed=process.malformed,
                             returncode=returncode, final_metrics=self.last, error="cancelled")
        if self.verdict is not None and returncode == 0 and not self.errors:
            passed = bool(self.verdict["passed"])
            return RunResult(self.name, device, "passed" if passed else "failed", duration, passed=passed,
                             verdict=self.verdict, final_metrics=self.last, malformed=process.malformed,
                             returncode=returncode)
        if self.errors:
            error = self.errors[-1]
        elif returncode not in (0, None) and returncode < 0:
            error = f"the demo was killed by signal {-returncode}"
        else:
            tail = process.stderr_tail()
            error = f"the demo exited with status {returncode} without a verdict" + (f":\n{tail}" if tail else "")
            if process.malformed and self.meta is None:
                error = f"the demo wrote {process.malformed} lines that are not protocol events; " + error
        return RunResult(self.name, device, "error", duration, final_metrics=self.last, error=error,
                         malformed=process.malformed, returncode=returncode)


def run_to_end(name: str, device: str = "auto", quick: bool = False, seed: int | None = None,
               command: list[str] | None = None) -> tuple[RunResult, list[Event]]:
    """Run a demo to completion, collecting its events (used by the CLI, tests and benchmarks)."""
    process = DemoProcess(name, device, quick, seed, command=command)
    tracker = RunTracker(name, device)
    events: list[Event] = []
    try:
        for event in process.events():
            tracker.add(event)
            if isinstance(event, Event):
                events.append(event)
        code = process.wait()
    finally:
        if process.proc.poll() is None:
            process.cancel()
    return tracker.result(process, code), events
