"""`make bench`: build a 25,000-trainee academy, serve it with gunicorn, measure the busy pages.

    python -m tests.benchmarks.run [--scale 25000] [--databases sqlite,postgresql] [--workers 4]

Prints, per endpoint: requests per second, p50 and p95 latency, SQL statements per request,
the server's processor time per request (gunicorn's workers and, on PostgreSQL, the database
server: the load client left out), and throughput as a fraction of GET /healthz; writes the
tables to docs/performance-latest.md.

Each endpoint with a target is also sent requests at the rate its target names (its share of
/healthz's rate, measured around it) for PACED_SECONDS, and that run's p95 is reported: the
latency users see while the academy serves that much of the traffic, which the saturated run
(eight requests always in flight on two cores) does not show.

The bulk jobs the targets name are timed too (tests/benchmarks/bulk.py): building the
synthetic academy, and, once the pages are measured, importing 10,000 trainees.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.benchmarks.bulk import IMPORT_SIZE, ROOT, WORK, academy, build, time_import
from tests.benchmarks.load import Result, Target, measure, paced
from tests.benchmarks.processes import server_meter
from tests.benchmarks.rebuild import rebuild_costs, rebuild_table

PASSWORD = "bench-password-2026"
PACED_SECONDS = 10


def prepare(url: str) -> dict:
    """Pick the people and records to measure with; give them passwords and tokens."""
    os.environ["DATABASE_URL"] = url
    from flask import current_app
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from academy.auth.models import User
    from academy.auth.service import create_token, find_user
    from academy.cohorts.models import Cohort, cohort_instructors
    from academy.courses.models import Lesson
    from academy.dates import local_today
    from academy.enrolments.models import Enrolment
    from academy.progress.models import CompletionRecord

    with academy(url) as session:
        trainee = find_user("trainee@academy.example")
        manager = find_user("manager@academy.example")
        partner = find_user("partner@academy.example")
        enrolment = session.scalar(
            select(Enrolment).where(Enrolment.user_id == trainee.id).limit(1)
        )
        cohort = session.get(Cohort, enrolment.cohort_id)
        lesson = session.scalar(
            select(Lesson).where(Lesson.course_id == cohort.course_id).order_by(Lesson.position)
        )
        # A full cohort of 100; in a small academy (a quick run) the fullest there is.
        big = session.scalar(select(Cohort).order_by(Cohort.seats_taken.desc(), Cohort.id).limit(1))
        instructor = session.get(
            User,
            session.scalar(
                select(cohort_instructors.c.user_id).where(cohort_instructors.c.cohort_id == big.id)
            ),
        )
        instructor.password_hash = generate_password_hash(PASSWORD)
        busiest_year = session.execute(
            select(func.extract("year", CompletionRecord.completed_on).label("y"), func.count())
            .group_by("y")
            .order_by(func.count().desc())
            .limit(1)
        ).first()
        facts = {
            # The app's year (its time zone's), which the dashboard shows by default.
            "year": local_today().year,
            "export_year": int(busiest_year[0]),
            "export_rows": busiest_year[1],
            "enrolment": enrolment.id,
            "lesson": lesson.slug,
            "cohort": big.id,
            "partner": partner.partner_id,
            "tokens": {
                name: create_token(None, user, "bench")
                for name, user in {
                    "trainee": trainee,
                    "manager": manager,
                    "partner": partner,
                    "instructor": instructor,
                }.items()
            },
            "emails": {
                "trainee": trainee.email,
                "manager": manager.email,
                "partner": partner.email,
                "instructor": instructor.email,
            },
            "passwords": {"instructor": PASSWORD},
        }
        session.commit()
        routes = {rule.endpoint: rule.rule for rule in current_app.url_map.iter_rules()}
    facts["routes"] = routes
    return facts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ACADEMY_ENV": "development",
        "SECRET_KEY": "benchmark-secret",
        "ACADEMY_QUERY_HEADER": "1",
    }
    log = open(WORK / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(base + "/healthz", timeout=2).ok:
                return server, base
        except requests.RequestException:
            # Refused before the socket is bound, or a timeout while workers still boot.
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start; see " + str(WORK / "gunicorn.log"))


def sign_in(base: str, email: str, password: str) -> dict:
    session = requests.Session()
    page = session.get(base + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    response = session.post(
        base + "/login",
        allow_redirects=False,
        data={"email": email, "password": password, "csrf_token": token.group(1)},
    )
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")
    # Signing in starts a fresh session; the first page after it adds the CSRF token and sends
    # the cookie again. A browser keeps that cookie; measuring with the one from the sign-in
    # would make every page store a new token and sign a new cookie, as no browser makes it.
    session.get(urljoin(base + "/", response.headers["Location"]))
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in session.cookies.items())}


# The dashboard again, while trainees write lesson progress, as they do all day.
WHILE_STUDYING = "manager: dashboard, trainees studying"
WRITES_PER_SECOND = 2


def progress_submission(facts: dict) -> tuple[str, dict, dict]:
    """(path, headers, body) of the trainee's lesson-progress POST."""
    return (
        f"/api/v1/enrolments/{facts['enrolment']}/progress",
        {"Authorization": f"Bearer {facts['tokens']['trainee']}"},
        {"lesson": facts["lesson"]},
    )


