"""`make run`'s command: serves the app with the worker, prints the URL and logins, restarts a crashed
part, stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_prints_logins_and_stops_cleanly(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "QUERELA_VAR_DIR": str(tmp_path),
        "QUERELA_PORT": str(port),
        "QUERELA_SMTPD_PORT": str(_free_port()),
        "DJANGO_SETTINGS_MODULE": "querela.settings.embedded",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "querela.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        banner = "".join(lines)
        # Printed as localhost (security keys need a domain name), and that address answers.
        assert f"http://localhost:{port}/" in banner, banner
        assert "opt.handler" in banner and "demo-pass-2026" in banner
        body = ""
        for _ in range(60):
            try:
                body = urllib.request.urlopen(f"http://localhost:{port}/login/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert "csrfmiddlewaretoken" in body
        assert (tmp_path / "querela.sqlite3").exists()

        # One part crashing doesn't take the run down: the worker comes back on its own, the web stays.
        pids = dict(re.findall(r"started (\w+) \(pid (\d+)\)", banner))
        os.kill(int(pids["worker"]), signal.SIGKILL)
        children: set[str] = set()
        for _ in range(100):
            children = set(Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split())
            if len(children - set(pids.values())) == 1:
                break
            time.sleep(0.1)
        (new_worker,) = children - set(pids.values())
        assert pids["web"] in children
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, rest
    assert "Querela stopped." in rest
    assert "worker exited with code -9 (SIGKILL)" in rest and f"started worker (pid {new_worker})" in rest
