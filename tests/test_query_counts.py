"""The busy pages and API answers of the benchmark run a fixed number of queries.

Each is measured on a small academy and again after it has grown (the report cache misses
both times: the growth itself changes the data versions).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from academy.courses.models import Lesson
from academy.dates import local_today
from academy.extensions import db, utcnow
from academy.progress.models import LessonProgress
from config import Config
from tests.factories import (
    complete,
    enrol,
    make_cohort,
    make_course,
    make_partner,
    make_user,
    sign_in,
)

# The academy's year, as local_today() gives it inside the app.
YEAR = datetime.now(ZoneInfo(Config.BABEL_DEFAULT_TIMEZONE)).year


def _done(enrolment, lesson_ids) -> None:
    for lesson_id in lesson_ids:
        db.session.add(
            LessonProgress(
                enrolment_id=enrolment.id,
                lesson_id=lesson_id,
                done_at=utcnow(),
                last_activity_at=utcnow(),
            )
        )
    db.session.commit()


def _lessons(course) -> list[int]:
    return db.session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()


def _count(count_queries, call) -> int:
    with count_queries() as queries:
        response = call()
        assert response.status_code == 200, response.status_code
        response.get_data()
    return len(queries)


def test_the_lesson_page(client, count_queries):
    course = make_course(lessons=6, quiz_on_last=True)
    cohort = make_cohort(course, capacity=100)
    ids = _lessons(course)
    trainee = make_user()
    mine = enrol(cohort, trainee)
    sign_in(client, trainee)
    url = f"/learning/{mine.id}/lesson-2"
    _done(mine, ids[:1])
    few = _count(count_queries, lambda: client.get(url))
    assert few == 2  # the signed-in session; the enrolment with its course, lessons and progress
    _done(mine, ids[1:4])
    for _ in range(10):
        _done(enrol(cohort, make_user()), ids)
    assert _count(count_queries, lambda: client.get(url)) == few


def test_the_roster_api_and_its_csv(api, count_queries):
    teacher = make_user(["instructor"])
    course = make_course(lessons=4)
    cohort = make_cohort(course, instructors=[teacher], capacity=100)
    ids = _lessons(course)
    caller = api(teacher)
    url = f"/api/v1/cohorts/{cohort.id}/roster"

    def grow(n):
        for _ in range(n):
            person = make_user()
            _done(enrol(cohort, person), ids[:2])
            complete(person, course, local_today(), cohort=cohort)

    grow(1)
    json_few = _count(count_queries, lambda: caller.get(url))
    csv_few = _count(count_queries, lambda: caller.get(url + "?format=csv"))
    grow(12)
    assert len(caller.get(url).get_json()) == 13
    assert _count(count_queries, lambda: caller.get(url)) == json_few
    assert _count(count_queries, lambda: caller.get(url + "?format=csv")) == csv_few


def _academy(n: int, partner) -> None:
    courses = [make_course(track=t) for t in ("ai", "health")]
    cohorts = [make_cohort(c, sponsor=partner, start_on=date(YEAR, 1, 2)) for c in courses]
    for i in range(n):
        person = make_user(region=("shenzhen", "other")[i % 2], consent=True)
        for course, cohort in zip(courses, cohorts, strict=True):
            enrol(cohort, person)
            complete(person, course, date(YEAR, 1, 3), cohort=cohort)


def test_the_headcount_api(api, count_queries):
    caller = api(make_user(["manager"]))
    partner = make_partner()
    url = f"/api/v1/headcount?year={YEAR}"
    _academy(1, partner)
    few = _count(count_queries, lambda: caller.get(url))
    _academy(15, partner)
    assert caller.get(url).get_json()["trained"] == 16
    _academy(1, partner)
    assert _count(count_queries, lambda: caller.get(url)) == few


def test_the_partner_portal_and_its_api(client, api, count_queries):
    partner, elsewhere = make_partner(), make_partner()
    user = make_user(["partner"], partner=partner)
    sign_in(client, user)
    caller = api(user)
    url = f"/api/v1/partners/{partner.id}/talent-supply?year={YEAR}"

    def measure() -> tuple[int, int]:
        # Both read the same cached report: a write in between makes each compute it afresh.
        page = _count(count_queries, lambda: client.get("/portal"))
        _academy(1, elsewhere)
        return page, _count(count_queries, lambda: caller.get(url))

    _academy(1, partner)
    few = measure()
    _academy(12, partner)
    many = measure()
    assert caller.get(url).get_json()["sponsored"]["trained"] == 13
    assert many == few
