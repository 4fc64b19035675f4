"""GET /api/v1/headcount and `academy headcount`: the same object, and the page agrees."""

import json
import re
from datetime import date

import pytest

from academy.extensions import db
from academy.progress.service import revoke_completion
from academy.reporting.models import ProgrammeYear
from academy.reporting.service import set_target
from tests.factories import complete, make_course, make_user

KEYS = {
    "year",
    "target",
    "trained",
    "remaining",
    "percent",
    "expected_to_date",
    "forecast",
    "by_track",
    "by_kind",
    "by_region",
    "by_month",
}


def small_academy():
    ai, health = make_course(track="ai"), make_course(track="health")
    ana = make_user(kind="student", region="hong_kong")
    ben = make_user(kind="professional", region="shenzhen")
    cat = make_user(kind="professional", region="other")
    complete(ana, ai, date(2023, 1, 1))
    complete(ana, health, date(2023, 6, 1))
    complete(ben, ai, date(2023, 12, 31))
    complete(cat, health, date(2024, 1, 1))  # next year
    gone = complete(make_user(), ai, date(2023, 3, 3))
    manager = make_user(["manager"])
    db.session.refresh(manager)
    revoke_completion(manager, gone, "Duplicate account")
    db.session.commit()


def test_the_api_answers_the_documented_object(api):
    small_academy()
    response = api(make_user(["manager"])).get("/api/v1/headcount?year=2023")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= KEYS
    assert body["year"] == 2023 and body["target"] == 4000
    assert body["trained"] == 2
    assert body["remaining"] == 3998
    assert body["percent"] == 0.1  # 2 of 4000, one decimal
    assert body["expected_to_date"] == 4000  # the year is over
    assert body["forecast"] == 2
    assert body["by_track"] == {"ai": 2, "health": 1}
    assert body["by_kind"] == {"professional": 1, "student": 1}
    assert body["by_region"] == {"shenzhen": 1, "hong_kong": 1, "other": 0}
    assert body["by_month"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert sum(body["by_month"]) == body["trained"]
    assert isinstance(body["forecast"], int)


def test_admins_may_read_it_too(api):
    assert api(make_user(["admin"])).get("/api/v1/headcount?year=2023").status_code == 200


@pytest.mark.parametrize("query", ["", "?year=", "?year=abc", "?year=1999", "?year=20235"])
def test_a_missing_or_bad_year_is_a_422_with_a_field_error(api, query):
    response = api(make_user(["manager"])).get(f"/api/v1/headcount{query}")
    assert response.status_code == 422
    assert "year" in response.get_json()["error"]["fields"]


def test_without_a_token_the_api_says_401(client):
    assert client.get("/api/v1/headcount?year=2023").status_code == 401


def test_cli_api_and_page_show_the_same_numbers(app, api, client, login_as):
    small_academy()
    from_api = api(make_user(["manager"])).get("/api/v1/headcount?year=2023").get_json()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["academy", "headcount", "--year", "2023", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == from_api

    text = runner.invoke(args=["academy", "headcount", "--year", "2023"]).output
    assert "Headcount 2023: 2 of 4000" in text

    login_as("manager")
    html = client.get("/dashboard?year=2023").data.decode()
    trained = re.search(r'data-testid="trained">([\d,]+) ', html).group(1)
    assert int(trained.replace(",", "")) == from_api["trained"]
    forecast = re.search(r"Forecast for the year</dt><dd>([\d,]+)<", html).group(1)
    assert int(forecast.replace(",", "")) == from_api["forecast"]
    months = client.get("/dashboard/export.csv?year=2023&table=months").data.decode("utf-8-sig")
    assert [int(line.split(",")[1]) for line in months.splitlines()[1:]] == from_api["by_month"]


def test_the_cli_refuses_a_bad_year(app):
    result = app.test_cli_runner().invoke(args=["academy", "headcount", "--year", "abc"])
    assert result.exit_code != 0
    assert "year" in result.output.lower()


def test_a_new_target_or_programme_year_shows_in_the_next_answer(api):
    small_academy()
    manager = make_user(["manager"])
    caller = api(manager)
    assert caller.get("/api/v1/headcount?year=2023").get_json()["target"] == 4000
    set_target(manager, 2023, 4800, "New partners")
    db.session.commit()
    assert caller.get("/api/v1/headcount?year=2023").get_json()["target"] == 4800
    # A programme year that starts in September moves the completions counted.
    year = db.session.get(ProgrammeYear, 2023)
    year.starts_on, year.ends_on = date(2023, 9, 1), date(2024, 9, 1)
    db.session.commit()
    assert caller.get("/api/v1/headcount?year=2023").get_json()["by_kind"] == {
        "professional": 2,  # ben and cat; ana's completions are before September
        "student": 0,
    }


def test_a_cached_answer_costs_the_sign_in_and_the_data_versions(api, count_queries):
    small_academy()
    caller = api(make_user(["manager"]))
    caller.get("/api/v1/headcount?year=2023")
    with count_queries() as queries:
        assert caller.get("/api/v1/headcount?year=2023").status_code == 200
    assert len(queries) == 2
