"""Lesson progress, quiz attempts and completion records (certificates)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from academy.auth.models import User
    from academy.cohorts.models import Cohort
    from academy.courses.models import Course


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "lesson_id", name="uq_lesson_progress_enrolment_lesson"),
        CheckConstraint(
            "best_score IS NULL OR (best_score >= 0 AND best_score <= 100)", name="score_percent"
        ),
        # The dashboard funnel's "active in the last 30 days", answered from the index alone.
        Index("ix_lesson_progress_enrolment_activity", "enrolment_id", "last_activity_at"),
        # Lessons done per enrolment, read from the index alone (the dashboard's cohort rows).
        Index(
            "ix_lesson_progress_done",
            "enrolment_id",
            "lesson_id",
            sqlite_where=text("done_at IS NOT NULL"),
            postgresql_where=text("done_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    best_score: Mapped[int | None]
    quiz_passed: Mapped[bool] = mapped_column(default=False)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuizAttempt(db.Model):
    """Append-only: every submitted quiz, scored on the server."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (CheckConstraint("score >= 0 AND score <= 100", name="score_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    answers: Mapped[dict] = mapped_column(JSON)
    score: Mapped[int]
    passed: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CompletionRecord(db.Model):
    """Proof that a person completed a course. Never deleted: a mistake is revoked with a reason."""

    __tablename__ = "completion_records"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_percent"),
        CheckConstraint(
            "(revoked_at IS NULL AND revoke_reason IS NULL)"
            " OR (revoked_at IS NOT NULL AND revoke_reason IS NOT NULL)",
            name="revocation_has_reason",
        ),
        # At most one standing record per person and course, so a double submit issues one.
        Index(
            "uq_completion_records_live",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        # The headcount: distinct people by completion date.
        Index("ix_completion_records_on_user", "completed_on", "user_id"),
        # Standing completions of a period with what every breakdown joins on: the headcount's
        # aggregates read this index and never the table.
        Index(
            "ix_completion_records_standing",
            "completed_on",
            "user_id",
            "course_id",
            "cohort_id",
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The name the certificate was issued to, kept as it was: the holder may rename the account
    # later, and a certificate must not pass to whatever name the account takes next.
    holder_name: Mapped[str] = mapped_column(String(120))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    completed_on: Mapped[date]
    score: Mapped[int | None]
    certificate_code: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when an instructor or manager records the completion by hand.
    manual_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise_on_sql")
    course: Mapped[Course] = relationship(lazy="raise_on_sql")
    cohort: Mapped[Cohort | None] = relationship(lazy="raise_on_sql")

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
