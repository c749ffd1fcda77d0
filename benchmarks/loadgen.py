"""HTTP load generator for `make bench`: drives one system, or several in alternating rounds, from a separate process.

    python benchmarks/loadgen.py spec.json      # or `-` for stdin; prints one JSON result on stdout
    python benchmarks/loadgen.py --selftest     # the client's own ceiling against a trivial local server
    run_load(spec) -> dict                      # the same, from Python, in a subprocess

Standard library only. Clients are threads spread over several worker processes (the GIL would cap one
process at a few thousand requests/s), each with its own keep-alive connection and cookie jar.

Spec (one system):
    base_url      "http://127.0.0.1:8001" (loopback only: anything else is refused)
    concurrency   clients (default 8)
    duration_s    measured seconds (default 10), or `count`: total requests, shared out over the clients
    warmup_s      unmeasured seconds before (default 0)
    requests      [{method, path, headers, body | json | form, name, expect}]; each client cycles through them.
                  `{n}` (unique over the run), `{run}` (unique per run), `{client}` and `{csrf}` are replaced in
                  path, header values, body and form values. `json` is encoded (and typed) for you, `form` is
                  sent as application/x-www-form-urlencoded.
    expect        statuses counted as ok (default [200]); a request template may override it
    form_login    {login_path, username (a string or a list spread over the clients), password,
                   username_field="username", password_field="password"}: one Django login per client
    form_csrf_from  a path each client GETs once (after login) for the csrfmiddlewaretoken put in `{csrf}`;
                  without it `{csrf}` is the csrftoken cookie, which Django accepts too
    client_vars   {"token": ["k1", "k2"], ...}: client i puts values[i % len] for `{token}` (one user per client)
    processes     worker processes (default: min(concurrency, CPUs)); timeout_s per request (default 30)
    name          label in the result

Spec (several systems compared under the same machine conditions):
    {"interleave": [spec, spec, ...], "round_s": 5, "rounds": 4, "warmup_s": 2, "processes": 2}
    Each spec gets `warmup_s`, then the specs run one at a time in rounds of `round_s` (A, B, A, B, …); a round
    ends when its in-flight requests have finished, so rounds never overlap. Results are per spec, by name.

Result (per spec): ok, errors {status or "conn:Exception": count}, requests, elapsed_s, rate (ok/s),
latency_ms {p50, p95, p99, max, mean} over every request that got a response, latency_ok_ms (the same over
the expected answers only), error_samples (the first 5 different ones: status, path, first 300 characters of
the body), by_request, rounds (each round's ok/s), setup_errors, reconnects; "client": processes and CPU.
`{n}` counts 1, 2, 3, … over every request of every client and target in the run (warm-ups included).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing as mp
import os
import queue
import re
import resource
import secrets
import socket
import subprocess
import sys
import threading
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SAMPLE_CHARS = 300
SAMPLES_KEPT = 5
# A kept-alive connection idle longer than this is replaced before use: gunicorn closes idle ones after 2 s,
# and a request sent into a closing socket would cost a failed attempt (interleaved rounds pause that long).
IDLE_RECONNECT_S = 1.0
CSRF_INPUT = re.compile(r"""name=["']csrfmiddlewaretoken["'][^>]*?value=["']([^"']+)""")
PLACEHOLDERS = ("{n}", "{run}", "{client}", "{csrf}")


class SpecError(ValueError):
    pass


# --- the spec -----------------------------------------------------------------------------------------------


@dataclass
class Template:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    form: list[tuple[str, str]] | None
    expect: frozenset[int]


@dataclass
class Target:
    name: str
    host: str
    port: int
    concurrency: int
    templates: list[Template]
    warmup_s: float
    timeout_s: float
    login: dict[str, Any] | None
    csrf_from: str | None
    client_vars: dict[str, list[str]]


@dataclass
class Plan:
    targets: list[Target]
    interleaved: bool
    rounds: int
    round_s: float
    count: int | None  # total requests instead of a duration (single target only)
    processes: int


def _target(spec: dict[str, Any], index: int, default_warmup: float) -> Target:
    url = urlsplit(str(spec.get("base_url", "")))
    # Load goes only to this machine: a typo must not become a load test of someone else's server.
    if url.scheme != "http" or url.hostname not in LOOPBACK:
        raise SpecError(f"base_url must be http://127.0.0.1, localhost or [::1]: {spec.get('base_url')!r}")
    if url.path not in ("", "/"):
        raise SpecError("base_url takes no path; put it in each request's path")
    expect = frozenset(int(s) for s in spec.get("expect", [200]))
    templates = []
    for raw in spec.get("requests") or []:
        headers = {str(k): str(v) for k, v in (raw.get("headers") or {}).items()}
        body: str | None = None
        form: list[tuple[str, str]] | None = None
        if "json" in raw:
            body = json.dumps(raw["json"], ensure_ascii=False)
            headers.setdefault("Content-Type", "application/json")
        elif "form" in raw:
            form = [(str(k), str(v)) for k, v in raw["form"].items()]
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif isinstance(raw.get("body"), dict | list):
            body = json.dumps(raw["body"], ensure_ascii=False)
            headers.setdefault("Content-Type", "application/json")
        elif raw.get("body") is not None:
            body = str(raw["body"])
        path = str(raw.get("path", "/"))
        if not path.startswith("/"):
            raise SpecError(f"request path must start with /: {path!r}")
        templates.append(
            Template(
                name=str(raw.get("name") or f"{raw.get('method', 'GET').upper()} {path}"),
                method=str(raw.get("method", "GET")).upper(),
                path=path,
                headers=headers,
                body=body,
                form=form,
                expect=frozenset(int(s) for s in raw["expect"]) if "expect" in raw else expect,
            )
        )
    if not templates:
        raise SpecError("a spec needs at least one entry in `requests`")
    login = spec.get("form_login")
    if login is not None and not {"login_path", "username", "password"} <= set(login):
        raise SpecError("form_login needs login_path, username and password")
    client_vars: dict[str, list[str]] = {}
    for key, value in (spec.get("client_vars") or {}).items():
        values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if f"{{{key}}}" in PLACEHOLDERS or not values:
            raise SpecError(f"client_vars[{key!r}]: a name other than n, run, client, csrf, with at least one value")
        client_vars[f"{{{key}}}"] = values
    return Target(
        name=str(spec.get("name") or f"spec{index}"),
        host=str(url.hostname),
        port=url.port or 80,
        concurrency=max(1, int(spec.get("concurrency", 8))),
        templates=templates,
        warmup_s=float(spec.get("warmup_s", default_warmup)),
        timeout_s=float(spec.get("timeout_s", 30)),
        login=login,
        csrf_from=spec.get("form_csrf_from"),
        client_vars=client_vars,
    )


def plan_of(spec: dict[str, Any]) -> Plan:
    if "interleave" in spec:
        subs = spec["interleave"]
        if not subs:
            raise SpecError("interleave needs at least one spec")
        if any("count" in s for s in subs):
            raise SpecError("interleaved rounds are timed: use round_s and rounds, not count")
        targets = [_target(s, i, float(spec.get("warmup_s", 0))) for i, s in enumerate(subs)]
        round_s = float(spec.get("round_s", 5))
        rounds = int(spec.get("rounds") or math.ceil(float(spec.get("duration_s", 20)) / round_s))
        count = None
    else:
        targets = [_target(spec, 0, 0.0)]
        count = int(spec["count"]) if "count" in spec else None
        round_s = float(spec.get("duration_s", 10))
        rounds = 1
    names = [t.name for t in targets]
    if len(set(names)) != len(names):
        raise SpecError(f"spec names must differ: {names}")
    widest = max(t.concurrency for t in targets)
    processes = int(spec.get("processes") or min(widest, os.cpu_count() or 2))
    return Plan(targets, "interleave" in spec, rounds, round_s, count, max(1, min(processes, widest)))


# --- one client ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    # Kept apart: fast refusals (429) would otherwise make a throttled server look quick.
    lat_ok: array = field(default_factory=lambda: array("d"))  # type: ignore[type-arg]
    lat_other: array = field(default_factory=lambda: array("d"))  # type: ignore[type-arg]
    samples: list[dict[str, Any]] = field(default_factory=list)
    by_request: dict[str, list[int]] = field(default_factory=dict)  # name -> [ok, not ok]

    def sample(self, status: int | None, path: str, text: str) -> None:
        """Keep the first few different error answers: a 500 behind a thousand 429s is still shown."""
        text = text[:SAMPLE_CHARS]
        if len(self.samples) < SAMPLES_KEPT and not any(
            s["status"] == status and s["body"] == text for s in self.samples
        ):
            self.samples.append({"t": time.time(), "status": status, "path": path, "body": text})


class Client:
    """One simulated user: a keep-alive connection, a cookie jar, and the tokens from its login."""

    def __init__(self, target: Target, client_id: int) -> None:
        self.t = target
        self.client_id = client_id
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.reconnects = 0

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
        if self.conn is not None and time.monotonic() - self.last_used > IDLE_RECONNECT_S:
            self._drop()
        if self.cookies:
            headers = {**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        for attempt in (0, 1):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.t.host, self.t.port, timeout=self.t.timeout_s)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._drop()
                # The server may close a kept-alive connection between requests; one retry on a new one.
                if attempt == 0 and reused:
                    self.reconnects += 1
                    continue
                raise
            except BaseException:
                self._drop()
                raise
            self.last_used = time.monotonic()
            for header in resp.headers.get_all("Set-Cookie") or []:
                self._keep_cookie(header)
            if resp.will_close:
                self._drop()
            return resp.status, data
        raise AssertionError("unreachable")

    def _drop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def _keep_cookie(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            return
        for name, morsel in jar.items():
            # Secure cookies are sent back over plain HTTP too: the benchmark has no TLS in front.
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def setup(self) -> None:
        """The per-client log-in and CSRF token, before any timing; raises RuntimeError saying what failed."""
        if self.t.login:
            lg = self.t.login
            path = str(lg["login_path"])
            status, page = self.request("GET", path, {}, None)
            match = CSRF_INPUT.search(page.decode("utf-8", "replace"))
            if status != 200 or not match:
                raise RuntimeError(f"login page {path}: status {status}, csrf token {'found' if match else 'missing'}")
            users = lg["username"] if isinstance(lg["username"], list) else [lg["username"]]
            form = {
                "csrfmiddlewaretoken": match.group(1),
                lg.get("username_field", "username"): users[self.client_id % len(users)],
                lg.get("password_field", "password"): lg["password"],
            }
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.t.host}:{self.t.port}{path}",
            }
            status, page = self.request("POST", path, headers, urlencode(form).encode())
            if status not in set(lg.get("expect", [302, 303])):
                raise RuntimeError(
                    f"login as {form[lg.get('username_field', 'username')]}: status {status}: "
                    f"{page[:SAMPLE_CHARS].decode('utf-8', 'replace')}"
                )
        if self.t.csrf_from:
            status, page = self.request("GET", self.t.csrf_from, {}, None)
            match = CSRF_INPUT.search(page.decode("utf-8", "replace"))
            if status != 200 or not match:
                raise RuntimeError(f"csrf from {self.t.csrf_from}: status {status}, no csrfmiddlewaretoken")
            self.csrf = match.group(1)
        else:
            self.csrf = self.cookies.get("csrftoken", "")


