"""Reads for the catalogue, the course page and the courses API, each fully loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from academy.dates import local_today
from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.courses.models import Course, Lesson, Track
from academy.enrolments.models import Enrolment
from academy.extensions import db

SEARCH_MAX = 100


@dataclass
class CatalogueFilters:
    track: str = ""
    level: str = ""
    language: str = ""
    delivery: str = ""
    open_seats: bool = False
    q: str = ""


@dataclass
class CatalogueEntry:
    course: Course
    cohorts: list[Cohort] = field(default_factory=list)

    @property
    def seats_left(self) -> int:
        return sum(c.seats_left for c in self.cohorts)


def _live_lessons():
    return selectinload(Course.lessons.and_(Lesson.retired_at.is_(None)))


def joinable_cohorts(today: date | None = None):
    """Cohorts a trainee could still ask to join: not ended, not staff-only."""
    today = today or local_today()
    return (Cohort.end_on >= today) & (Cohort.policy != "staff")


def courses_with_lessons() -> list[Course]:
    query = (
        select(Course)
        .where(Course.retired_at.is_(None))
        .options(joinedload(Course.track), _live_lessons())
        .order_by(Course.title)
    )
    return list(db.session.scalars(query))


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(
        select(Course)
        .where(Course.slug == slug, Course.retired_at.is_(None))
        .options(joinedload(Course.track))
    )


def live_lesson(course_id: int, slug: str) -> Lesson | None:
    return db.session.scalar(
        select(Lesson).where(
            Lesson.course_id == course_id, Lesson.slug == slug, Lesson.retired_at.is_(None)
        )
    )


def tracks() -> list[Track]:
    return list(db.session.scalars(select(Track).order_by(Track.name)))


def catalogue(filters: CatalogueFilters) -> list[CatalogueEntry]:
    """Courses matching the filters, each with its joinable cohorts: two queries in all."""
    query = (
        select(Course)
        .join(Track, Track.id == Course.track_id)
        .where(Course.retired_at.is_(None))
        .options(joinedload(Course.track))
        .order_by(Track.name, Course.title)
    )
    if filters.track:
        query = query.where(Track.slug == filters.track)
    if filters.level:
        query = query.where(Course.level == filters.level)
    if filters.language:
        query = query.where(Course.language == filters.language)
    if filters.q:
        words = filters.q.strip()[:SEARCH_MAX]
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Course.title.ilike(pattern, escape="\\"),
                Course.summary.ilike(pattern, escape="\\"),
            )
        )
    cohort_filter = joinable_cohorts()
    if filters.delivery:
        cohort_filter = cohort_filter & (Cohort.delivery == filters.delivery)
    if filters.open_seats:
        cohort_filter = cohort_filter & (Cohort.seats_taken < Cohort.capacity)
    if filters.delivery or filters.open_seats:
        query = query.where(
            exists(select(Cohort.id).where(Cohort.course_id == Course.id, cohort_filter))
        )
    courses = list(db.session.scalars(query))
    entries = {course.id: CatalogueEntry(course) for course in courses}
    if entries:
        cohorts = db.session.scalars(
            select(Cohort)
            .where(Cohort.course_id.in_(entries), cohort_filter)
            .order_by(Cohort.start_on, Cohort.id)
        )
        for cohort in cohorts:
            entries[cohort.course_id].cohorts.append(cohort)
    return list(entries.values())


@dataclass
class CoursePage:
    course: Course
    lessons: list[Lesson]
    cohorts: list[Cohort]
    mine: dict[int, Enrolment]  # cohort id -> the viewer's enrolment in it


def course_page(slug: str, viewer: User | None) -> CoursePage | None:
    course = db.session.scalar(
        select(Course)
        .where(Course.slug == slug, Course.retired_at.is_(None))
        .options(joinedload(Course.track), _live_lessons())
    )
    if course is None:
        return None
    today = local_today()
    cohorts = list(
        db.session.scalars(
            select(Cohort)
            .where(Cohort.course_id == course.id, Cohort.end_on >= today)
            .order_by(Cohort.start_on, Cohort.id)
        )
    )
    mine: dict[int, Enrolment] = {}
    if viewer is not None:
        rows = db.session.scalars(
            select(Enrolment)
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(Cohort.course_id == course.id, Enrolment.user_id == viewer.id)
        )
        mine = {row.cohort_id: row for row in rows}
    shown = [c for c in cohorts if c.policy != "staff" or c.id in mine]
    return CoursePage(course, list(course.lessons), shown, mine)
