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
    # The figures stay as issued; a graduate who withdrew consent is no longer named.
    assert "Consenting 1" not in html and "Consenting 2" in html
    assert "1 graduate listed when this report was issued is no longer shown" in html
    db.session.expire_all()
    stored = db.session.scalar(select(ReportSnapshot))
    assert stored.payload == payload and stored.content_hash == digest
    assert [g["name"] for g in stored.payload["graduates"]] == ["Consenting 1", "Consenting 2"]
    portal = client.get("/portal").get_data(as_text=True)
    assert f"/partners/{academy_data.x.id}/snapshots/1" in portal


def test_a_snapshot_names_a_graduate_only_while_they_consent(academy_data, login, login_as, client):
    login_as("manager")
    issue(client, academy_data.x)
    frozen = db.session.scalar(select(ReportSnapshot))
    digest = frozen.content_hash
    issued = {g["name"]: g["certificate_code"] for g in frozen.payload["graduates"]}
    code = issued["Consenting 1"]
    first = academy_data.trainees[0]
    profile = db.session.get(TraineeProfile, first.id)
    url = f"/partners/{academy_data.x.id}/snapshots/1"
    readers = [make_user(["partner"], partner=academy_data.x), make_user(["manager"])]

    def pages() -> list[str]:
        out = []
        for reader in readers:
            login(reader)
            response = client.get(url)
            assert response.status_code == 200
            out.append(response.get_data(as_text=True))
        return out

    for html in pages():
        assert "Consenting 1" in html and code in html
        assert "no longer shown:" not in html

    set_consent(first, profile, False)
    db.session.commit()
    for html in pages():
        assert "Consenting 1" not in html and code not in html
        assert "Consenting 2" in html and issued["Consenting 2"] in html
        assert "1 graduate listed when this report was issued is no longer shown" in html
        assert "withdrawn their consent" in html
        assert digest in html and "matches the content" in html
        assert "The content hash covers the report as issued" in html

    set_consent(first, profile, True)
    db.session.commit()
    for html in pages():
        assert "Consenting 1" in html and code in html
        assert "no longer shown:" not in html
    db.session.expire_all()
    stored = db.session.scalar(select(ReportSnapshot))
    assert stored.content_hash == digest == content_hash(stored.payload)


def test_a_snapshot_counts_every_withdrawn_graduate(academy_data, login_as, client, monkeypatch):
    monkeypatch.setattr("academy.partners.queries.CODES_PER_QUERY", 1)  # consent asked in parts
    login_as("manager")
    issue(client, academy_data.x)
    for trainee in academy_data.trainees[:2]:
        set_consent(trainee, db.session.get(TraineeProfile, trainee.id), False)
    db.session.commit()
    html = client.get(f"/partners/{academy_data.x.id}/snapshots/1").get_data(as_text=True)
    assert "2 graduates listed when this report was issued are no longer shown" in html
    assert "Consenting" not in html
    assert "have agreed to be shown for this period" in html  # the list is now empty
    assert ">7<" in html  # people trained, as issued


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


def test_a_snapshot_lists_its_graduates_a_hundred_at_a_time(
    academy_data, login_as, client, monkeypatch
):
    from academy.partners import queries

    login_as("manager")
    issue(client, academy_data.x)
    shown = queries.snapshot_as_shown
    names = [f"Graduate {i:03d}" for i in range(150)]

    def many(frozen):
        report = shown(frozen)
        graduates = [{**report["graduates"][0], "name": name} for name in names]
        return {**report, "graduates": graduates}

    monkeypatch.setattr(queries, "snapshot_as_shown", many)
    url = f"/partners/{academy_data.x.id}/snapshots/1"
    first = client.get(url).get_data(as_text=True)
    assert "Graduate 099" in first and "Graduate 100" not in first
    assert f'href="{url}?page=2#graduates"' in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert "Graduate 149" in second and "Graduate 099" not in second
    assert "Graduates 101–150 of 150" in second
