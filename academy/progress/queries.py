"""Reads for "My learning", the lesson player and certificates; a fixed number of queries each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.orm import joinedload, load_only

from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.courses.models import Course, Lesson
from academy.database import prepared
from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.progress.certificates import normalise
from academy.progress.models import CompletionRecord, LessonProgress


@dataclass
class CurrentCourse:
    enrolment: Enrolment
    done: int = 0
    total: int = 0
    next_lesson: Lesson | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class MyLearning:
    current: list[CurrentCourse] = field(default_factory=list)
    waitlisted: list[Enrolment] = field(default_factory=list)
    completions: list[CompletionRecord] = field(default_factory=list)


def lesson_counts(enrolment_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{enrolment id: (live lessons done, live lessons)} in two aggregate queries."""
    if not enrolment_ids:
        return {}
    live = and_(Lesson.retired_at.is_(None))
    totals = dict(
        db.session.execute(
            select(Enrolment.id, func.count(Lesson.id))
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .join(Lesson, and_(Lesson.course_id == Cohort.course_id, live))
            .where(Enrolment.id.in_(enrolment_ids))
            .group_by(Enrolment.id)
        ).all()
    )
    done = dict(
        db.session.execute(
            select(LessonProgress.enrolment_id, func.count())
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(
                LessonProgress.enrolment_id.in_(enrolment_ids),
                LessonProgress.done_at.is_not(None),
                live,
            )
            .group_by(LessonProgress.enrolment_id)
        ).all()
    )
    return {i: (done.get(i, 0), totals.get(i, 0)) for i in enrolment_ids}


def my_learning(user: User) -> MyLearning:
    """The trainee's cohorts with progress and next lesson, and their completions."""
    page = MyLearning()
    enrolments = list(db.session.scalars(_open_enrolments(), {"user_id": user.id}))
    seated = [e for e in enrolments if e.status == "enrolled"]
    page.waitlisted = [e for e in enrolments if e.status == "waitlisted"]
    if seated:
        course_ids = list({e.cohort.course_id for e in seated})
        lessons = defaultdict(list)
        for lesson in db.session.scalars(_live_lessons_of(), {"course_ids": course_ids}):
            lessons[lesson.course_id].append(lesson)
        done = defaultdict(set)
        seated_ids = [e.id for e in seated]
        for enrolment_id, lesson_id in db.session.execute(_done_in(), {"ids": seated_ids}):
            done[enrolment_id].add(lesson_id)
        for enrolment in seated:
            course_lessons = lessons[enrolment.cohort.course_id]
            finished = done[enrolment.id]
            page.current.append(
                CurrentCourse(
                    enrolment,
                    done=sum(1 for lesson in course_lessons if lesson.id in finished),
                    total=len(course_lessons),
                    next_lesson=next((x for x in course_lessons if x.id not in finished), None),
                )
            )
    page.completions = list(db.session.scalars(_completions_of(), {"user_id": user.id}))
    return page


# My learning's statements, built once (see academy.database.prepared): every trainee opens
# the page on each visit.


@prepared
def _open_enrolments():
    return (
        select(Enrolment)
        .where(
            Enrolment.user_id == bindparam("user_id"),
            Enrolment.status.in_(("enrolled", "waitlisted")),
        )
        .options(joinedload(Enrolment.cohort).joinedload(Cohort.course))
        .order_by(Enrolment.created_at, Enrolment.id)
    )


@prepared
def _live_lessons_of():
    # Counting and naming the next lesson needs neither the bodies (tens of kilobytes a course)
    # nor the quizzes (JSON to decode); anything else asked of these objects raises.
    return (
        select(Lesson)
        .options(
            load_only(
                Lesson.id,
                Lesson.course_id,
                Lesson.slug,
                Lesson.title,
                Lesson.position,
                raiseload=True,
            )
        )
        .where(
            Lesson.course_id.in_(bindparam("course_ids", expanding=True)),
            Lesson.retired_at.is_(None),
        )
        .order_by(Lesson.position, Lesson.id)
    )


@prepared
def _done_in():
    return select(LessonProgress.enrolment_id, LessonProgress.lesson_id).where(
        LessonProgress.enrolment_id.in_(bindparam("ids", expanding=True)),
        LessonProgress.done_at.is_not(None),
    )


@prepared
def _completions_of():
    return (
        select(CompletionRecord)
        .where(CompletionRecord.user_id == bindparam("user_id"))
        .options(joinedload(CompletionRecord.course))
        .order_by(CompletionRecord.completed_on.desc(), CompletionRecord.id.desc())
    )


