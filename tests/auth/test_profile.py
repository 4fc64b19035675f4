"""The profile page: name, language, consent with its history, password, and my data."""

from __future__ import annotations

import json

from sqlalchemy import select

from academy.auth.models import ConsentEvent, LoginSession, TraineeProfile, User
from academy.dates import local_today
from academy.extensions import db
from academy.progress.learning import record_progress
from tests import factories

NEW_PASSWORD = "a long new passphrase 42"


def test_profile_saves_name_locale_and_consent_with_its_time(client, login):
    user = login(factories.make_user(consent=False))
    assert client.get("/account/profile").status_code == 200
    data = {"name": "Chan Mei Ling", "locale": "zh_Hant", "consent_share": "y"}
    assert client.post("/account/profile", data=data).status_code == 302
    assert (
        client.post("/account/profile", data={"name": "Chan Mei Ling", "locale": ""}).status_code
        == 302
    )

    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    assert fresh.name == "Chan Mei Ling" and fresh.locale is None
    profile = db.session.get(TraineeProfile, user.id)
    assert profile.consent_share is False and profile.consent_changed_at is not None
    events = db.session.scalars(
        select(ConsentEvent).where(ConsentEvent.user_id == user.id).order_by(ConsentEvent.id)
    ).all()
    assert [e.given for e in events] == [True, False] and all(e.at for e in events)


def test_bad_profile_input_changes_nothing(client, login):
    user = login(factories.make_user(name="Kept Name"))
    response = client.post("/account/profile", data={"name": "", "locale": "xx"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Kept Name"


def test_staff_have_a_profile_without_consent(client, login):
    login(factories.make_user(roles=["manager"]))
    html = client.get("/account/profile").get_data(as_text=True)
    assert "Partner organisations may see" not in html
    assert client.post("/account/profile", data={"name": "M", "locale": "en"}).status_code == 302


def test_changing_the_password_ends_other_sessions_only(client, login):
    user = login(factories.make_user())
    other = factories.auth.start_session(user)
    db.session.commit()
    wrong = client.post(
        "/account/password",
        data={"current": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    response = client.post(
        "/account/password",
        data={"current": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    sessions = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id))
    revoked = {s.token_hash: s.revoked_at for s in sessions}
    assert revoked[factories.auth.digest(other)] is not None
    assert sum(1 for at in revoked.values() if at is None) == 1
    assert client.get("/account/profile").status_code == 200  # this session goes on


def test_download_my_data_holds_everything_about_me_and_nothing_else(client, login):
    course = factories.make_course(lessons=2, quiz_on_last=True)
    cohort = factories.make_cohort(course)
    me = login(factories.make_user(name="Me Myself", consent=False))
    someone = factories.make_user(name="Someone Else")
    mine = factories.enrol(cohort, me)
    factories.enrol(cohort, someone)
    record_progress(me, mine.id, "lesson-1")
    record_progress(me, mine.id, "lesson-2", {"q1": 1, "q2": 0})
    db.session.commit()
    client.post("/account/profile", data={"name": "Me Myself", "locale": "", "consent_share": "y"})

    response = client.get("/account/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["name"] == "Me Myself" and data["profile"]["consent_share"] is True
    assert [e["given"] for e in data["consent_events"]] == [True]
    (enrolment,) = data["enrolments"]
    assert enrolment["status"] == "completed"
    assert [h["to"] for h in enrolment["history"]] == ["enrolled", "completed"]
    assert {p["lesson"] for p in enrolment["progress"]} == {"lesson-1", "lesson-2"}
    assert enrolment["quiz_attempts"][0]["answers"] == {"q1": 1, "q2": 0}
    (completion,) = data["completions"]
    assert (
        completion["course"] == course.slug
        and completion["completed_on"] == local_today().isoformat()
    )
    assert "Someone Else" not in response.get_data(as_text=True)
    assert "password" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/account/profile", "/account/data.json"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


def test_the_language_switcher_saves_the_choice_on_the_account(client, login):
    user = login(factories.make_user())
    assert client.post("/language", data={"locale": "zh_Hans", "next": "/"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "zh_Hans"


def test_an_unconfirmed_person_can_ask_for_the_link_again(client, login):
    from academy import mail

    user = login(factories.make_user(confirmed=False))
    mail.sent.clear()
    response = client.post("/account/confirmation")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/profile")
    assert [m["To"] for m in mail.sent] == [user.email]
    mail.sent.clear()