def _fill(text: str, values: dict[str, str]) -> str:
    if "{" not in text:
        return text
    for key, value in values.items():
        text = text.replace(key, value)
    return text


@dataclass
class Shared:
    """What the coordinator and the clients share across processes."""

    go: list[Any]  # one Event per target: set while that target's round runs
    stop: Any
    round_id: Any  # RawValue: the running round's index into the coordinator's log; negative in warm-ups
    busy: Any  # RawArray: 1 while a client is between checking `go` and finishing its request
    done: Any  # RawArray: 1 when a client has nothing more to do this run (quota sent, or setup failed)
    counter: Any  # Value with a lock: the last `{n}` handed out


def _client_loop(
    client: Client, slot: int, run_id: str, quota: int | None, sh: Shared, tallies: dict[int, Tally]
) -> None:
    t = client.t
    go = sh.go[_TARGET_INDEX[slot]]
    templates = t.templates
    k = client.client_id % len(templates)  # clients start at different templates: the mix from the first second
    own_vars = {key: values[client.client_id % len(values)] for key, values in t.client_vars.items()}
    sent = 0
    while True:
        sh.busy[slot] = 1  # before looking at `go`, so the coordinator's drain cannot miss this request
        if sh.stop.is_set():
            break
        if not go.is_set():
            sh.busy[slot] = 0
            go.wait(1.0)
            continue
        rid = sh.round_id.value
        if quota is not None and rid >= 0 and sent >= quota:
            sh.done[slot] = 1
            sh.busy[slot] = 0
            sh.stop.wait()
            break
        if quota is not None and rid >= 0:
            sent += 1  # failures count too: a dead server must not keep a counted run going forever
        tpl = templates[k]
        k = (k + 1) % len(templates)
        with sh.counter.get_lock():  # one counter for all processes: {n} is unique and says how many went out
            sh.counter.value += 1
            n = sh.counter.value
        values = {"{n}": str(n), "{run}": run_id, "{client}": str(slot), "{csrf}": client.csrf}
        values.update(own_vars)
        path = _fill(tpl.path, values)
        headers = {k2: _fill(v, values) for k2, v in tpl.headers.items()}
        if tpl.form is not None:
            body: bytes | None = urlencode([(f, _fill(v, values)) for f, v in tpl.form]).encode()
        else:
            body = _fill(tpl.body, values).encode() if tpl.body is not None else None
        tally = tallies.setdefault(rid, Tally())
        started = time.perf_counter()
        try:
            status, data = client.request(tpl.method, path, headers, body)
        except (OSError, http.client.HTTPException) as exc:
            tally.errors[f"conn:{type(exc).__name__}"] += 1
            tally.by_request.setdefault(tpl.name, [0, 0])[1] += 1
            tally.sample(None, path, repr(exc))
            sh.busy[slot] = 0
            time.sleep(0.01)  # a refused connection fails in microseconds: don't spin
            continue
        took = (time.perf_counter() - started) * 1000.0
        counts = tally.by_request.setdefault(tpl.name, [0, 0])
        if status in tpl.expect:
            tally.lat_ok.append(took)
            tally.ok += 1
            counts[0] += 1
        else:
            tally.lat_other.append(took)
            tally.errors[str(status)] += 1
            counts[1] += 1
            tally.sample(status, path, data[:SAMPLE_CHARS].decode("utf-8", "replace"))
        sh.busy[slot] = 0


