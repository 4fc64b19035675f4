"""The academy's day is Shenzhen's and Hong Kong's, whatever the server's clock keeps."""

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from academy.extensions import db
from academy.progress.models import CompletionRecord
from tests.factories import enrol, make_cohort, make_course, make_user

# 17:30 on 31 December on a server keeping UTC: 01:30 on 1 January 2027 at the academy.
NEW_YEAR_AT_THE_ACADEMY = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)


def test_a_completion_at_new_year_counts_in_the_new_year(api, app):
    course = make_course(lessons=1)
    cohort = make_cohort(course, start_on=date(2026, 12, 1), end_on=date(2027, 1, 31))
    trainee, latecomer = make_user(), make_user()
    enrolment = enrol(cohort, trainee)
    enrol(cohort, latecomer)
    manager = make_user(["manager"])
    with time_machine.travel(NEW_YEAR_AT_THE_ACADEMY, tick=False):
        done = api(trainee).post(
            f"/api/v1/enrolments/{enrolment.id}/progress", json={"lesson": "lesson-1"}
        )
        assert done.status_code == 200 and done.json["completed"]
        recorded = api(manager).post(
            "/api/v1/completions",
            json={
                "user_id": latecomer.id,
                "course": course.slug,
                "cohort_id": cohort.id,
                "completed_on": "2027-01-01",  # the academy's today: not in the future
                "reason": "Assessed at the new-year session",
            },
        )
        assert recorded.status_code == 201, recorded.json
        new_year = api(manager).get("/api/v1/headcount?year=2027").json
        old_year = api(manager).get("/api/v1/headcount?year=2026").json
        cli = app.test_cli_runner().invoke(args=["academy", "headcount", "--json"])
    dates = db.session.scalars(select(CompletionRecord.completed_on)).all()
    assert dates == [date(2027, 1, 1)] * 2
    assert new_year["trained"] == 2 and new_year["by_month"][0] == 2
    assert old_year["trained"] == 0
    assert '"year": 2027' in cli.output  # the CLI's default year is the academy's too
