"""POST /enrolments/<id>/progress and GET /certificates/<code>, including their boundaries."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from academy.extensions import db
from academy.progress.models import CompletionRecord, LessonProgress, QuizAttempt
from academy.progress.service import revoke_completion
from tests import factories

RIGHT = {"q1": 1, "q2": 0}


@pytest.fixture
def seat():
    course = factories.make_course(lessons=2, quiz_on_last=True)
    cohort = factories.make_cohort(course)
    trainee = factories.make_user(name="Chan Tai Man")
    return trainee, factories.enrol(cohort, trainee), course


def url(enrolment) -> str:
    return f"/api/v1/enrolments/{enrolment.id}/progress"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_progress_answers_as_api_md_says(api, seat):
    trainee, enrolment, _course = seat
    caller = api(trainee)
    first = caller.post(url(enrolment), json={"lesson": "lesson-1"})
    assert first.status_code == 200
    assert first.json == {"lessons_done": 1, "lessons_total": 2, "completed": False}

    failed = caller.post(url(enrolment), json={"lesson": "lesson-2", "answers": {"q1": 0, "q2": 1}})
    assert failed.json["quiz"] == {"score": 0, "passed": False, "pass_mark": 50}
    assert failed.json["completed"] is False and "certificate_code" not in failed.json

    done = caller.post(url(enrolment), json={"lesson": "lesson-2", "answers": RIGHT})
    assert done.status_code == 200
    body = done.json
    assert body["lessons_done"] == 2 and body["completed"] is True
    assert body["quiz"]["passed"] is True
    assert body["certificate_code"] == db.session.scalar(select(CompletionRecord.certificate_code))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "lesson"),
        ({"lesson": "lesson-1", "extra": 1}, "extra"),
        # A nested field is named by its path in the body.
        ({"lesson": "lesson-2", "answers": {"q1": "one", "q2": 0}}, "answers.q1"),
        ({"lesson": "lesson-2", "answers": {"q1": 1}}, "answers.q2"),
        ({"lesson": "lesson-2", "answers": {"q1": 1, "q2": 9}}, "answers.q2"),
        ({"lesson": "lesson-2"}, "answers"),
    ],
)
def test_bad_progress_bodies_are_refused_and_change_nothing(api, seat, body, field):
    trainee, enrolment, _course = seat
    response = api(trainee).post(url(enrolment), json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert count(LessonProgress) == 0 and count(QuizAttempt) == 0
    # API.md's shape: {field: [messages]}, however deep the field sits.
    messages = response.json["error"]["fields"].values()
    assert all(isinstance(m, list) and all(isinstance(x, str) for x in m) for m in messages)


def test_another_trainee_can_neither_change_nor_learn_of_an_enrolment(api, seat):
    _trainee, enrolment, _course = seat
    other = factories.make_user()
    response = api(other).post(url(enrolment), json={"lesson": "lesson-1"})
    assert response.status_code == 404
    assert (
        api(other).post("/api/v1/enrolments/999999/progress", json={"lesson": "x"}).status_code
        == 404
    )
    assert count(LessonProgress) == 0


@pytest.mark.parametrize("role", ["instructor", "manager", "partner", "admin"])
def test_only_trainees_record_progress(api, seat, role):
    _trainee, enrolment, _course = seat
    response = api(factories.make_user(roles=[role])).post(
        url(enrolment), json={"lesson": "lesson-1"}
    )
    assert response.status_code == 403
    assert count(LessonProgress) == 0


def test_progress_needs_a_token(client, seat):
    _trainee, enrolment, _course = seat
    assert client.post(url(enrolment), json={"lesson": "lesson-1"}).status_code == 401


def _post_at_once(app, posts):
    """Run the (client, path, json) posts in threads released together; return the responses."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def run(i, client, path, body, headers):
        barrier.wait()
        responses[i] = client.post(path, json=body, headers=headers)

    threads = [
        threading.Thread(target=run, args=(i, app.test_client(), path, body, headers))
        for i, (path, body, headers) in enumerate(posts)
    ]
    # Outside a request every SQLite transaction takes the write lock: end ours first.
    db.session.commit()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


