"""The benchmark's academies, and the two bulk jobs the targets time as people run them.

`build` makes the synthetic academy (`academy demo --scale`: 25,000 trainees in under a minute
on SQLite); `time_import` imports 10,000 new trainees into a cohort from a CSV
(`academy import trainees FILE --cohort ID`: under 15 s). Both run the command in a process of
its own, start-up included, as from a shell.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("ACADEMY_BENCH_DIR", "/tmp/academy-bench"))
PG_ADMIN = "postgresql://postgres@127.0.0.1/postgres"
IMPORT_SIZE = 10_000


def flask(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "ACADEMY_ENV": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _fresh_database(database: str, scale: int) -> str:
    if database == "sqlite":
        path = WORK / f"bench-{scale}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = f"academy_bench_{scale}"
    subprocess.run(
        [
            "psql",
            PG_ADMIN,
            "-q",
            "-c",
            f"DROP DATABASE IF EXISTS {name}",
            "-c",
            f"CREATE DATABASE {name}",
        ],
        check=True,
    )
    return f"postgresql+psycopg://postgres@127.0.0.1/{name}"


def build(database: str, scale: int) -> tuple[str, float]:
    """A new academy of `scale` trainees: (its database URL, seconds the demo command took)."""
    WORK.mkdir(parents=True, exist_ok=True)
    url = _fresh_database(database, scale)
    flask(url, "db", "upgrade")
    started = time.perf_counter()
    flask(url, "academy", "demo", "--scale", str(scale))
    seconds = time.perf_counter() - started
    print(f"  built {database} academy of {scale:,} trainees in {seconds:.0f} s")
    return url, seconds


def trainee_csv(path: Path, count: int, tag: str) -> None:
    """`count` new trainees in the importer's format, their emails unique by `tag`."""
    # Here, not at the top: the app's settings are read when it is first imported, and the
    # benchmark sets them (DATABASE_URL) only once it knows the database.
    from academy.auth.models import KINDS, REGIONS
    from academy.cohorts.import_rows import HEADER

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(count):
            writer.writerow(
                (
                    f"imported-{tag}-{i}@bench.example",
                    f"Imported Trainee {i}",
                    KINDS[i % len(KINDS)],
                    REGIONS[i % len(REGIONS)],
                    "Bench Partner Ltd" if i % 3 else "",
                    "yes" if i % 4 else "no",
                )
            )


@contextmanager
def academy(url: str):
    """The app on the academy at `url`, its connections closed afterwards."""
    from academy import create_app
    from academy.extensions import db

    with create_app({"SQLALCHEMY_DATABASE_URI": url}).app_context():
        try:
            yield db.session
        finally:
            db.session.remove()
            db.engine.dispose()


def _new_cohort(url: str, size: int) -> int:
    """A new cohort with room for `size`, of the course with the most cohorts."""
    from sqlalchemy import func, select

    from academy.auth.service import find_user
    from academy.cohorts.models import Cohort
    from academy.cohorts.service import create_cohort
    from academy.courses.models import Course
    from academy.dates import local_today

    with academy(url) as session:
        course_id = session.scalar(
            select(Cohort.course_id).group_by(Cohort.course_id).order_by(func.count().desc())
        )
        number = session.scalar(select(func.count()).select_from(Cohort)) + 1
        cohort = create_cohort(
            find_user("admin@academy.example"),
            code=f"BENCH-IMPORT-{number}",
            name=f"Imported cohort {number}",
            course=session.get(Course, course_id),
            start_on=local_today(),
            end_on=local_today() + timedelta(days=60),
            capacity=size,
        )
        session.commit()
        return cohort.id


def _seats_taken(url: str, cohort_id: int) -> int:
    from academy.cohorts.models import Cohort

    with academy(url) as session:
        return session.get(Cohort, cohort_id).seats_taken


def time_import(url: str, size: int = IMPORT_SIZE) -> float:
    """Seconds `academy import trainees` takes to create and enrol `size` new trainees."""
    cohort_id = _new_cohort(url, size)
    path = WORK / f"import-{cohort_id}.csv"
    trainee_csv(path, size, tag=str(cohort_id))
    started = time.perf_counter()
    flask(url, "academy", "import", "trainees", str(path), "--cohort", str(cohort_id))
    seconds = time.perf_counter() - started
    path.unlink()
    enrolled = _seats_taken(url, cohort_id)
    if enrolled != size:
        raise RuntimeError(f"the import enrolled {enrolled} trainees, not {size}")
    print(f"  imported {size:,} trainees into a cohort in {seconds:.1f} s")
    return seconds
