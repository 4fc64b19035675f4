"""The catalogue, the course page and joining a cohort from it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from academy.dates import local_today
from academy.courses.sync import sync_tracks
from academy.enrolments.models import Enrolment
from academy.extensions import db
from tests import factories


def test_the_catalogue_lists_courses_with_open_seats(client):
    course = factories.make_course(slug="deep-learning")
    factories.make_cohort(course, capacity=5)
    page = client.get("/courses")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert course.title in html and "5 seats left" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"course-ml", "course-fin", "course-robot", "course-idle"}),
        ("?track=fintech", {"course-fin"}),
        ("?level=advanced", {"course-robot"}),
        ("?language=zh-Hant", {"course-fin"}),
        ("?delivery=hong_kong", {"course-fin"}),
        ("?open_seats=y", {"course-ml", "course-fin"}),
        ("?q=Robot", {"course-robot"}),
        ("?q=100%25", set()),
        ("?track=fintech&open_seats=y", {"course-fin"}),
        ("?level=nonsense", {"course-ml", "course-fin", "course-robot", "course-idle"}),
    ],
)
def test_catalogue_filters(client, query, expected):
    sync_tracks()
    db.session.commit()
    ml = factories.make_course("course-ml", track="ml-engineering")
    fin = factories.make_course("course-fin", track="fintech", language="zh-Hant")
    robot = factories.make_course("course-robot", track="robotics", level="advanced")
    robot.title = "Robot arms"
    factories.make_course("course-idle")
    db.session.commit()
    factories.make_cohort(ml)
    factories.make_cohort(fin, delivery="hong_kong")
    factories.make_cohort(robot, capacity=0)
    factories.make_cohort(ml, policy="staff", delivery="hong_kong")  # not joinable: ignored

    html = client.get("/courses" + query).get_data(as_text=True)
    shown = {
        slug for slug in ("course-ml", "course-fin", "course-robot", "course-idle") if slug in html
    }
    assert shown == expected


def _catalogue_rows(n: int) -> None:
    for _ in range(n):
        course = factories.make_course()
        factories.make_cohort(course)
        factories.make_cohort(course, delivery="shenzhen")


def test_catalogue_query_count_does_not_grow_with_courses(client, login_as, count_queries):
    login_as("trainee")
    _catalogue_rows(1)
    with count_queries() as one:
        assert client.get("/courses?open_seats=y").status_code == 200
    _catalogue_rows(4)
    with count_queries() as five:
        html = client.get("/courses?open_seats=y").get_data(as_text=True)
    assert html.count('class="card"') == 5
    assert len(five) == len(one), five


def test_the_course_page_shows_lessons_and_cohorts(client):
    course = factories.make_course(lessons=3, quiz_on_last=True)
    open_cohort = factories.make_cohort(course, capacity=3)
    staff_only = factories.make_cohort(course, policy="staff")
    ended = factories.make_cohort(
        course, start_on=local_today() - timedelta(days=90), end_on=local_today() - timedelta(days=1)
    )
    html = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Lesson 1" in html and "Lesson 3" in html and "Quiz" in html
    assert open_cohort.name in html and "Sign in to join" in html
    assert staff_only.name not in html and ended.name not in html
    # No quiz answer or question reaches the page before the trainee studies.
    assert "Two plus two" not in html


def test_unknown_course_is_404(client):
    assert client.get("/courses/no-such-course").status_code == 404


def _join(client, course, cohort, code=None):
    data = {"cohort_id": str(cohort.id)}
    if code is not None:
        data["invite_code"] = code
    return client.post(f"/courses/{course.slug}/join", data=data)


def enrolment_of(user) -> Enrolment | None:
    db.session.expire_all()
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))


def test_a_trainee_joins_an_open_cohort(client, login_as):
    trainee = login_as("trainee")
    course = factories.make_course()
    cohort = factories.make_cohort(course)
    response = _join(client, course, cohort)
    assert response.status_code == 302 and response.location.endswith("/learning")
    assert enrolment_of(trainee).status == "enrolled"
    again = _join(client, course, cohort)
    assert again.status_code == 409


def test_a_full_cohort_puts_the_trainee_on_its_waitlist(client, login_as):
    trainee = login_as("trainee")
    course = factories.make_course()
    cohort = factories.make_cohort(course, capacity=0)
    assert "Join the waitlist" in client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert _join(client, course, cohort).status_code == 302
    assert enrolment_of(trainee).status == "waitlisted"


def test_an_invite_cohort_needs_its_code(client, login_as):
    trainee = login_as("trainee")
    course = factories.make_course()
    cohort = factories.make_cohort(course, policy="invite", invite_code="GBA-2025")
    wrong = _join(client, course, cohort, "guess")
    assert wrong.status_code == 422 and "invite code" in wrong.get_data(as_text=True)
    assert _join(client, course, cohort).status_code == 422
    assert enrolment_of(trainee) is None
    assert _join(client, course, cohort, " gba-2025 ").status_code == 302
    assert enrolment_of(trainee).status == "enrolled"


def test_a_staff_cohort_cannot_be_self_joined(client, login_as):
    trainee = login_as("trainee")
    course = factories.make_course()
    cohort = factories.make_cohort(course, policy="staff")
    assert _join(client, course, cohort).status_code == 403
    assert enrolment_of(trainee) is None


def test_an_unconfirmed_email_cannot_join_until_it_is_confirmed(client, login_as):
    from academy.auth.onboarding import confirm_email

    trainee = login_as("trainee", confirmed=False)
    course = factories.make_course()
    cohort = factories.make_cohort(course)
    refused = _join(client, course, cohort)
    assert refused.status_code == 403
    assert "Confirm your email address" in refused.get_data(as_text=True)
    assert enrolment_of(trainee) is None
    confirm_email(trainee)
    db.session.commit()
    assert _join(client, course, cohort).status_code == 302
    assert enrolment_of(trainee).status == "enrolled"


def test_a_cohort_of_another_course_cannot_be_joined_through_this_one(client, login_as):
    trainee = login_as("trainee")
    course, other = factories.make_course(), factories.make_course()
    cohort = factories.make_cohort(other)
    assert _join(client, course, cohort).status_code == 404
    assert enrolment_of(trainee) is None


@pytest.mark.parametrize("role", ["instructor", "manager", "partner", "admin"])
def test_only_trainees_join(client, login_as, role):
    login_as(role)
    course = factories.make_course()
    cohort = factories.make_cohort(course)
    assert _join(client, course, cohort).status_code == 403
    assert db.session.scalar(select(Enrolment)) is None


def test_anonymous_joiners_are_sent_to_sign_in(client):
    course = factories.make_course()
    cohort = factories.make_cohort(course)
    response = _join(client, course, cohort)
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("role", ["instructor", "manager", "admin"])
def test_staff_preview_lessons_from_the_course_page(client, login_as, role):
    login_as(role)
    course = factories.make_course(lessons=2, quiz_on_last=True)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert f"/courses/{course.slug}/lessons/lesson-2" in page
    preview = client.get(f"/courses/{course.slug}/lessons/lesson-2")
    assert preview.status_code == 200 and "Two plus two?" in preview.get_data(as_text=True)


def test_trainees_outside_the_course_cannot_preview_its_lessons(client, login_as):
    login_as("trainee")
    course = factories.make_course(lessons=1)
    assert client.get(f"/courses/{course.slug}/lessons/lesson-1").status_code == 404
