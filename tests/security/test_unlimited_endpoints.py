"""The limiter's before-request check is skipped only where no limit could apply
(academy/rate_limits.py); everywhere else limits hold as before."""

from __future__ import annotations

import pytest
from flask_limiter import Limiter

from academy.extensions import limiter
from tests.factories import make_user, sign_in


@pytest.fixture
def checks(monkeypatch):
    """The endpoints Flask-Limiter's own check ran for, before the view (in_middleware)."""
    seen: list[str] = []
    check = Limiter._check_request_limit

    def spy(self, callable_name=None, in_middleware=True):
        if in_middleware:
            from flask import request

            seen.append(request.endpoint)
        return check(self, callable_name=callable_name, in_middleware=in_middleware)

    monkeypatch.setattr(Limiter, "_check_request_limit", spy)
    return seen


def test_only_endpoints_without_any_limit_are_listed(limited_app):
    free = limiter.unlimited_endpoints(limited_app())
    assert {"progress.lesson", "progress.my_learning", "reporting.dashboard"} <= free
    assert "healthz" in free
    # Decorated limits, and the API's bad-token limit on every API blueprint.
    for limited in ("auth.login", "auth.signup", "auth.tokens", "api_me.me", "api_users.create"):
        assert limited not in free, limited


def test_a_page_without_limits_skips_the_check_and_a_limited_one_keeps_it(limited_app, checks):
    client = limited_app().test_client()
    assert client.get("/healthz").status_code == 200
    assert checks == []
    assert client.get("/login").status_code == 200  # limited on POST only, checked on every call
    assert checks == ["auth.login"]
    statuses = [
        client.post("/login", data={"email": "a@example.org", "password": "x"}).status_code
        for _ in range(11)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:10]


def test_default_limits_apply_everywhere_again(limited_app, checks):
    app = limited_app(RATELIMIT_DEFAULT="3 per minute")
    assert limiter.unlimited_endpoints(app) == frozenset()
    client = app.test_client()
    sign_in(client, make_user())
    assert [client.get("/help").status_code for _ in range(4)][-1] == 429


def test_meta_limits_leave_nothing_unchecked(limited_app):
    assert limiter.unlimited_endpoints(limited_app(RATELIMIT_META="100 per hour")) == frozenset()
