"""Every form post needs the page's CSRF token; without it nothing is recorded."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from academy.extensions import db
from academy.progress.models import LessonProgress
from tests import factories


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _done() -> int:
    return db.session.scalar(select(func.count()).select_from(LessonProgress))


@pytest.fixture
def lesson(login):
    course = factories.make_course(lessons=2, quiz_on_last=True)
    trainee = login(factories.make_user())
    enrolment = factories.enrol(factories.make_cohort(course), trainee)
    return f"/learning/{enrolment.id}"


def test_marking_a_lesson_done_needs_the_token(client, csrf_on, lesson):
    page = client.get(f"{lesson}/lesson-1").get_data(as_text=True)
    for forged in ({}, {"csrf_token": "not-the-token"}):
        assert client.post(f"{lesson}/lesson-1", data=forged).status_code == 400
    assert _done() == 0
    accepted = client.post(f"{lesson}/lesson-1", data={"csrf_token": _token(page)})
    assert accepted.status_code == 302 and _done() == 1


def test_quiz_answers_need_the_token(client, csrf_on, lesson):
    page = client.get(f"{lesson}/lesson-2").get_data(as_text=True)
    assert client.post(f"{lesson}/lesson-2", data={"q-q1": "1", "q-q2": "0"}).status_code == 400
    assert _done() == 0
    answers = {"q-q1": "1", "q-q2": "0", "csrf_token": _token(page)}
    answered = client.post(f"{lesson}/lesson-2", data=answers)
    assert answered.status_code == 200 and _done() == 1


def test_signing_out_needs_the_token(client, csrf_on, login):
    login(factories.make_user())
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200  # still signed in


@pytest.fixture
def clock(monkeypatch):
    """Moves the time CSRF tokens (and session cookies) are signed with."""
    now = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: now[0])
    return now


def test_a_sessions_token_is_signed_once_and_stays_valid(client, csrf_on, lesson, clock):
    first = _token(client.get(f"{lesson}/lesson-1").get_data(as_text=True))
    clock[0] += 3600
    second = _token(client.get(f"{lesson}/lesson-1").get_data(as_text=True))
    assert second == first
    accepted = client.post(f"{lesson}/lesson-1", data={"csrf_token": first})
    assert accepted.status_code == 302 and _done() == 1


def test_with_a_time_limit_each_page_signs_its_own(app, client, csrf_on, lesson, clock):
    app.config["WTF_CSRF_TIME_LIMIT"] = 7200
    try:
        first = _token(client.get(f"{lesson}/lesson-1").get_data(as_text=True))
        clock[0] += 3600
        second = _token(client.get(f"{lesson}/lesson-1").get_data(as_text=True))
        assert second != first
        clock[0] += 3601  # the first is now past the limit; the second is not
        assert client.post(f"{lesson}/lesson-1", data={"csrf_token": first}).status_code == 400
        accepted = client.post(f"{lesson}/lesson-1", data={"csrf_token": second})
        assert accepted.status_code == 302 and _done() == 1
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = None


@pytest.mark.parametrize(
    ("accept", "says"),
    [("en", "This form has expired"), ("zh-CN", "此表单已过期"), ("zh-HK", "此表單已過期")],
)
def test_a_refused_form_says_why_in_the_pages_language(client, csrf_on, lesson, accept, says):
    refused = client.post(f"{lesson}/lesson-1", data={}, headers={"Accept-Language": accept})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and says in page
    assert "CSRF" not in page  # Flask-WTF's own wording
