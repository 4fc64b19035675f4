"""Partner management pages, the report page, exports (with audit) and consent everywhere."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from academy import mail
from academy.audit.models import AuditEvent
from academy.auth.models import User
from academy.extensions import db
from academy.partners import export, queries
from academy.partners.models import Partner
from tests.factories import make_cohort, make_partner, make_user
from tests.pdfs import pdf_text


def test_manager_creates_and_edits_a_partner(login_as, client):
    manager = login_as("manager")
    response = client.post("/partners/new", data={"name": "Zeta Lab", "kind": "lab"})
    assert response.status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.name == "Zeta Lab"))
    assert partner.kind == "lab"
    duplicate = client.post("/partners/new", data={"name": "zeta lab", "kind": "company"})
    assert duplicate.status_code == 422 and b"already in use" in duplicate.data
    bad = client.post("/partners/new", data={"name": "", "kind": "pirate"})
    assert bad.status_code == 422
    assert db.session.scalar(select(func.count(Partner.id))) == 1
    edited = client.post(f"/partners/{partner.id}/edit", data={"name": "Zeta Labs", "kind": "lab"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).name == "Zeta Labs"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == manager.id)
    ).all()
    assert {"partner.create", "partner.update"} <= set(actions)


def test_manager_adds_a_partner_user_tied_to_the_partner(login_as, client):
    login_as("manager")
    partner = make_partner("Omega Co")
    response = client.post(
        f"/partners/{partner.id}/users/new", data={"name": "Olga", "email": "olga@omega.example"}
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "olga@omega.example"))
    assert user.partner_id == partner.id and user.roles == {"partner"}
    (invitation,) = [m for m in mail.sent if m["To"] == "olga@omega.example"]
    assert "/invitation/" in invitation.get_content()
    again = client.post(
        f"/partners/{partner.id}/users/new", data={"name": "Olga", "email": "olga@omega.example"}
    )
    assert again.status_code == 422
    page = client.get(f"/partners/{partner.id}")
    assert b"olga@omega.example" in page.data


def test_partner_list_and_detail(login_as, client, count_queries):
    login_as("manager")
    partner = make_partner("Alpha")
    make_cohort(sponsor=partner)
    client.get("/partners")
    with count_queries() as one:
        assert client.get("/partners").status_code == 200
    for _ in range(5):
        other = make_partner()
        make_cohort(sponsor=other)
        make_user(["partner"], partner=other)
    with count_queries() as many:
        page = client.get("/partners")
    assert len(one) == len(many)
    assert page.data.count(b"/report") == 6
    detail = client.get(f"/partners/{partner.id}")
    assert detail.status_code == 200 and b"Cohort" in detail.data


def test_portal_shows_figures_suppressed_and_consenting_graduates_only(academy_data, login, client):
    login(make_user(["partner"], partner=academy_data.x))
    page = client.get("/portal?year=2026").get_data(as_text=True)
    assert "Consenting 1" in page and "Consenting 2" in page
    assert "Secret Sam" not in page and "Private 3" not in page and "Revoked Rita" not in page
    assert "fewer than 5" in page and "withheld" in page
    assert "/verify/" in page


def test_the_report_page_lists_graduates_a_hundred_at_a_time(
    academy_data, login, client, monkeypatch
):
    names = [f"Graduate {i:04d}" for i in range(250)]
    listing = _report_listing(academy_data.x, names)
    monkeypatch.setattr(queries, "talent_supply", lambda partner, period: listing)
    login(make_user(["partner"], partner=academy_data.x))

    def shown(query: str) -> tuple[list[str], str]:
        page = client.get(f"/portal?year=2026&quarter=1{query}").get_data(as_text=True)
        return re.findall(r"<td>(Graduate \d{4})</td>", page), page

    rows, page = shown("")
    assert rows == names[:100]
    assert "Graduates 1–100 of 250" in page
    assert 'href="/portal?page=2&amp;year=2026&amp;quarter=1#graduates"' in page
    assert "page=0" not in page  # no Previous on the first page
    rows, page = shown("&page=2")
    assert rows == names[100:200] and "page=1&amp;" in page and "page=3&amp;" in page
    rows, page = shown("&page=3")
    assert rows == names[200:] and "Graduates 201–250 of 250" in page and "page=4" not in page
    assert shown("&page=99")[0] == names[200:]  # past the end: the last page
    assert shown("&page=x")[0] == names[:100]
    # Staff see the same pages of a partner's report; the exports list everyone.
    login(make_user(["manager"]))
    url = f"/partners/{academy_data.x.id}/report?year=2026&quarter=1&page=3"
    assert (
        re.findall(r"<td>(Graduate \d{4})</td>", client.get(url).get_data(as_text=True))
        == (names[200:])
    )
    assert "Graduate 0000" in client.get(url.replace("report?", "report/export/csv?")).text


def test_a_short_list_of_graduates_has_no_pages(academy_data, login, client):
    login(make_user(["partner"], partner=academy_data.x))
    page = client.get("/portal?year=2026").get_data(as_text=True)
    assert "Consenting 1" in page and "Pages of graduates" not in page


def test_report_page_refuses_a_bad_period_clearly(academy_data, login_as, client):
    login_as("manager")
    response = client.get(f"/partners/{academy_data.x.id}/report?year=2026&quarter=9")
    assert response.status_code == 422
    assert b"A quarter is 1, 2, 3 or 4." in response.data


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_exports_hide_non_consenting_people_and_are_audited(
    academy_data, login, client, monkeypatch, fmt
):
    # Core fonts keep the PDF's text searchable in the test.
    monkeypatch.setattr("academy.exports.cjk_font", lambda: None)
    user = login(make_user(["partner"], partner=academy_data.x))
    response = client.get(f"/partners/{academy_data.x.id}/report/export/{fmt}?year=2026&quarter=1")
    assert response.status_code == 200
    if fmt == "csv":
        text = response.get_data(as_text=True)
    elif fmt == "xlsx":
        book = load_workbook(io.BytesIO(response.data))
        text = "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    else:
        assert response.data.startswith(b"%PDF")
        text = pdf_text(response.data)
    assert "Consenting 1" in text and "Consenting 2" in text  # every graduate shown
    assert "Secret Sam" not in text and "Private 4" not in text
    assert "fewer than 5" in text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.export"))
    assert event.actor_id == user.id
    assert event.object_id == str(academy_data.x.id)
    assert event.detail["format"] == fmt
    assert event.detail["period"] == "2026 Q1"


def _report_listing(partner, names: list[str]) -> dict:
    """The partner's real 2026 Q1 report, listing these graduates instead."""
    report = queries.talent_supply(partner, queries.period_from(year=2026, quarter=1))
    graduates = [
        {
            "name": name,
            "course": "AI basics for professionals",
            "course_slug": "ai-basics",
            "completed_on": "2026-03-10",
            "certificate_code": f"AFA-TEST-{i:04d}-ABCD",
            "verify_path": f"/verify/AFA-TEST-{i:04d}-ABCD",
        }
        for i, name in enumerate(names)
    ]
    return {**report, "graduates": graduates}


