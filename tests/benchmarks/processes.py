"""Processor time spent on the server's side of a benchmark: gunicorn and the database server.

Read from the kernel's accounts (`/proc/<pid>/stat`, Linux only). The load client shares the
machine's two cores and costs about as much per request as `/healthz` does, so requests per
second mix the page's cost with the client's; the server's processor time per request is the
page's own (with PostgreSQL's work for it), and drifts far less between runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int | str) -> tuple[str, list[str]] | None:
    """(command name, the fields after it) of a process; None once it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The name is in parentheses and may itself hold spaces or parentheses.
    name = text[text.index("(") + 1 : text.rindex(")")]
    return name, text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """User and system time the process has used so far; 0 once it is gone."""
    stat = _stat(pid)
    if stat is None:
        return 0.0
    fields = stat[1]
    return (int(fields[11]) + int(fields[12])) / TICKS


def _processes() -> list[tuple[int, str, int]]:
    """(pid, name, parent pid) of every process there is."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(entry.name)) is not None:
            found.append((int(entry.name), stat[0], int(stat[1][1])))
    return found


def server_meter(server_pid: int, database: str) -> Callable[[], float] | None:
    """A function giving the processor seconds used so far by the server process, its workers
    and, on PostgreSQL, the database server's processes; None where /proc is not there.

    The processes are looked up at each reading, so a worker or backend that starts between two
    readings counts from its start; one that ends between them takes its time with it.
    """
    if not (PROC / "self" / "stat").exists():
        return None

    def seconds() -> float:
        everyone = _processes()
        mine = {server_pid} | {pid for pid, _name, parent in everyone if parent == server_pid}
        if database == "postgresql":
            mine |= {pid for pid, name, _parent in everyone if name == "postgres"}
        return sum(cpu_seconds(pid) for pid in mine)

    return seconds
