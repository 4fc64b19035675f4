"""Numbers and dates typed into forms and query strings that the database could not hold.

Each of these was a server error: an id past the 32-bit columns, a superscript digit that
str.isdigit takes and int() refuses, a date in year 1 that cannot be converted to UTC.
"""

from datetime import date

import pytest

from academy.auth.models import User
from academy.cohorts.models import Cohort, CohortSession
from academy.enrolments.models import Enrolment
from academy.errors import Invalid
from academy.extensions import db
from academy.forms import whole_number
from academy.partners.queries import parse_period
from academy.progress.models import CompletionRecord, QuizAttempt
from tests.factories import enrol, make_cohort, make_course, make_user, sign_in

HUGE = "9" * 20


def test_whole_number_takes_decimal_digits_within_range_only():
    assert whole_number("42", 100) == 42
    assert whole_number("１２", 100) == 12  # full-width digits are decimal digits
    for text in ("", "-1", "4.2", "²", "①", "101", HUGE, " 4"):
        assert whole_number(text, 100) is None, text


def test_ids_past_the_columns_range_are_refused(client, login_as):
    course = make_course("ai-foundations")
    cohort = make_cohort(course)
    login_as("manager")
    response = client.post(
        "/admin/users",
        data={
            "email": "p@example.org",
            "name": "P",
            "roles": ["partner"],
            "kind": "student",
            "region": "other",
            "partner_id": HUGE,
        },
    )
    assert response.status_code == 422
    assert "No such partner" in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="p@example.org").count() == 0

    sign_in(client, make_user())
    join = client.post(f"/courses/{course.slug}/join", data={"cohort_id": HUGE})
    assert join.status_code == 404
    assert client.post(f"/courses/{course.slug}/join", data={"cohort_id": "²"}).status_code == 404
    assert db.session.query(Enrolment).count() == 0
    assert cohort.seats_taken == 0


def test_a_move_to_a_cohort_id_past_the_range_changes_nothing(client):
    teacher = make_user(["instructor"])
    cohort = make_cohort(instructors=[teacher])
    enrolment = enrol(cohort, make_user())
    sign_in(client, teacher)
    url = f"/cohorts/{cohort.id}/trainees/{enrolment.id}/move"
    response = client.post(url, data={"move-target": HUGE, "move-reason": "x"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    assert db.session.query(Enrolment).count() == 1


def test_superscript_digits_in_query_strings_are_not_numbers(client, login_as):
    login_as("admin")
    assert client.get("/admin/audit?before=²").status_code == 200
    assert client.get("/cohorts?page=²&year=³").status_code == 200
    with pytest.raises(Invalid) as refused:
        parse_period({"year": "²"})
    assert "year" in refused.value.fields


def test_a_superscript_quiz_answer_is_no_answer(client):
    course = make_course(quiz_on_last=True)
    trainee = make_user()
    enrolment = enrol(make_cohort(course), trainee)
    sign_in(client, trainee)
    response = client.post(f"/learning/{enrolment.id}/lesson-3", data={"q-q1": "²", "q-q2": "0"})
    assert response.status_code == 422
    assert "Choose an answer." in response.get_data(as_text=True)
    assert db.session.query(QuizAttempt).count() == 0


def test_dates_outside_the_programme_years_are_refused(client, login_as, api):
    manager = login_as("manager")
    make_course("ai-foundations")
    form = {
        "code": "SZ-01",
        "name": "Shenzhen evening",
        "course": "ai-foundations",
        "start_on": "1999-12-31",
        "end_on": "2101-01-01",
        "capacity": "10",
        "delivery": "shenzhen",
        "policy": "open",
        "sponsor": "0",
    }
    page = client.post("/cohorts/new", data=form)
    assert page.status_code == 422
    assert "Choose a date from 2000 to 2100." in page.get_data(as_text=True)
    assert db.session.query(Cohort).count() == 0

    course = make_course()
    cohort = make_cohort(course)
    session = {"title": "Week 1", "starts": "00:00", "ends": "07:00", "place": "shenzhen"}
    for day in ("0001-01-01", "9999-12-31"):
        response = client.post(f"/cohorts/{cohort.id}/sessions", data={**session, "day": day})
        assert response.status_code == 422, day
    assert db.session.query(CohortSession).count() == 0

    trainee = make_user()
    enrol(cohort, trainee)
    body = {
        "user_id": trainee.id,
        "course": course.slug,
        "cohort_id": cohort.id,
        "completed_on": date(1999, 12, 31).isoformat(),
        "reason": "Assessed offline",
    }
    refused = api(manager).post("/api/v1/completions", json=body)
    assert refused.status_code == 422
    assert refused.json["error"]["fields"]["completed_on"] == ["Choose a date from 2000 to 2100."]
    assert db.session.query(CompletionRecord).count() == 0
