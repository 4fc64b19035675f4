"""The command line run as an operator runs it: a separate process on a given database."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def flask(*args, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "ACADEMY_ENV": "development"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
