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


def _processes() -> list[tuple[int, str, int, float]]:
    """(pid, command name, parent pid, processor seconds used) of every process there is."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:  # gone since the listing
            continue
        # The name is in parentheses and may itself hold spaces or parentheses.
        close = text.rindex(")")
        fields = text[close + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / TICKS  # user and system time
        found.append((int(entry.name), text[text.index("(") + 1 : close], int(fields[1]), used))
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
        return sum(
            used
            for pid, name, parent, used in _processes()
            if server_pid in (pid, parent) or (database == "postgresql" and name == "postgres")
        )

    return seconds
