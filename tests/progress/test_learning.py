"""Progress through a course: lessons, quizzes with a pass mark, completion issued at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from academy.cohorts.models import Attendance, CohortSession
from academy.courses.models import Lesson
from academy.enrolments.models import Enrolment
from academy.errors import Conflict, Invalid, NotFound
from academy.extensions import db
from academy.progress.learning import complete_if_met, record_progress
from academy.progress.models import CompletionRecord, LessonProgress, QuizAttempt
from academy.progress.service import revoke_completion
from tests import factories

RIGHT = {"q1": 1, "q2": 0}
HALF = {"q1": 1, "q2": 1}
WRONG = {"q1": 0, "q2": 1}


@pytest.fixture
def seat():
    """A trainee with a seat in a cohort of a 3-lesson course whose last lesson has a quiz."""
    course = factories.make_course(lessons=3, quiz_on_last=True)
    cohort = factories.make_cohort(course)
    trainee = factories.make_user()
    enrolment = factories.enrol(cohort, trainee)
    return trainee, enrolment, course


def completions() -> int:
    return db.session.scalar(select(func.count()).select_from(CompletionRecord))


def test_lessons_then_a_passed_quiz_complete_the_course_at_once(seat):
    trainee, enrolment, course = seat
    first = record_progress(trainee, enrolment.id, "lesson-1")
    assert (first.lessons_done, first.lessons_total, first.completed) == (1, 3, False)
    record_progress(trainee, enrolment.id, "lesson-2")
    result = record_progress(trainee, enrolment.id, "lesson-3", RIGHT)
    db.session.commit()

    assert result.completed and result.issued_now and result.certificate_code
    assert (result.quiz.score, result.quiz.passed) == (100, True)
    record = db.session.scalar(select(CompletionRecord))
    assert (record.user_id, record.course_id, record.cohort_id) == (
        trainee.id,
        course.id,
        enrolment.cohort_id,
    )
    assert record.score == 100 and record.certificate_code == result.certificate_code
    assert db.session.get(Enrolment, enrolment.id).status == "completed"


def test_the_pass_mark_decides_and_retries_keep_the_best_score(seat):
    trainee, enrolment, _course = seat
    record_progress(trainee, enrolment.id, "lesson-1")
    record_progress(trainee, enrolment.id, "lesson-2")

    failed = record_progress(trainee, enrolment.id, "lesson-3", WRONG)
    assert (failed.quiz.score, failed.quiz.passed, failed.completed) == (0, False, False)
    assert failed.quiz.correct == {"q1": False, "q2": False}
    at_mark = record_progress(trainee, enrolment.id, "lesson-3", HALF)  # 50 with pass mark 50
    assert (at_mark.quiz.score, at_mark.quiz.passed, at_mark.completed) == (50, True, True)
    again = record_progress(trainee, enrolment.id, "lesson-3", RIGHT)
    db.session.commit()

    assert again.completed and not again.issued_now
    assert completions() == 1
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 3
    row = db.session.scalar(select(LessonProgress).where(LessonProgress.best_score.is_not(None)))
    assert (row.best_score, row.quiz_passed) == (100, True)
    # The score on the record is the one that completed the course.
    assert db.session.scalar(select(CompletionRecord.score)) == 50


def test_a_failed_quiz_alone_never_completes(seat):
    trainee, enrolment, _course = seat
    record_progress(trainee, enrolment.id, "lesson-1")
    record_progress(trainee, enrolment.id, "lesson-2")
    for _ in range(3):
        assert not record_progress(trainee, enrolment.id, "lesson-3", WRONG).completed
    assert completions() == 0


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (None, "answers"),
        ({"q1": 1}, "answers.q2"),
        ({"q1": 1, "q2": 5}, "answers.q2"),
        ({**RIGHT, "zz": 0}, "answers.zz"),
    ],
)
def test_quiz_answers_must_be_complete_and_in_range(seat, answers, field):
    trainee, enrolment, _course = seat
    with pytest.raises(Invalid) as caught:
        record_progress(trainee, enrolment.id, "lesson-3", answers)
    assert field in caught.value.fields


def test_only_the_trainee_with_a_seat_records_progress(seat):
    trainee, enrolment, _course = seat
    with pytest.raises(NotFound):
        record_progress(factories.make_user(), enrolment.id, "lesson-1")
    with pytest.raises(NotFound):
        record_progress(trainee, enrolment.id, "no-such-lesson")
    full = factories.make_cohort(factories.make_course(), capacity=0)
    waiting = factories.enrol(full, trainee)
    with pytest.raises(Conflict):
        record_progress(trainee, waiting.id, "lesson-1")


def test_retired_lessons_no_longer_count(seat):
    trainee, enrolment, course = seat
    record_progress(trainee, enrolment.id, "lesson-1")
    record_progress(trainee, enrolment.id, "lesson-3", RIGHT)
    lesson_2 = db.session.scalar(select(Lesson).where(Lesson.slug == "lesson-2"))
    lesson_2.retired_at = datetime.now(UTC)
    db.session.commit()
    assert complete_if_met(None, enrolment.id) is not None


def test_optional_lessons_are_not_needed(seat):
    trainee, enrolment, _course = seat
    db.session.scalar(select(Lesson).where(Lesson.slug == "lesson-2")).required = False
    db.session.commit()
    record_progress(trainee, enrolment.id, "lesson-1")
    assert record_progress(trainee, enrolment.id, "lesson-3", RIGHT).completed


def test_in_person_cohorts_need_the_minimum_attendance():
    course = factories.make_course(lessons=1)
    course.min_attendance = 50
    cohort = factories.make_cohort(course, delivery="shenzhen")
    trainee = factories.make_user()
    enrolment = factories.enrol(cohort, trainee)
    start = datetime.now(UTC) - timedelta(days=3)
    sessions = [
        CohortSession(
            cohort_id=cohort.id,
            title=f"Day {i}",
            starts_at=start + timedelta(days=i),
            ends_at=start + timedelta(days=i, hours=2),
            place="shenzhen",
        )
        for i in range(2)
    ]
    db.session.add_all(sessions)
    db.session.commit()

    assert not record_progress(trainee, enrolment.id, "lesson-1").completed
    db.session.add(Attendance(session_id=sessions[0].id, enrolment_id=enrolment.id, present=True))
    db.session.commit()
    assert complete_if_met(None, enrolment.id) is not None
    assert completions() == 1


def test_a_revoked_completion_is_issued_again_when_criteria_are_met_again(seat):
    trainee, enrolment, _course = seat
    for slug in ("lesson-1", "lesson-2"):
        record_progress(trainee, enrolment.id, slug)
    code = record_progress(trainee, enrolment.id, "lesson-3", RIGHT).certificate_code
    db.session.commit()
    manager = factories.make_user(roles=["manager"])
    db.session.refresh(manager)  # loaded, as a request's actor is: no lazy load mid-revoke
    revoke_completion(manager, db.session.scalar(select(CompletionRecord)), "Issued in error")
    db.session.commit()
    again = record_progress(trainee, enrolment.id, "lesson-3", RIGHT)
    assert again.issued_now and again.certificate_code != code


def _revoke_the_record(reason: str = "Answers were shared; must re-sit") -> None:
    manager = factories.make_user(roles=["manager"])
    db.session.refresh(manager)
    revoke_completion(manager, db.session.scalar(select(CompletionRecord)), reason)
    db.session.commit()


def test_after_a_revocation_only_a_quiz_passed_again_issues_a_record(seat):
    trainee, enrolment, _course = seat
    for slug in ("lesson-1", "lesson-2"):
        record_progress(trainee, enrolment.id, slug)
    record_progress(trainee, enrolment.id, "lesson-3", RIGHT)
    db.session.commit()
    _revoke_the_record()

    failed = record_progress(trainee, enrolment.id, "lesson-3", WRONG)
    assert not failed.completed and not failed.issued_now
    assert complete_if_met(None, enrolment.id) is None  # as attendance taken would ask
    db.session.commit()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(CompletionRecord)
            .where(CompletionRecord.revoked_at.is_(None))
        )
        == 0
    )

    passed = record_progress(trainee, enrolment.id, "lesson-3", HALF)
    db.session.commit()
    assert passed.issued_now
    # The re-sit's score, not the best one from before the revocation (100).
    assert (
        db.session.scalar(
            select(CompletionRecord.score).where(CompletionRecord.revoked_at.is_(None))
        )
        == 50
    )


def test_after_a_revocation_a_course_without_quizzes_is_completed_again_by_hand():
    course = factories.make_course(lessons=2)
    cohort = factories.make_cohort(course)
    trainee = factories.make_user()
    enrolment = factories.enrol(cohort, trainee)
    for slug in ("lesson-1", "lesson-2"):
        record_progress(trainee, enrolment.id, slug)
    db.session.commit()
    assert completions() == 1
    _revoke_the_record("Recorded for the wrong person")

    assert not record_progress(trainee, enrolment.id, "lesson-2").completed
    assert complete_if_met(None, enrolment.id) is None
    db.session.commit()
    assert completions() == 1


def test_a_revocation_in_one_cohort_does_not_hold_back_a_later_cohort(seat):
    trainee, enrolment, course = seat
    for slug in ("lesson-1", "lesson-2"):
        record_progress(trainee, enrolment.id, slug)
    record_progress(trainee, enrolment.id, "lesson-3", RIGHT)
    db.session.commit()
    _revoke_the_record()
    db.session.get(Enrolment, enrolment.id).status = "withdrawn"
    later = factories.enrol(factories.make_cohort(course), trainee)
    for slug in ("lesson-1", "lesson-2"):
        record_progress(trainee, later.id, slug)
    assert record_progress(trainee, later.id, "lesson-3", RIGHT).issued_now


def test_taking_attendance_issues_a_completion_that_was_waiting_for_it():
    from academy.cohorts.timetable import record_attendance

    course = factories.make_course(lessons=1)
    course.min_attendance = 100
    cohort = factories.make_cohort(course, delivery="hong_kong")
    instructor = factories.make_user(roles=["instructor"])
    trainee = factories.make_user()
    enrolment = factories.enrol(cohort, trainee)
    start = datetime.now(UTC) - timedelta(days=2)
    session = CohortSession(
        cohort_id=cohort.id,
        title="Lab",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="hong_kong",
    )
    db.session.add(session)
    db.session.commit()
    assert not record_progress(trainee, enrolment.id, "lesson-1").completed
    db.session.commit()

    record_attendance(instructor, session, {enrolment.id: True})
    db.session.commit()
    assert completions() == 1


def test_attendance_marks_and_corrections_are_audited_with_what_they_replaced():
    from academy.audit.models import AuditEvent
    from academy.cohorts.timetable import record_attendance

    cohort = factories.make_cohort(factories.make_course(lessons=1), delivery="shenzhen")
    first, second = (factories.make_user(roles=["instructor"]) for _ in range(2))
    here, away = factories.make_user(), factories.make_user()
    here_seat, away_seat = factories.enrol(cohort, here), factories.enrol(cohort, away)
    start = datetime.now(UTC) - timedelta(days=1)
    session = CohortSession(
        cohort_id=cohort.id,
        title="Lab",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="shenzhen",
    )
    db.session.add(session)
    db.session.commit()

    record_attendance(first, session, {here_seat.id: True, away_seat.id: False})
    record_attendance(second, session, {here_seat.id: False, away_seat.id: False})
    db.session.commit()

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "attendance.record").order_by(AuditEvent.id)
    ).all()
    assert events[0].detail["marked"] == {"present": [here_seat.id], "absent": [away_seat.id]}
    assert events[1].detail["corrected"] == [
        {"enrolment_id": here_seat.id, "was": True, "by": first.id}
    ]
    assert events[1].detail["changes"] == 1 and events[1].actor_id == second.id
