"""Lists never offer what the detail page would refuse, for every role and object type.

Two ways in: a crawl that opens every link each person is shown (pages), and the API, where
each list is compared with the domain's visible_*() query and each detail with its can_*().
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from academy.cohorts.models import Cohort
from academy.cohorts.permissions import can_manage_cohort, visible_cohorts
from academy.courses.models import Course
from academy.courses.permissions import can_read_lessons, lesson_readable_courses
from academy.extensions import db
from academy.partners.models import Partner
from academy.partners.permissions import can_view_report, visible_partners
from academy.progress.models import CompletionRecord
from academy.progress.permissions import can_study, can_view_certificate, studyable_enrolments
from tests.factories import sign_in
from tests.security.crawl import crawl
from tests.security.world import World, build_world

PEOPLE = [
    "trainee",
    "other_trainee",
    "instructor",
    "other_instructor",
    "manager",
    "partner",
    "other_partner",
    "admin",
    "waiting",
    "leaving",
]


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.mark.parametrize("who", PEOPLE)
def test_every_link_a_person_is_shown_opens(app, world, who):
    client = app.test_client()
    sign_in(client, world.people()[who])
    refused = []
    opened = 0
    for url, response, referrer in crawl(client, ["/", "/account", "/courses"]):
        opened += 1
        location = response.headers.get("Location", "")
        if response.status_code in (401, 403, 404) or "/login" in location:
            refused.append((url, response.status_code, referrer))
        assert response.status_code < 500, url
    assert opened > 3
    assert refused == [], f"{who} was shown links that refuse them: {refused}"


@pytest.mark.parametrize("who", PEOPLE)
def test_api_lists_and_details_agree_with_the_permission_functions(api, world, who):
    user = world.people()[who]
    caller = api(user)

    # Cohorts: the list is visible_cohorts(); a detail answers exactly when can_manage_cohort.
    listed = caller.get("/api/v1/cohorts")
    cohorts = db.session.scalars(select(Cohort)).all()
    expected = set(db.session.scalars(select(visible_cohorts(user).subquery().c.id)))
    if listed.status_code == 200:
        assert {c["id"] for c in listed.json} == expected
    else:
        assert listed.status_code == 403 and expected == set()
    for cohort in cohorts:
        may = can_manage_cohort(user, cohort)
        for path in (f"/api/v1/cohorts/{cohort.id}", f"/api/v1/cohorts/{cohort.id}/roster"):
            status = caller.get(path).status_code
            assert (status == 200) == may, (who, path, status)
            assert status in (200, 403, 404)

    # Partner reports: the list is visible_partners(); talent-supply follows can_view_report.
    readable = set(db.session.scalars(select(visible_partners(user).subquery().c.id)))
    listed = caller.get("/api/v1/partners")
    if listed.status_code == 200:
        assert {p["id"] for p in listed.json} <= readable
    for partner in db.session.scalars(select(Partner)):
        status = caller.get(f"/api/v1/partners/{partner.id}/talent-supply").status_code
        assert (status == 200) == can_view_report(user, partner.id) == (partner.id in readable)

    # Lessons: readable exactly in the courses lesson_readable_courses() names.
    courses = lesson_readable_courses(user).subquery()
    readable_courses = set(db.session.scalars(select(courses.c.id)))
    for course in db.session.scalars(select(Course)):
        status = caller.get(f"/api/v1/courses/{course.slug}/lessons/lesson-1").status_code
        may = can_read_lessons(user, course)
        assert may == (course.id in readable_courses)
        assert (status == 200) == may, (who, course.slug, status)

    # Progress: only on enrolments studyable_enrolments() returns, and can_study agrees.
    studyable = set(db.session.scalars(select(studyable_enrolments(user).subquery().c.id)))
    for enrolment in world.enrolments:
        db.session.refresh(enrolment)
        may = can_study(user, enrolment)
        assert may == (enrolment.id in studyable)
        response = caller.post(
            f"/api/v1/enrolments/{enrolment.id}/progress", json={"lesson": "lesson-1"}
        )
        assert (response.status_code == 200) == may, (who, enrolment.id, response.status_code)


@pytest.mark.parametrize("who", PEOPLE)
def test_certificate_pages_follow_can_view_certificate(app, world, who):
    user = world.people()[who]
    client = app.test_client()
    sign_in(client, user)
    for record in db.session.scalars(select(CompletionRecord)):
        status = client.get(f"/certificates/{record.certificate_code}").status_code
        assert (status == 200) == can_view_certificate(user, record), (who, status)
        # The public verification page answers everyone, and says only valid or not.
        assert client.get(f"/verify/{record.certificate_code}").status_code == 200


@pytest.mark.parametrize("who", PEOPLE)
def test_pages_list_exactly_what_their_details_open(app, world, who):
    user = world.people()[who]
    client = app.test_client()
    sign_in(client, user)

    def page(path):
        response = client.get(path)
        return response.status_code, response.get_data(as_text=True)

    status, cohort_list = page("/cohorts")
    for cohort in (world.cohort_a, world.cohort_b):
        may = can_manage_cohort(user, cohort)
        assert (page(f"/cohorts/{cohort.id}")[0] == 200) == may
        assert (status == 200 and f'href="/cohorts/{cohort.id}"' in cohort_list) == may

    # A trainee's record inside a cohort: only through the cohort that holds the enrolment.
    for enrolment in world.enrolments:
        for cohort in (world.cohort_a, world.cohort_b):
            code = page(f"/cohorts/{cohort.id}/trainees/{enrolment.id}")[0]
            may = enrolment.cohort_id == cohort.id and can_manage_cohort(user, cohort)
            assert (code == 200) == may, (who, cohort.code, enrolment.id, code)

    status, learning = page("/learning")
    for enrolment in world.enrolments:
        db.session.refresh(enrolment)
        may = can_study(user, enrolment)
        assert (page(f"/learning/{enrolment.id}")[0] in (200, 302)) == may
        assert (f'href="/learning/{enrolment.id}"' in learning) <= may

    readable = set(db.session.scalars(select(visible_partners(user).subquery().c.id)))
    for partner in (world.partner_x, world.partner_y):
        code = page(f"/partners/{partner.id}/report")[0]
        assert (code == 200) == (partner.id in readable) == can_view_report(user, partner.id)
        snapshot = page(f"/partners/{partner.id}/snapshots/1")[0]
        assert (snapshot == 200) == (partner.id in readable)
    portal_status, portal = page("/portal")
    if portal_status == 200:
        for partner in (world.partner_x, world.partner_y):
            shown = f"/partners/{partner.id}/" in portal
            assert shown <= (partner.id in readable)