_TARGET_INDEX: list[int] = []  # slot -> target index; set before forking, read by the workers


def _orphan_watch(parent: int) -> None:
    # A coordinator killed by a timeout cannot stop its workers: they stop themselves instead of loading on.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _worker(plan: Plan, slots: list[int], run_id: str, sh: Shared, ready: Any, results: Any, worker_no: int) -> None:
    threading.Thread(target=_orphan_watch, args=(os.getppid(),), daemon=True).start()
    clients: list[tuple[int, Client]] = []
    setup_errors: list[tuple[int, str]] = []
    lock = threading.Lock()

    def set_up(slot: int) -> None:
        target = plan.targets[_TARGET_INDEX[slot]]
        client = Client(target, slot - _TARGET_INDEX.index(_TARGET_INDEX[slot]))  # its index within the target
        try:
            client.setup()
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            with lock:
                setup_errors.append((_TARGET_INDEX[slot], f"client {slot}: {exc}"[: SAMPLE_CHARS * 2]))
            sh.done[slot] = 1
            return
        with lock:
            clients.append((slot, client))

    # Logins run in parallel: password hashing is slow on purpose and would otherwise delay the start.
    setups = [threading.Thread(target=set_up, args=(s,)) for s in slots]
    for th in setups:
        th.start()
    for th in setups:
        th.join()
    ready.put((worker_no, len(clients)))

    tallies: dict[int, dict[int, Tally]] = {slot: {} for slot, _ in clients}
    threads = []
    for slot, client in clients:
        target_no = _TARGET_INDEX[slot]
        quota = None
        if plan.count is not None:
            width = plan.targets[target_no].concurrency
            index = client.client_id
            quota = plan.count // width + (1 if index < plan.count % width else 0)
        threads.append(
            threading.Thread(target=_client_loop, args=(client, slot, run_id, quota, sh, tallies[slot]), daemon=True)
        )
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for slot, per_round in tallies.items():
        target_no = _TARGET_INDEX[slot]
        for rid, tally in per_round.items():
            agg = out.setdefault(
                (target_no, rid),
                {
                    "ok": 0,
                    "errors": Counter(),
                    "lat_ok": array("d"),
                    "lat_other": array("d"),
                    "samples": [],
                    "by_request": {},
                },
            )
            agg["ok"] += tally.ok
            agg["errors"].update(tally.errors)
            agg["lat_ok"].extend(tally.lat_ok)
            agg["lat_other"].extend(tally.lat_other)
            agg["samples"].extend(tally.samples)
            for name, (good, bad) in tally.by_request.items():
                pair = agg["by_request"].setdefault(name, [0, 0])
                pair[0] += good
                pair[1] += bad
    for agg in out.values():
        agg["lat_ok"] = agg["lat_ok"].tobytes()  # compact through the pipe
        agg["lat_other"] = agg["lat_other"].tobytes()
    reconnects: Counter[int] = Counter()
    for slot, c in clients:
        reconnects[_TARGET_INDEX[slot]] += c.reconnects
    results.put((worker_no, out, setup_errors, dict(reconnects)))


