"""Run a demo as a child process and read its JSON-lines protocol.

The child is started by its file's absolute path (never `-m demos.<name>`, which would let a
`demos/` folder in the working directory take its place), in its own process group, with stdin
closed. One daemon thread pumps its stdout and stderr with `select` and raw reads:

- what is kept is bounded: a line longer than MAX_LINE is dropped (counted as malformed), at most
  QUEUE_MAX decoded events wait for the reader (past that the child blocks on its own writes), and
  only the last lines of stderr are kept;
- nothing waits on the pipe: once the child has exited, a grandchild that detached and still holds
  the pipe is ignored after EXIT_GRACE_S, and cancelling never blocks the caller unless asked to;
- a run has a time limit, after which it is stopped and reported as timed out.

Malformed lines are counted and reported, never fatal; a run that ends without a verdict is an error.
"""

from __future__ import annotations

import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from quizapp.demo.protocol import Event, ProtocolError, decode, to_number
from quizapp.paths import demos_dir

DEFAULT_TIME_LIMIT_S = 300.0  # `quizapp config demo_time_limit SECONDS` changes it
MAX_LINE = 2 * 1024 * 1024  # bytes; a 64x64 matrix event is ~80 KB
QUEUE_MAX = 4000  # decoded events waiting for the reader
EXIT_GRACE_S = 0.3  # after the child exits, stop reading once its pipes are quiet this long
EXIT_DRAIN_MAX_S = 2.0  # ... and at the latest this long after it exited
MAX_SERIES = 64  # series and error messages a tracker keeps (a flood of new names cannot grow it)
STDERR_LINES, STDERR_WIDTH = 40, 400


def demo_path(name: str) -> Path:
    return (demos_dir() / f"{name}.py").resolve()


def demo_command(name: str, device: str = "auto", quick: bool = False, json_lines: bool = True,
                 seed: int | None = None, settings: Mapping[str, Any] | Sequence[str] | None = None,
                 path: Path | None = None) -> list[str]:
    """The child's command line: python, the demo file's absolute path, its options."""
    command = [sys.executable, str((path or demo_path(name)).resolve()), "--device", device]
    if quick:
        command.append("--quick")
    if seed is not None:
        command += ["--seed", str(seed)]
    for setting in _settings(settings):
        command += ["--set", setting]
    if json_lines:
        command.append("--json")
    return command


def demo_env(path: Path | None = None) -> dict[str, str]:
    """The child's environment: unbuffered, and `demos.common` found next to the demo file itself."""
    root = str((path.resolve().parent if path else demos_dir().resolve()).parent)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _settings(settings: Mapping[str, Any] | Sequence[str] | None) -> list[str]:
    if not settings:
        return []
    if isinstance(settings, Mapping):
        return [f"{k}={_text(v)}" for k, v in settings.items()]
    return list(settings)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


@dataclass
class RunResult:
    """What a finished run leaves behind: stored in the database and shown on screen."""

    demo: str
    device: str
    status: str  # "passed", "failed", "error", "cancelled", "timed out"
    duration_s: float
    passed: bool | None = None
    verdict: dict[str, Any] | None = None
    final_metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    error: str | None = None
    malformed: int = 0
    returncode: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


