"""Syncing the Markdown catalogue into the database.

All-or-nothing: every course in the folder is read and validated before anything is
written, so one bad file leaves the database as it was. Lessons are matched by slug (or, for a
renamed file, by a slug in its `renamed_from`) and updated in place, which keeps every
progress row pointing at the same lesson; a lesson whose file went away is retired, never
deleted. Courses outside the synced folder are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from academy.audit.service import record
from academy.courses.models import Course, Lesson, Track
from academy.courses.source import CourseSource, FormatError, LessonSource, read_catalogue
from academy.courses.tracks import TRACKS
from academy.extensions import db, utcnow

__all__ = ["FormatError", "SyncReport", "sync_courses"]


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired_lessons: list[str] = field(default_factory=list)
    renamed_lessons: list[str] = field(default_factory=list)  # "course/old -> new"

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.retired_lessons)} lessons retired, "
            f"{len(self.renamed_lessons)} renamed"
        )


def sync_tracks() -> dict[str, Track]:
    """Upsert the fixed list of tracks; returns them by slug."""
    tracks = {t.slug: t for t in db.session.scalars(select(Track))}
    for slug, name in TRACKS.items():
        track = tracks.get(slug)
        if track is None:
            track = tracks[slug] = Track(slug=slug, name=name)
            db.session.add(track)
        elif track.name != name:
            track.name = name
    db.session.flush()
    return tracks


def _apply_lessons(course: Course, source: CourseSource, report: SyncReport) -> None:
    existing = {lesson.slug: lesson for lesson in course.lessons}
    now = utcnow()
    for item in source.lessons:
        lesson = existing.pop(item.slug, None)
        if lesson is None:
            lesson = _renamed(course, item, existing, report)
        if lesson is None:
            lesson = Lesson(course_id=course.id, slug=item.slug)
            db.session.add(lesson)
        lesson.position = item.position
        lesson.title = item.title
        lesson.required = item.required
        lesson.body_html = item.body_html
        lesson.quiz = item.quiz
        lesson.retired_at = None
    for lesson in existing.values():
        if lesson.retired_at is None:
            lesson.retired_at = now
            report.retired_lessons.append(f"{course.slug}/{lesson.slug}")


def _renamed(
    course: Course, item: LessonSource, existing: dict[str, Lesson], report: SyncReport
) -> Lesson | None:
    """The lesson this one was before its file was renamed, given its new slug; None if none."""
    old = next((slug for slug in item.renamed_from if slug in existing), None)
    if old is None:
        return None
    lesson = existing.pop(old)
    lesson.slug = item.slug
    former = [slug for slug in lesson.former_slugs or [] if slug not in (old, item.slug)]
    lesson.former_slugs = [*former, old]
    report.renamed_lessons.append(f"{course.slug}/{old} -> {item.slug}")
    record(None, "lesson.rename", "course", course.id, lesson_id=lesson.id, before=old,
           after=item.slug)  # fmt: skip
    return lesson


def _apply(source: CourseSource, course: Course | None, track: Track, report: SyncReport):
    if (
        course is not None
        and course.content_hash == source.content_hash
        and course.retired_at is None
        and course.track_id == track.id
    ):
        report.unchanged.append(source.slug)
        return
    created = course is None
    if created:
        course = Course(slug=source.slug)
        course.lessons = []
        db.session.add(course)
    course.title = source.title
    course.track_id = track.id
    course.level = source.level
    course.hours = source.hours
    course.language = source.language
    course.summary = source.summary
    course.description_html = source.description_html
    course.min_attendance = source.min_attendance
    course.source_path = str(source.path)[:500]
    course.content_hash = source.content_hash
    course.synced_at = utcnow()
    course.retired_at = None
    db.session.flush()
    _apply_lessons(course, source, report)
    (report.created if created else report.updated).append(source.slug)
    record(None, "course.create" if created else "course.update", "course", course.id,
           slug=source.slug)  # fmt: skip


def sync_courses(path: str | Path) -> SyncReport:
    """Create or update every course under path; raises FormatError and changes nothing.

    Flushes but does not commit: the caller commits once.
    """
    sources = read_catalogue(Path(path))
    tracks = sync_tracks()
    slugs = [s.slug for s in sources]
    courses = {
        c.slug: c
        for c in db.session.scalars(
            select(Course).where(Course.slug.in_(slugs)).options(selectinload(Course.lessons))
        )
    }
    report = SyncReport()
    for source in sources:
        _apply(source, courses.get(source.slug), tracks[source.track], report)
    db.session.flush()
    return report
