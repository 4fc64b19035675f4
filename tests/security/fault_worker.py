"""A separate process for the fault tests: seed, import, enrol in a loop, or check invariants.

    python -m tests.security.fault_worker MODE   (FAULT_DATABASE_URL names the database)

The parent test kills `import` and `burst` with SIGKILL part-way and then runs `check`.
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import timedelta

from sqlalchemy import func, select, text

from academy.dates import local_today

IMPORT_ROWS = 10_000
IMPORT_DOMAIN = "@import.fault.example"
BURST_TRAINEES = 40
BURST_COHORTS = 3
BURST_CAPACITY = 5


def _app():
    from academy import create_app

    url = os.environ["FAULT_DATABASE_URL"]
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "ACADEMY_OUTBOX": ""})


def seed(create: bool) -> None:
    from academy.auth.models import TraineeProfile, User, UserRole
    from academy.cohorts.models import Cohort
    from academy.courses.models import Course, Lesson, Track
    from academy.extensions import db

    if create:
        db.create_all()
    track = Track(slug="fault", name="Fault")
    db.session.add(track)
    db.session.flush()
    course = Course(slug="fault-course", title="Fault", track_id=track.id, level="beginner",
                    hours=1, language="en", summary="s", description_html="")  # fmt: skip
    db.session.add(course)
    db.session.flush()
    db.session.add(Lesson(course_id=course.id, slug="l1", position=1, title="L1", body_html=""))
    start = local_today()
    for n in range(BURST_COHORTS + 1):
        capacity = IMPORT_ROWS if n == 0 else BURST_CAPACITY
        db.session.add(
            Cohort(
                code=f"F{n}",
                name=f"Fault {n}",
                course_id=course.id,
                start_on=start,
                end_on=start + timedelta(days=30),
                capacity=capacity,
                policy="open",
                delivery="online",
            )  # fmt: skip
        )
    for n in range(BURST_TRAINEES):
        user = User(email=f"burst{n}@fault.example", name=f"Burst {n}")
        user.role_rows = [UserRole(role="trainee")]
        user.profile = TraineeProfile(kind="student", region="other", consent_share=False)
        db.session.add(user)
    db.session.commit()


def run_import(count: int = IMPORT_ROWS) -> None:
    from academy.cohorts import imports
    from academy.cohorts.models import Cohort
    from academy.extensions import db

    cohort = db.session.scalar(select(Cohort).where(Cohort.code == "F0"))
    rows = "".join(f"p{n}{IMPORT_DOMAIN},Person {n},student,other,,no\n" for n in range(count))
    csv_text = ",".join(imports.HEADER) + "\n" + rows
    imports.apply(None, csv_text, cohort, progress=lambda line: print(line, flush=True))
    db.session.commit()
    print("committed", flush=True)


def burst(seed_value: int) -> None:
    from academy.auth.models import User
    from academy.cohorts.models import Cohort
    from academy.enrolments import service
    from academy.enrolments.models import Enrolment
    from academy.errors import DomainError
    from academy.extensions import db

    rng = random.Random(seed_value)
    cohort_ids = list(db.session.scalars(select(Cohort.id).where(Cohort.code != "F0")))
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like("burst%"))))
    done = 0
    while True:
        cohort = db.session.get(Cohort, rng.choice(cohort_ids))
        user = db.session.get(User, rng.choice(user_ids))
        existing = db.session.scalar(
            select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id)
        )
        try:
            if existing is not None and existing.status in ("enrolled", "waitlisted"):
                service.withdraw(None, existing, "fault test")
            else:
                service.enrol(None, cohort, user)
            db.session.commit()
        except DomainError:
            db.session.rollback()
        done += 1
        print(done, flush=True)


def check() -> dict:
    from academy.auth.models import User
    from academy.cohorts.models import Cohort
    from academy.enrolments.models import SEATED, Enrolment, EnrolmentEvent
    from academy.extensions import db

    imported = db.session.scalar(
        select(func.count(User.id)).where(User.email.like(f"%{IMPORT_DOMAIN}"))
    )
    cohorts = []
    for cohort in db.session.scalars(select(Cohort).order_by(Cohort.code)):
        seated = db.session.scalar(
            select(func.count(Enrolment.id)).where(
                Enrolment.cohort_id == cohort.id, Enrolment.status.in_(SEATED)
            )
        )
        cohorts.append(
            {
                "code": cohort.code,
                "capacity": cohort.capacity,
                "seats_taken": cohort.seats_taken,
                "seated": seated,
            }  # fmt: skip
        )
    without_history = db.session.scalar(
        select(func.count(Enrolment.id)).where(
            ~select(EnrolmentEvent.id).where(EnrolmentEvent.enrolment_id == Enrolment.id).exists()
        )
    )
    result = {
        "imported_users": imported,
        "enrolments": db.session.scalar(select(func.count(Enrolment.id))),
        "events": db.session.scalar(select(func.count(EnrolmentEvent.id))),
        "cohorts": cohorts,
        "enrolments_without_history": without_history,
    }
    if db.engine.dialect.name == "sqlite":
        result["integrity"] = db.session.execute(text("PRAGMA integrity_check")).scalar()
    return result


def main(mode: str) -> None:
    from academy.extensions import db

    app = _app()
    with app.app_context():
        if mode in ("seed", "seed-create"):
            seed(create=mode == "seed-create")
        elif mode.startswith("import"):
            run_import(int(mode.removeprefix("import") or IMPORT_ROWS))
        elif mode.startswith("burst"):
            burst(int(mode.removeprefix("burst") or 0))
        elif mode == "check":
            print(json.dumps(check()))
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
