"""Partner organisations and the frozen report snapshots they are issued."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from academy.auth.models import _in
from academy.extensions import UTCDateTime, db, utcnow

PARTNER_KINDS = ("company", "university", "government", "lab")


class Partner(db.Model):
    __tablename__ = "partners"
    __table_args__ = (CheckConstraint(_in("kind", PARTNER_KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Partner {self.name}>"


class ReportSnapshot(db.Model):
    """A talent-supply report frozen when issued; never edited afterwards."""

    __tablename__ = "report_snapshots"
    __table_args__ = (
        UniqueConstraint("partner_id", "number", name="uq_report_snapshots_partner_number"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date]
    period_end: Mapped[date]
    payload: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
