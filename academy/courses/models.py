"""Tracks, courses and lessons, synced from the Markdown under courses/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.auth.models import _in
from academy.extensions import UTCDateTime, db, utcnow

LEVELS = ("beginner", "intermediate", "advanced")
LANGUAGES = ("en", "zh-Hans", "zh-Hant")


class Track(db.Model):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(_in("level", LEVELS), name="level_known"),
        CheckConstraint(_in("language", LANGUAGES), name="language_known"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
        CheckConstraint(
            "min_attendance IS NULL OR (min_attendance >= 0 AND min_attendance <= 100)",
            name="min_attendance_percent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    hours: Mapped[int]
    language: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Share of timetabled sessions an in-person trainee must attend to complete.
    min_attendance: Mapped[int | None]
    source_path: Mapped[str] = mapped_column(String(500), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    track: Mapped[Track] = relationship(lazy="raise_on_sql")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position", lazy="raise_on_sql"
    )


class Lesson(db.Model):
    """A lesson is retired, never deleted, when its file goes, so progress rows stay valid."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug", name="uq_lessons_course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=True)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # {"pass_mark": int, "questions": [{"id", "prompt", "choices", "answer"}]}; answers
    # stay on the server and are stripped from anything sent to a browser.
    quiz: Mapped[dict | None] = mapped_column(JSON)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Slugs the lesson had before its file was renamed (renamed_from), oldest first: links
    # to them still find it.
    former_slugs: Mapped[list | None] = mapped_column(JSON)

    course: Mapped[Course] = relationship(back_populates="lessons", lazy="raise_on_sql")

    @property
    def is_live(self) -> bool:
        return self.retired_at is None