class EnrolmentRow(NamedTuple):
    id: int
    user_id: int
    status: str


class CourseRow(NamedTuple):
    title: str
    language: str


class LessonRow(NamedTuple):
    id: int
    slug: str
    title: str
    required: bool
    body_html: str | None
    quiz: dict | None


class ProgressRow(NamedTuple):
    id: int
    done_at: datetime | None
    best_score: int | None
    quiz_passed: bool


@dataclass(frozen=True)
class LessonPlayer:
    """What the lesson page shows, as plain tuples: it is the busiest page, and building ORM
    objects for it cost SQLAlchemy more than twice what SQLite took to find them.

    enrolment: what can_study reads; course: title and language; lessons: the course's live
    lessons in order, body_html and quiz read for the lesson shown only (None on the others: a
    course's bodies are tens of kilobytes, and each quiz is JSON to decode); progress: this
    enrolment's rows by lesson id.
    """

    enrolment: EnrolmentRow
    course: CourseRow
    lessons: list[LessonRow]
    progress: dict[int, ProgressRow]


# Where each part sits in a row of the query below.
_ENROLMENT = slice(0, 3)
_COURSE = slice(3, 5)
_LESSON = slice(5, 11)
_PROGRESS = slice(11, 15)


def lesson_player(enrolment_id: int, shown: str | None = None) -> LessonPlayer | None:
    """The lesson page's read, in one query, with the body and quiz of lesson `shown` (a slug);
    None when there is no enrolment with that id or its course has no live lesson."""
    parameters = {"enrolment_id": enrolment_id, "shown": shown}
    # On the session's connection: a Core statement needs none of Session.execute's ORM steps.
    rows = db.session.connection().execute(_lesson_player(), parameters).all()
    if not rows:
        return None
    lessons = [LessonRow._make(row[_LESSON]) for row in rows]
    return LessonPlayer(
        enrolment=EnrolmentRow._make(rows[0][_ENROLMENT]),
        course=CourseRow._make(rows[0][_COURSE]),
        lessons=lessons,
        progress={
            lesson.id: ProgressRow._make(row[_PROGRESS])
            for lesson, row in zip(lessons, rows, strict=True)
            if row[_PROGRESS.start] is not None
        },
    )


@prepared
def _lesson_player():
    # One round trip instead of two: on PostgreSQL each is a trip to another process. Table
    # columns rather than the mapped classes' attributes: a Core statement skips the ORM's
    # result handling, half the cost of this read.
    enrolment, cohort, course, lesson, progress = (
        model.__table__ for model in (Enrolment, Cohort, Course, Lesson, LessonProgress)
    )
    e, k, c, les, p = (table.c for table in (enrolment, cohort, course, lesson, progress))
    shown = les.slug == bindparam("shown")
    return (
        select(
            *(e.id, e.user_id, e.status),
            *(c.title, c.language),
            *(les.id, les.slug, les.title, les.required),
            *(case((shown, les.body_html)), case((shown, les.quiz))),
            *(p.id, p.done_at, p.best_score, p.quiz_passed),
        )
        .join(cohort, k.id == e.cohort_id)
        .join(course, c.id == k.course_id)
        .join(lesson, and_(les.course_id == k.course_id, les.retired_at.is_(None)))
        .outerjoin(progress, and_(p.lesson_id == les.id, p.enrolment_id == e.id))
        .where(e.id == bindparam("enrolment_id"))
        .order_by(les.position, les.id)
    )


def renamed_lesson(lesson_ids: list[int], former_slug: str) -> str | None:
    """The slug now of the one of these lessons that was once called `former_slug`."""
    rows = db.session.execute(
        select(Lesson.slug, Lesson.former_slugs)
        .where(Lesson.id.in_(lesson_ids))
        .order_by(Lesson.position, Lesson.id)
    )
    return next((slug for slug, former in rows if former_slug in (former or ())), None)


def certificate(code: str) -> CompletionRecord | None:
    """The completion record with this certificate code, course loaded.

    The holder is not: a certificate shows the name it was issued to (holder_name), never the
    account's current one.
    """
    code = normalise(code or "")
    if not code or len(code) > 40:
        return None
    return db.session.scalar(
        select(CompletionRecord)
        .where(CompletionRecord.certificate_code == code)
        .options(joinedload(CompletionRecord.course))
    )
