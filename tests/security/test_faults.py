"""Kill the process with SIGKILL in the middle of an import and of an enrolment burst: the
database stays consistent (all-or-nothing import, seat counters true, history complete)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(url: str) -> dict:
    return {**os.environ, "FAULT_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}


def _run(mode: str, url: str, timeout: float = 60) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.security.fault_worker", mode],
        cwd=ROOT, env=_env(url), capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _start(mode: str, url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.security.fault_worker", mode],
        cwd=ROOT, env=_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _kill_when(process: subprocess.Popen, ready, timeout: float = 60) -> list[str]:
    """Read the worker's progress lines; SIGKILL it as soon as ready(lines) holds."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if ready(lines):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=10)
    errors = process.stderr.read().strip().splitlines()[-8:]
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL, (lines[-5:], process.returncode, errors)
    return lines


@pytest.fixture
def fault_url(database_url, tmp_path):
    """A SQLite file of its own; on PostgreSQL the test database (emptied after each test)."""
    if database_url.startswith("postgresql"):
        _run("seed", database_url)
        return database_url
    url = f"sqlite:///{tmp_path / 'fault.db'}"
    _run("seed-create", url)
    return url


def _consistent(state: dict) -> None:
    for cohort in state["cohorts"]:
        assert cohort["seats_taken"] == cohort["seated"], cohort
        assert cohort["seated"] <= cohort["capacity"], cohort
    assert state["enrolments_without_history"] == 0
    assert state.get("integrity", "ok") == "ok"


@pytest.mark.slow
def test_killed_in_the_middle_of_an_import_leaves_nothing_half_done(fault_url):
    worker = _start("import", fault_url)
    lines = _kill_when(worker, lambda seen: seen[-1].startswith("Created 5000"))
    assert "committed" not in lines
    state = json.loads(_run("check", fault_url))
    assert state["imported_users"] == 0
    assert state["enrolments"] == 0
    _consistent(state)

    # The database is not left locked or damaged: an import now goes through whole.
    assert "committed" in _run("import1000", fault_url)
    state = json.loads(_run("check", fault_url))
    assert state["imported_users"] == 1000
    _consistent(state)


@pytest.mark.slow
def test_killed_in_the_middle_of_an_enrolment_burst_keeps_seats_and_history_true(fault_url):
    workers = [_start(f"burst{n}", fault_url) for n in range(3)]
    try:
        counts = [_kill_when(worker, lambda seen: len(seen) >= 60) for worker in workers]
    finally:  # a worker that failed must not leave the others writing into the clean-up
        for worker in workers:
            worker.kill()
            worker.wait(timeout=10)
    assert all(len(lines) >= 60 for lines in counts)
    state = json.loads(_run("check", fault_url))
    assert state["enrolments"] > 0 and state["events"] >= state["enrolments"]
    _consistent(state)