@contextmanager
def studying(base: str, facts: dict):
    """Trainees submitting lesson progress in the background, WRITES_PER_SECOND a second.

    Yields a list that holds, once the block is left, the status of every submission.
    """
    stop = threading.Event()
    path, headers, body = progress_submission(facts)
    statuses: list[int] = []

    def submit():
        session = requests.Session()
        while not stop.wait(1 / WRITES_PER_SECOND):
            response = session.post(base + path, headers=headers, json=body, timeout=30)
            statuses.append(response.status_code)

    writer = threading.Thread(target=submit, daemon=True)
    writer.start()
    try:
        yield statuses
    finally:
        stop.set()
        writer.join()


# The targets: (share of /healthz's throughput, p95 in ms).
GOALS = {
    "trainee: lesson page": (2 / 5, 25),
    "instructor: roster of a 100-person cohort": (1 / 20, 50),
    "manager: headcount dashboard": (1 / 5, 50),
    WHILE_STUDYING: (1 / 5, 50),
    "GET /api/v1/headcount": (1 / 5, 50),
}


def targets(base: str, facts: dict) -> list[tuple[Target, int, tuple[int, int]]]:
    bearer = {k: {"Authorization": f"Bearer {v}"} for k, v in facts["tokens"].items()}
    demo = "academy-demo-2026"
    cookie = {
        "trainee": sign_in(base, facts["emails"]["trainee"], demo),
        "manager": sign_in(base, facts["emails"]["manager"], demo),
        "partner": sign_in(base, facts["emails"]["partner"], demo),
        "instructor": sign_in(base, facts["emails"]["instructor"], PASSWORD),
    }
    routes, year, cohort = facts["routes"], facts["year"], facts["cohort"]
    wanted = [
        ("GET /healthz", "GET", "/healthz", {}, None, 3000),
        ("trainee: my learning", "GET", "/learning", cookie["trainee"], None, 400),
        (
            "trainee: lesson page",
            "GET",
            f"/learning/{facts['enrolment']}/{facts['lesson']}",
            cookie["trainee"],
            None,
            600,
        ),
        ("trainee: progress submission (API)", "POST", *progress_submission(facts), 400),
        (
            "instructor: roster of a 100-person cohort",
            "GET",
            routes.get("cohorts.roster", "").replace("<int:cohort_id>", str(cohort)),
            cookie["instructor"],
            None,
            300,
        ),
        (
            "GET /api/v1/cohorts/<id>/roster (100)",
            "GET",
            f"/api/v1/cohorts/{cohort}/roster",
            bearer["instructor"],
            None,
            300,
        ),
        (
            "manager: headcount dashboard",
            "GET",
            f"/dashboard?year={year}",
            cookie["manager"],
            None,
            300,
        ),
        (
            WHILE_STUDYING,
            "GET",
            f"/dashboard?year={year}",
            cookie["manager"],
            None,
            300,
        ),
        (
            "GET /api/v1/headcount",
            "GET",
            f"/api/v1/headcount?year={year}",
            bearer["manager"],
            None,
            600,
        ),
        (
            "partner: portal report",
            "GET",
            routes.get("partners.portal", ""),
            cookie["partner"],
            None,
            300,
        ),
        (
            "GET /api/v1/partners/<id>/talent-supply",
            "GET",
            f"/api/v1/partners/{facts['partner']}/talent-supply?year={year}",
            bearer["partner"],
            None,
            300,
        ),
        (
            "roster CSV export (100)",
            "GET",
            f"/api/v1/cohorts/{cohort}/roster?format=csv",
            bearer["instructor"],
            None,
            200,
        ),
        (
            f"full-year completions CSV ({facts['export_rows']:,} rows)",
            "GET",
            routes.get("reporting.completions_export", "").replace(
                "<int:year>", str(facts["export_year"])
            ),
            cookie["manager"],
            None,
            10,
        ),
    ]
    # The export is measured one download at a time: its target is how long one takes.
    return [
        (Target(name, method, path, headers, body), count, (1, 1) if count <= 10 else (2, 4))
        for name, method, path, headers, body, count in wanted
        if path
    ]


