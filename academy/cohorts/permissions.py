"""Who may see and run a cohort: managers and admins all of them, instructors the ones they teach.

`can_manage_cohort` (one object) and `visible_cohorts` (a query) state the same rule, so a
list never shows a cohort whose page would answer 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, bindparam, exists, false, select

from academy.cohorts.models import Cohort, cohort_instructors
from academy.database import prepared
from academy.extensions import db

if TYPE_CHECKING:
    from academy.auth.models import User
    from academy.enrolments.models import Enrolment

MANAGING_ROLES = ("manager", "admin")


def manages_all(user: User | None) -> bool:
    return user is not None and user.has_role(*MANAGING_ROLES)


def teaches(user: User, cohort_id: int) -> bool:
    return bool(db.session.scalar(_teaches(), {"cohort_id": cohort_id, "user_id": user.id}))


@prepared  # asked on every page of a cohort an instructor opens
def _teaches():
    return select(
        exists().where(
            cohort_instructors.c.cohort_id == bindparam("cohort_id"),
            cohort_instructors.c.user_id == bindparam("user_id"),
        )
    )


def can_manage_cohort(user: User | None, cohort: Cohort) -> bool:
    """Managers and admins run every cohort; an instructor only the cohorts they teach."""
    if user is None:
        return False
    if manages_all(user):
        return True
    return user.has_role("instructor") and teaches(user, cohort.id)


def visible_cohorts(user: User | None) -> Select:
    """select(Cohort) limited to what can_manage_cohort allows."""
    query = select(Cohort)
    if manages_all(user):
        return query
    if user is not None and user.has_role("instructor"):
        taught = select(cohort_instructors.c.cohort_id).where(
            cohort_instructors.c.user_id == user.id
        )
        return query.where(Cohort.id.in_(taught))
    return query.where(false())


def can_withdraw(user: User | None, enrolment: Enrolment, cohort: Cohort) -> bool:
    """The trainee themself, or whoever runs the cohort."""
    if user is None:
        return False
    if enrolment.user_id == user.id:
        return True
    return can_manage_cohort(user, cohort)
