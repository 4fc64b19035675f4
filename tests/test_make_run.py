"""`make run PORT=N` serves on N, and the links it mails and prints on certificates say so."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _serve_line(*args: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "ACADEMY_BASE_URL"} | env
    planned = subprocess.run(
        ["make", "--dry-run", "run", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return next(line for line in planned.stdout.splitlines() if " run --host " in line)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_points_links_at_the_port_it_serves():
    assert _serve_line().startswith('ACADEMY_BASE_URL="http://127.0.0.1:5000" ')
    line = _serve_line("PORT=5011")
    assert line.startswith('ACADEMY_BASE_URL="http://127.0.0.1:5011" ')
    assert line.endswith("--port 5011")
    public = _serve_line("PORT=5011", ACADEMY_BASE_URL="https://academy.example.org")
    assert public.startswith('ACADEMY_BASE_URL="https://academy.example.org" ')
