"""GET /courses and GET /courses/<slug>/lessons/<lesson>, with who may read a lesson."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from academy.courses.models import Lesson
from academy.extensions import db
from tests import factories


def test_courses_list_as_api_md_says(api):
    course = factories.make_course("intro-ai", lessons=2, level="intermediate", hours=12)
    retired = db.session.scalar(select(Lesson).where(Lesson.slug == "lesson-2"))
    retired.retired_at = datetime.now(UTC)
    db.session.commit()
    response = api(factories.make_user(roles=["partner"], partner=factories.make_partner())).get(
        "/api/v1/courses"
    )
    assert response.status_code == 200
    (item,) = response.json
    assert {k: item[k] for k in ("slug", "title", "track", "level", "hours", "language")} == {
        "slug": "intro-ai",
        "title": course.title,
        "track": "ai-foundations",
        "level": "intermediate",
        "hours": 12,
        "language": "en",
    }
    assert item["lessons"] == [{"slug": "lesson-1", "title": "Lesson 1"}]


def test_courses_list_needs_a_token(client):
    assert client.get("/api/v1/courses").status_code == 401


@pytest.fixture
def course_with_cohort():
    course = factories.make_course(lessons=2, quiz_on_last=True)
    return course, factories.make_cohort(course)


def lesson_url(course, slug="lesson-2") -> str:
    return f"/api/v1/courses/{course.slug}/lessons/{slug}"


@pytest.mark.parametrize("status", ["enrolled", "completed"])
def test_a_seated_trainee_reads_lessons_without_answers(api, course_with_cohort, status):
    course, cohort = course_with_cohort
    trainee = factories.make_user()
    enrolment = factories.enrol(cohort, trainee)
    enrolment.status = status
    db.session.commit()
    response = api(trainee).get(lesson_url(course))
    assert response.status_code == 200
    body = response.json
    assert body["slug"] == "lesson-2" and body["html"] == "<p>Body of lesson 2.</p>"
    assert body["quiz"]["pass_mark"] == 50
    assert all(set(q) == {"id", "prompt", "choices"} for q in body["quiz"]["questions"])
    assert '"answer"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["instructor", "manager", "admin"])
def test_staff_read_lessons(api, course_with_cohort, role):
    course, _cohort = course_with_cohort
    assert api(factories.make_user(roles=[role])).get(lesson_url(course)).status_code == 200


def test_others_cannot_read_lessons_of_a_course_they_are_not_in(api, course_with_cohort):
    course, cohort = course_with_cohort
    outsider = factories.make_user()
    other_course = factories.make_course()
    factories.enrol(factories.make_cohort(other_course), outsider)
    assert api(outsider).get(lesson_url(course)).status_code == 404

    waiting = factories.make_user()
    full = factories.make_cohort(course, capacity=0)
    factories.enrol(full, waiting)
    assert api(waiting).get(lesson_url(course)).status_code == 404

    # Not a trainee who might be enrolled, nor staff: the role itself may not (API.md's 403).
    partner = factories.make_user(roles=["partner"], partner=factories.make_partner())
    refused = api(partner).get(lesson_url(course))
    assert refused.status_code == 403 and "html" not in refused.json


def test_unknown_and_retired_lessons_are_404(api, course_with_cohort):
    course, _cohort = course_with_cohort
    staff = api(factories.make_user(roles=["manager"]))
    assert staff.get(lesson_url(course, "nope")).status_code == 404
    assert staff.get("/api/v1/courses/nope/lessons/lesson-1").status_code == 404
    db.session.scalar(select(Lesson).where(Lesson.slug == "lesson-1")).retired_at = datetime.now(
        UTC
    )
    db.session.commit()
    assert staff.get(lesson_url(course, "lesson-1")).status_code == 404