def test_pdf_lists_every_graduate_over_as_many_pages_as_needed(academy_data, monkeypatch):
    monkeypatch.setattr("academy.exports.cjk_font", lambda: None)
    long_name = "Maximiliana Alexandra Bartholomea Fitzgerald-Worthington of Kowloon Tong"
    names = [f"Graduate {i:04d}" for i in range(300)] + [long_name]
    data = export.export(_report_listing(academy_data.x, names), "pdf", "https://a.example").data
    text = pdf_text(data)
    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))
    assert pages > 5
    # The list starts on the first page, and its header is repeated on every page after.
    assert text.count("Verify at") == pages
    for i, name in enumerate(names[:-1]):
        assert f"({name})" in text
        assert f"https://a.example/verify/AFA-TEST-{i:04d}-ABCD" in text
    for word in long_name.split():  # too long for its column: wrapped, nothing cut
        assert word in text
    assert "fewer than 5" in text and "Counts below 5" in text


def test_pdf_does_not_lay_out_each_graduate_as_a_paragraph(academy_data, monkeypatch):
    """multi_cell re-measures a line at every character: a paragraph per graduate took
    seconds for a thousand graduates."""
    from fpdf import FPDF

    monkeypatch.setattr("academy.exports.cjk_font", lambda: None)
    calls = []
    multi_cell = FPDF.multi_cell

    def counted(self, *args, **kwargs):
        calls.append(args)
        return multi_cell(self, *args, **kwargs)

    monkeypatch.setattr(FPDF, "multi_cell", counted)
    counts = []
    for size in (5, 200):
        calls.clear()
        export.export(_report_listing(academy_data.x, ["Grad"] * size), "pdf", "https://a.example")
        counts.append(len(calls))
    assert counts[0] == counts[1]


def test_export_in_chinese_uses_a_cjk_font(academy_data, login, client):
    from academy.exports import cjk_font

    if cjk_font() is None:
        pytest.skip("no CJK font installed")
    login(make_user(["partner"], partner=academy_data.x))
    with client.session_transaction() as session:
        session["locale"] = "zh_Hans"
    response = client.get(f"/partners/{academy_data.x.id}/report/export/pdf?year=2026")
    assert response.status_code == 200 and b"FontFile2" in response.data


def test_unknown_export_format_is_404(academy_data, login_as, client):
    login_as("manager")
    assert client.get(f"/partners/{academy_data.x.id}/report/export/doc").status_code == 404
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "report.export")
        )
        == 0
    )


def test_a_quarterly_report_names_its_quarter_in_the_pages_language(login_as, client):
    partner = make_partner("Omega Co")
    login_as("partner", partner=partner)
    page = client.get(
        f"/partners/{partner.id}/report?year=2026&quarter=4", headers={"Accept-Language": "zh-HK"}
    )
    assert page.status_code == 200 and "2026年第4季度" in page.get_data(as_text=True)
