"""Load on loopback: many clients at once against a real ``citydip serve`` process (issue 11).

Creates a fresh installation (``citydip demo`` in a temporary data directory, or in the empty PostgreSQL
database given with --database-url), starts ``citydip serve`` (uvicorn) on a free port of 127.0.0.1 and drives
it with threads, each with its own keep-alive ``httpx2`` client:

* readers alternate the partners list page (HTML, signed in with a session cookie) and the practice search API
  (bearer token);
* writers create partners through the API (bearer token), each POST one transaction.

Levels: only writers, then only readers, at 1, 4, 16 and 32 clients, then the mix (20 readers + 4 writers by
default). Each level runs for --seconds and at most --max-requests per client (bounded). Prints one JSON object:
per level and kind the requests, throughput, p50/p95/max latency, and the error count (any status >= 500,
any unexpected status, any connection error), plus the machine's load average before and after.
Usage: .venv/bin/python benchmarks/load.py [--database-url URL] [--levels 1,4,16,32] [--seconds 6]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx

WORKSPACE = "los-angeles"
EMAIL = "demo@citydip.example"
PASSWORD = "citydip-demo-2026"
QUERIES = ["bike lanes", "flood", "youth employment", "air quality", "housing", "sister city", "water"]


@dataclass
class Tally:
    """Latencies and outcomes of one kind of request at one level."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: str, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if not ok:
                self.errors += 1

    def summary(self, elapsed: float) -> dict[str, Any]:
        lat = sorted(self.latencies)
        if not lat:
            return {"requests": 0}

        def pct(p: float) -> float:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1)

        return {
            "requests": len(lat),
            "per_second": round(len(lat) / elapsed, 1),
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "max_ms": round(lat[-1] * 1000, 1),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1),
            "errors": self.errors,
            "statuses": dict(self.statuses),
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def citydip(env: dict[str, str], *args: str) -> str:
    exe = str(Path(sys.executable).with_name("citydip"))
    done = subprocess.run([exe, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"citydip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(env: dict[str, str]) -> str:
    """Demo workspaces and an owner token; returns the token."""
    citydip(env, "demo")
    out = citydip(env, "token", "create", "--user", EMAIL, "--workspace", WORKSPACE, "--role", "owner")
    match = re.search(r"cdp_\S+", out)
    if not match:
        raise SystemExit(f"no token in: {out}")
    return match.group(0)


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    exe = str(Path(sys.executable).with_name("citydip"))
    with log.open("wb") as fh:
        proc = subprocess.Popen([exe, "serve", "--port", str(port)], env=env, stdout=fh, stderr=fh)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start in 60 s")


def sign_in(base: str) -> httpx.Client:
    """A client with a session cookie (the list page is what a signed-in person reads)."""
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf, "no CSRF token on the sign-in page"
    r = client.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD, "next": "/", "csrf_token": csrf.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, f"sign-in failed: {r.status_code}"
    return client


@dataclass
class Clock:
    """Every client signs in first; the measured window starts when the last one is ready."""

    seconds: float
    parties: int
    stop: float = 0.0
    started: float = 0.0
    barrier: threading.Barrier = field(init=False)

    def __post_init__(self) -> None:
        self.barrier = threading.Barrier(self.parties, action=self._start)

    def _start(self) -> None:
        self.started = time.perf_counter()
        self.stop = time.monotonic() + self.seconds


def reader(base: str, token: str, tallies: dict[str, Tally], clock: Clock, limit: int, idx: int) -> None:
    started = time.perf_counter()
    try:
        pages = sign_in(base)
        tallies["sign_in"].add(time.perf_counter() - started, "303", True)
    except (AssertionError, httpx.HTTPError) as exc:
        tallies["sign_in"].add(time.perf_counter() - started, str(exc)[:60], False)
        clock.barrier.wait()
        return
    api = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
    clock.barrier.wait()
    n = 0
    try:
        while time.monotonic() < clock.stop and n < limit:
            if n % 2 == 0:
                kind, client, url = "list_page", pages, f"/w/{WORKSPACE}/partners?page={1 + (n // 2) % 3}"
            else:
                q = QUERIES[(idx + n) % len(QUERIES)]
                kind, client, url = (
                    "search_api",
                    api,
                    f"/api/v1/workspaces/{WORKSPACE}/practices/search?q={q}",
                )
            timed(tallies[kind], lambda c=client, u=url: c.get(u), {200})
            n += 1
    finally:
        pages.close()
        api.close()


def writer(base: str, token: str, tallies: dict[str, Tally], clock: Clock, limit: int, idx: int) -> None:
    api = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
    api.get(f"/api/v1/workspaces/{WORKSPACE}")  # open the keep-alive connection before the clock starts
    clock.barrier.wait()
    n = 0
    try:
        while time.monotonic() < clock.stop and n < limit:
            body = {"name": f"Load partner {idx}-{n}-{time.monotonic_ns()}", "kind": "company"}
            timed(
                tallies["write_api"],
                lambda b=body: api.post(f"/api/v1/workspaces/{WORKSPACE}/partners", json=b),
                {201},
            )
            n += 1
    finally:
        api.close()


def timed(tally: Tally, call: Any, expected: set[int]) -> None:
    started = time.perf_counter()
    try:
        status = call().status_code
        tally.add(time.perf_counter() - started, str(status), status in expected)
    except httpx.HTTPError as exc:
        tally.add(time.perf_counter() - started, exc.__class__.__name__, False)


def level(base: str, token: str, readers: int, writers: int, seconds: float, limit: int) -> dict[str, Any]:
    tallies = {k: Tally() for k in ("sign_in", "list_page", "search_api", "write_api")}
    clock = Clock(seconds, readers + writers)
    threads = [
        threading.Thread(target=reader, args=(base, token, tallies, clock, limit, i)) for i in range(readers)
    ] + [
        threading.Thread(target=writer, args=(base, token, tallies, clock, limit, i)) for i in range(writers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - clock.started
    out: dict[str, Any] = {"readers": readers, "writers": writers, "seconds": round(elapsed, 2)}
    for kind, tally in tallies.items():
        if tally.latencies:
            out[kind] = tally.summary(elapsed)
    if "sign_in" in out:  # before the clock: only its latency and errors mean something
        out["sign_in"].pop("per_second")
    out["errors"] = sum(t.errors for t in tallies.values())
    out["load_average_after"] = round(os.getloadavg()[0], 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--levels", default="1,4,16,32")
    parser.add_argument("--mix", default="20:4", help="readers:writers of the mixed level")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--max-requests", type=int, default=2000, help="per client and level")
    parser.add_argument("--server-log", type=Path, default=None, help="keep the server's log here")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x]
    mix_readers, mix_writers = (int(x) for x in args.mix.split(":"))
    result: dict[str, Any] = {
        "benchmark": "load",
        "database": "postgresql" if args.database_url else "sqlite",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="citydip-load-") as tmp:
        env = dict(os.environ)
        env.update(
            {
                "CITYDIP_DATA_DIR": str(Path(tmp) / "data"),
                "CITYDIP_SECRET_KEY": "load-benchmark-secret-key",
                "CITYDIP_DATABASE_URL": args.database_url,
                # every reader signs in as the demo user from 127.0.0.1 at once: a sign-in in flight counts
                "CITYDIP_LOGIN_MAX_FAILURES": "1000",
                "CITYDIP_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
            }
        )
        t0 = time.perf_counter()
        token = prepare(env)
        result["setup_seconds"] = round(time.perf_counter() - t0, 1)
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start_server(env, port, log)
        base = f"http://127.0.0.1:{port}"
        try:
            level(base, token, 1, 1, 1.0, 20)  # warm-up (search model, templates)
            runs: list[dict[str, Any]] = []
            for n in levels:
                runs.append(
                    {"scenario": f"{n} writers", **level(base, token, 0, n, args.seconds, args.max_requests)}
                )
            for n in levels:
                runs.append(
                    {"scenario": f"{n} readers", **level(base, token, n, 0, args.seconds, args.max_requests)}
                )
            runs.append(
                {
                    "scenario": f"{mix_readers} readers + {mix_writers} writers",
                    **level(base, token, mix_readers, mix_writers, args.seconds, args.max_requests),
                }
            )
            result["levels"] = runs
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        text = log.read_text(errors="replace")
        if args.server_log:
            args.server_log.write_text(text)
        result["server_log_tracebacks"] = text.count("Traceback")
        result["server_unhandled_errors"] = text.count("unhandled error")
        result["server_log_warnings"] = [line for line in text.splitlines() if "WARNING" in line][:10]
    result["total_errors"] = sum(r["errors"] for r in result["levels"])
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2))
    return 0 if result["total_errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
