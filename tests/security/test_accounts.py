"""Cookies, server-side sessions, lockout and password rules on every path that sets one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy import create_app, mail
from academy.audit.models import AuditEvent
from academy.auth import onboarding
from academy.auth.models import User
from academy.auth.service import deactivate
from academy.extensions import db
from tests.factories import PASSWORD, make_user

SHORT = "tiny pw"
COMMON = "qwertyuiop"  # ten characters, and on every attacker's list
GOOD = "mangroves at futian 2025"


def form_login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def session_cookie(response):
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


# --- cookies -------------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    make_user(email="ana@example.org")
    cookie = session_cookie(form_login(client, "ana@example.org"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run on plain http


def test_production_cookies_are_secure_and_responses_carry_hsts(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    app = create_app(
        {
            "ACADEMY_ENV": "production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    make_user(email="ana@example.org")
    db.session.commit()
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": "ana@example.org", "password": PASSWORD},
        base_url="https://academy.example",
    )
    assert response.status_code == 302
    cookie = session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 15552000
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- a copied cookie stops working ----------------------------------------------------------


def _signed_in_cookie(client, email):
    assert form_login(client, email).status_code == 302
    assert client.get("/account").status_code == 200
    return client.get_cookie("session").value


def _replay(app, cookie):
    other = app.test_client()
    other.set_cookie("session", cookie, domain="localhost")
    return other.get("/account")


def test_a_copied_cookie_dies_with_logout(app, client):
    make_user(email="ana@example.org")
    copied = _signed_in_cookie(client, "ana@example.org")
    assert _replay(app, copied).status_code == 200
    client.post("/logout")
    assert _replay(app, copied).status_code == 302


def test_a_copied_cookie_dies_when_the_password_changes_elsewhere(app, client):
    make_user(email="ana@example.org")
    stolen = _signed_in_cookie(client, "ana@example.org")
    owner = app.test_client()
    _signed_in_cookie(owner, "ana@example.org")
    changed = owner.post(
        "/account/password", data={"current": PASSWORD, "password": GOOD, "confirm": GOOD}
    )
    assert changed.status_code == 302
    assert _replay(app, stolen).status_code == 302
    assert owner.get("/account").status_code == 200  # the session that changed it goes on


def test_a_copied_cookie_dies_when_the_account_is_deactivated(app, client):
    user = make_user(email="ana@example.org")
    copied = _signed_in_cookie(client, "ana@example.org")
    deactivate(make_user(["admin"]), user)
    db.session.commit()
    assert _replay(app, copied).status_code == 302
    assert form_login(app.test_client(), "ana@example.org").status_code == 401


# --- lockout --------------------------------------------------------------------------------


def _five_failures_then(client, email, password):
    for _ in range(5):
        assert form_login(client, email, "wrong password!").status_code == 401
    return form_login(client, email, password)


def test_lockout_reads_the_same_for_real_and_unknown_emails(client):
    make_user(email="real@example.org")
    real = _five_failures_then(client, "real@example.org", PASSWORD)
    ghost = _five_failures_then(client, "ghost@example.org", PASSWORD)
    assert real.status_code == ghost.status_code == 401
    assert "Too many failed attempts" in real.get_data(as_text=True)

    def message(response):
        html = response.get_data(as_text=True)
        return html[html.index("<main") :].replace("real@", "X@").replace("ghost@", "X@")

    assert message(real) == message(ghost)


def test_before_five_failures_real_and_unknown_emails_read_the_same(client):
    make_user(email="real@example.org")
    for _ in range(4):
        real = form_login(client, "real@example.org", "wrong password!")
        ghost = form_login(client, "ghost@example.org", "wrong password!")
        assert "Too many" not in real.get_data(as_text=True)
        assert "Too many" not in ghost.get_data(as_text=True)


def test_unknown_email_lockout_lasts_fifteen_minutes_and_is_audited(client, monkeypatch):
    from academy.auth import service

    _five_failures_then(client, "ghost@example.org", "x" * 12)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "login")
    ).all()
    assert actions.count("login.failed") == 5 and actions.count("login.locked") == 1
    assert "ghost" not in str(db.session.scalars(select(AuditEvent.object_id)).all())
    monkeypatch.setattr(service, "LOCK_FOR", service.LOCK_FOR * 0)
    after = form_login(client, "ghost@example.org", "wrong password!")
    assert "Too many" not in after.get_data(as_text=True)


# --- password rules on every path ------------------------------------------------------------


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("password", [SHORT, COMMON])
def test_signup_refuses_weak_passwords(client, password):
    before = users()
    form = {
        "name": "Wong",
        "email": "wong@example.org",
        "password": password,
        "confirm": password,
        "kind": "student",
        "region": "hong_kong",
    }
    response = client.post("/signup", data=form)
    assert response.status_code == 422
    assert users() == before


@pytest.mark.parametrize("password", [SHORT, COMMON])
@pytest.mark.parametrize("purpose", ["reset", "invitation"])
def test_reset_and_invitation_links_refuse_weak_passwords(client, password, purpose):
    user = make_user()
    kind, prefix = {
        "reset": (onboarding.RESET, "/password/reset/"),
        "invitation": (onboarding.INVITE, "/invitation/"),
    }[purpose]
    path = prefix + onboarding.make_token(user, kind)
    before = user.password_hash
    response = client.post(path, data={"password": password, "confirm": password})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    # The link still works for a good password afterwards.
    assert client.post(path, data={"password": GOOD, "confirm": GOOD}).status_code == 302


@pytest.mark.parametrize("password", [SHORT, COMMON])
def test_profile_password_change_refuses_weak_passwords(client, login, password):
    user = login(make_user())
    before = user.password_hash
    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": password, "confirm": password}
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


@pytest.mark.parametrize("password", [SHORT, COMMON])
def test_cli_refuses_weak_passwords(app, password):
    before = users()
    result = app.test_cli_runner().invoke(
        args=["academy", "user", "create", "lee@example.org", "--name", "Lee"]
        + ["--role", "instructor", "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code != 0
    assert "password" in result.output.lower()
    assert users() == before


def test_the_common_list_ignores_case_and_trivial_repeats():
    from academy.auth.passwords import is_common

    assert is_common("QwertyUIOP")
    assert is_common("aaaaaaaaaaaa") and is_common("abababababab")
    assert not is_common(GOOD)


@pytest.fixture(autouse=True)
def _outbox():
    mail.sent.clear()
    yield
    mail.sent.clear()
