"""Sign-up, email confirmation, password reset and invitations, all through signed links."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from academy import mail
from academy.auth import onboarding
from academy.auth.models import ConsentEvent, LoginSession, TraineeProfile, User
from academy.extensions import db
from tests import factories

NEW_PASSWORD = "a long new passphrase 42"
FORM = {
    "name": "Wong Ka Yan",
    "email": "Ka.Yan@Example.org",
    "password": "mangroves at futian 2025",
    "confirm": "mangroves at futian 2025",
    "kind": "student",
    "region": "hong_kong",
    "organisation": "HKUST",
    "consent_share": "y",
}


@pytest.fixture(autouse=True)
def _outbox():
    mail.sent.clear()
    yield
    mail.sent.clear()


def link_in(message) -> str:
    """The path of the one link in a sent message."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_sign_up_confirm_and_sign_in(app, client):
    page = client.get("/signup")
    assert page.status_code == 200 and "Create an account" in page.get_data(as_text=True)
    response = client.post("/signup", data=FORM)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)

    user = db.session.scalar(select(User).where(User.email == "ka.yan@example.org"))
    assert user.roles == {"trainee"} and user.email_confirmed_at is None
    profile = db.session.get(TraineeProfile, user.id)
    assert (profile.kind, profile.region, profile.organisation, profile.consent_share) == (
        "student",
        "hong_kong",
        "HKUST",
        True,
    )
    assert db.session.scalar(select(ConsentEvent.given).where(ConsentEvent.user_id == user.id))

    (message,) = mail.sent
    assert message["To"] == "ka.yan@example.org"
    # In development and tests the message is also a file in the outbox.
    outbox = Path(app.config["ACADEMY_OUTBOX"])
    files = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in outbox.glob("*.eml")
    ]
    assert link_in(message) in [link_in(f) for f in files if f["To"] == message["To"]]

    confirmed = client.get(link_in(message))
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None

    login = client.post("/login", data={"email": FORM["email"], "password": FORM["password"]})
    assert login.status_code == 302 and login.location.endswith("/learning")


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"password": "short", "confirm": "short"}, "Field must be between 10"),
        ({"confirm": "something else entirely"}, "The passwords differ."),
        ({"password": "password1234", "confirm": "password1234"}, "too common"),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"kind": "robot"}, "Not a valid choice."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_sign_ups_are_refused_and_create_nothing(client, change, field_message):
    response = client.post("/signup", data={**FORM, **change})
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert users() == 0 and mail.sent == []


def test_signing_up_with_a_taken_email_reveals_nothing(client):
    factories.make_user(email="ka.yan@example.org", name="Existing Person")
    response = client.post("/signup", data=FORM)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert users() == 1
    (notice,) = mail.sent
    assert notice["To"] == "ka.yan@example.org" and "already has one" in notice.get_content()


def test_confirmation_links_are_signed_and_expire(client, monkeypatch):
    user = factories.make_user(confirmed=False)
    token = onboarding.make_token(user, onboarding.CONFIRM)
    assert client.get(f"/confirm/{token[:-2]}xx").status_code == 400
    monkeypatch.setattr(onboarding, "CONFIRM", ("confirm-email", timedelta(seconds=-1)))
    assert client.get(f"/confirm/{token}").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is None


def test_a_reset_link_sets_the_password_once_and_ends_sessions(client):
    user = factories.make_user(email="reset.me@example.org")
    other_session = factories.auth.start_session(user)
    db.session.commit()

    response = client.post("/password/forgot", data={"email": "Reset.Me@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    path = link_in(mail.sent[0])
    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location.endswith("/login")

    ok = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert ok.status_code == 302
    # The link died with the password it was made for.
    assert client.get(path).status_code == 400
    again = client.post(
        path, data={"password": "another passphrase 99", "confirm": "another passphrase 99"}
    )
    assert again.status_code == 400
    revoked = db.session.scalar(
        select(LoginSession.revoked_at).where(
            LoginSession.token_hash == factories.auth.digest(other_session)
        )
    )
    assert revoked is not None


def test_forgot_password_answers_the_same_for_unknown_emails(client):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert mail.sent == []


def test_expired_reset_links_are_refused(client, monkeypatch):
    user = factories.make_user()
    token = onboarding.make_token(user, onboarding.RESET)
    monkeypatch.setattr(onboarding, "RESET", ("reset-password", timedelta(seconds=-1)))
    assert client.get(f"/password/reset/{token}").status_code == 400


def test_a_reset_link_cannot_be_used_as_an_invitation(client):
    user = factories.make_user()
    token = onboarding.make_token(user, onboarding.RESET)
    assert client.get(f"/invitation/{token}").status_code == 400


def test_an_invitation_lets_a_staff_created_account_set_its_password(client):
    manager = factories.make_user(roles=["manager"])
    db.session.refresh(manager)
    user = factories.auth.create_user(manager, email="new.instructor@example.org",
                                      name="New Instructor", roles=["instructor"])  # fmt: skip
    db.session.commit()
    onboarding.invite(user)
    (message,) = mail.sent
    path = link_in(message)
    assert path.startswith("/invitation/")
    assert (
        client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )
    login = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None
    assert client.get(path).status_code == 400


def test_the_login_page_links_to_sign_up_and_reset(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/signup"' in html and 'href="/password/forgot"' in html


def test_mail_to_someone_without_a_saved_language_is_in_the_pages(client):
    chinese = {"Accept-Language": "zh-CN"}
    assert client.post("/signup", data=FORM, headers=chinese).status_code == 200
    factories.make_user(email="reset.me@example.org")
    client.post("/password/forgot", data={"email": "reset.me@example.org"}, headers=chinese)
    subjects = {message["To"]: message["Subject"] for message in mail.sent}
    assert subjects["ka.yan@example.org"] == "请确认你在 AI 未来学院的邮箱"
    assert subjects["reset.me@example.org"] == "重置你的 AI 未来学院密码"
    saved = factories.make_user(email="saved@example.org")
    saved.locale = "zh_Hant"
    db.session.commit()
    client.post("/password/forgot", data={"email": "saved@example.org"}, headers=chinese)
    assert mail.sent[-1]["Subject"] == "重置你的 AI 未來學院密碼"  # the saved one wins
