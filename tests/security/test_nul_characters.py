"""NUL characters never reach the database (PostgreSQL text cannot hold them)."""

from academy.extensions import db
from academy.partners.models import Partner
from tests.factories import make_user


def test_api_body_with_a_nul_is_a_400_in_the_error_format(api):
    caller = api(make_user(["manager"]))
    response = caller.post("/api/v1/partners", json={"name": "Acme\u0000", "kind": "company"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"
    assert db.session.query(Partner).count() == 0


def test_query_string_and_form_with_a_nul_are_refused(client, login_as):
    login_as("manager")
    assert client.get("/admin/users?q=a%00b").status_code == 400
    assert client.get("/admin/users?role=&role=x%00").status_code == 400
    response = client.post(
        "/admin/users",
        data={
            "email": "a@example.org",
            "name": "A\x00",
            "roles": ["trainee"],
            "kind": "student",
            "region": "other",
        },
    )
    assert response.status_code == 400


def test_ordinary_text_still_passes(api):
    caller = api(make_user(["manager"]))
    response = caller.post("/api/v1/partners", json={"name": "深圳 Robotics", "kind": "lab"})
    assert response.status_code == 201


def test_a_nul_in_the_path_is_refused_before_any_query(api, client):
    caller = api(make_user(["trainee"]))
    for path in (
        "/api/v1/certificates/AB%00CD",
        "/api/v1/courses/c%00one/lessons/lesson-1",
        "/verify/AB%00CD",
    ):
        response = caller.get(path) if path.startswith("/api/") else client.get(path)
        assert response.status_code == 400, path
    assert caller.get("/api/v1/certificates/AB%00CD").json["error"]["code"] == "bad_request"
