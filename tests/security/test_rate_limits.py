"""Sign-in, token guessing and token creation are rate limited, per client address."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from academy.extensions import db
from tests.factories import PASSWORD, make_user, sign_in

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _login(client, email="nobody@example.org", **headers):
    return client.post(
        "/login", data={"email": email, "password": "wrong password!"}, headers=headers
    )


def test_the_eleventh_sign_in_within_a_minute_is_refused(limited_app):
    client = limited_app().test_client()
    statuses = [_login(client, f"p{i}@example.org").status_code for i in range(10)]
    assert statuses == [401] * 10
    refused = _login(client)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert "<html" in refused.get_data(as_text=True).lower()  # a page, not a stack trace
    assert client.get("/login").status_code == 200  # only POSTs count


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(limited_app):
    untrusted = limited_app().test_client()
    for i in range(10):
        _login(untrusted, **{"X-Forwarded-For": f"203.0.113.{i}"})
    # Forging the header does not buy an attacker a fresh counter.
    assert _login(untrusted, **{"X-Forwarded-For": "198.51.100.7"}).status_code == 429

    behind_proxy = limited_app(ACADEMY_TRUSTED_PROXIES=1).test_client()
    for _ in range(10):
        _login(behind_proxy, **{"X-Forwarded-For": "203.0.113.1"})
    assert _login(behind_proxy, **{"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert _login(behind_proxy, **{"X-Forwarded-For": "203.0.113.2"}).status_code == 401


def test_guessing_api_tokens_is_limited_but_good_calls_are_not(limited_app, api):
    app = limited_app()
    client = app.test_client()
    token = api(make_user()).headers["Authorization"]
    for _ in range(30):
        assert client.get("/api/v1/me", headers={"Authorization": token}).status_code == 200
    bad = {"Authorization": "Bearer ak_guess"}
    assert [client.get("/api/v1/me", headers=bad).status_code for _ in range(20)] == [401] * 20
    refused = client.get("/api/v1/me", headers=bad)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    # The count is the address's across the API, not one per group of endpoints.
    for path in ("/api/v1/courses", "/api/v1/cohorts", "/api/v1/headcount?year=2026"):
        assert client.get(path, headers=bad).status_code == 429, path


def test_guesses_from_an_address_do_not_hold_back_a_good_token_there(limited_app, api):
    client = limited_app().test_client()
    bad = {"Authorization": "Bearer ak_guess"}
    for _ in range(20):
        client.get("/api/v1/me", headers=bad)
    assert client.get("/api/v1/me", headers=bad).status_code == 429
    good = api(make_user()).headers["Authorization"]
    assert client.get("/api/v1/me", headers={"Authorization": good}).status_code == 200
    assert client.get("/api/v1/me", headers=bad).status_code == 429  # still refused


def test_guesses_from_an_address_do_not_hold_back_anonymous_certificate_checks(limited_app):
    client = limited_app().test_client()
    bad = {"Authorization": "Bearer ak_guess"}
    for _ in range(21):
        client.get("/api/v1/me", headers=bad)
    assert client.get("/api/v1/me", headers=bad).status_code == 429
    check = client.get("/api/v1/certificates/AFA-NONE-NONE-NONE-NONE")
    assert check.status_code == 404  # answered, not held back
    # Calls without a token guess nothing, so they do not count either.
    for _ in range(30):
        assert client.get("/api/v1/me").status_code == 401


def test_creating_tokens_is_limited(limited_app):
    app = limited_app()
    client = app.test_client()
    admin, holder = make_user(["admin"]), make_user()
    sign_in(client, admin)
    url = f"/admin/users/{holder.id}/tokens"
    db.session.commit()  # on SQLite the test's own transaction would hold the write lock
    statuses = [client.post(url, data={"name": f"t{i}"}).status_code for i in range(10)]
    assert statuses == [200] * 10
    assert client.post(url, data={"name": "one more"}).status_code == 429


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); shared counters untested")


def test_counters_are_shared_between_app_servers_through_redis(limited_app, tmp_path):
    _redis_or_skip()
    prefix = f"academy-test-{uuid.uuid4().hex}"
    # The other app server is another process, as it would be in production.
    other = textwrap.dedent(
        f"""
        from academy import create_app
        from academy.extensions import db
        app = create_app({{
            "TESTING": True, "WTF_CSRF_ENABLED": False, "ACADEMY_OUTBOX": "",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path / "other.db"}",
            "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": {REDIS_URL!r},
            "RATELIMIT_KEY_PREFIX": {prefix!r},
        }})
        with app.app_context():
            db.create_all()
        client = app.test_client()
        for i in range(6):
            r = client.post("/login", data={{"email": f"x{{i}}@example.org", "password": "x"}})
            print(r.status_code)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", other], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["401"] * 6

    here = limited_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    client = here.test_client()
    assert [_login(client).status_code for _ in range(4)] == [401] * 4
    assert _login(client).status_code == 429  # the eleventh, counted across both servers


def test_a_dead_counter_store_limits_in_memory_instead_of_failing(
    limited_app, api, monkeypatch, caplog
):
    from academy.extensions import limiter

    # Falling back is remembered on the shared limiter: put it back for the other tests.
    for attribute in ("_storage_dead", "_fallback_limiter"):
        monkeypatch.setattr(limiter, attribute, getattr(limiter, attribute))
    caplog.set_level(logging.WARNING, logger="flask-limiter")
    client = limited_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0").test_client()
    user = make_user()
    email, token = user.email, api(user).headers["Authorization"]
    db.session.commit()  # on SQLite the test's own transaction would hold the write lock
    signed_in = client.post("/login", data={"email": email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    assert client.get("/api/v1/me", headers={"Authorization": token}).status_code == 200
    # Still limited, per worker, while the store is away.
    statuses = [_login(client, f"q{i}@example.org").status_code for i in range(10)]
    assert statuses[-1] == 429 and 401 in statuses
