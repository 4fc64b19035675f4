"""The demo academy that `make run` loads: one account per role and a lively year."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from academy.auth import service as auth
from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.courses.models import Course, Lesson
from academy.dates import local_today
from academy.enrolments import service as enrolments
from academy.enrolments.models import Enrolment
from academy.extensions import db, utcnow
from academy.partners.models import Partner
from academy.progress.models import LessonProgress
from academy.progress.service import issue_completion

from .people import person

PASSWORD = "academy-demo-2026"
ACCOUNTS = [
    ("admin@academy.example", "Ada Admin", ["admin"]),
    ("manager@academy.example", "Mandy Manager (Programme)", ["manager"]),
    ("instructor@academy.example", "Dr Ivan Instructor", ["instructor"]),
    ("instructor2@academy.example", "Prof Iris Ho", ["instructor"]),
    ("partner@academy.example", "Pat Partner (Qianhai Fintech Hub)", ["partner"]),
    ("trainee@academy.example", "Tam Trainee", ["trainee"]),
]
PARTNERS = [
    ("Qianhai Fintech Hub", "company"),
    ("University of Hong Kong", "university"),
    ("Futian District Government", "government"),
    ("HK–SZ Robotics Joint Lab", "lab"),
]


def logins() -> list[tuple[str, str, str]]:
    return [(email, PASSWORD, ", ".join(roles)) for email, _name, roles in ACCOUNTS]


def is_loaded() -> bool:
    return db.session.scalar(select(User.id).where(User.email == ACCOUNTS[0][0])) is not None


def load_demo(today: date | None = None) -> dict:
    """Create the demo academy; assumes courses are synced. Flushes; the caller commits."""
    today = today or local_today()
    rng = random.Random(2019)
    courses = {c.slug: c for c in db.session.scalars(select(Course).order_by(Course.id))}
    if not courses:
        raise RuntimeError("Sync courses first: flask --app wsgi academy courses sync")
    lessons: dict[int, list[Lesson]] = {}
    for lesson in db.session.scalars(
        select(Lesson).where(Lesson.retired_at.is_(None)).order_by(Lesson.position)
    ):
        lessons.setdefault(lesson.course_id, []).append(lesson)

    partners = []
    for name, kind in PARTNERS:
        partner = Partner(name=name, kind=kind)
        db.session.add(partner)
        partners.append(partner)
    db.session.flush()

    people = {}
    for email, name, roles in ACCOUNTS:
        people[email] = auth.create_user(
            None,
            email=email,
            name=name,
            roles=roles,
            password=PASSWORD,
            partner_id=partners[0].id if "partner" in roles else None,
            kind="professional",
            region="shenzhen",
            organisation="Qianhai Fintech Hub",
            consent_share=True,
        )
        people[email].email_confirmed_at = utcnow()
    instructors = [people["instructor@academy.example"], people["instructor2@academy.example"]]

    trainees = [auth.create_user(None, roles=["trainee"], **person(rng, n)) for n in range(1, 421)]
    year = today.year
    cohorts = _cohorts(courses, partners, instructors, today)
    db.session.flush()

    # Finished cohorts this year and last: most trainees completed, on dates spread over the run.
    pool = list(trainees)
    rng.shuffle(pool)
    cursor = 0
    for cohort in cohorts:
        size = min(cohort.capacity, {"done": 36, "running": 24, "upcoming": 6}[cohort.state])
        members = pool[cursor : cursor + size]
        cursor = (cursor + size) % (len(pool) - 40)
        course_lessons = lessons.get(cohort.course_id, [])
        for trainee in members:
            enrolment = enrolments.enrol(None, cohort, trainee, "Demo enrolment")
            if enrolment.status != "enrolled":
                continue
            if cohort.state == "done" and rng.random() < 0.82:
                finished = cohort.start_on + timedelta(
                    days=rng.randint(14, max(15, (cohort.end_on - cohort.start_on).days))
                )
                finished = min(finished, today - timedelta(days=1))
                _progress(enrolment, course_lessons, len(course_lessons), finished)
                issue_completion(
                    None,
                    trainee,
                    cohort.course,
                    completed_on=finished,
                    cohort=cohort,
                    enrolment=enrolment,
                    score=rng.randint(62, 100),
                )
            elif cohort.state in ("done", "running"):
                done = rng.randint(0, max(len(course_lessons) - 1, 0))
                _progress(
                    enrolment, course_lessons, done, today - timedelta(days=rng.randint(0, 40))
                )

    me = people["trainee@academy.example"]
    running = next(c for c in cohorts if c.state == "running")
    mine = enrolments.enrol(None, running, me, "Demo enrolment")
    _progress(mine, lessons.get(running.course_id, []), 1, today - timedelta(days=2))
    # A finished course too, so the demo trainee has a certificate to show.
    done = next(c for c in cohorts if c.state == "done" and c.course_id != running.course_id)
    earlier = enrolments.enrol(None, done, me, "Demo enrolment")
    if earlier.status == "enrolled":
        finished = min(done.end_on, today - timedelta(days=1))
        _progress(earlier, lessons.get(done.course_id, []), len(lessons.get(done.course_id, [])),
                  finished)  # fmt: skip
        issue_completion(None, me, done.course, completed_on=finished, cohort=done,
                         enrolment=earlier, score=88)  # fmt: skip
    full = next(c for c in cohorts if c.code.endswith("FULL"))
    for trainee in pool[-12:]:
        enrolments.enrol(None, full, trainee, "Demo enrolment")  # the last few wait
    db.session.flush()
    return {"year": year, "people": len(trainees) + len(ACCOUNTS), "cohorts": len(cohorts)}


def _progress(enrolment: Enrolment, lessons: list[Lesson], count: int, when: date) -> None:
    at = utcnow().replace(year=when.year, month=when.month, day=when.day)
    for lesson in lessons[:count]:
        passed = bool(lesson.quiz)
        db.session.add(
            LessonProgress(
                enrolment_id=enrolment.id,
                lesson_id=lesson.id,
                done_at=at,
                best_score=90 if passed else None,
                quiz_passed=passed,
                last_activity_at=at,
            )
        )


def _cohorts(courses, partners, instructors, today: date) -> list[Cohort]:
    """Cohorts in every state: finished (last year and this), running, upcoming, full, invite."""
    slugs = list(courses)
    plans = []
    for i, slug in enumerate(slugs):
        # Finished runs of each course: three in the last ten months, two the year before.
        for run, months_ago in enumerate((10, 6, 3, 16, 13)):
            start = _months_before(today, months_ago) + timedelta(days=i)
            end = start + timedelta(days=56)
            plans.append((slug, f"{start:%Y%m}-{i:02d}{run}", start, end, "done"))
    for i, slug in enumerate(slugs[:6]):
        start = today - timedelta(days=20 + i)
        plans.append((slug, f"{today.year}-{i:02d}R", start, start + timedelta(days=60), "running"))
        start = today + timedelta(days=14 + 7 * i)
        plans.append((slug, f"{today.year + (start.year > today.year)}-{i:02d}U", start,
                      start + timedelta(days=45), "upcoming"))  # fmt: skip
    cohorts = []
    deliveries = ["online", "shenzhen", "hong_kong", "hybrid"]
    for n, (slug, code, start, end, state) in enumerate(plans):
        course = courses[slug]
        cohort = Cohort(
            code=f"{slug[:12].upper()}-{code}",
            name=f"{course.title} · {start:%b %Y}",
            course_id=course.id,
            start_on=start,
            end_on=end,
            capacity=40 if state != "upcoming" else 30,
            delivery=deliveries[n % 4],
            policy="open",
            sponsor_partner_id=partners[n % len(partners)].id if n % 3 else None,
        )
        cohort.course = course
        cohort.instructors = [instructors[n % 2]]
        cohort.state = state
        db.session.add(cohort)
        cohorts.append(cohort)
    running = [c for c in cohorts if c.state == "running"]
    running[0].capacity = 30
    upcoming = [c for c in cohorts if c.state == "upcoming"]
    upcoming[0].code += "-FULL"
    upcoming[0].capacity = 8
    upcoming[1].policy = "invite"
    upcoming[1].invite_code = "DEMO-INVITE"
    upcoming[2].policy = "staff"
    return cohorts


def _months_before(today: date, months: int) -> date:
    from dateutil.relativedelta import relativedelta

    return (today - relativedelta(months=months)).replace(day=1)
