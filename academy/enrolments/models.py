"""Enrolments and their append-only status history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.auth.models import _in
from academy.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from academy.auth.models import User
    from academy.cohorts.models import Cohort

STATUSES = ("waitlisted", "enrolled", "completed", "withdrawn")
SEATED = ("enrolled", "completed")  # statuses that hold a seat


class Enrolment(db.Model):
    """A trainee in a cohort. `status` mirrors the newest EnrolmentEvent, kept for querying."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id", name="uq_enrolments_cohort_user"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        Index("ix_enrolments_cohort_status", "cohort_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    # When the trainee (last) asked for a seat: the waitlist is served in this order.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(lazy="raise_on_sql")
    user: Mapped[User] = relationship(lazy="raise_on_sql")
    events: Mapped[list[EnrolmentEvent]] = relationship(
        back_populates="enrolment", order_by="EnrolmentEvent.id", lazy="raise_on_sql"
    )


class EnrolmentEvent(db.Model):
    """Append-only: one row per status change, with who made it and why."""

    __tablename__ = "enrolment_events"
    __table_args__ = (CheckConstraint(_in("to_status", STATUSES), name="to_status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="events", lazy="raise_on_sql")