@pytest.mark.slow
def test_a_concurrent_double_submit_issues_exactly_one_completion(app, api, seat):
    trainee, enrolment, _course = seat
    headers = api(trainee).headers
    assert api(trainee).post(url(enrolment), json={"lesson": "lesson-1"}).status_code == 200
    final = {"lesson": "lesson-2", "answers": RIGHT}

    responses = _post_at_once(app, [(url(enrolment), final, headers)] * 2)

    assert [r.status_code for r in responses] == [200, 200]
    assert all(r.json["completed"] for r in responses)
    codes = {r.json["certificate_code"] for r in responses}
    assert len(codes) == 1
    db.session.expire_all()
    assert count(CompletionRecord) == 1
    assert count(LessonProgress) == 2


@pytest.mark.slow
def test_two_tabs_finishing_the_last_two_lessons_at_once_complete_once(app, api):
    course = factories.make_course(lessons=3)
    cohort = factories.make_cohort(course)
    trainee = factories.make_user()
    enrolment = factories.enrol(cohort, trainee)
    headers = api(trainee).headers
    api(trainee).post(url(enrolment), json={"lesson": "lesson-1"})

    responses = _post_at_once(
        app,
        [(url(enrolment), {"lesson": slug}, headers) for slug in ("lesson-2", "lesson-3")],
    )

    assert [r.status_code for r in responses] == [200, 200]
    assert sorted(r.json["completed"] for r in responses) in ([False, True], [True, True])
    db.session.expire_all()
    assert count(CompletionRecord) == 1


@pytest.mark.slow
def test_revocations_sent_at_once_revoke_once_and_keep_the_first_reason(app, api, seat):
    from academy.audit.models import AuditEvent

    trainee, enrolment, _course = seat
    api(trainee).post(url(enrolment), json={"lesson": "lesson-1"})
    api(trainee).post(url(enrolment), json={"lesson": "lesson-2", "answers": RIGHT})
    record = db.session.scalar(select(CompletionRecord))
    headers = api(factories.make_user(roles=["manager"])).headers
    path = f"/api/v1/completions/{record.id}/revoke"

    responses = _post_at_once(app, [(path, {"reason": f"reason {i}"}, headers) for i in range(6)])

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409, 409, 409, 409, 409]
    winner = next(r for r in responses if r.status_code == 200)
    db.session.expire_all()
    kept = db.session.get(CompletionRecord, record.id)
    assert kept.revoke_reason == winner.json["reason"]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "completion.revoke")
    ).all()
    assert len(events) == 1


def test_certificate_verification_and_revocation(api, client, seat):
    trainee, _enrolment, course = seat
    record = factories.complete(trainee, course, factories.local_today())
    response = client.get(f"/api/v1/certificates/{record.certificate_code}")
    assert response.status_code == 200
    assert response.json == {
        "valid": True,
        "course": course.title,
        "completed_on": record.completed_on.isoformat(),
        "holder": "Chan Tai Man",
        "certificate_code": record.certificate_code,
    }
    assert trainee.email not in response.get_data(as_text=True)
    # Codes are read case-insensitively, as people type them.
    lower = client.get(f"/api/v1/certificates/{record.certificate_code.lower()}")
    assert lower.status_code == 200

    manager = factories.make_user(roles=["manager"])
    db.session.refresh(manager)
    revoke_completion(manager, record, "Issued by mistake")
    db.session.commit()
    revoked = client.get(f"/api/v1/certificates/{record.certificate_code}")
    assert revoked.status_code == 200 and revoked.json["valid"] is False


@pytest.mark.parametrize("code", ["AFA-NOPE-NOPE-NOPE-NOPE", "1", "x" * 60])
def test_unknown_certificates_are_404(client, code):
    response = client.get(f"/api/v1/certificates/{code}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
