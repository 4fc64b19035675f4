"""POST /api/v1/users."""

import pytest
from sqlalchemy import func, select

from academy.auth.models import User
from academy.extensions import db
from tests.factories import make_partner, make_user


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_manager_creates_a_trainee_with_a_profile(api):
    caller = api(make_user(["manager"]))
    response = caller.post(
        "/api/v1/users",
        json={
            "email": "Lin@Example.org",
            "name": "Lin",
            "roles": ["trainee"],
            "kind": "student",
            "region": "hong_kong",
            "organisation": "HKU",
            "consent_share": True,
        },
    )
    assert response.status_code == 201
    body = response.json
    assert body["id"] and body["email"] == "lin@example.org" and body["roles"] == ["trainee"]
    assert (body["kind"], body["region"], body["consent_share"]) == ("student", "hong_kong", True)
    assert (
        caller.post(
            "/api/v1/users", json={"email": "lin@example.org", "name": "L", "roles": ["trainee"]}
        ).status_code
        == 409
    )


def test_partner_users_carry_their_partner(api):
    partner = make_partner()
    caller = api(make_user(["admin"]))
    response = caller.post(
        "/api/v1/users",
        json={"email": "p@x.org", "name": "P", "roles": ["partner"], "partner_id": partner.id},
    )
    assert response.status_code == 201 and response.json["partner_id"] == partner.id


@pytest.mark.parametrize(
    "body,field",
    [
        ({"email": "nope", "name": "A", "roles": ["trainee"]}, "email"),
        ({"email": "a@x.org", "name": "", "roles": ["trainee"]}, "name"),
        ({"email": "a@x.org", "name": "A", "roles": ["wizard"]}, "roles.0"),
        ({"email": "a@x.org", "name": "A", "roles": []}, "roles"),
        ({"email": "a@x.org", "name": "A", "roles": ["trainee"], "kind": "child"}, "kind"),
        ({"email": "a@x.org", "name": "A", "roles": ["trainee"], "region": "mars"}, "region"),
        ({"email": "a@x.org", "name": "A", "roles": ["partner"]}, "partner_id"),
        ({"email": "a@x.org", "name": "A", "roles": ["trainee"], "partner_id": 1}, "partner_id"),
        (
            {"email": "a@x.org", "name": "A", "roles": ["partner"], "partner_id": 99999},
            "partner_id",
        ),
        ({"email": "a@x.org", "name": "A", "roles": ["trainee"], "password": "x"}, "password"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_created(api, body, field):
    caller = api(make_user(["manager"]))
    before = user_count()
    response = caller.post("/api/v1/users", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    # API.md's shape: {field: [messages]}, however deep the field sits.
    messages = response.json["error"]["fields"].values()
    assert all(isinstance(m, list) and all(isinstance(x, str) for x in m) for m in messages)
    assert user_count() == before


def test_only_admins_create_admins(api):
    body = {"email": "boss@x.org", "name": "Boss", "roles": ["admin"]}
    assert api(make_user(["manager"])).post("/api/v1/users", json=body).status_code == 403
    assert api(make_user(["admin"])).post("/api/v1/users", json=body).status_code == 201


@pytest.mark.parametrize("role", ["trainee", "instructor", "partner"])
def test_other_roles_cannot_create_users(api, role):
    body = {"email": "n@x.org", "name": "N", "roles": ["trainee"]}
    assert api(make_user([role])).post("/api/v1/users", json=body).status_code == 403


@pytest.mark.slow
def test_the_same_user_created_twice_at_once_is_one_201_and_409s(app, api):
    import threading

    headers = api(make_user(["manager"])).headers
    body = {"email": "twice@example.org", "name": "Twice", "roles": ["instructor"]}
    callers = 6
    barrier = threading.Barrier(callers)
    statuses: list[int] = []

    def create(client):
        barrier.wait(timeout=30)
        statuses.append(client.post("/api/v1/users", json=body, headers=headers).status_code)

    threads = [threading.Thread(target=create, args=(app.test_client(),)) for _ in range(callers)]
    db.session.commit()  # outside a request every SQLite transaction takes the write lock
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [201] + [409] * (callers - 1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(User.email == "twice@example.org")) == 1


@pytest.mark.parametrize("given", ["yes", "on", 1, "true", None])
def test_consent_is_a_json_boolean_and_nothing_else(api, given):
    caller = api(make_user(["manager"]))
    before = user_count()
    response = caller.post(
        "/api/v1/users",
        json={"email": "c@example.org", "name": "C", "roles": ["trainee"], "consent_share": given},
    )
    assert response.status_code == 422
    assert "consent_share" in response.json["error"]["fields"]
    assert user_count() == before
