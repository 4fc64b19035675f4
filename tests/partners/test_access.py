"""Partner X's people never reach partner Y's report, the headcount, or any roster."""

import pytest

from academy.permissions import RULES
from tests.factories import make_user


@pytest.fixture
def x_user(academy_data):
    return make_user(["partner"], partner=academy_data.x)


def test_partner_page_reaches_only_its_own_report(academy_data, login, client, x_user):
    login(x_user)
    x, y = academy_data.x.id, academy_data.y.id
    portal = client.get("/portal?year=2026")
    assert portal.status_code == 200
    assert b"Xylo Robotics" in portal.data and b"Yue University" not in portal.data
    assert client.get(f"/partners/{x}/report?year=2026").status_code == 200
    for url in (
        f"/partners/{y}/report",
        f"/partners/{y}/report/export/csv",
        f"/partners/{y}/report/export/pdf",
        f"/partners/{y}/snapshots/1",
        "/partners/999999/report",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/partners", f"/partners/{x}", f"/partners/{y}", "/partners/new"):
        assert client.get(url).status_code == 403, url


def test_partner_token_reaches_only_its_own_report(academy_data, api, x_user):
    caller = api(x_user)
    x, y = academy_data.x.id, academy_data.y.id
    assert caller.get(f"/api/v1/partners/{x}/talent-supply?year=2026").status_code == 200
    other = caller.get(f"/api/v1/partners/{y}/talent-supply?year=2026")
    assert other.status_code == 404 and "Yue" not in other.get_data(as_text=True)
    assert caller.get("/api/v1/partners").status_code == 403
    assert caller.post("/api/v1/partners", json={"name": "N", "kind": "lab"}).status_code == 403


def test_partner_user_without_an_organisation_sees_nothing(academy_data, api, login, client):
    orphan = make_user(["partner"])
    login(orphan)
    assert client.get("/portal").status_code == 404
    x = academy_data.x.id
    assert api(orphan).get(f"/api/v1/partners/{x}/talent-supply").status_code == 404


def test_partner_gets_403_for_the_headcount(app, api, login, client, x_user):
    assert "partner" not in RULES["headcount.view"]
    response = api(x_user).get("/api/v1/headcount?year=2026")
    assert response.status_code == 403
    login(x_user)
    pages = [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("reporting.")]
    for rule in pages:
        if "<" not in rule:
            assert client.get(rule).status_code == 403, rule


def test_partner_never_gets_a_roster(app, academy_data, api, login, client, x_user):
    """Even of a cohort their own organisation sponsors."""
    assert "partner" not in RULES["cohort.roster"]
    cohort = academy_data.cohort_x.id
    caller = api(x_user)
    for path in (f"/api/v1/cohorts/{cohort}/roster", f"/api/v1/cohorts/{cohort}/roster?format=csv"):
        assert caller.get(path).status_code in (403, 404), path
    login(x_user)
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "roster" in r.rule and "GET" in r.methods and not r.rule.startswith("/api/")
    ]
    assert rules
    for rule in rules:
        url = rule.rule.replace("<int:cohort_id>", str(cohort))
        url = url.split("<")[0] + "csv" if "<" in url else url
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize("role", ["trainee", "instructor"])
def test_other_roles_get_403(academy_data, api, login_as, client, role):
    x = academy_data.x.id
    assert api(make_user([role])).get(f"/api/v1/partners/{x}/talent-supply").status_code == 403
    login_as(role)
    assert client.get(f"/partners/{x}/report").status_code == 403
    assert client.get("/portal").status_code == 403


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_programme_staff_see_every_partner(academy_data, api, login_as, client, role):
    caller = api(make_user([role]))
    login_as(role)
    for partner in (academy_data.x, academy_data.y):
        response = caller.get(f"/api/v1/partners/{partner.id}/talent-supply?year=2026")
        assert response.status_code == 200
        assert response.json["partner"]["name"] == partner.name
        assert client.get(f"/partners/{partner.id}/report?year=2026").status_code == 200
    assert client.get("/portal").status_code == 302
