"""Reads for the cohort pages and API, each in a fixed number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from academy.auth.models import User
from academy.cohorts.models import Attendance, Cohort, CohortSession
from academy.cohorts.permissions import visible_cohorts
from academy.courses.models import Course, Lesson
from academy.database import prepared
from academy.enrolments.models import SEATED, Enrolment, EnrolmentEvent
from academy.extensions import db, utcnow
from academy.progress.learning import live_lessons
from academy.progress.models import CompletionRecord, LessonProgress


def _count(*conditions):
    return (
        select(func.count(Enrolment.id))
        .where(Enrolment.cohort_id == Cohort.id, *conditions)
        .correlate(Cohort)
        .scalar_subquery()
    )


ENROLLED = _count(Enrolment.status.in_(SEATED)).label("enrolled")
WAITLISTED = _count(Enrolment.status == "waitlisted").label("waitlisted")
COMPLETED = _count(Enrolment.status == "completed").label("completed")


@dataclass
class CohortRow:
    cohort: Cohort
    enrolled: int
    waitlisted: int
    completed: int


def filtered_cohorts(
    user: User | None,
    *,
    year: int | None = None,
    course: str | None = None,
    partner_id: int | None = None,
):
    """Visible cohorts joined to their course; `year` keeps cohorts running in that year."""
    query = visible_cohorts(user).join(Course, Course.id == Cohort.course_id)
    if year:
        query = query.where(
            Cohort.start_on <= date(year, 12, 31), Cohort.end_on >= date(year, 1, 1)
        )
    if course:
        query = query.where(Course.slug == course)
    if partner_id:
        query = query.where(Cohort.sponsor_partner_id == partner_id)
    return query


def cohort_rows(query, *, limit: int | None = None, offset: int = 0) -> list[CohortRow]:
    """The cohorts of a filtered_cohorts() query with their counts, newest first: one query."""
    query = (
        query.add_columns(ENROLLED, WAITLISTED, COMPLETED)
        .options(joinedload(Cohort.course), joinedload(Cohort.sponsor))
        .order_by(Cohort.start_on.desc(), Cohort.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return [CohortRow(c, e or 0, w or 0, d or 0) for c, e, w, d in db.session.execute(query)]


def count_cohorts(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def cohort_counts(cohort_id: int) -> tuple[int, int, int]:
    row = db.session.execute(
        select(ENROLLED, WAITLISTED, COMPLETED).where(Cohort.id == cohort_id)
    ).one()
    return row.enrolled or 0, row.waitlisted or 0, row.completed or 0


def load_cohort(cohort_id: int, *, instructors: bool = False) -> Cohort | None:
    """A cohort with its course and sponsor (and instructors if asked), or None."""
    return db.session.scalar(_cohort_by_id(instructors), {"cohort_id": cohort_id})


@cache  # as academy.database.prepared, one statement per choice
def _cohort_by_id(instructors: bool):
    options = [joinedload(Cohort.course), joinedload(Cohort.sponsor)]
    if instructors:
        options.append(selectinload(Cohort.instructors))
    return select(Cohort).where(Cohort.id == bindparam("cohort_id")).options(*options)


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
    """The trainee × lesson matrix of a cohort: six queries however many trainees it has.

    Counts are over the course's live lessons (as the trainee's own progress counts them);
    someone is behind when fewer are done than the share of the cohort's time gone would expect.
    """
    today = today or date.today()
    lessons = live_lessons(cohort.course_id)
    live = {lesson.id for lesson in lessons}
    ids = {"cohort_id": cohort.id, "course_id": cohort.course_id}
    rows = {}
    for enrolment_id, status, user_id, name, email, last_at in db.session.execute(
        _roster_people(), ids
    ):
        rows[enrolment_id] = RosterRow(
            Seat(enrolment_id, status),
            Member(user_id, name, email),
            lessons_total=len(live),
            last_activity_at=last_at,
        )
    for enrolment_id, lesson_id, done, best_score, quiz_passed in db.session.execute(
        _roster_progress(), ids
    ):
        row = rows[enrolment_id]
        row.cells[lesson_id] = Cell(bool(done), best_score, bool(quiz_passed))
        if done and lesson_id in live:
            row.lessons_done += 1
    by_user = {row.user.id: row for row in rows.values()}
    for user_id, completed_on in db.session.execute(_roster_completions(), ids):
        by_user[user_id].completed_on = completed_on
    for enrolment_id, n in db.session.execute(_roster_attendance(), ids):
        if enrolment_id in rows:
            rows[enrolment_id].attended = n
    held = db.session.scalar(_sessions_held(), {**ids, "now": utcnow()})
    expected = math.floor(len(live) * elapsed_share(cohort, today))
    for row in rows.values():
        row.behind = row.enrolment.status == "enrolled" and row.lessons_done < expected
        row.in_order = [row.cells.get(lesson.id) for lesson in lessons]
    return Roster(cohort, lessons, list(rows.values()), expected, held or 0)


# The roster's statements, built once (see academy.database.prepared): it is the busiest
# instructor page and runs seven of them.


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
    return (
        select(Enrolment.id, Enrolment.status, User.id, User.name, User.email, last_activity)
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
def _roster_completions():
    # Driven from the cohort's members (the live record's unique index on user and course),
    # never from all of the course's completions, which grow with every programme year.
    members = select(Enrolment.user_id).where(Enrolment.cohort_id == bindparam("cohort_id"))
    return select(CompletionRecord.user_id, CompletionRecord.completed_on).where(
        CompletionRecord.user_id.in_(members),
        CompletionRecord.course_id == bindparam("course_id"),
        CompletionRecord.revoked_at.is_(None),
    )


@prepared
def _roster_attendance():
    return (
        select(Attendance.enrolment_id, func.count(Attendance.id))
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == bindparam("cohort_id"), Attendance.present.is_(True))
        .group_by(Attendance.enrolment_id)
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


def load_enrolment(cohort_id: int, enrolment_id: int) -> tuple[Enrolment, User] | None:
    row = db.session.execute(
        select(Enrolment, User)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.id == enrolment_id, Enrolment.cohort_id == cohort_id)
        .options(joinedload(User.profile))
    ).first()
    return (row[0], row[1]) if row else None


def trainee_history(enrolment_id: int) -> list[tuple[EnrolmentEvent, str | None]]:
    actor = aliased(User)
    return list(
        db.session.execute(
            select(EnrolmentEvent, actor.name)
            .outerjoin(actor, actor.id == EnrolmentEvent.actor_id)
            .where(EnrolmentEvent.enrolment_id == enrolment_id)
            .order_by(EnrolmentEvent.id)
        )
    )


def trainee_progress(enrolment_id: int) -> dict[int, LessonProgress]:
    return {
        p.lesson_id: p
        for p in db.session.scalars(
            select(LessonProgress).where(LessonProgress.enrolment_id == enrolment_id)
        )
    }


def sessions(cohort_id: int) -> list[CohortSession]:
    return list(
        db.session.scalars(
            select(CohortSession)
            .where(CohortSession.cohort_id == cohort_id)
            .order_by(CohortSession.starts_at, CohortSession.id)
        )
    )


def session_attendance(
    cohort_id: int, enrolment_id: int
) -> list[tuple[CohortSession, bool | None]]:
    return list(
        db.session.execute(
            select(CohortSession, Attendance.present)
            .outerjoin(
                Attendance,
                and_(
                    Attendance.session_id == CohortSession.id,
                    Attendance.enrolment_id == enrolment_id,
                ),
            )
            .where(CohortSession.cohort_id == cohort_id)
            .order_by(CohortSession.starts_at, CohortSession.id)
        )
    )


def attendance_sheet(session: CohortSession) -> list[tuple[Enrolment, User, bool | None]]:
    """Everyone with a seat, and whether they were marked present (None: not yet taken)."""
    return list(
        db.session.execute(
            select(Enrolment, User, Attendance.present)
            .join(User, User.id == Enrolment.user_id)
            .outerjoin(
                Attendance,
                and_(Attendance.enrolment_id == Enrolment.id, Attendance.session_id == session.id),
            )
            .where(Enrolment.cohort_id == session.cohort_id, Enrolment.status.in_(SEATED))
            .order_by(User.name, User.id)
        )
    )


def schedule_for(user_id: int) -> list[tuple[CohortSession, Cohort, bool | None]]:
    """A trainee's sessions, across the cohorts they hold a seat in, with their attendance."""
    return list(
        db.session.execute(
            select(CohortSession, Cohort, Attendance.present)
            .join(Cohort, Cohort.id == CohortSession.cohort_id)
            .join(
                Enrolment,
                and_(
                    Enrolment.cohort_id == Cohort.id,
                    Enrolment.user_id == user_id,
                    Enrolment.status.in_(SEATED),
                ),
            )
            .outerjoin(
                Attendance,
                and_(
                    Attendance.session_id == CohortSession.id,
                    Attendance.enrolment_id == Enrolment.id,
                ),
            )
            .order_by(CohortSession.starts_at, CohortSession.id)
        )
    )


def move_targets(cohort: Cohort, user: User) -> list[Cohort]:
    """Other cohorts of the same course this user runs and that have not ended."""
    query = visible_cohorts(user).where(
        Cohort.course_id == cohort.course_id,
        Cohort.id != cohort.id,
        or_(Cohort.end_on >= date.today()),
    )
    return list(db.session.scalars(query.order_by(Cohort.start_on)))
