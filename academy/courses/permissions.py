"""Who may read a course's lessons: staff, and trainees holding a seat in one of its cohorts."""

from __future__ import annotations

from sqlalchemy import Select, exists, select

from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.courses.models import Course
from academy.enrolments.models import SEATED, Enrolment


def _seated_in(user: User):
    """SQL condition: the user holds a seat in a cohort of Course."""
    return exists(
        select(Enrolment.id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Cohort.course_id == Course.id,
            Enrolment.user_id == user.id,
            Enrolment.status.in_(SEATED),
        )
    )


def lesson_readable_courses(user: User | None) -> Select:
    """Courses whose lessons this user may read, as a query."""
    query = select(Course)
    if user is None:
        return query.where(False)
    if user.is_staff:
        return query
    return query.where(_seated_in(user))


def can_read_lessons(user: User | None, course: Course) -> bool:
    """The same rule as lesson_readable_courses(), for one course."""
    if user is None:
        return False
    if user.is_staff:
        return True
    from academy.extensions import db

    return bool(db.session.scalar(select(_seated_in(user)).where(Course.id == course.id)))
