"""Many people asking for the last seats at once: the cohort never holds more than it has."""

import threading

import pytest
from sqlalchemy import func, select

from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.enrolments.models import Enrolment, EnrolmentEvent
from academy.extensions import db
from tests.factories import ApiCaller, make_cohort, make_user

THREADS = 20
CAPACITY = 5


@pytest.mark.slow
def test_concurrent_enrolments_never_oversubscribe(app):
    manager = make_user(["manager"])
    cohort = make_cohort(capacity=CAPACITY)
    trainees = [make_user() for _ in range(THREADS)]
    callers = [ApiCaller(app.test_client(), manager) for _ in range(THREADS)]
    cohort_id, trainee_ids = cohort.id, [t.id for t in trainees]
    db.session.remove()  # the test's own connection must not hold a lock meanwhile

    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, str]] = []
    failures: list[BaseException] = []

    def apply(caller, user_id):
        try:
            barrier.wait(timeout=30)
            response = caller.post(
                f"/api/v1/cohorts/{cohort_id}/enrolments", json={"user_id": user_id}
            )
            answers.append((response.status_code, response.json["status"]))
        except BaseException as error:  # reported below, with the thread's traceback lost
            failures.append(error)

    threads = [
        threading.Thread(target=apply, args=(caller, user_id))
        for caller, user_id in zip(callers, trainee_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures, failures
    assert sorted(answers) == sorted(
        [(201, "enrolled")] * CAPACITY + [(201, "waitlisted")] * (THREADS - CAPACITY)
    )
    counts = dict(
        db.session.execute(
            select(Enrolment.status, func.count())
            .where(Enrolment.cohort_id == cohort_id)
            .group_by(Enrolment.status)
        ).all()
    )
    assert counts == {"enrolled": CAPACITY, "waitlisted": THREADS - CAPACITY}
    assert db.session.get(Cohort, cohort_id).seats_taken == CAPACITY
    assert db.session.scalar(select(func.count(EnrolmentEvent.id))) == THREADS


@pytest.mark.slow
def test_concurrent_withdrawals_promote_each_waitlisted_once(app):
    from tests.factories import enrol

    cohort = make_cohort(capacity=3)
    seated = [make_user() for _ in range(3)]
    waiting = [make_user() for _ in range(5)]
    enrolments = [enrol(cohort, t) for t in seated]
    for trainee in waiting:
        enrol(cohort, trainee)
    callers = [ApiCaller(app.test_client(), t) for t in seated]
    cohort_id, ids = cohort.id, [e.id for e in enrolments]
    waiting_ids = [t.id for t in waiting]
    db.session.remove()
    barrier = threading.Barrier(len(callers))
    codes: list[int] = []

    def leave(caller, enrolment_id):
        barrier.wait(timeout=30)
        codes.append(caller.post(f"/api/v1/enrolments/{enrolment_id}/withdraw").status_code)

    threads = [threading.Thread(target=leave, args=pair) for pair in zip(callers, ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert codes == [200, 200, 200]
    statuses = [
        db.session.scalar(
            select(Enrolment.status).where(
                Enrolment.cohort_id == cohort_id, Enrolment.user_id == user_id
            )
        )
        for user_id in waiting_ids
    ]
    # The three who waited longest got the seats, in order; the others still wait.
    assert statuses == ["enrolled"] * 3 + ["waitlisted"] * 2
    assert db.session.get(Cohort, cohort_id).seats_taken == 3


@pytest.mark.slow
def test_capacity_lowered_while_a_seat_is_taken_is_refused_not_a_crash(app):
    from academy.enrolments import service
    from academy.errors import Invalid

    cohort = make_cohort(capacity=3)
    first, second = make_user(), make_user()
    service.enrol(None, cohort, first)
    db.session.commit()
    cohort_id, second_id = cohort.id, second.id
    db.session.remove()
    seat_taken, outcome = threading.Event(), {}

    def take_a_seat():  # enrols, and holds its transaction open a moment
        with app.app_context():
            service.enrol(None, db.session.get(Cohort, cohort_id), db.session.get(User, second_id))
            db.session.flush()
            seat_taken.set()
            threading.Event().wait(0.5)
            db.session.commit()

    def lower_capacity():
        with app.app_context():
            seat_taken.wait(timeout=30)
            try:
                service.set_capacity(None, db.session.get(Cohort, cohort_id), 1)
                db.session.commit()
                outcome["result"] = "changed"
            except Invalid as error:
                db.session.rollback()
                outcome["result"] = error.fields["capacity"]
            except Exception as error:  # the crash this test is about
                db.session.rollback()
                outcome["result"] = repr(error)

    threads = [threading.Thread(target=take_a_seat), threading.Thread(target=lower_capacity)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcome["result"] == ["At least 2."]
    cohort = db.session.get(Cohort, cohort_id)
    assert (cohort.capacity, cohort.seats_taken) == (3, 2)
