"""POST/GET /api/v1/partners and GET /api/v1/partners/<id>/talent-supply."""

from sqlalchemy import func, select

from academy.extensions import db
from academy.partners.models import Partner
from tests.factories import make_user

KEYS = {"trained", "completions", "by_track", "by_region", "by_kind"}


def test_create_and_list_partners(api):
    caller = api(make_user(["manager"]))
    created = caller.post("/api/v1/partners", json={"name": "Delta Gov", "kind": "government"})
    assert created.status_code == 201
    assert created.json["id"] and created.json["kind"] == "government"
    assert (
        caller.post("/api/v1/partners", json={"name": "Delta Gov", "kind": "lab"}).status_code
        == 409
    )
    for body in (
        {"name": "X", "kind": "pirate"},
        {"name": "", "kind": "lab"},
        {"name": "X"},
        {"name": "X", "kind": "lab", "extra": 1},
    ):
        response = caller.post("/api/v1/partners", json=body)
        assert response.status_code == 422 and response.json["error"]["fields"], body
    assert db.session.scalar(select(func.count(Partner.id))) == 1
    listed = caller.get("/api/v1/partners")
    assert [p["name"] for p in listed.json] == ["Delta Gov"]


def test_talent_supply_answers_the_documented_shape(academy_data, api):
    partner_user = make_user(["partner"], partner=academy_data.x)
    response = api(partner_user).get(
        f"/api/v1/partners/{academy_data.x.id}/talent-supply?year=2026"
    )
    assert response.status_code == 200
    body = response.json
    assert body["partner"]["id"] == academy_data.x.id and body["partner"]["name"] == "Xylo Robotics"
    assert body["year"] == 2026 and body["suppression_threshold"] == 5
    assert set(body["sponsored"]) >= KEYS and set(body["programme"]) >= KEYS
    assert body["sponsored"]["trained"] == 7
    assert body["sponsored"]["by_track"]["fintech"] is None
    assert set(body["sponsored"]["by_kind"]) == {"professional", "student"}
    assert set(body["sponsored"]["by_region"]) == {"shenzhen", "hong_kong", "other"}
    assert {g["name"] for g in body["graduates"]} == {"Consenting 1", "Consenting 2"}
    assert set(body["graduates"][0]) >= {"name", "course", "completed_on", "certificate_code"}
    text = response.get_data(as_text=True)
    assert "Secret Sam" not in text and "Private" not in text


def test_small_counts_are_null_never_the_number(academy_data, api):
    caller = api(make_user(["manager"]))
    body = caller.get(f"/api/v1/partners/{academy_data.y.id}/talent-supply?year=2026").json
    sponsored = body["sponsored"]
    assert sponsored["trained"] is None and sponsored["completions"] is None
    values = [
        v
        for name in ("by_track", "by_region", "by_kind", "by_level", "by_month")
        for v in sponsored[name].values()
    ]
    assert all(v is None or v == 0 or v >= 5 for v in values)
    assert 2 not in values


def test_period_filters_and_bad_input(academy_data, api):
    caller = api(make_user(["manager"]))
    base = f"/api/v1/partners/{academy_data.x.id}/talent-supply"
    q1 = caller.get(base + "?year=2026&quarter=1").json
    assert q1["period"] == {"start": "2026-01-01", "end": "2026-04-01", "label": "2026 Q1"}
    custom = caller.get(base + "?start=2026-03-01&end=2026-03-11")
    assert custom.status_code == 200 and custom.json["year"] is None
    for query, field in (
        ("year=abc", "year"),
        ("quarter=5", "quarter"),
        ("start=2026-01-01", "end"),
        ("start=2026-02-01&end=2026-01-01", "end"),
        ("year=2026&start=2026-01-01&end=2026-02-01", "start"),
    ):
        response = caller.get(f"{base}?{query}")
        assert response.status_code == 422, query
        assert field in response.json["error"]["fields"], query
    assert caller.get("/api/v1/partners/999999/talent-supply").status_code == 404
