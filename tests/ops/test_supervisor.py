"""The embedded run's supervisor, with real child processes: a crashed part comes back on its own after
a back-off, the others are untouched, the log says what happened; SIGTERM stops everything."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable

import pytest

from querela.ops.supervisor import Backoff, ChildSpec, Supervisor

pytestmark = pytest.mark.pure

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


class FakeClock:
    """Policy time runs fast (each sleep advances it); real processes still need a few real milliseconds."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        time.sleep(0.005)


def _until(condition: Callable[[], object], step: Callable[[], None], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        step()
        time.sleep(0.01)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_part_is_restarted_alone_and_the_log_says_so():
    lines: list[str] = []
    sup = Supervisor(
        [ChildSpec("web", SLEEPER), ChildSpec("worker", SLEEPER)],
        backoff=Backoff(initial=0.05),
        log=lines.append,
    )
    sup.start()
    try:
        web, worker = sup.pid("web"), sup.pid("worker")
        assert web and worker
        os.kill(worker, signal.SIGKILL)
        _until(lambda: sup.pid("worker") not in (None, worker), sup.step)

        assert sup.pid("web") == web and _alive(web)
        assert sup.restarts("worker") == 1 and sup.restarts("web") == 0
        exit_line = next(line for line in lines if line.startswith("worker exited"))
        assert re.fullmatch(
            r"worker exited with code -9 \(SIGKILL\) after .+; restarting in 50 ms \(restart 1\)", exit_line
        ), exit_line
        assert f"started worker (pid {sup.pid('worker')})" in lines
    finally:
        sup.stop_all()
    assert not _alive(web)


def test_a_crash_looping_part_backs_off_longer_each_time_then_is_given_up_while_the_others_run():
    clock = FakeClock()
    lines: list[tuple[float, str]] = []
    sup = Supervisor(
        [ChildSpec("smtpd", CRASHER), ChildSpec("web", SLEEPER, required=True)],
        backoff=Backoff(initial=1, cap=8, max_restarts=5),
        log=lambda message: lines.append((clock.now, message)),
        clock=clock,
        sleep=clock.sleep,
    )
    sup.start()
    try:
        web = sup.pid("web")
        _until(lambda: any("giving up" in m for _, m in lines), lambda: (sup.step(), clock.sleep(0.25)))

        delays = [float(m) for _, line in lines for m in re.findall(r"^smtpd exited .*restarting in (\d+) s", line)]
        assert delays == [1, 2, 4, 8, 8]  # doubling, capped
        exits = [t for t, m in lines if m.startswith("smtpd exited")]
        starts = [t for t, m in lines if m.startswith("started smtpd")]
        assert len(starts) == 6 and len(exits) == 6
        for exited, restarted, delay in zip(exits, starts[1:], delays, strict=False):
            assert restarted - exited >= delay
        assert lines[-1][1].startswith("smtpd exited with code 3")
        assert lines[-1][1].endswith("giving up on it (the other parts keep running)")
        assert sup.pid("web") == web and not sup.finished
    finally:
        sup.stop_all()


def test_the_back_off_starts_again_after_a_steady_run():
    clock = FakeClock()
    lines: list[str] = []
    sup = Supervisor([ChildSpec("worker", SLEEPER)], log=lines.append, clock=clock, sleep=clock.sleep)
    sup.start()

    def kill_and_wait_for_restart() -> str:
        pid = sup.pid("worker")
        assert pid
        os.kill(pid, signal.SIGKILL)
        _until(lambda: sup.pid("worker") not in (None, pid), lambda: (sup.step(), clock.sleep(0.5)))
        return next(line for line in reversed(lines) if line.startswith("worker exited"))

    try:
        assert "restarting in 1 s (restart 1)" in kill_and_wait_for_restart()
        assert "restarting in 2 s (restart 2)" in kill_and_wait_for_restart()
        clock.now += 61  # the third run lasts over a minute: healthy again
        assert "restarting in 1 s (restart 3)" in kill_and_wait_for_restart()
    finally:
        sup.stop_all()


def test_a_required_part_given_up_stops_everything():
    clock = FakeClock()
    lines: list[str] = []
    sup = Supervisor(
        [ChildSpec("web", CRASHER, required=True), ChildSpec("worker", SLEEPER)],
        backoff=Backoff(initial=1, max_restarts=2),
        log=lines.append,
        clock=clock,
        sleep=clock.sleep,
        poll_interval=0.25,
    )
    assert sup.run() == 1
    assert lines[-1].startswith("web exited with code 3")
    assert lines[-1].endswith("giving up and stopping everything")
    (worker,) = re.findall(r"started worker \(pid (\d+)\)", "\n".join(lines))
    assert not _alive(int(worker))


SUPERVISED = textwrap.dedent(
    """
    import sys
    from querela.ops.supervisor import ChildSpec, Supervisor

    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    stubborn = [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "print('stubborn ready', flush=True); time.sleep(60)"]
    sys.exit(Supervisor([ChildSpec("web", sleeper), ChildSpec("stubborn", stubborn)],
                        poll_interval=0.05, stop_timeout=0.5).run())
    """
)


def test_sigterm_stops_every_part_killing_those_that_ignore_it(tmp_path):
    out, err = tmp_path / "out", tmp_path / "err"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-c", SUPERVISED], stdout=stdout, stderr=stderr)
    try:
        _until(lambda: "stubborn ready" in out.read_text() and err.read_text().count("started ") == 2, lambda: None)
        pids = [int(p) for p in re.findall(r"started \w+ \(pid (\d+)\)", err.read_text())]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "stubborn did not stop within 500 ms; killing it" in err.read_text()
    assert not any(_alive(pid) for pid in pids)
    assert "restarting" not in err.read_text()
