"""The API skeleton: tokens, the error format, health and the OpenAPI document."""

from academy.auth.models import ApiToken
from academy.extensions import db
from tests.factories import make_user, sign_in


def test_me_answers_for_the_token_holder(api):
    user = make_user(["trainee", "instructor"], email="ana@example.org", name="Ana")
    response = api(user).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json == {
        "id": user.id,
        "email": "ana@example.org",
        "name": "Ana",
        "roles": ["instructor", "trainee"],
        "partner_id": None,
    }


def test_missing_or_bad_token_is_401_in_the_error_format(api, client):
    for caller in (client, api(token="ak_not-a-real-token")):
        response = caller.get("/api/v1/me")
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_token_stops_working(api):
    from academy.extensions import utcnow

    caller = api(make_user())
    assert caller.get("/api/v1/me").status_code == 200
    for token in db.session.query(ApiToken):
        token.revoked_at = utcnow()
    db.session.commit()
    assert caller.get("/api/v1/me").status_code == 401


def test_session_cookie_does_not_authenticate_the_api(client, login_as):
    login_as("manager")
    assert client.get("/api/v1/me").status_code == 401


def test_tokens_are_stored_hashed(api):
    caller = api(make_user())
    token = caller.headers["Authorization"].split()[1]
    stored = db.session.query(ApiToken).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_unknown_api_path_is_a_json_404(api):
    response = api(make_user()).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405(api):
    response = api(make_user()).post("/api/v1/me", json={})
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_page_that_refuses_the_method_names_those_it_takes(client):
    response = client.post("/help")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"].split(", ")


def test_a_body_that_is_not_declared_json_is_a_415_and_changes_nothing(api):
    from academy.extensions import db
    from academy.partners.models import Partner

    caller = api(make_user(["manager"]))
    response = caller.client.post(
        "/api/v1/partners",
        data='{"name": "Acme", "kind": "company"}',
        headers={**caller.headers, "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    assert "application/json" in response.json["error"]["message"]
    assert db.session.query(Partner).count() == 0
    assert (
        caller.post("/api/v1/partners", json={"name": "Acme", "kind": "company"}).status_code == 201
    )


def test_unexpected_errors_are_a_json_500_that_leaks_nothing(app, api):
    from academy.api.me import blp  # noqa: F401

    caller = api(make_user())
    app.config["PROPAGATE_TEST_ERRORS"] = False
    original = app.view_functions["api_me.me"]

    def broken():
        raise RuntimeError("secret detail /srv/academy.db")

    app.view_functions["api_me.me"] = broken
    try:
        response = caller.get("/api/v1/me")
    finally:
        app.view_functions["api_me.me"] = original
        app.config["PROPAGATE_TEST_ERRORS"] = True
    assert response.status_code == 500
    assert response.json["error"]["code"] == "server_error"
    assert "secret" not in response.get_data(as_text=True)


def test_healthz_answers_without_a_token_or_database(client, app, monkeypatch):
    monkeypatch.setattr(db.session, "execute", _no_database)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_healthz_with_a_session_cookie_loads_nobody(client, app, monkeypatch):
    # A browser or monitor that is signed in sends its cookie to /healthz and static files
    # too; they must not cost a sign-in lookup.
    sign_in(client, make_user())
    monkeypatch.setattr(db.session, "execute", _no_database)
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz?x=1").status_code == 200


def _no_database(*_a, **_k):
    raise AssertionError("touched the database")


def test_openapi_document_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_error_carries_fields_as_api_md_writes_it(api):
    from tests.factories import enrol, make_cohort

    manager, trainee = make_user(["manager"]), make_user()
    cohort = make_cohort()
    enrol(cohort, trainee)
    answers = {
        401: api(token="ak_wrong").get("/api/v1/me"),
        403: api(trainee).get("/api/v1/partners"),
        404: api(manager).get("/api/v1/cohorts/999999"),
        409: api(manager).post(
            f"/api/v1/cohorts/{cohort.id}/enrolments", json={"user_id": trainee.id}
        ),
    }
    for status, answer in answers.items():
        assert answer.status_code == status
        assert answer.json["error"]["fields"] == {}, status
        assert set(answer.json["error"]) == {"code", "message", "fields"}


def test_an_admin_is_refused_the_withdrawal_api(api):
    from tests.factories import enrol, make_cohort

    enrolment = enrol(make_cohort(), make_user())
    refused = api(make_user(["admin"])).post(f"/api/v1/enrolments/{enrolment.id}/withdraw")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert db.session.get(type(enrolment), enrolment.id).status == "enrolled"


def test_the_openapi_document_describes_what_the_server_does(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas, paths = spec["components"]["schemas"], spec["paths"]
    # API.md's fields are documented as always there; the progress answer's extras are not.
    assert {"id", "email", "name", "roles"} <= set(schemas["Me"]["required"])
    assert {"year", "target", "trained", "by_month"} <= set(schemas["Headcount"]["required"])
    progress = set(schemas["ProgressOut"]["required"])
    assert "completed" in progress and not {"quiz", "certificate_code"} & progress
    roster = paths["/api/v1/cohorts/{cohort_id}/roster"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv"} <= set(roster)
    withdraw = paths["/api/v1/enrolments/{enrolment_id}/withdraw"]["post"]["requestBody"]
    assert withdraw["required"] is False
    answers = schemas["ProgressIn"]["properties"]["answers"]
    assert answers["maxProperties"] == 200 and "maxLength" not in answers
