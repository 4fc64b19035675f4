"""What a changed course (an edited `courses/` folder, synced again) means for its trainees.

A sync may give a lesson a quiz, retire a lesson, or make one optional. Progress rows keep
pointing at the same lessons, so two things can go out of step, and are put right here:

- a lesson done before it had a quiz would count as done with its quiz never passed; it is
  reopened (done again once the quiz is passed, as any quiz lesson is);
- a trainee whose last outstanding lesson was retired (or made optional) now meets the
  criteria, but nothing they do would issue the completion: it is issued now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, update

from academy.audit.service import record
from academy.cohorts.models import Cohort
from academy.courses.models import Course
from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.progress.learning import complete_if_met, live_lessons
from academy.progress.models import LessonProgress


@dataclass
class Resync:
    reopened: int = 0  # lessons done before they had a quiz, reopened
    completed: int = 0  # trainees who now meet their course's criteria


def after_course_changes(slugs: list[str]) -> Resync:
    """Bring progress in line with the named courses as they now are. Flushes, no commit."""
    outcome = Resync()
    for course in db.session.scalars(select(Course).where(Course.slug.in_(slugs))):
        lessons = live_lessons(course.id)
        quizzes = [lesson.id for lesson in lessons if lesson.quiz]
        reopened = _reopen(quizzes) if quizzes else 0
        completed = sum(
            complete_if_met(None, enrolment_id) is not None
            for enrolment_id in _meeting_criteria(course.id, lessons)
        )
        if reopened or completed:
            record(None, "course.progress_resync", "course", course.id,
                   reopened=reopened, completed=completed)  # fmt: skip
        outcome.reopened += reopened
        outcome.completed += completed
    db.session.flush()
    return outcome


def _reopen(quiz_lessons: list[int]) -> int:
    return db.session.execute(
        update(LessonProgress)
        .where(
            LessonProgress.lesson_id.in_(quiz_lessons),
            LessonProgress.done_at.is_not(None),
            LessonProgress.quiz_passed.is_(False),
        )
        .values(done_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def _meeting_criteria(course_id: int, lessons) -> list[int]:
    """Seated, not completed enrolments of the course whose progress meets its criteria.

    A first sieve in one query; complete_if_met checks each one fully (attendance, an earlier
    revocation) before issuing anything.
    """
    required = {lesson.id: bool(lesson.quiz) for lesson in lessons if lesson.required}
    if not required:
        return []
    rows = db.session.execute(
        select(Enrolment.id, LessonProgress.lesson_id, LessonProgress.quiz_passed)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(LessonProgress, LessonProgress.enrolment_id == Enrolment.id)
        .where(
            Cohort.course_id == course_id,
            Enrolment.status == "enrolled",
            LessonProgress.lesson_id.in_(list(required)),
            LessonProgress.done_at.is_not(None),
        )
    )
    met: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, lesson_id, passed in rows:
        if passed or not required[lesson_id]:
            met[enrolment_id].add(lesson_id)
    return [enrolment_id for enrolment_id, done in met.items() if len(done) == len(required)]
