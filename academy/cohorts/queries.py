"""Reads for the cohort pages and API, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from academy.auth.models import User
from academy.cohorts.models import Attendance, Cohort, CohortSession
from academy.cohorts.permissions import visible_cohorts
from academy.courses.models import Course
from academy.dates import local_today
from academy.enrolments.models import SEATED, Enrolment, EnrolmentEvent
from academy.extensions import db
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
    newest_first = (Cohort.start_on.desc(), Cohort.id.desc())
    # The page's cohorts first, then the seat counts for those alone: counted in the same select,
    # the counts were worked out for every cohort the offset skipped as well.
    page = query.with_only_columns(Cohort.id).order_by(*newest_first).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    page = page.subquery()
    rows = (
        select(Cohort, ENROLLED, WAITLISTED, COMPLETED)
        .join(page, page.c.id == Cohort.id)
        .options(joinedload(Cohort.course), joinedload(Cohort.sponsor))
        .order_by(*newest_first)
    )
    return [CohortRow(c, e or 0, w or 0, d or 0) for c, e, w, d in db.session.execute(rows)]


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


def trainee_completions(user_id: int, course_id: int) -> list[tuple[CompletionRecord, str | None]]:
    """The person's completion records of the course, revoked ones too, with who revoked them."""
    revoker = aliased(User)
    return list(
        db.session.execute(
            select(CompletionRecord, revoker.name)
            .outerjoin(revoker, revoker.id == CompletionRecord.revoked_by_id)
            .where(CompletionRecord.user_id == user_id, CompletionRecord.course_id == course_id)
            .order_by(CompletionRecord.id)
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
        or_(Cohort.end_on >= local_today()),
    )
    return list(db.session.scalars(query.order_by(Cohort.start_on)))
