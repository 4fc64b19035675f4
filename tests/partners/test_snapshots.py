"""Issued quarterly reports are numbered, frozen, and hashed."""

from datetime import date

from sqlalchemy import select

from academy.audit.models import AuditEvent
from academy.auth.models import TraineeProfile
from academy.auth.service import set_consent
from academy.extensions import db
from academy.partners.models import ReportSnapshot
from academy.partners.service import content_hash
from tests.factories import complete, make_user


def issue(client, partner, quarter=1):
    return client.post(f"/partners/{partner.id}/snapshots", data={"year": 2026, "quarter": quarter})


def test_a_snapshot_does_not_change_when_the_data_does(academy_data, login_as, login, client):
    login_as("manager")
    response = issue(client, academy_data.x)
    assert response.status_code == 302 and response.headers["Location"].endswith("/snapshots/1")
    frozen = db.session.scalar(select(ReportSnapshot))
    payload, digest = frozen.payload, frozen.content_hash
    assert digest == content_hash(payload)
    assert payload["sponsored"]["trained"] == 7
    assert [g["name"] for g in payload["graduates"]] == ["Consenting 1", "Consenting 2"]

    # The data moves on: more completions in Q1, a consent withdrawn.
    for i in range(5):
        complete(
            make_user(consent=True),
            academy_data.course_b,
            date(2026, 2, 1 + i),
            cohort=academy_data.cohort_xb,
        )
    first = academy_data.trainees[0]
    set_consent(first, db.session.get(TraineeProfile, first.id), False)
    db.session.commit()

    partner_user = make_user(["partner"], partner=academy_data.x)
    login(partner_user)
    live = client.get("/portal?year=2026&quarter=1").get_data(as_text=True)
    assert "Consenting 1" not in live
    page = client.get(f"/partners/{academy_data.x.id}/snapshots/1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert digest in html and "matches the content" in html
    assert "Consenting 1" in html  # as issued; the snapshot is the record of what was sent
    db.session.expire_all()
    stored = db.session.scalar(select(ReportSnapshot))
    assert stored.payload == payload and stored.content_hash == digest
    portal = client.get("/portal").get_data(as_text=True)
    assert f"/partners/{academy_data.x.id}/snapshots/1" in portal


def test_snapshots_are_numbered_per_partner_and_audited(academy_data, login_as, client):
    manager = login_as("manager")
    issue(client, academy_data.x, 1)
    issue(client, academy_data.x, 2)
    issue(client, academy_data.y, 1)
    rows = db.session.execute(
        select(ReportSnapshot.partner_id, ReportSnapshot.number, ReportSnapshot.title).order_by(
            ReportSnapshot.id
        )
    ).all()
    assert [(r.number, r.title) for r in rows] == [(1, "2026 Q1"), (2, "2026 Q2"), (1, "2026 Q1")]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.issue")).all()
    assert len(events) == 3 and all(e.actor_id == manager.id for e in events)


def test_only_managers_issue_and_others_cannot_open(academy_data, login, login_as, client):
    login_as("manager")
    issue(client, academy_data.x)
    for role in ("admin", "partner"):
        login(make_user([role], partner=academy_data.x if role == "partner" else None))
        assert issue(client, academy_data.x).status_code == 403
    login(make_user(["partner"], partner=academy_data.y))
    assert client.get(f"/partners/{academy_data.x.id}/snapshots/1").status_code == 404
    login_as("trainee")
    assert client.get(f"/partners/{academy_data.x.id}/snapshots/1").status_code == 403
    assert (
        db.session.scalar(select(ReportSnapshot.number).order_by(ReportSnapshot.number.desc())) == 1
    )


def test_bad_quarter_issues_nothing(academy_data, login_as, client):
    login_as("manager")
    response = client.post(
        f"/partners/{academy_data.x.id}/snapshots", data={"year": 2026, "quarter": 7}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(ReportSnapshot)) is None
