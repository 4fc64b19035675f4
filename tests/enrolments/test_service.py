import pytest
from sqlalchemy import select

from academy.cohorts.models import Cohort
from academy.courses.models import Lesson
from academy.enrolments import service
from academy.enrolments.models import Enrolment, EnrolmentEvent
from academy.errors import Conflict, Invalid
from academy.extensions import db
from academy.progress.models import LessonProgress
from tests.factories import enrol, make_cohort, make_course, make_user


def history(enrolment):
    return db.session.execute(
        select(EnrolmentEvent.from_status, EnrolmentEvent.to_status)
        .where(EnrolmentEvent.enrolment_id == enrolment.id)
        .order_by(EnrolmentEvent.id)
    ).all()


def test_seats_are_taken_then_the_waitlist_fills():
    cohort = make_cohort(capacity=2)
    statuses = [enrol(cohort, make_user()).status for _ in range(4)]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    assert db.session.get(Cohort, cohort.id).seats_taken == 2


def test_enrolling_twice_is_a_conflict_and_staff_cannot_be_enrolled():
    cohort = make_cohort()
    person = make_user()
    enrol(cohort, person)
    with pytest.raises(Conflict):
        service.enrol(None, cohort, person)
    db.session.rollback()
    with pytest.raises(Invalid):
        service.enrol(None, cohort, make_user(["instructor"]))


def test_withdrawal_promotes_the_oldest_waitlisted_first():
    cohort = make_cohort(capacity=1)
    seated = enrol(cohort, make_user())
    first, second = enrol(cohort, make_user()), enrol(cohort, make_user())
    service.withdraw(None, seated, "Changed jobs")
    db.session.commit()
    assert db.session.get(Enrolment, first.id).status == "enrolled"
    assert db.session.get(Enrolment, second.id).status == "waitlisted"
    assert history(first) == [(None, "waitlisted"), ("waitlisted", "enrolled")]
    reasons = db.session.scalars(
        select(EnrolmentEvent.reason)
        .where(EnrolmentEvent.enrolment_id == seated.id)
        .order_by(EnrolmentEvent.id)
    ).all()
    assert reasons[-1] == "Changed jobs"


def test_withdrawing_a_waitlisted_person_frees_no_seat():
    cohort = make_cohort(capacity=1)
    enrol(cohort, make_user())
    waiting, later = enrol(cohort, make_user()), enrol(cohort, make_user())
    service.withdraw(None, waiting)
    db.session.commit()
    assert db.session.get(Enrolment, later.id).status == "waitlisted"
    assert db.session.get(Cohort, cohort.id).seats_taken == 1


def test_capacity_increase_promotes_in_arrival_order():
    cohort = make_cohort(capacity=1)
    enrol(cohort, make_user())
    waiting = [enrol(cohort, make_user()) for _ in range(3)]
    promoted = service.set_capacity(None, db.session.get(Cohort, cohort.id), 3)
    db.session.commit()
    assert [e.id for e in promoted] == [waiting[0].id, waiting[1].id]
    assert db.session.get(Enrolment, waiting[2].id).status == "waitlisted"
    with pytest.raises(Invalid):
        service.set_capacity(None, db.session.get(Cohort, cohort.id), 2)


def test_re_enrolment_keeps_the_enrolment_and_its_progress():
    course = make_course(lessons=2)
    cohort = make_cohort(course, capacity=1)
    person = make_user()
    enrolment = enrol(cohort, person)
    first_lesson = db.session.scalar(select(Lesson.id).where(Lesson.course_id == course.id))
    db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=first_lesson))
    db.session.commit()
    service.withdraw(None, enrolment)
    other = enrol(cohort, make_user())  # takes the freed seat
    db.session.commit()
    back = service.enrol(None, cohort, person, "Came back")
    db.session.commit()
    assert back.id == enrolment.id
    assert back.status == "waitlisted"  # the seat went to someone else meanwhile
    assert other.status == "enrolled"
    assert db.session.scalar(
        select(LessonProgress.id).where(LessonProgress.enrolment_id == enrolment.id)
    )
    assert history(enrolment) == [
        (None, "enrolled"),
        ("enrolled", "withdrawn"),
        ("withdrawn", "waitlisted"),
    ]
