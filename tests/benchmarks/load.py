"""A bounded HTTP load client: a few processes of a few threads, a fixed request count.

Latency is measured per request on the client; the server's X-Query-Count header gives the SQL
statements each response ran.

`measure` keeps a fixed number of requests in flight, so it finds the most the server can
serve; its latencies are then mostly time spent queueing behind the other requests in flight.
`paced` sends requests at a set rate whatever the answers' speed (open loop), as users arriving
do, and counts each request's latency from the moment it was due to be sent: if the client
could not send it on time because the server was behind, that wait is part of its latency.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import requests


@dataclass
class Target:
    name: str
    method: str
    path: str
    headers: dict
    json: dict | None = None


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    queries: int | None
    errors: int
    alone_p50_ms: float | None = None  # with one request in flight
    alone_p95_ms: float | None = None
    # GET /healthz measured just before and just after this endpoint.
    ceiling_around: tuple[float, float] | None = None
    paced: Result | None = None  # the same endpoint paced at the rate its target names
    server_cpu_ms: float | None = None  # the server side's processor time per request

    @property
    def ceiling_rps(self) -> float | None:
        return sum(self.ceiling_around) / 2 if self.ceiling_around else None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _send(session: requests.Session, base: str, target: Target) -> requests.Response:
    response = session.request(
        target.method, base + target.path, headers=target.headers, json=target.json, timeout=30
    )
    _ = response.content  # read the whole (possibly streamed) body
    return response


def _in_threads(run, threads: int) -> None:
    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def _in_processes(worker, base: str, target: Target, shares: list, threads: int) -> list:
    """worker(base, target, share, threads) in a process per share; their results."""
    with ProcessPoolExecutor(len(shares)) as pool:
        return list(
            pool.map(
                worker,
                [base] * len(shares),
                [target] * len(shares),
                shares,
                [threads] * len(shares),
            )
        )


def _worker(base: str, target: Target, count: int, threads: int) -> tuple[list[float], int, set]:
    latencies: list[float] = []
    errors = 0
    queries: set[str] = set()
    lock = threading.Lock()
    per_thread = max(1, count // threads)

    def run():
        nonlocal errors
        session = requests.Session()
        mine, bad, seen = [], 0, set()
        for _ in range(per_thread):
            started = time.perf_counter()
            response = _send(session, base, target)
            mine.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 400:
                bad += 1
            seen.add(response.headers.get("X-Query-Count", "?"))
        with lock:
            latencies.extend(mine)
            queries.update(seen)
            errors += bad

    _in_threads(run, threads)
    return latencies, errors, queries


def _summary(name: str, parts: list, seconds: float) -> Result:
    latencies = sorted(x for part in parts for x in part[0])
    queries = {q for part in parts for q in part[2]}
    numeric = [int(q) for q in queries if q.isdigit()]
    return Result(
        name=name,
        requests=len(latencies),
        seconds=seconds,
        p50_ms=statistics.median(latencies),
        p95_ms=latencies[int(len(latencies) * 0.95) - 1],
        queries=max(numeric) if numeric else None,
        errors=sum(part[1] for part in parts),
    )


def measure(
    base: str,
    target: Target,
    count: int,
    processes: int = 2,
    threads: int = 4,
    meter: Callable[[], float] | None = None,
) -> Result:
    """Send `count` requests (plus a short warm-up) and summarise them.

    meter: processor seconds the server has used so far (tests/benchmarks/processes.py), read
    before and after the counted requests to give their server time per request.
    """
    _worker(base, target, 10, 2)
    used = meter() if meter else None
    started = time.perf_counter()
    parts = _in_processes(_worker, base, target, [count // processes] * processes, threads)
    result = _summary(target.name, parts, time.perf_counter() - started)
    if meter and result.requests:
        result.server_cpu_ms = (meter() - used) * 1000 / result.requests
    return result


def _paced_worker(
    base: str, target: Target, due: list[float], threads: int
) -> tuple[list[float], int, set]:
    """Send one request at each time in `due` (time.monotonic, shared by all processes)."""
    latencies: list[float] = []
    errors = 0
    queries: set[str] = set()
    lock = threading.Lock()
    pending = iter(due)

    def run():
        nonlocal errors
        session = requests.Session()
        while True:
            with lock:
                when = next(pending, None)
            if when is None:
                return
            time.sleep(max(0.0, when - time.monotonic()))
            response = _send(session, base, target)
            latency = (time.monotonic() - when) * 1000
            with lock:
                latencies.append(latency)
                queries.add(response.headers.get("X-Query-Count", "?"))
                errors += response.status_code >= 400

    _in_threads(run, threads)
    return latencies, errors, queries


def paced(
    base: str, target: Target, rate: float, seconds: float, processes: int = 2, threads: int = 8
) -> Result:
    """Send requests at `rate` a second for `seconds`, evenly spaced, and summarise them.

    Up to processes × threads requests can be in flight, far more than the server needs when
    it keeps up with the rate; when it does not, the late requests' wait counts.
    """
    _worker(base, target, 10, 2)
    count = max(1, round(rate * seconds))
    start = time.monotonic() + 0.5  # time for the processes to start
    due = [start + i / rate for i in range(count)]
    shares = [due[i::processes] for i in range(processes)]
    parts = _in_processes(_paced_worker, base, target, shares, threads)
    return _summary(target.name, parts, time.monotonic() - start)