# --- the coordinator ----------------------------------------------------------------------------------------


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    values = sorted(values)

    def rank(q: float) -> float:
        return round(values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))], 2)

    return {
        "p50": rank(0.50),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": round(values[-1], 2),
        "mean": round(sum(values) / len(values), 2),
    }


def execute(spec: dict[str, Any]) -> dict[str, Any]:
    """Run a spec in this process (it forks the workers); `run_load` is the entry for other programs."""
    plan = plan_of(spec)
    ctx = mp.get_context("fork")  # the workers inherit the plan; nothing to re-import
    _TARGET_INDEX.clear()
    for i, t in enumerate(plan.targets):
        _TARGET_INDEX.extend([i] * t.concurrency)
    total = len(_TARGET_INDEX)
    sh = Shared(
        go=[ctx.Event() for _ in plan.targets],
        stop=ctx.Event(),
        round_id=ctx.RawValue("i", -1),
        busy=ctx.RawArray("b", total),
        done=ctx.RawArray("b", total),
        counter=ctx.Value("q", 0),
    )
    # Each target's clients are spread over every worker: whichever target runs has all the CPUs.
    assignment: list[list[int]] = [[] for _ in range(plan.processes)]
    for t_no in range(len(plan.targets)):
        for j, slot in enumerate(s for s in range(total) if _TARGET_INDEX[s] == t_no):
            assignment[j % plan.processes].append(slot)
    ready, results = ctx.Queue(), ctx.Queue()
    run_id = secrets.token_hex(4)
    procs = [
        ctx.Process(target=_worker, args=(plan, slots, run_id, sh, ready, results, w), daemon=True)
        for w, slots in enumerate(assignment)
        if slots
    ]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for p in procs:
        p.start()
    waiting = len(procs)
    while waiting:
        try:
            ready.get(timeout=1)
            waiting -= 1
        except queue.Empty:
            if not all(p.is_alive() for p in procs):
                raise RuntimeError("a load worker died while its clients were setting up") from None
    _log(f"{total} clients ready in {len(procs)} processes")

    log: list[dict[str, Any]] = []

    def run_round(t_no: int, rid: int, seconds: float) -> None:
        slots = [s for s in range(total) if _TARGET_INDEX[s] == t_no]
        sh.round_id.value = rid
        started = time.perf_counter()
        sh.go[t_no].set()
        if plan.count is not None and rid >= 0:
            while not all(sh.done[s] for s in slots) and any(p.is_alive() for p in procs):
                time.sleep(0.005)
        else:
            time.sleep(max(0.0, started + seconds - time.perf_counter()))
        sh.go[t_no].clear()
        # Drain: the round ends when its last request has its answer, so the next round starts on an idle server.
        limit = time.perf_counter() + plan.targets[t_no].timeout_s + 5
        while any(sh.busy[s] for s in slots) and time.perf_counter() < limit:
            time.sleep(0.001)
        if rid >= 0:
            log.append({"target": t_no, "rid": rid, "elapsed_s": time.perf_counter() - started})

    for t_no, t in enumerate(plan.targets):
        if t.warmup_s > 0:
            run_round(t_no, -1 - t_no, t.warmup_s)
    rid = 0
    for r in range(plan.rounds):
        for t_no in range(len(plan.targets)):
            run_round(t_no, rid, plan.round_s)
            _log(f"round {r + 1}/{plan.rounds} {plan.targets[t_no].name}: {log[-1]['elapsed_s']:.1f}s")
            rid += 1
    sh.stop.set()
    for g in sh.go:
        g.set()
    collected = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=10)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)

    out_targets: dict[str, dict[str, Any]] = {}
    for t_no, t in enumerate(plan.targets):
        rounds = [entry for entry in log if entry["target"] == t_no]
        ok = 0
        errors: Counter[str] = Counter()
        lat_ok, lat_other = array("d"), array("d")
        samples: list[dict[str, Any]] = []
        by_request: dict[str, list[int]] = {}
        per_round = []
        for entry in rounds:
            round_ok = 0
            for _, aggs, _, _ in collected:
                agg = aggs.get((t_no, entry["rid"]))
                if agg is None:
                    continue
                round_ok += agg["ok"]
                errors.update(agg["errors"])
                lat_ok.frombytes(agg["lat_ok"])
                lat_other.frombytes(agg["lat_other"])
                samples.extend(agg["samples"])
                for name, (good, bad) in agg["by_request"].items():
                    pair = by_request.setdefault(name, [0, 0])
                    pair[0] += good
                    pair[1] += bad
            ok += round_ok
            per_round.append(
                {
                    "elapsed_s": round(entry["elapsed_s"], 3),
                    "ok": round_ok,
                    "rate": round(round_ok / entry["elapsed_s"], 1) if entry["elapsed_s"] else 0.0,
                }
            )
        elapsed = sum(entry["elapsed_s"] for entry in rounds)
        samples.sort(key=lambda s: s["t"])
        distinct: dict[tuple[Any, str], dict[str, Any]] = {}
        for sample in samples:  # the same refusal 5 times says less than 5 different ones
            distinct.setdefault((sample["status"], sample["body"]), sample)
        samples = list(distinct.values())
        out_targets[t.name] = {
            "ok": ok,
            "errors": dict(errors.most_common()),
            "requests": ok + sum(errors.values()),
            "elapsed_s": round(elapsed, 3),
            "rate": round(ok / elapsed, 1) if elapsed else 0.0,
            "latency_ms": _percentiles(lat_ok.tolist() + lat_other.tolist()),
            "latency_ok_ms": _percentiles(lat_ok.tolist()),
            "error_samples": [{k: v for k, v in s.items() if k != "t"} for s in samples[:SAMPLES_KEPT]],
            "by_request": {name: {"ok": good, "not_ok": bad} for name, (good, bad) in by_request.items()},
            "rounds": per_round,
            "concurrency": t.concurrency,
            "setup_errors": [msg for _, _, errs, _ in collected for no, msg in errs if no == t_no],
            "reconnects": sum(rc.get(t_no, 0) for _, _, _, rc in collected),
        }
    # Every request the workers sent, warm-ups included, is what their CPU time paid for.
    requests = sum(agg["ok"] + sum(agg["errors"].values()) for _, aggs, _, _ in collected for agg in aggs.values())
    client = {
        "processes": len(procs),
        "cpu_s": round(client_cpu, 2),
        "cpu_us_per_request": round(client_cpu / requests * 1e6, 1) if requests else None,
        "run_id": run_id,
        "n_issued": sh.counter.value,  # the last {n}: every request sent, warm-ups and failures included
    }
    if plan.interleaved:
        return {
            "interleave": True,
            "round_s": plan.round_s,
            "rounds": plan.rounds,
            "specs": out_targets,
            "client": client,
        }
    return {**out_targets[plan.targets[0].name], "name": plan.targets[0].name, "client": client}


