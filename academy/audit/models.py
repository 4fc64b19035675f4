"""The audit log: who did what to which record, and when. Rows are only ever added."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from academy.extensions import UTCDateTime, db, utcnow

# Action prefixes are searched as ranges, which need byte order: PostgreSQL's default collation
# may sort "User.x" between "user" and "uses", or ignore the dots. SQLite compares bytes already.
ACTION = String(60).with_variant(String(60, collation="C"), "postgresql")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    # Each index a filter of the audit page uses ends with (at, id), the page order, so a page of
    # newest events is read in order rather than sorted from everything that matches.
    __table_args__ = (
        Index("ix_audit_events_at_id", "at", "id"),
        Index("ix_audit_events_action_at", "action", "at", "id"),
        Index("ix_audit_events_actor_at", "actor_id", "at", "id"),
        Index("ix_audit_events_type_at", "object_type", "at", "id"),
        # One record's events are few; the login lockout looks them up by type and id.
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(ACTION)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