class DemoProcess:
    """One running demo. `events()` (blocking) or `poll()` (non-blocking) hand over decoded events;
    `cancel()` stops it from any thread."""

    def __init__(self, name: str, device: str = "auto", quick: bool = False, seed: int | None = None,
                 command: list[str] | None = None, settings: Mapping[str, Any] | Sequence[str] | None = None,
                 time_limit: float | None = DEFAULT_TIME_LIMIT_S, path: Path | None = None) -> None:
        self.name = name
        self.device = device
        self.command = command or demo_command(name, device, quick, json_lines=True, seed=seed,
                                               settings=settings, path=path)
        self.time_limit = time_limit
        self.started = time.monotonic()
        self.ended: float | None = None
        self.malformed = 0
        self.cancelled = False
        self.timed_out = False
        self.returncode: int | None = None
        self.done = threading.Event()
        self.items: queue.Queue[Event | ProtocolError] = queue.Queue(maxsize=QUEUE_MAX)
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES)
        self._stop = threading.Event()
        self._grace = 1.0
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=demo_env(path if command is None else None),
                                     start_new_session=True)
        self._thread = threading.Thread(target=self._pump, daemon=True, name=f"demo {name}")
        self._thread.start()

    # -- the pump thread ---------------------------------------------------------------------

    def _pump(self) -> None:
        out, err = self.proc.stdout, self.proc.stderr
        assert out is not None and err is not None
        fds = {out.fileno(): "out", err.fileno(): "err"}
        buffers = {"out": bytearray(), "err": bytearray()}
        skipping = {"out": False, "err": False}
        exited_at: float | None = None
        last_data = time.monotonic()
        try:
            while fds and not self._stop.is_set():
                self._check_time_limit()
                ready, _, _ = select.select(list(fds), [], [], 0.05)
                for fd in ready:
                    data = os.read(fd, 65536)
                    which = fds[fd]
                    if not data:
                        del fds[fd]
                        if buffers[which] and not skipping[which]:
                            self._line(which, bytes(buffers[which]))
                        continue
                    last_data = time.monotonic()
                    self._feed(which, data, buffers, skipping)
                    if self._stop.is_set():
                        break
                now = time.monotonic()
                if exited_at is None and self.proc.poll() is not None:
                    exited_at = now
                if exited_at is not None and (now - last_data > EXIT_GRACE_S or now - exited_at > EXIT_DRAIN_MAX_S):
                    break  # the child is gone; whoever still holds the pipe is not waited for
        except (OSError, ValueError):
            pass
        finally:
            for stream in (out, err):
                try:
                    stream.close()
                except OSError:
                    pass
            if self._stop.is_set() or self.timed_out:
                self._kill(self._grace)
            self.returncode = self.proc.wait()
            self.ended = time.monotonic()
            self.done.set()

    def _feed(self, which: str, data: bytes, buffers: dict[str, bytearray], skipping: dict[str, bool]) -> None:
        buf = buffers[which]
        start = 0
        while True:
            newline = data.find(b"\n", start)
            if newline < 0:
                if not skipping[which]:
                    buf += data[start:]
                    if len(buf) > MAX_LINE:  # an endless line: drop it, and the rest of it as it comes
                        buf.clear()
                        skipping[which] = True
                return
            if skipping[which]:
                skipping[which] = False
                if which == "out":
                    self._put(ProtocolError(f"a line longer than {MAX_LINE // 1024} KB was dropped"))
            else:
                buf += data[start:newline]
                self._line(which, bytes(buf))
            buf.clear()
            start = newline + 1
            if self._stop.is_set():
                return

    def _line(self, which: str, raw: bytes) -> None:
        text = raw.decode("utf-8", errors="replace")
        if which == "err":
            self._stderr.append(text[:STDERR_WIDTH])
            return
        if not text.strip():
            return
        try:
            item: Event | ProtocolError = decode(text)
        except ProtocolError as exc:
            item = exc
        self._put(item)

    def _put(self, item: Event | ProtocolError) -> None:
        if isinstance(item, ProtocolError):
            self.malformed += 1
        while not self._stop.is_set():
            try:
                self.items.put(item, timeout=0.05)
                return
            except queue.Full:  # the reader is behind: the child waits on its own writes meanwhile
                self._check_time_limit()

    def _check_time_limit(self) -> None:
        if self.time_limit is not None and not self.timed_out and self.elapsed > self.time_limit:
            self.timed_out = True
            self._stop.set()
            self._signal(signal.SIGTERM)

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _kill(self, grace: float) -> None:
        """SIGTERM the group, SIGKILL it after `grace` seconds (runs on the pump thread)."""
        if self.proc.poll() is not None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)

    # -- the reader's side -------------------------------------------------------------------

    def events(self) -> Iterator[Event | ProtocolError]:
        """Every line as an Event, or a ProtocolError for a line that is not one, until the run ends."""
        while True:
            try:
                yield self.items.get(timeout=0.05)
            except queue.Empty:
                if self.done.is_set() and self.items.empty():
                    return

    def poll(self, max_items: int = 500) -> list[Event | ProtocolError]:
        """Up to `max_items` waiting events, without blocking (the UI calls this on a timer)."""
        out: list[Event | ProtocolError] = []
        while len(out) < max_items:
            try:
                out.append(self.items.get_nowait())
            except queue.Empty:
                break
        return out

    @property
    def finished(self) -> bool:
        """The pump has stopped and every event it read has been handed over."""
        return self.done.is_set() and self.items.empty()

    def wait(self, timeout: float | None = None) -> int | None:
        self.done.wait(timeout)
        return self.returncode

    def stderr_tail(self, lines: int = 8) -> str:
        return "\n".join(list(self._stderr)[-lines:])

    def cancel(self, grace: float = 1.0, wait: bool = True) -> None:
        """Stop the child and its group: SIGTERM now, SIGKILL after `grace` seconds, always reaped.

        With wait=False this returns at once (the pump thread finishes the job): the UI never
        waits on a demo. grace=0 kills at once (quitting: no thread may be left to escalate)."""
        if self.done.is_set():
            return
        self.cancelled = True
        self._grace = grace
        self._stop.set()
        self._signal(signal.SIGKILL if grace <= 0 else signal.SIGTERM)
        if wait:
            self.done.wait(grace + 5.0)

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started


