"""The roster: a cohort's trainee × lesson matrix, for the instructor's page, the API and exports.

Counts are over the course's live lessons (as the trainee's own progress counts them); someone
is behind when fewer are done than the share of the cohort's time gone would expect. Four
queries however many trainees the cohort has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, select

from academy.auth.models import User
from academy.cohorts.models import Attendance, Cohort, CohortSession
from academy.courses.models import Lesson
from academy.database import prepared
from academy.dates import local_today
from academy.enrolments.models import Enrolment
from academy.extensions import db, utcnow
from academy.progress.learning import live_lesson_names
from academy.progress.models import CompletionRecord, LessonProgress


class Seat(NamedTuple):
    """The part of an enrolment the roster shows."""

    id: int
    status: str


class Member(NamedTuple):
    id: int
    name: str
    email: str


class Cell(NamedTuple):
    """One trainee's progress in one lesson."""

    done: bool
    best_score: int | None
    quiz_passed: bool


@dataclass
class RosterRow:
    enrolment: Seat
    user: Member
    cells: dict[int, Cell] = field(default_factory=dict)  # by lesson id
    in_order: list[Cell | None] = field(default_factory=list)  # one per live lesson
    lessons_done: int = 0
    lessons_total: int = 0
    last_activity_at: datetime | None = None
    completed_on: date | None = None
    behind: bool = False
    attended: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0


@dataclass
class Roster:
    cohort: Cohort
    lessons: list[Lesson]
    rows: list[RosterRow]
    expected_done: int
    sessions_held: int

    @property
    def lessons_total(self) -> int:
        return len(self.lessons)


def elapsed_share(cohort: Cohort, today: date) -> float:
    """How far through its dates the cohort is, 0.0 to 1.0."""
    span = max((cohort.end_on - cohort.start_on).days, 1)
    return min(max((today - cohort.start_on).days / span, 0.0), 1.0)


def roster(cohort: Cohort, *, today: date | None = None) -> Roster:
    """The cohort's matrix, everyone in it (filter_roster() picks and orders the rows)."""
    today = today or local_today()
    lessons = live_lesson_names(cohort.course_id)
    order = [lesson.id for lesson in lessons]
    live = set(order)
    ids = {"cohort_id": cohort.id, "course_id": cohort.course_id}
    rows = {}
    for (
        enrolment_id,
        status,
        user_id,
        name,
        email,
        last_at,
        completed_on,
        attended,
    ) in db.session.execute(_roster_people(), ids):
        rows[enrolment_id] = RosterRow(
            Seat(enrolment_id, status),
            Member(user_id, name, email),
            lessons_total=len(live),
            last_activity_at=last_at,
            completed_on=completed_on,
            attended=attended,
        )
    for enrolment_id, lesson_id, done, best_score, quiz_passed in db.session.execute(
        _roster_progress(), ids
    ):
        row = rows[enrolment_id]
        row.cells[lesson_id] = Cell(bool(done), best_score, bool(quiz_passed))
        if done and lesson_id in live:
            row.lessons_done += 1
    held = db.session.scalar(_sessions_held(), {**ids, "now": utcnow()})
    expected = math.floor(len(live) * elapsed_share(cohort, today))
    for row in rows.values():
        row.behind = row.enrolment.status == "enrolled" and row.lessons_done < expected
        row.in_order = [row.cells.get(lesson_id) for lesson_id in order]
    return Roster(cohort, lessons, list(rows.values()), expected, held or 0)


# Built once (see academy.database.prepared): the roster is the busiest instructor page.


@prepared
def _roster_people():
    # Plain columns, not ORM objects: building a hundred people's full rows (and their roles)
    # cost more than the query takes to run.
    last_activity = (
        select(func.max(LessonProgress.last_activity_at))
        .where(LessonProgress.enrolment_id == Enrolment.id)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    # The live completion of the course (its unique index on user and course: one at most),
    # never a scan of all the course's completions, which grow with every programme year.
    completed_on = (
        select(CompletionRecord.completed_on)
        .where(
            CompletionRecord.user_id == Enrolment.user_id,
            CompletionRecord.course_id == bindparam("course_id"),
            CompletionRecord.revoked_at.is_(None),
        )
        .correlate(Enrolment)
        .scalar_subquery()
    )
    attended = (
        select(func.count(Attendance.id))
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(
            Attendance.enrolment_id == Enrolment.id,
            Attendance.present.is_(True),
            CohortSession.cohort_id == bindparam("cohort_id"),
        )
        .correlate(Enrolment)
        .scalar_subquery()
    )
    return (
        select(
            Enrolment.id,
            Enrolment.status,
            User.id,
            User.name,
            User.email,
            last_activity,
            completed_on,
            attended,
        )
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.cohort_id == bindparam("cohort_id"))
        .order_by(User.name, User.id)
    )


@prepared
def _roster_progress():
    return (
        select(
            LessonProgress.enrolment_id,
            LessonProgress.lesson_id,
            LessonProgress.done_at.is_not(None),
            LessonProgress.best_score,
            LessonProgress.quiz_passed,
        )
        .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
        .where(Enrolment.cohort_id == bindparam("cohort_id"))
    )


@prepared
def _sessions_held():
    return select(func.count(CohortSession.id)).where(
        CohortSession.cohort_id == bindparam("cohort_id"),
        CohortSession.starts_at <= bindparam("now"),
    )


ROSTER_SORTS = {
    "name": lambda r: (r.user.name.lower(), r.user.id),
    "progress": lambda r: (-r.lessons_done, r.user.name.lower()),
    "activity": lambda r: (
        r.last_activity_at is None,
        -(r.last_activity_at or utcnow()).timestamp(),
    ),
    "status": lambda r: (r.enrolment.status, r.user.name.lower()),
}


def filter_roster(rows: list[RosterRow], *, status: str = "", behind: bool = False, sort="name"):
    if status:
        rows = [r for r in rows if r.enrolment.status == status]
    if behind:
        rows = [r for r in rows if r.behind]
    return sorted(rows, key=ROSTER_SORTS.get(sort, ROSTER_SORTS["name"]))
