"""A certificate carries the name it was issued to; renaming the account is audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from academy.audit.models import AuditEvent
from academy.dates import local_today
from academy.extensions import db
from academy.partners.queries import graduates, period_from
from tests import factories
from tests.pdfs import pdf_text

OLD, NEW = "Tam Trainee", "Somebody Else Entirely"


def rename(client, name: str) -> None:
    response = client.post("/account/profile", data={"name": name, "locale": ""})
    assert response.status_code == 302


@pytest.fixture
def holder(login):
    return login(factories.make_user(name=OLD))


def test_a_rename_after_issue_leaves_the_certificate_in_the_name_it_was_issued_to(
    client, holder, monkeypatch
):
    # Core fonts, whose text can be read back out of the PDF.
    monkeypatch.setattr("academy.exports.cjk_font", lambda: None)
    code = factories.complete(holder, factories.make_course("ai-basics"), local_today())
    code = code.certificate_code
    rename(client, NEW)

    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert f'<p class="holder">{OLD}</p>' in page  # the menu bar names the account as it is now
    drawn = pdf_text(client.get(f"/certificates/{code}/pdf").data)
    assert OLD in drawn and NEW not in drawn
    client.post("/logout")
    verify = client.get(f"/verify/{code}").get_data(as_text=True)
    assert OLD in verify and NEW not in verify
    assert client.get(f"/api/v1/certificates/{code}").get_json()["holder"] == OLD


def test_a_certificate_issued_after_the_rename_carries_the_new_name(client, holder):
    first = factories.complete(holder, factories.make_course("ai-basics"), local_today())
    rename(client, NEW)
    second = factories.complete(holder, factories.make_course("fin-ml"), local_today())
    assert (first.holder_name, second.holder_name) == (OLD, NEW)
    verify = client.get(f"/verify/{second.certificate_code}").get_data(as_text=True)
    assert NEW in verify and OLD not in verify
    response = client.get(f"/api/v1/certificates/{second.certificate_code}")
    assert response.get_json()["holder"] == NEW


def test_a_rename_is_audited_with_both_names(client, holder):
    rename(client, NEW)
    rename(client, NEW)  # saved again unchanged: no second event
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.rename"))
    assert [(e.actor_id, e.object_type, e.object_id, e.detail) for e in events] == [
        (holder.id, "user", str(holder.id), {"old": OLD, "new": NEW})
    ]


def test_a_refused_profile_neither_renames_nor_audits(client, holder):
    response = client.post("/account/profile", data={"name": "x" * 121, "locale": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert holder.name == OLD
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.rename")) is None


def test_partners_see_graduates_by_the_name_on_their_certificate(client, login):
    partner = factories.make_partner("Xylo Robotics")
    course = factories.make_course("ai-basics")
    cohort = factories.make_cohort(course, sponsor=partner, start_on=date(2026, 1, 5))
    trainee = login(factories.make_user(name=OLD, consent=True))
    record = factories.complete(trainee, course, date(2026, 3, 10), cohort=cohort)
    client.post("/account/profile", data={"name": NEW, "locale": "", "consent_share": "y"})
    listed = graduates(partner.id, period_from(year=2026, today=date(2026, 12, 1)))
    assert [(g["name"], g["certificate_code"]) for g in listed] == [(OLD, record.certificate_code)]


def test_my_data_shows_the_name_each_certificate_carries(client, holder):
    factories.complete(holder, factories.make_course("ai-basics"), local_today())
    rename(client, NEW)
    data = client.get("/account/data.json").get_json()
    assert data["account"]["name"] == NEW
    assert [c["holder_name"] for c in data["completions"]] == [OLD]
