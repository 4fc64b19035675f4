"""Programme years, their headcount targets, and the history of target changes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from academy.extensions import UTCDateTime, db, utcnow


class ProgrammeYear(db.Model):
    __tablename__ = "programme_years"
    __table_args__ = (
        CheckConstraint("target >= 0", name="target_not_negative"),
        CheckConstraint("ends_on > starts_on", name="dates_ordered"),
    )

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    target: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # exclusive


class TargetChange(db.Model):
    """Append-only history of a year's target."""

    __tablename__ = "target_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("programme_years.year"), index=True)
    old_target: Mapped[int | None]
    new_target: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DataVersion(db.Model):
    """A token replaced, in the writing transaction, whenever data a cached report reads changes.

    One row per scope (see academy.reporting.cache): readers put the tokens in their cache keys.
    """

    __tablename__ = "data_versions"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
