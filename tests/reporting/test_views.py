"""The dashboard page, its filters and exports, the target page, and who may see them."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from academy.courses.models import Lesson
from academy.dates import local_today
from academy.extensions import db, utcnow
from academy.partners.models import Partner
from academy.progress.models import LessonProgress
from academy.reporting.models import TargetChange
from config import Config
from tests.factories import (
    complete,
    enrol,
    make_cohort,
    make_course,
    make_partner,
    make_user,
)

# The academy's year, as local_today() gives it inside the app.
THIS_YEAR = datetime.now(ZoneInfo(Config.BABEL_DEFAULT_TIMEZONE)).year


def academy_with(n: int, year: int = THIS_YEAR) -> None:
    """n completions over several tracks, partners, cohorts and months, with live progress."""
    partners = [make_partner() for _ in range(2)]
    courses = [make_course(track=t) for t in ("ai", "health", "energy")]
    start = date(year, 1, 5)
    cohorts = [
        make_cohort(
            courses[i % 3],
            sponsor=partners[i % 2],
            start_on=start + timedelta(days=20 * i),
            end_on=date(year, 12, 20),
            capacity=200,
        )
        for i in range(3)
    ]
    lessons = {
        c.id: db.session.scalars(select(Lesson.id).where(Lesson.course_id == c.id)).first()
        for c in courses
    }
    for i in range(n):
        person = make_user(
            kind=("professional", "student")[i % 2],
            region=("shenzhen", "hong_kong", "other")[i % 3],
            organisation=f"Org {i % 4}",
        )
        cohort = cohorts[i % 3]
        enrolment = enrol(cohort, person)
        db.session.add(
            LessonProgress(
                enrolment_id=enrolment.id,
                lesson_id=lessons[cohort.course_id],
                done_at=utcnow(),
                last_activity_at=utcnow(),
            )
        )
        db.session.commit()
        complete(person, courses[i % 3], date(year, 1 + i % 11, 1 + i % 27), cohort=cohort)


@pytest.mark.parametrize("role", ["partner", "instructor", "trainee"])
def test_other_roles_get_403_from_page_exports_and_api(client, login_as, api, role):
    user = login_as(role)
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/export.csv").status_code == 403
    assert client.get("/dashboard/export.pdf").status_code == 403
    assert client.get("/dashboard/target/2025").status_code == 403
    response = api(user).get("/api/v1/headcount?year=2025")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_admin_sees_the_dashboard_but_may_not_change_the_target(client, login_as):
    login_as("admin")
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert b"Change target" not in page.data
    assert client.get("/dashboard/target/2025").status_code == 403
    assert client.post("/dashboard/target/2025", data={"target": "10"}).status_code == 403
    assert db.session.scalars(select(TargetChange)).all() == []


def test_the_page_shows_the_headcount_charts_and_tables(client, login_as):
    academy_with(6, 2023)
    login_as("manager")
    page = client.get("/dashboard?year=2023")
    assert page.status_code == 200
    html = page.data.decode()
    assert 'data-testid="trained">6 <span class="reporting-of">/ 4,000</span>' in html
    assert html.count('<svg class="reporting-chart"') == 9
    assert html.count("<table") >= 12
    assert "style=" not in html and "<script>" not in html
    assert "may add up to more than the total" in html
    assert "How the forecast is computed" in html


def test_filters_apply_to_every_number_and_stay_in_the_links(client, login_as):
    academy_with(6, 2023)
    login_as("manager")
    html = client.get("/dashboard?year=2023&track=ai").data.decode()
    assert 'data-testid="trained">2 <' in html
    assert "track=ai" in html and "year=2023" in html  # exports keep the filters
    html = client.get("/dashboard?year=2023&kind=student&region=hong_kong").data.decode()
    assert 'data-testid="trained">1 <' in html


def test_every_export_link_keeps_the_partner_filter(client, login_as):
    academy_with(6, 2023)
    sponsor = db.session.scalars(select(Partner).order_by(Partner.id)).first()
    login_as("manager")
    html = client.get(f"/dashboard?year=2023&partner={sponsor.id}").data.decode()
    # Cohorts 1 and 3 of academy_with's three: four of the six people trained.
    assert 'data-testid="trained">4 <' in html
    links = re.findall(r'href="(/dashboard/export[^"]+)"', html)
    assert links and all(f"partner={sponsor.id}" in link for link in links)
    workbook = next(link for link in links if "export.xlsx" in link)
    sheets = load_workbook(io.BytesIO(client.get(unescape(workbook)).data)).worksheets
    assert ("Trained", 4) in {row[:2] for row in sheets[0].iter_rows(values_only=True)}


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=1850",
        "track=no-such-track",
        "region=mars",
        "kind=robot",
        "partner=99",
        # Spaces are not "all": they were a 500 (partner) or a headcount of 0 (the others).
        "partner=+",
        "track=+",
        "region=%20",
        "kind=%09",
    ],
)
def test_invalid_filters_get_a_clear_message_not_a_500(client, login_as, query):
    login_as("manager")
    response = client.get(f"/dashboard?{query}")
    assert response.status_code == 400
    assert b"These filters cannot be used" in response.data
    assert client.get(f"/dashboard/export.csv?{query}").status_code == 400


def test_exports_hold_the_pages_tables(client, login_as):
    academy_with(4, 2023)
    login_as("manager")
    months = client.get("/dashboard/export.csv?year=2023&table=months")
    assert months.status_code == 200
    assert months.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(months.data.decode("utf-8-sig"))))
    assert rows[0] == ["Month", "First trained", "Cumulative", "Target pace"]
    assert [int(r[1]) for r in rows[1:]] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert client.get("/dashboard/export.csv?year=2023&table=nope").status_code == 400
    assert client.get("/dashboard/export.doc?year=2023").status_code == 404

    book = load_workbook(io.BytesIO(client.get("/dashboard/export.xlsx?year=2023").data))
    assert "Summary" in book.sheetnames and "Trained by month" in book.sheetnames
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["Trained"] == 4

    pdf = client.get("/dashboard/export.pdf?year=2023")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.data.count(b"/Type /Page\n") + pdf.data.count(b"/Type /Page ") <= 1


def test_the_pdf_speaks_the_readers_language(client, login_as):
    user = login_as("manager")
    user.locale = "zh_Hans"
    db.session.commit()
    assert client.get("/dashboard/export.pdf?year=2023").status_code == 200


def test_the_dashboard_costs_a_fixed_number_of_queries(client, login_as, count_queries):
    login_as("manager")
    academy_with(3)
    with count_queries() as small:
        assert client.get("/dashboard").status_code == 200
    academy_with(60)
    with count_queries() as large:
        page = client.get("/dashboard")
    assert page.status_code == 200
    assert b'data-testid="trained">63 <' in page.data
    assert len(large) == len(small)
    assert len(small) < 40


def test_a_manager_changes_the_target_with_history(client, login_as):
    manager = login_as("manager")
    page = client.get("/dashboard/target/2025")
    assert page.status_code == 200 and b'value="4000"' in page.data
    response = client.post(
        "/dashboard/target/2025", data={"target": "4800", "reason": "New partners"}
    )
    assert response.status_code == 302
    page = client.get("/dashboard/target/2025").data.decode()
    assert "4,800" in page and "New partners" in page and manager.name in page
    assert b"/ 4,800" in client.get("/dashboard?year=2025").data


@pytest.mark.parametrize("bad", ["", "abc", "-5", "1000001", "12.5"])
def test_a_bad_target_is_refused_with_a_message(client, login_as, bad):
    login_as("manager")
    response = client.post("/dashboard/target/2025", data={"target": bad})
    assert response.status_code == 422
    assert b'class="error"' in response.data
    assert db.session.scalars(select(TargetChange)).all() == []


def test_an_unchanged_target_is_refused_on_the_form(client, login_as):
    login_as("manager")
    response = client.post("/dashboard/target/2025", data={"target": "4000"})
    assert response.status_code == 422
    assert b"already 4000" in response.data


def test_a_target_page_for_an_impossible_year_is_refused(client, login_as):
    login_as("manager")
    assert client.get("/dashboard/target/1").status_code == 422


def test_cohorts_at_risk_link_to_their_page(client, login_as):
    today = local_today()
    cohort = make_cohort(start_on=today - timedelta(days=60), end_on=today + timedelta(days=30))
    enrol(cohort, make_user())  # no lesson done with two thirds of the time gone
    login_as("manager")
    html = client.get("/dashboard").data.decode()
    assert f'href="/cohorts/{cohort.id}"' in html
    assert cohort.code in html