def run_database(database: str, scale: int, workers: int) -> tuple[list[Result], dict, dict]:
    """The endpoints' results, the bulk jobs' seconds and the reports' rebuild ms, by name."""
    print(f"== {database}")
    url, demo_seconds = build(database, scale)
    facts = prepare(url)
    server, base = serve(url, workers)
    results = []
    try:
        measured = targets(base, facts)
        meter = server_meter(server.pid, database)
        healthz = measured[0][0]
        for target, count, (processes, threads) in measured:
            bracketed = target is not healthz and processes * threads > 1
            # The machine's speed drifts by a fifth within a minute (shared virtual cores): each
            # share is taken against /healthz measured just before and just after the endpoint.
            before = measure(base, healthz, 1500, processes, threads).rps if bracketed else None
            writes = studying(base, facts) if target.name == WHILE_STUDYING else nullcontext([])
            with writes as statuses:
                result = measure(base, target, count, processes, threads, meter)
                if bracketed:
                    after = measure(base, healthz, 1500, processes, threads).rps
                    result.ceiling_around = (before, after)
                if processes * threads > 1:
                    # The same endpoint with one request in flight: its latency without queueing.
                    alone = measure(base, target, min(count, 200), 1, 1)
                    result.alone_p50_ms, result.alone_p95_ms = alone.p50_ms, alone.p95_ms
                    result.errors += alone.errors
                if result.ceiling_rps and target.name in GOALS:
                    share, _ = GOALS[target.name]
                    result.paced = paced(base, target, share * result.ceiling_rps, PACED_SECONDS)
                    result.errors += result.paced.errors
            # A failed background write is an error of the row it was meant to load.
            result.errors += sum(1 for status in statuses if status >= 400)
            results.append(result)
            pace = result.paced
            print(
                f"  {result.name:48} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  "
                f"p95 {result.p95_ms:7.1f} ms  alone p95 {result.alone_p95_ms or 0:6.1f} ms  "
                + (
                    f"paced {pace.rps:5.0f} req/s ({_load(result)}) p95 {pace.p95_ms:6.1f} ms  "
                    if pace
                    else ""
                )
                + f"queries {result.queries}  errors {result.errors}"
                + f"  server CPU {_ms(result.server_cpu_ms)} ms"
                + (f"  /healthz before, after {_around(result)}" if result.ceiling_around else "")
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    # Before the import, which adds trainees to the academy the pages were measured on.
    rebuilt = rebuild_costs(url, facts["year"], facts["partner"])
    print(rebuild_table(rebuilt))
    jobs = {
        f"synthetic academy of {scale:,} trainees (`academy demo --scale`)": demo_seconds,
        f"import of {IMPORT_SIZE:,} trainees (`academy import trainees`)": time_import(url),
    }
    return results, jobs, rebuilt


def _ms(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


def _around(result: Result) -> str:
    return "{:.0f}, {:.0f}".format(*result.ceiling_around) if result.ceiling_around else "-"


def _load(result: Result) -> str:
    """The paced rate as a share of what the endpoint served with 8 in flight: past about
    three quarters, requests queue and the paced p95 grows fast."""
    return f"{result.paced.rps / result.rps:.0%}" if result.paced and result.rps else "-"


def table(results: list[Result]) -> str:
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | alone: p50 ms | alone: p95 ms | SQL per request "
        "| server CPU ms per request | /healthz before, after: req/s | share of /healthz "
        "| paced at the target share: req/s | paced: of req/s at 8 in flight "
        "| paced: p95 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ceiling = r.ceiling_rps or results[0].rps
        share = f"1/{ceiling / r.rps:.1f}" if r.rps else "-"
        lines.append(
            f"| {r.name} | {r.rps:.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
            f"{_ms(r.alone_p50_ms)} | {_ms(r.alone_p95_ms)} | "
            f"{r.queries if r.queries is not None else '-'} | {_ms(r.server_cpu_ms)} | "
            f"{_around(r)} | {share} | "
            f"{f'{r.paced.rps:.0f}' if r.paced else '-'} | {_load(r)} | "
            f"{_ms(r.paced and r.paced.p95_ms)} | {r.errors} |"
        )
    return "\n".join(lines)


def jobs_table(jobs: dict) -> str:
    lines = ["| bulk job, timed as run from a shell | seconds |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in jobs.items()]
    return "\n".join(lines)


def _cpu() -> str:
    """The processor's model name: results differ a lot between the machines one gets."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=25_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--write", default=str(ROOT / "docs" / "performance-latest.md"))
    args = parser.parse_args()
    sections = []
    for database in args.databases.split(","):
        results, jobs, rebuilt = run_database(database, args.scale, args.workers)
        tables = f"{table(results)}\n\n{rebuild_table(rebuilt)}\n\n{jobs_table(jobs)}"
        sections.append(f"### {database}, {args.workers} gunicorn workers\n\n{tables}\n")
        print()
        print(tables)
    header = (
        f"# Benchmark run {date.today()}\n\nMachine: {_cpu()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. Scale: {args.scale:,} "
        "trainees over five programme years (`academy demo --scale`). Client: "
        "`tests/benchmarks/load.py` (2 processes × 4 threads; the full-year export one "
        'request at a time) on the same machine; "alone" is the same endpoint measured again '
        "with one request in flight; server CPU is the processor time gunicorn and, on "
        "PostgreSQL, the database server used per request of the first measurement (from "
        "/proc); each share is against the mean of `/healthz` measured "
        'just before and just after that endpoint; "paced" is the endpoint sent requests at '
        f"the rate its target names (that share of `/healthz`'s rate) for {PACED_SECONDS} s, "
        "open loop.\n\n"
    )
    Path(args.write).write_text(header + "\n".join(sections))
    print(f"\nwritten to {args.write}")


if __name__ == "__main__":
    main()
