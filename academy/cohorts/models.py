"""Cohorts (runs of a course), their instructors, timetable and attendance."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.auth.models import _in
from academy.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from academy.auth.models import User
    from academy.courses.models import Course
    from academy.partners.models import Partner

DELIVERIES = ("online", "shenzhen", "hong_kong", "hybrid")
POLICIES = ("open", "invite", "staff")
PLACES = ("online", "shenzhen", "hong_kong")
MAX_CAPACITY = 10_000

cohort_instructors = Table(
    "cohort_instructors",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(f"capacity <= {MAX_CAPACITY}", name="capacity_bounded"),
        CheckConstraint("end_on >= start_on", name="dates_ordered"),
        # seats_taken is the seat counter that enrolment increments with one conditional
        # UPDATE; these keep it honest whatever the application does.
        CheckConstraint("seats_taken >= 0", name="seats_not_negative"),
        CheckConstraint("seats_taken <= capacity", name="seats_within_capacity"),
        CheckConstraint(_in("delivery", DELIVERIES), name="delivery_known"),
        CheckConstraint(_in("policy", POLICIES), name="policy_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    start_on: Mapped[date] = mapped_column(index=True)
    end_on: Mapped[date] = mapped_column(index=True)
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    delivery: Mapped[str] = mapped_column(String(20), default="online")
    policy: Mapped[str] = mapped_column(String(20), default="open")
    invite_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    sponsor_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship(lazy="raise_on_sql")
    sponsor: Mapped[Partner | None] = relationship(lazy="raise_on_sql")
    instructors: Mapped[list[User]] = relationship(
        secondary=cohort_instructors, lazy="raise_on_sql"
    )

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_in_person(self) -> bool:
        return self.delivery != "online"


class CohortSession(db.Model):
    """One timetabled class meeting of a cohort."""

    __tablename__ = "cohort_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
        CheckConstraint(_in("place", PLACES), name="place_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(300), default="")
    meeting_url: Mapped[str] = mapped_column(String(500), default="")


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "enrolment_id", name="uq_attendance_session_enrolment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("cohort_sessions.id"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    present: Mapped[bool]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingImport(db.Model):
    """An uploaded CSV waiting between its preview and its confirmation, for a day at most.

    Kept in the database rather than on one server's disk, so that whichever app server
    answers the preview or the confirmation finds it.
    """

    __tablename__ = "pending_imports"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    encoding: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
