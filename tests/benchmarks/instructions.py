"""Instructions per request, counted by valgrind's callgrind: a figure that does not drift.

    python -m tests.benchmarks.instructions [--requests 30] [--page NAME ...]

Requests per second on a shared two-core machine drift by a fifth within minutes, more than
most single changes are worth. The number of instructions a request executes repeats to a
few parts in a thousand, so a change's effect on a page can be read even when it is smaller
than that noise. Each page is served in-process through the Flask test client (no gunicorn,
no network, no load client): the count is the app's own work, Flask and its extensions,
SQLAlchemy, SQLite and the template. Each page runs twice under callgrind, once with a few
requests and once with `--requests` more, and the difference is divided by that number, so
start-up and warm-up cancel out.

Needs valgrind, and the SQLite academy that `make bench` builds in ACADEMY_BENCH_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

from tests.benchmarks.run import PASSWORD, WORK, prepare

WARM_UP = 10
DEMO_PASSWORD = "academy-demo-2026"


def pages(facts: dict) -> dict[str, tuple[str, str, str]]:
    """name -> (path, email, password); an empty email means no sign-in."""
    roster = facts["routes"]["cohorts.roster"].replace("<int:cohort_id>", str(facts["cohort"]))
    emails = facts["emails"]
    return {
        "healthz": ("/healthz", "", ""),
        "lesson page": (
            f"/learning/{facts['enrolment']}/{facts['lesson']}",
            emails["trainee"],
            DEMO_PASSWORD,
        ),
        "my learning": ("/learning", emails["trainee"], DEMO_PASSWORD),
        "roster of 100": (roster, emails["instructor"], PASSWORD),
        "headcount dashboard": ("/dashboard", emails["manager"], DEMO_PASSWORD),
    }


def serve(url: str, path: str, email: str, password: str, count: int) -> None:
    """In the process valgrind watches: sign in, then request the page count times."""
    os.environ.update(DATABASE_URL=url, ACADEMY_ENV="development", SECRET_KEY="instructions")
    from academy import create_app

    client = create_app({"SQLALCHEMY_DATABASE_URI": url}).test_client()
    if email:
        form = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        data = {"email": email, "password": password, "csrf_token": token}
        if client.post("/login", data=data).status_code != 302:
            raise SystemExit(f"could not sign in as {email}")
    for _ in range(WARM_UP + count):
        if client.get(path).status_code != 200:
            raise SystemExit(f"{path} did not answer 200")


def counted(url: str, page: tuple[str, str, str], count: int) -> int:
    """Instructions the whole process executed, serving the page WARM_UP + count times."""
    path, email, password = page
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "tests.benchmarks.instructions",
        "--serve",
        json.dumps([url, path, email, password, count]),
    ]
    # Hash randomisation would make the two runs' start-up differ.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--page", action="append", help="a page name (default: all)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*json.loads(args.serve))
        return
    url = f"sqlite:///{WORK / 'bench-25000.db'}"
    if not (WORK / "bench-25000.db").exists():
        raise SystemExit(f"no benchmark academy in {WORK}: run `make bench` first")
    chosen = pages(prepare(url))
    for name in args.page or chosen:
        few = counted(url, chosen[name], 0)
        many = counted(url, chosen[name], args.requests)
        print(f"  {name:24} {(many - few) / args.requests / 1e6:8.2f} million instructions")


if __name__ == "__main__":
    main()
