"""Extra fields never reach the database: the API refuses them, forms ignore them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.dates import local_today
from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.partners.models import Partner
from academy.progress.models import CompletionRecord, LessonProgress, QuizAttempt
from tests.factories import complete, enrol, make_cohort, make_course, make_partner, make_user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(response, *names):
    assert response.status_code == 422, response.get_data(as_text=True)
    fields = response.json["error"].get("fields", {})
    for name in names:
        assert name in fields, fields


# --- API: unknown fields are refused with 422 and nothing changes ----------------------------


def test_a_trainee_cannot_declare_a_lesson_completed_or_score_it(api):
    course = make_course(lessons=2, quiz_on_last=True)
    trainee = make_user()
    enrolment = enrol(make_cohort(course), trainee)
    caller = api(trainee)
    url = f"/api/v1/enrolments/{enrolment.id}/progress"
    for extra in (
        {"completed": True},
        {"score": 100},
        {"completed": True, "score": 100, "passed": True},
        {"user_id": make_user().id},
        {"status": "completed"},
    ):
        refused(caller.post(url, json={"lesson": "lesson-2", **extra}), *extra)
    assert count(LessonProgress) == count(QuizAttempt) == count(CompletionRecord) == 0
    # A plain quiz submission with wrong answers still fails the quiz: score is computed.
    done = caller.post(url, json={"lesson": "lesson-2", "answers": {"q1": 0, "q2": 1}})
    assert done.status_code == 200
    assert done.json["quiz"]["score"] == 0 and done.json["completed"] is False


@pytest.mark.parametrize(
    "extra",
    [
        {"role": "admin"},
        {"is_active_account": False},
        {"user_id": 1},
        {"id": 99},
        {"password_hash": "x"},
        {"email_confirmed_at": "2026-01-01T00:00:00Z"},
    ],
)
def test_creating_a_user_refuses_extra_fields(api, extra):
    caller = api(make_user(["manager"]))
    before = count(User)
    body = {
        "email": "new@example.org",
        "name": "New",
        "roles": ["trainee"],
        "kind": "student",
        "region": "other",
        "consent_share": False,
        **extra,
    }
    refused(caller.post("/api/v1/users", json=body), *extra)
    assert count(User) == before


def test_a_trainee_created_with_partner_id_is_refused(api):
    partner = make_partner()
    caller = api(make_user(["manager"]))
    body = {
        "email": "new@example.org",
        "name": "New",
        "roles": ["trainee"],
        "kind": "student",
        "region": "other",
        "consent_share": False,
        "partner_id": partner.id,
    }
    response = caller.post("/api/v1/users", json=body)
    refused(response, "partner_id")


@pytest.mark.parametrize("extra", [{"seats_taken": 5}, {"status": "closed"}, {"id": 7}])
def test_creating_a_cohort_refuses_counters_and_state(api, extra):
    course = make_course()
    caller = api(make_user(["manager"]))
    body = {
        "code": "X1",
        "name": "X",
        "course": course.slug,
        "start_date": local_today().isoformat(),
        "end_date": (local_today() + timedelta(days=30)).isoformat(),
        "capacity": 10,
        "delivery": "online",
        "policy": "open",
        **extra,
    }
    refused(caller.post("/api/v1/cohorts", json=body), *extra)
    assert count(Cohort) == 0


@pytest.mark.parametrize("extra", [{"status": "enrolled"}, {"cohort_id": 999}])
def test_enrolling_refuses_a_chosen_status(api, extra):
    cohort = make_cohort(capacity=1)
    enrol(cohort, make_user())  # full: the next one is waitlisted, whatever they ask
    caller = api(make_user(["manager"]))
    body = {"user_id": make_user().id, **extra}
    refused(caller.post(f"/api/v1/cohorts/{cohort.id}/enrolments", json=body), *extra)
    assert count(Enrolment) == 1


def test_withdraw_revoke_completion_and_partner_bodies_refuse_extras(api):
    course = make_course()
    cohort = make_cohort(course)
    trainee = make_user()
    enrolment = enrol(cohort, trainee)
    record = complete(make_user(), course, local_today())
    manager = api(make_user(["manager"]))
    refused(
        api(trainee).post(
            f"/api/v1/enrolments/{enrolment.id}/withdraw", json={"status": "completed"}
        ),
        "status",
    )
    refused(
        manager.post(f"/api/v1/completions/{record.id}/revoke", json={"reason": "x", "user_id": 1}),
        "user_id",
    )
    refused(
        manager.post(
            "/api/v1/completions",
            json={
                "user_id": trainee.id,
                "course": course.slug,
                "completed_on": local_today().isoformat(),
                "reason": "paper exam",
                "certificate_code": "AFA-MINE",
                "revoked": False,
            },
        ),
        "certificate_code",
        "revoked",
    )
    refused(
        manager.post("/api/v1/partners", json={"name": "P", "kind": "lab", "id": 5}),
        "id",
    )
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    assert db.session.get(CompletionRecord, record.id).revoked_at is None
    assert count(CompletionRecord) == 1 and count(Partner) == 0


# --- Forms: fields the form does not have are ignored ----------------------------------------


def test_signup_ignores_roles_partner_and_account_state(client):
    partner = make_partner()
    password = "mangroves at futian 2025"
    response = client.post(
        "/signup",
        data={
            "name": "Wong",
            "email": "wong@example.org",
            "password": password,
            "confirm": password,
            "kind": "student",
            "region": "hong_kong",
            "roles": "admin",
            "role": "admin",
            "partner_id": str(partner.id),
            "is_active_account": "n",
            "email_confirmed_at": "2020-01-01",
        },
    )
    assert response.status_code == 200
    user = db.session.scalar(select(User).where(User.email == "wong@example.org"))
    assert user.roles == {"trainee"}
    assert user.partner_id is None
    assert user.is_active_account is True
    assert user.email_confirmed_at is None


def test_profile_ignores_partner_roles_and_email(client, login):
    partner = make_partner()
    user = login(make_user(email="ana@example.org"))
    response = client.post(
        "/account/profile",
        data={
            "name": "Ana B",
            "locale": "en",
            "partner_id": str(partner.id),
            "roles": "manager",
            "email": "boss@example.org",
            "is_active_account": "n",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.name == "Ana B"
    assert (user.email, user.partner_id, user.roles) == ("ana@example.org", None, {"trainee"})


def test_staff_user_form_keeps_partner_id_off_non_partner_accounts(client, login_as):
    login_as("manager")
    partner = make_partner()
    response = client.post(
        "/admin/users",
        data={
            "email": "t@example.org",
            "name": "T",
            "roles": "trainee",
            "kind": "student",
            "region": "other",
            "partner_id": str(partner.id),
            "is_active_account": "n",
        },
    )
    assert response.status_code in (200, 302)
    user = db.session.scalar(select(User).where(User.email == "t@example.org"))
    assert user is not None and user.partner_id is None and user.roles == {"trainee"}


def test_cohort_edit_ignores_seat_counter(client, login_as):
    login_as("manager")
    cohort = make_cohort(capacity=3)
    enrol(cohort, make_user())
    page = client.get(f"/cohorts/{cohort.id}/edit")
    assert page.status_code == 200
    data = {
        "code": cohort.code,
        "name": "Renamed",
        "course": cohort.course.slug,
        "start_on": cohort.start_on.isoformat(),
        "end_on": cohort.end_on.isoformat(),
        "capacity": "3",
        "delivery": "online",
        "policy": "open",
        "sponsor": "0",
        "seats_taken": "0",
        "invite_code": "CHOSEN",
    }
    response = client.post(f"/cohorts/{cohort.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    cohort = db.session.get(Cohort, cohort.id)
    assert cohort.name == "Renamed"
    assert cohort.seats_taken == 1 and cohort.invite_code != "CHOSEN"


def test_lesson_form_ignores_a_posted_score(client, login):
    course = make_course(lessons=1, quiz_on_last=True)
    trainee = login(make_user())
    enrolment = enrol(make_cohort(course), trainee)
    response = client.post(
        f"/learning/{enrolment.id}/lesson-1",
        data={"q-q1": "0", "q-q2": "1", "score": "100", "passed": "y", "completed": "y"},
    )
    assert response.status_code in (200, 302, 422)
    assert count(CompletionRecord) == 0
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt is None or attempt.score == 0