class RunTracker:
    """Folds events into what the run has shown so far (last values, verdict, errors)."""

    def __init__(self, name: str, device: str, params: dict[str, Any] | None = None) -> None:
        self.name = name
        self.requested_device = device
        self.requested_params = dict(params or {})
        self.meta: dict[str, Any] | None = None
        self.verdict: dict[str, Any] | None = None
        self.errors: deque[str] = deque(maxlen=MAX_SERIES)
        self.last: dict[str, dict[str, float]] = {}

    def add(self, event: Event | ProtocolError) -> None:
        if isinstance(event, ProtocolError):
            return
        if event.type == "meta":
            self.meta = event.data
        elif event.type == "metric":
            if event["series"] not in self.last and len(self.last) >= MAX_SERIES:
                return
            series = self.last.setdefault(event["series"], {})
            for key, value in list(event["values"].items())[:MAX_SERIES]:
                series[key] = to_number(value)
        elif event.type == "verdict":
            self.verdict = event.data
        elif event.type == "error":
            self.errors.append(event["message"])

    @property
    def params(self) -> dict[str, Any]:
        """The values the run used: as the child reported them in meta, else as requested."""
        reported = (self.meta or {}).get("params")
        return dict(reported) if isinstance(reported, dict) else dict(self.requested_params)

    def result(self, process: DemoProcess, returncode: int | None) -> RunResult:
        device = (self.meta or {}).get("device", self.requested_device)
        duration = process.elapsed
        common = dict(final_metrics=self.last, malformed=process.malformed, returncode=returncode,
                      params=self.params)
        if process.timed_out:
            limit = f"{process.time_limit:g}" if process.time_limit is not None else "?"
            return RunResult(self.name, device, "timed out", duration,
                             error=f"stopped after the time limit of {limit} s (quizapp config demo_time_limit)",
                             **common)
        if process.cancelled:
            return RunResult(self.name, device, "cancelled", duration, error="cancelled", **common)
        if self.verdict is not None and returncode == 0 and not self.errors:
            passed = bool(self.verdict["passed"])
            return RunResult(self.name, device, "passed" if passed else "failed", duration, passed=passed,
                             verdict=self.verdict, **common)
        if self.errors:
            error = self.errors[-1]
        elif returncode not in (0, None) and returncode < 0:
            error = f"the demo was killed by signal {-returncode}"
        else:
            tail = process.stderr_tail()
            error = f"the demo exited with status {returncode} without a verdict" + (f":\n{tail}" if tail else "")
            if process.malformed and self.meta is None:
                error = f"the demo wrote {process.malformed} lines that are not protocol events; " + error
        return RunResult(self.name, device, "error", duration, error=error, **common)


def run_to_end(name: str, device: str = "auto", quick: bool = False, seed: int | None = None,
               command: list[str] | None = None, settings: Mapping[str, Any] | Sequence[str] | None = None,
               time_limit: float | None = DEFAULT_TIME_LIMIT_S) -> tuple[RunResult, list[Event]]:
    """Run a demo to completion, collecting its events (used by the CLI, tests and benchmarks)."""
    process = DemoProcess(name, device, quick, seed, command=command, settings=settings, time_limit=time_limit)
    tracker = RunTracker(name, device, dict(settings) if isinstance(settings, Mapping) else None)
    events: list[Event] = []
    try:
        for event in process.events():
            tracker.add(event)
            if isinstance(event, Event):
                events.append(event)
    finally:
        if not process.done.is_set():
            process.cancel()
    return tracker.result(process, process.wait()), events
