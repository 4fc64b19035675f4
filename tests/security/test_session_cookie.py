"""Session cookies: checked once per worker, and still refused when forged or too old."""

from __future__ import annotations

import time

import pytest
from flask import session
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from academy import security
from tests import factories


@pytest.fixture
def checks(monkeypatch):
    """How many times a session cookie's signature was checked."""
    seen = [0]
    loads = URLSafeTimedSerializer.loads

    def counting(self, *args, **kwargs):
        seen[0] += 1
        return loads(self, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counting)
    return seen


@pytest.fixture
def clock(monkeypatch):
    """Moves the time cookies are signed with and their age is read by."""
    current = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: current[0])
    monkeypatch.setattr(security, "now", lambda: current[0])
    return current


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_cookie_is_checked_once_then_kept(client, login, checks):
    user = login(factories.make_user(name="Kept Person"))
    client.get("/account")  # the first page adds a CSRF secret, so a new cookie
    cookie = client.get_cookie("session").value
    checks[0] = 0
    for _ in range(3):
        page = client.get("/account")
        assert page.status_code == 200 and user.name in page.get_data(as_text=True)
    assert client.get_cookie("session").value == cookie
    assert checks[0] == 1


def test_a_kept_cookie_still_expires(app, client, login, clock):
    login(factories.make_user())
    assert _signed_in(client)
    assert _signed_in(client)  # now kept
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    clock[0] += lifetime
    assert _signed_in(client)
    clock[0] += 1
    assert client.get("/account").status_code == 302  # to the sign-in page


def test_a_kept_cookie_signed_in_the_future_is_refused(app, client, login, clock):
    login(factories.make_user())
    assert _signed_in(client)
    assert _signed_in(client)
    clock[0] -= 1  # the clock moved back: as itsdangerous, "not yet valid"
    assert not _signed_in(client)


def test_a_changed_cookie_is_refused_even_when_the_original_is_kept(client, login):
    login(factories.make_user())
    assert _signed_in(client)
    cookie = client.get_cookie("session").value
    payload, _, signature = cookie.rpartition(".")
    forged = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    client.set_cookie("session", f"{payload}.{forged}", domain="localhost")
    assert not _signed_in(client)
    client.set_cookie("session", cookie, domain="localhost")
    assert _signed_in(client)


def test_a_session_holding_a_list_is_checked_every_time(app, checks):
    with app.test_request_context("/"):
        value = app.session_interface.get_signing_serializer(app).dumps(
            {"_flashes": [("message", "Saved.")]}
        )
    checks[0] = 0
    for _ in range(2):
        # Pushing a request context opens its session from the cookie.
        with app.test_request_context("/", headers={"Cookie": f"session={value}"}):
            assert session["_flashes"] == [("message", "Saved.")]
            session["_flashes"].pop()  # a page taking its messages must not empty the next one's
    assert checks[0] == 2
