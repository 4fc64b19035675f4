"""A trainee's progress through a course: lessons done, quizzes scored, completion issued.

Every change to one enrolment's progress runs with that enrolment's row locked, so two
submissions at once (a double click, two tabs finishing different lessons) are taken one
after the other and the second sees the first's rows: the completion check can neither
miss the moment criteria are met nor issue twice (the partial unique index on
completion_records backs the latter in any case).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload, load_only

from academy.auth.models import User
from academy.cohorts.models import Attendance, Cohort, CohortSession
from academy.courses.models import Course, Lesson
from academy.database import prepared
from academy.dates import local_today
from academy.enrolments.models import SEATED, Enrolment
from academy.errors import Conflict, Invalid, NotFound
from academy.extensions import db, utcnow
from academy.progress.models import CompletionRecord, LessonProgress, QuizAttempt
from academy.progress.service import issue_completion, last_revocation, live_completion


@dataclass
class QuizResult:
    score: int
    passed: bool
    pass_mark: int
    correct: dict[str, bool] = field(default_factory=dict)


@dataclass
class ProgressResult:
    lessons_done: int
    lessons_total: int
    completed: bool
    quiz: QuizResult | None = None
    certificate_code: str | None = None
    issued_now: bool = False  # this call issued the completion


def live_lessons(course_id: int) -> list[Lesson]:
    """The course's current lessons in order (retired ones left out), quizzes included.

    Their bodies are left in the database: scoring progress never shows one.
    """
    return list(db.session.scalars(_live_lessons(), {"course_id": course_id}))


@prepared
def _live_lessons():
    return (
        select(Lesson)
        .where(Lesson.course_id == bindparam("course_id"), Lesson.retired_at.is_(None))
        .order_by(Lesson.position, Lesson.id)
        .options(defer(Lesson.body_html, raiseload=True))
    )


def live_lesson_names(course_id: int) -> list[Lesson]:
    """As live_lessons, for tables that name lessons: without their bodies and quizzes.

    A course's bodies are tens of kilobytes and each quiz is JSON to decode; anything else
    asked of these objects raises rather than loading it one lesson at a time.
    """
    return list(db.session.scalars(_live_lesson_names(), {"course_id": course_id}))


@prepared
def _live_lesson_names():
    columns = (Lesson.id, Lesson.course_id, Lesson.slug, Lesson.title, Lesson.position)
    return _live_lessons().options(load_only(*columns, Lesson.required, raiseload=True))


def progress_by_lesson(enrolment_id: int) -> dict[int, LessonProgress]:
    rows = db.session.scalars(
        select(LessonProgress).where(LessonProgress.enrolment_id == enrolment_id)
    )
    return {row.lesson_id: row for row in rows}


def public_quiz(quiz: dict | None) -> dict | None:
    """The quiz as a browser may see it: the answers stay on the server."""
    if not quiz:
        return None
    return {
        "pass_mark": quiz["pass_mark"],
        "questions": [
            {"id": q["id"], "prompt": q["prompt"], "choices": list(q["choices"])}
            for q in quiz["questions"]
        ],
    }


def score_quiz(quiz: dict, answers: dict) -> QuizResult:
    """Score answers {question_id: choice_index}; every question must be answered once.

    A refused answer is filed under "answers.<question id>", its path in the API's body.
    """
    questions = {q["id"]: q for q in quiz["questions"]}
    fields: dict[str, list[str]] = {}
    for qid in answers:
        if qid not in questions:
            fields[f"answers.{qid}"] = [_("No such question in this quiz.")]
    for qid, question in questions.items():
        choice = answers.get(qid)
        if choice is None:
            fields[f"answers.{qid}"] = [_("Choose an answer.")]
        elif isinstance(choice, bool) or not isinstance(choice, int):
            fields[f"answers.{qid}"] = [_("Give the number of a choice.")]
        elif not 0 <= choice < len(question["choices"]):
            last = len(question["choices"]) - 1
            fields[f"answers.{qid}"] = [_("Choose 0 to %(last)s.", last=last)]
    if fields:
        raise Invalid(_("Answer every question of the quiz."), fields)
    correct = {qid: answers[qid] == q["answer"] for qid, q in questions.items()}
    score = round(100 * sum(correct.values()) / len(questions))
    return QuizResult(score, score >= quiz["pass_mark"], quiz["pass_mark"], correct)


def attendance_met(course: Course, cohort: Cohort, enrolment_id: int) -> bool:
    """In-person cohorts of a course with min_attendance need that share of sessions attended."""
    if course.min_attendance is None or not cohort.is_in_person:
        return True
    sessions = db.session.scalar(
        select(func.count()).select_from(CohortSession).where(CohortSession.cohort_id == cohort.id)
    )
    if not sessions:
        return True  # nothing timetabled yet: nothing to have missed
    present = db.session.scalar(
        select(func.count())
        .select_from(Attendance)
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(
            Attendance.enrolment_id == enrolment_id,
            Attendance.present.is_(True),
            CohortSession.cohort_id == cohort.id,
        )
    )
    return present * 100 >= course.min_attendance * sessions


def _lock(enrolment_id: int) -> Enrolment:
    enrolment = db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .options(joinedload(Enrolment.cohort).joinedload(Cohort.course))
        .with_for_update(of=Enrolment)
        .execution_options(populate_existing=True)
    )
    if enrolment is None:
        raise NotFound(_("No such enrolment."))
    return enrolment


def _counts(lessons: list[Lesson], progress: dict[int, LessonProgress]) -> tuple[int, int]:
    done = sum(1 for lesson in lessons if (p := progress.get(lesson.id)) and p.done_at)
    return done, len(lessons)


def criteria_met(lessons: list[Lesson], progress: dict[int, LessonProgress]) -> bool:
    """All required lessons done, and every quiz in them passed."""
    required = [lesson for lesson in lessons if lesson.required]
    if not required:
        return False
    for lesson in required:
        row = progress.get(lesson.id)
        if row is None or row.done_at is None or (lesson.quiz and not row.quiz_passed):
            return False
    return True


def _complete_if_met(actor, enrolment, lessons, progress) -> tuple[CompletionRecord | None, bool]:
    cohort, course = enrolment.cohort, enrolment.cohort.course
    existing = live_completion(enrolment.user_id, course.id)
    if existing is not None:
        return existing, False
    if not criteria_met(lessons, progress):
        return None, False
    if not attendance_met(course, cohort, enrolment.id):
        return None, False
    scores = [
        progress[lesson.id].best_score
        for lesson in lessons
        if lesson.required and lesson.quiz and progress[lesson.id].best_score is not None
    ]
    revoked_at = last_revocation(enrolment.user_id, course.id, cohort.id)
    if revoked_at is not None:
        # The progress that earned a revoked record does not earn it back, or any click (even
        # a failed quiz, or attendance taken) would undo the revocation: every required quiz
        # is passed again after it. A course without one is completed again by hand.
        quizzes = [lesson.id for lesson in lessons if lesson.required and lesson.quiz]
        scores = _passed_since(enrolment.id, quizzes, revoked_at)
        if scores is None:
            return None, False
    trainee = db.session.get(User, enrolment.user_id)
    return issue_completion(
        actor,
        trainee,
        course,
        completed_on=local_today(),
        cohort=cohort,
        enrolment=enrolment,
        score=round(sum(scores) / len(scores)) if scores else None,
    )


def _passed_since(enrolment_id: int, lesson_ids: list[int], since) -> list[int] | None:
    """The best passing score of each quiz passed after `since`; None unless all were."""
    if not lesson_ids:
        return None
    best = db.session.execute(
        select(QuizAttempt.lesson_id, func.max(QuizAttempt.score))
        .where(
            QuizAttempt.enrolment_id == enrolment_id,
            QuizAttempt.lesson_id.in_(lesson_ids),
            QuizAttempt.passed.is_(True),
            QuizAttempt.at > since,
        )
        .group_by(QuizAttempt.lesson_id)
    ).all()
    return [score for _lesson, score in best] if len(best) == len(lesson_ids) else None


def complete_if_met(actor: User | None, enrolment_id: int) -> CompletionRecord | None:
    """Issue the completion now if the enrolment meets its course's criteria.

    For callers whose change may complete a course without a lesson submit, such as
    recording attendance. Returns the standing record, if any.
    """
    enrolment = _lock(enrolment_id)
    if enrolment.status not in SEATED:
        return None
    lessons = live_lessons(enrolment.cohort.course_id)
    completion, _created = _complete_if_met(
        actor, enrolment, lessons, progress_by_lesson(enrolment.id)
    )
    return completion


def _progress_row(enrolment_id: int, lesson_id: int) -> LessonProgress:
    row = db.session.scalar(
        select(LessonProgress).where(
            LessonProgress.enrolment_id == enrolment_id, LessonProgress.lesson_id == lesson_id
        )
    )
    if row is not None:
        return row
    row = LessonProgress(enrolment_id=enrolment_id, lesson_id=lesson_id, quiz_passed=False)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        # Only reachable without the row lock (it serialises callers), kept as a backstop.
        return db.session.scalar(
            select(LessonProgress).where(
                LessonProgress.enrolment_id == enrolment_id,
                LessonProgress.lesson_id == lesson_id,
            )
        )
    return row


def record_progress(
    actor: User, enrolment_id: int, lesson_slug: str, answers: dict | None = None
) -> ProgressResult:
    """Mark a lesson done, or score its quiz (done once passed); then complete if met."""
    enrolment = _lock(enrolment_id)
    if enrolment.user_id != actor.id:
        raise NotFound(_("No such enrolment."))
    if enrolment.status not in SEATED:
        raise Conflict(_("Progress can be recorded once you hold a seat in this cohort."))
    lessons = live_lessons(enrolment.cohort.course_id)
    lesson = next((item for item in lessons if item.slug == lesson_slug), None)
    if lesson is None:
        raise NotFound(_("This course has no such lesson."), {"lesson": [_("No such lesson.")]})
    row = _progress_row(enrolment.id, lesson.id)
    now = utcnow()
    row.last_activity_at = now
    quiz = None
    if lesson.quiz:
        if answers is None:
            raise Invalid(
                _("This lesson ends with a quiz: submit its answers."),
                {"answers": [_("Required.")]},
            )
        quiz = score_quiz(lesson.quiz, answers)
        db.session.add(
            QuizAttempt(
                enrolment_id=enrolment.id,
                lesson_id=lesson.id,
                answers={str(k): v for k, v in answers.items()},
                score=quiz.score,
                passed=quiz.passed,
            )
        )
        row.best_score = max(row.best_score or 0, quiz.score)
        row.quiz_passed = row.quiz_passed or quiz.passed
        if quiz.passed and row.done_at is None:
            row.done_at = now
    elif answers:
        raise Invalid(_("This lesson has no quiz."), {"answers": [_("This lesson has no quiz.")]})
    elif row.done_at is None:
        row.done_at = now
    db.session.flush()
    progress = progress_by_lesson(enrolment.id)
    completion, created = _complete_if_met(actor, enrolment, lessons, progress)
    done, total = _counts(lessons, progress)
    return ProgressResult(
        lessons_done=done,
        lessons_total=total,
        completed=completion is not None,
        quiz=quiz,
        certificate_code=completion.certificate_code if completion else None,
        issued_now=created,
    )
