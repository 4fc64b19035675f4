"""Progress belongs to its trainee: nobody else studies on, or reads, an enrolment's lessons."""

from __future__ import annotations

from sqlalchemy import Select, select

from academy.auth.models import User
from academy.enrolments.models import SEATED, Enrolment
from academy.progress.models import CompletionRecord

CERTIFICATE_STAFF = ("manager", "admin")


def can_study(user: User | None, enrolment: Enrolment) -> bool:
    """Only the trainee of the enrolment, while holding a seat (enrolled or completed)."""
    return user is not None and enrolment.user_id == user.id and enrolment.status in SEATED


def studyable_enrolments(user: User) -> Select:
    """The same rule as can_study(), as a query."""
    return select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.status.in_(SEATED))


def can_view_certificate(user: User | None, completion: CompletionRecord) -> bool:
    """The holder's own certificate page; managers and admins may open any. Others verify."""
    if user is None:
        return False
    return completion.user_id == user.id or user.has_role(*CERTIFICATE_STAFF)
