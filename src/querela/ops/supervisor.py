"""Keeps the embedded run's processes (web, worker, SMTP intake) alive: when one exits unexpectedly it
is restarted on its own, after an exponential back-off, and every exit and restart is logged.

Policy (what `querela serve` runs under):

* a part that exits while the supervisor is not stopping is restarted after 1 s, 2 s, 4 s, ... capped at
  60 s; the others keep running untouched;
* a part that ran steadily (60 s or more) before exiting counts as healthy: its back-off starts again at 1 s;
* a part that crash-loops (fails more than `max_restarts` times in a row, no run steady) is given up:
  if it is `required` (the web server: nothing works without it) everything stops and `run` returns 1,
  otherwise the others keep running (a dead SMTP intake should not take the web pages down) and the log
  says so; when every part has been given up `run` returns 1;
* SIGINT/SIGTERM stops all parts: SIGTERM to each, SIGKILL to those still alive after `stop_timeout`.

No Django here: the clock and the sleep are injectable so the policy can be tested in milliseconds.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    # A required part that has to be given up stops the whole run.
    required: bool = False


@dataclass(frozen=True)
class Backoff:
    initial: float = 1.0
    factor: float = 2.0
    cap: float = 60.0
    # An exit after this long running counts as a fresh failure, not part of a crash loop.
    steady_after: float = 60.0
    # Restarts in a row (none steady) before the part is given up.
    max_restarts: int = 6

    def delay(self, attempt: int) -> float:
        """Seconds to wait before restart number `attempt` (1-based) of a crash loop."""
        return float(min(self.cap, self.initial * self.factor ** (attempt - 1)))


@dataclass
class _Child:
    spec: ChildSpec
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    failures_in_a_row: int = 0
    restarts: int = 0
    given_up: bool = False


def _stderr_log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} supervisor: {message}", file=sys.stderr, flush=True)


def describe_exit(returncode: int) -> str:
    """`code 1`, or `code -9 (SIGKILL)` when a signal ended the process."""
    if returncode < 0:
        try:
            return f"code {returncode} ({signal.Signals(-returncode).name})"
        except ValueError:
            pass
    return f"code {returncode}"


def _seconds(value: float) -> str:
    return f"{value:g} s" if value >= 1 else f"{value * 1000:.0f} ms"


@dataclass
class Supervisor:
    specs: Sequence[ChildSpec]
    backoff: Backoff = field(default_factory=Backoff)
    log: Callable[[str], None] = _stderr_log
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    poll_interval: float = 0.5
    stop_timeout: float = 10.0

    def __post_init__(self) -> None:
        names = [s.name for s in self.specs]
        if len(set(names)) != len(names):
            raise ValueError(f"child names must be unique: {names}")
        self._children = [_Child(spec) for spec in self.specs]
        self._stopping = False
        self._failed = False

    # --- queries (for the caller and the tests) ---------------------------------------------------

    def pid(self, name: str) -> int | None:
        child = self._child(name)
        return child.proc.pid if child.proc is not None and child.proc.poll() is None else None

    def restarts(self, name: str) -> int:
        return self._child(name).restarts

    @property
    def finished(self) -> bool:
        """Stopping was asked for, or nothing is left to supervise."""
        return self._stopping or all(c.given_up for c in self._children)

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        for child in self._children:
            self._spawn(child)

    def request_stop(self) -> None:
        self._stopping = True

    def step(self) -> None:
        """One round: notice exits, schedule their restarts, start those that are due."""
        now = self.clock()
        for child in self._children:
            if self._stopping:
                return
            if child.given_up:
                continue
            if child.proc is not None and child.restart_at is None:
                code = child.proc.poll()
                if code is not None:
                    self._exited(child, code, now)
            if child.restart_at is not None and now >= child.restart_at and not self._stopping:
                child.restart_at = None
                child.restarts += 1
                self._spawn(child)

    def run(self, on_started: Callable[[], None] | None = None) -> int:
        """Start everything and supervise until SIGINT/SIGTERM (returns 0) or a give-up (returns 1).

        `on_started` runs once every part has been started (the banner). Signal handlers can only be
        installed from the main thread; elsewhere drive `start`/`step`/`stop_all` yourself."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            if on_started is not None:
                on_started()
            while not self.finished:
                self.step()
                if self.finished:
                    break
                self.sleep(self.poll_interval)
        finally:
            self.stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 1 if self._failed or all(c.given_up for c in self._children) else 0

    def stop_all(self) -> None:
        """SIGTERM to every live part, then SIGKILL to those still alive after `stop_timeout` seconds."""
        self._stopping = True
        live = [c for c in self._children if c.proc is not None and c.proc.poll() is None]
        for child in live:
            assert child.proc is not None
            child.proc.terminate()
        # Real time on purpose: the deadline is about real processes, whatever clock drives the policy.
        deadline = time.monotonic() + self.stop_timeout
        for child in live:
            assert child.proc is not None
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{child.spec.name} did not stop within {_seconds(self.stop_timeout)}; killing it")
                child.proc.kill()
                child.proc.wait()

    # --- internals --------------------------------------------------------------------------------

    def _on_signal(self, _signum: int, _frame: Any) -> None:
        self._stopping = True

    def _child(self, name: str) -> _Child:
        for child in self._children:
            if child.spec.name == name:
                return child
        raise KeyError(name)

    def _spawn(self, child: _Child) -> None:
        child.started_at = self.clock()
        try:
            # The argv comes from code (serve.py's specs), never from a request or a user.
            child.proc = subprocess.Popen(list(child.spec.argv), env=child.spec.env)  # noqa: S603
        except OSError as exc:
            # Treated like a crash at once: the same back-off and give-up apply.
            child.proc = None
            self.log(f"could not start {child.spec.name}: {exc}")
            self._exited(child, None, child.started_at)
            return
        self.log(f"started {child.spec.name} (pid {child.proc.pid})")

    def _exited(self, child: _Child, code: int | None, now: float) -> None:
        name = child.spec.name
        ran = now - child.started_at
        if ran >= self.backoff.steady_after:
            child.failures_in_a_row = 0
        child.failures_in_a_row += 1
        what = "could not start" if code is None else f"exited with {describe_exit(code)} after {_seconds(ran)}"
        if child.failures_in_a_row > self.backoff.max_restarts:
            child.given_up = True
            child.proc = None
            if child.spec.required:
                self._failed = True
                self._stopping = True
                self.log(
                    f"{name} {what}; it keeps failing ({child.failures_in_a_row} times in a row), "
                    "giving up and stopping everything"
                )
            else:
                self.log(
                    f"{name} {what}; it keeps failing ({child.failures_in_a_row} times in a row), "
                    "giving up on it (the other parts keep running)"
                )
            return
        delay = self.backoff.delay(child.failures_in_a_row)
        child.restart_at = now + delay
        self.log(f"{name} {what}; restarting in {_seconds(delay)} (restart {child.restarts + 1})")
