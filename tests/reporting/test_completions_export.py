"""The full-year completions export: its rows, who may download it, and that it streams."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from academy.audit.models import AuditEvent
from academy.extensions import db
from academy.progress.service import revoke_completion
from academy.reporting.completions import HEADER
from tests.factories import complete, make_cohort, make_course, make_partner, make_user

YEAR = 2025


def _rows(response) -> list[dict]:
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_lists_every_completion_of_the_year(client, login_as, api):
    manager = login_as("manager")
    partner = make_partner(name="Tencent Cloud")
    course = make_course(track="ai")
    other_course = make_course(track="health")
    cohort = make_cohort(course, sponsor=partner, start_on=date(YEAR, 2, 1))
    ada = make_user(name="Ada Lovelace", kind="student", region="hong_kong", organisation="HKU")
    bo = make_user(name="Bo Li", region="other")
    first = complete(ada, course, date(YEAR, 3, 4), cohort=cohort, score=91)
    complete(ada, other_course, date(YEAR, 6, 1))
    mistaken = complete(bo, course, date(YEAR, 5, 5), cohort=cohort)
    complete(bo, other_course, date(YEAR + 1, 1, 1))  # next year: not in this export
    complete(make_user(), course, date(YEAR - 1, 12, 31))  # last year: not either
    revoke_completion(manager, mistaken, "Issued to the wrong person")
    db.session.commit()

    response = client.get(f"/dashboard/completions-{YEAR}.csv")

    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    assert f"completions-{YEAR}.csv" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).splitlines()[0] == "\ufeff" + ",".join(HEADER)
    rows = _rows(response)
    assert [r["completed_on"] for r in rows] == ["2025-03-04", "2025-05-05", "2025-06-01"]
    assert rows[0] == {
        "certificate_code": first.certificate_code,
        "completed_on": "2025-03-04",
        "name": "Ada Lovelace",
        "email": ada.email,
        "kind": "student",
        "region": "hong_kong",
        "organisation": "HKU",
        "course": course.slug,
        "track": "ai",
        "cohort": cohort.code,
        "sponsor_partner": "Tencent Cloud",
        "score": "91",
        "revoked_on": "",
    }
    assert rows[1]["name"] == "Bo Li"
    assert rows[1]["revoked_on"] == mistaken.revoked_at.date().isoformat()
    assert rows[2]["cohort"] == "" and rows[2]["sponsor_partner"] == ""
    # The people of the standing rows are the year's headcount, as the API counts it.
    standing = {r["email"] for r in rows if not r["revoked_on"]}
    headline = api(manager).get(f"/api/v1/headcount?year={YEAR}").get_json()
    assert len(standing) == headline["trained"] == 1


def test_the_export_is_audited(client, login_as):
    manager = login_as("manager")
    assert client.get(f"/dashboard/completions-{YEAR}.csv").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "completions.export"))
    assert event.actor_id == manager.id and event.object_id == str(YEAR)


def test_the_dashboard_links_to_it(client, login_as):
    login_as("manager")
    page = client.get(f"/dashboard?year={YEAR}").get_data(as_text=True)
    assert f"/dashboard/completions-{YEAR}.csv" in page


@pytest.mark.parametrize("role", ["trainee", "instructor", "partner"])
def test_other_roles_may_not_download_it(client, login_as, role):
    kwargs = {"partner": make_partner()} if role == "partner" else {}
    login_as(role, **kwargs)
    complete(make_user(name="Secret Person"), make_course(), date(YEAR, 3, 1))
    response = client.get(f"/dashboard/completions-{YEAR}.csv")
    assert response.status_code == 403
    assert b"Secret Person" not in response.data


def test_anonymous_visitors_are_sent_to_sign_in(client):
    complete(make_user(name="Secret Person"), make_course(), date(YEAR, 3, 1))
    response = client.get(f"/dashboard/completions-{YEAR}.csv")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert b"Secret Person" not in response.data


def test_a_year_out_of_range_is_refused(client, login_as):
    login_as("admin")
    assert client.get("/dashboard/completions-1900.csv").status_code in (400, 422)