def _log(text: str) -> None:
    print(f"loadgen: {text}", file=sys.stderr, flush=True)


def run_load(spec: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run `spec` in a separate process (so the client never shares a GIL with the caller) and return its result.
    Its progress lines go live to this process's stderr; a failure raises RuntimeError."""
    plan_of(spec)  # refuse a bad spec here, with its message, instead of inside the child
    proc = subprocess.run(  # noqa: S603 -- our own interpreter and file
        [sys.executable, str(Path(__file__).resolve()), "-"],
        input=json.dumps(spec),
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"loadgen failed with exit status {proc.returncode}; its messages are on stderr above")
    return dict(json.loads(proc.stdout))


# --- self-test: the client's ceiling ------------------------------------------------------------------------


def _trivial_server(sock: socket.socket) -> None:
    """A keep-alive HTTP/1.1 server answering every request with 200 `ok`, as cheap as asyncio allows."""
    import asyncio

    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"

    class Proto(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport
            self.buf = b""

        def data_received(self, data: bytes) -> None:
            self.buf += data
            while True:
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = self.buf[:end].lower()
                length = 0
                pos = head.find(b"content-length:")
                if pos >= 0:
                    length = int(head[pos + 15 :].split(b"\r\n", 1)[0])
                if len(self.buf) < end + 4 + length:
                    return
                self.buf = self.buf[end + 4 + length :]
                self.transport.write(reply)

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Proto, sock=sock)
        await server.serve_forever()

    asyncio.run(main())


def selftest(seconds: float, concurrency: int, processes: int | None, server_processes: int) -> dict[str, Any]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    ctx = mp.get_context("fork")
    servers = [ctx.Process(target=_trivial_server, args=(sock,), daemon=True) for _ in range(server_processes)]
    for s in servers:
        s.start()
    try:
        spec = {
            "base_url": f"http://127.0.0.1:{port}",
            "concurrency": concurrency,
            "duration_s": seconds,
            "warmup_s": 1,
            "requests": [
                {"method": "GET", "path": "/ping?n={n}"},
                {"method": "POST", "path": "/items", "json": {"subject": "item {n}"}},
            ],
        }
        if processes:
            spec["processes"] = processes
        return run_load(spec)
    finally:
        for s in servers:
            s.terminate()
            s.join()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("spec", nargs="?", help="spec JSON file, or - for stdin")
    parser.add_argument("--selftest", action="store_true", help="measure the client against a trivial server")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--server-processes", type=int, default=1)
    args = parser.parse_args(argv)
    if args.selftest:
        result = selftest(args.seconds, args.concurrency, args.processes, args.server_processes)
    elif args.spec:
        text = sys.stdin.read() if args.spec == "-" else Path(args.spec).read_text()
        try:
            result = execute(json.loads(text))
        except SpecError as exc:
            sys.exit(f"loadgen: bad spec: {exc}")
    else:
        parser.error("a spec file (or -) or --selftest")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
