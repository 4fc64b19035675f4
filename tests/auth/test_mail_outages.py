"""A mail server that does not answer is logged and told, never a 500: sign-up, reset, invites."""

from __future__ import annotations

import logging
import socket

import pytest
from sqlalchemy import func, select

from academy import mail
from academy.audit.models import AuditEvent
from academy.auth.models import User
from academy.extensions import db
from tests.factories import make_partner, make_user, sign_in

SIGN_UP = {
    "name": "Smtp Down",
    "email": "smtp.down@example.org",
    "password": "mangroves at futian 2025",
    "confirm": "mangroves at futian 2025",
    "kind": "student",
    "region": "hong_kong",
    "organisation": "",
}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture(autouse=True)
def mail_down(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    caplog.set_level(logging.ERROR, logger="academy.mail")
    mail.sent.clear()
    yield
    mail.sent.clear()


def _failures(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "academy.mail" and "not sent" in r.message]


def test_signing_up_creates_the_account_and_says_the_mail_was_not_sent(client, caplog):
    response = client.post("/signup", data=SIGN_UP)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The email could not be sent" in page
    assert "Send the confirmation link again" in page and "Check your email" not in page
    user = db.session.scalar(select(User).where(User.email == "smtp.down@example.org"))
    assert user is not None and user.email_confirmed_at is None
    (failure,) = _failures(caplog)
    request_id = response.headers["X-Request-ID"]
    assert failure.request_id == request_id and request_id in failure.message

    retried = client.post("/signup", data=SIGN_UP)
    assert retried.status_code == 200
    assert retried.get_data(as_text=True) == page  # the same answer, not a 500
    count = db.session.scalar(select(func.count(User.id)).where(User.email == user.email))
    assert count == 1
    assert len(_failures(caplog)) == 2

    signed_in = client.post("/login", data={"email": user.email, "password": SIGN_UP["password"]})
    assert signed_in.status_code == 302  # the page's advice works


def test_a_taken_email_gets_the_same_answer_when_mail_is_down(client):
    new = client.post("/signup", data=SIGN_UP).get_data(as_text=True)
    make_user(email="taken@example.org")
    taken = client.post("/signup", data={**SIGN_UP, "email": "taken@example.org"})
    assert taken.status_code == 200
    assert taken.get_data(as_text=True) == new.replace("smtp.down@example.org", "taken@example.org")


def test_asking_again_for_a_confirmation_link_says_it_was_not_sent(client):
    user = make_user(confirmed=False)
    sign_in(client, user)
    response = client.post("/account/confirmation", follow_redirects=True)
    assert response.status_code == 200
    assert "could not be sent just now" in response.get_data(as_text=True)


def test_a_password_reset_answers_as_usual_and_logs_the_failure(client, caplog):
    user = make_user(email="reset.me@example.org")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    response.close()  # the mail goes out once the response has been sent
    (failure,) = _failures(caplog)
    assert failure.request_id == response.headers["X-Request-ID"]


@pytest.mark.parametrize("who", ["staff", "partner"])
def test_an_account_is_created_when_its_invitation_cannot_be_sent(client, login_as, who):
    login_as("manager")
    if who == "staff":
        url = "/admin/users"
        form = {"email": "new@example.org", "name": "New", "roles": ["trainee"]}
        form |= {"kind": "student", "region": "other"}
    else:
        url = f"/partners/{make_partner('Omega Co').id}/users/new"
        form = {"email": "new@example.org", "name": "New"}
    response = client.post(url, data=form, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Created new@example.org, but the invitation could not be sent" in page
    assert "Forgot password?" in page
    db.session.rollback()
    assert db.session.scalar(select(User.id).where(User.email == "new@example.org")) is not None
    invited = select(AuditEvent.id).where(AuditEvent.action == "user.invite")
    assert db.session.scalar(invited) is None


def test_with_mail_working_nothing_is_reported(client, app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    response = client.post("/signup", data=SIGN_UP)
    assert "Check your email" in response.get_data(as_text=True)
    assert _failures(caplog) == []
