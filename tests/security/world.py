"""A small academy with one of each relationship a permission can hinge on.

Two cohorts (A taught by `instructor`, B by `other_instructor`), two partners (X sponsors A),
trainees seated, waitlisted and withdrawn, completions live and revoked, a snapshot per
partner. Every role is present twice where "own" and "other" differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.courses.models import Course
from academy.dates import local_today
from academy.enrolments.models import Enrolment
from academy.enrolments.service import withdraw
from academy.extensions import db
from academy.partners.models import Partner
from academy.partners.queries import ReportPeriod
from academy.partners.service import issue_snapshot
from academy.progress.models import CompletionRecord
from academy.progress.service import revoke_completion
from tests.factories import complete, enrol, make_cohort, make_course, make_partner, make_user


@dataclass
class World:
    admin: User
    manager: User
    instructor: User
    other_instructor: User
    partner_user: User
    other_partner_user: User
    trainee: User
    other_trainee: User
    partner_x: Partner
    partner_y: Partner
    course_a: Course
    course_b: Course
    cohort_a: Cohort
    cohort_b: Cohort
    waiting: User | None = None  # waitlisted in cohort A
    leaving: User | None = None  # withdrawn from cohort A, holds a revoked completion
    enrolments: list[Enrolment] = field(default_factory=list)
    completions: list[CompletionRecord] = field(default_factory=list)

    def people(self) -> dict[str, User]:
        return {
            "trainee": self.trainee,
            "other_trainee": self.other_trainee,
            "instructor": self.instructor,
            "other_instructor": self.other_instructor,
            "manager": self.manager,
            "partner": self.partner_user,
            "other_partner": self.other_partner_user,
            "admin": self.admin,
            "waiting": self.waiting,
            "leaving": self.leaving,
        }


def build_world() -> World:
    x, y = make_partner("Xylo Labs"), make_partner("Yue College", "university")
    instructor, other_instructor = make_user(["instructor"]), make_user(["instructor"])
    course_a, course_b = make_course(lessons=2), make_course(lessons=2, quiz_on_last=True)
    today = local_today()
    cohort_a = make_cohort(course_a, capacity=2, sponsor=x, instructors=[instructor])
    cohort_b = make_cohort(course_b, capacity=5, sponsor=y, instructors=[other_instructor])
    trainee = make_user(consent=True)
    other_trainee = make_user(consent=True)
    waiting, leaving = make_user(), make_user()
    world = World(
        admin=make_user(["admin"]),
        manager=make_user(["manager"]),
        instructor=instructor,
        other_instructor=other_instructor,
        partner_user=make_user(["partner"], partner=x),
        other_partner_user=make_user(["partner"], partner=y),
        trainee=trainee,
        other_trainee=other_trainee,
        partner_x=x,
        partner_y=y,
        course_a=course_a,
        course_b=course_b,
        cohort_a=cohort_a,
        cohort_b=cohort_b,
        waiting=waiting,
        leaving=leaving,
    )
    world.enrolments += [
        enrol(cohort_a, trainee),
        enrol(cohort_a, leaving),
        enrol(cohort_a, waiting),  # capacity 2: waitlisted
        enrol(cohort_b, other_trainee),
        enrol(cohort_b, trainee),
    ]
    withdraw(None, world.enrolments[1], "moved away")
    db.session.commit()
    world.completions += [
        complete(trainee, course_a, today - timedelta(days=3), cohort=cohort_a, score=90),
        complete(other_trainee, course_b, today - timedelta(days=2), cohort=cohort_b),
    ]
    revoked = complete(leaving, course_b, today - timedelta(days=1))
    revoke_completion(world.manager, revoked, "issued by mistake")
    world.completions.append(revoked)
    quarter = (today.month - 1) // 3 + 1
    start = date(today.year, 3 * quarter - 2, 1)
    period = ReportPeriod(start, today + timedelta(days=1), year=today.year, quarter=quarter)
    for partner in (x, y):
        issue_snapshot(world.manager, partner, period)
    db.session.commit()
    return world
