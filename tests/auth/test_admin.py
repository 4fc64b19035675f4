from academy import mail
from academy.audit.models import AuditEvent
from academy.auth.models import User
from academy.extensions import db
from tests.factories import make_user


def test_admin_lists_and_searches_people(client, login_as):
    login_as("admin")
    make_user(["trainee"], name="Chan Tai Man", email="chan@example.org")
    make_user(["trainee"], name="Li Wei", email="li@example.org")
    page = client.get("/admin/users?q=chan").get_data(as_text=True)
    assert "chan@example.org" in page and "li@example.org" not in page


def test_people_page_query_count_does_not_grow(client, login_as, count_queries):
    login_as("admin")
    make_user()
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(20):
        make_user()
    with count_queries() as many:
        client.get("/admin/users")
    assert len(few) == len(many)


def test_manager_creates_a_trainee_and_it_is_audited(client, login_as):
    manager = login_as("manager")
    response = client.post(
        "/admin/users",
        data={
            "email": "New@Example.org",
            "name": "New Person",
            "roles": ["trainee"],
            "kind": "student",
            "region": "hong_kong",
        },
    )
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="new@example.org").one()
    assert user.roles == {"trainee"}
    event = db.session.query(AuditEvent).filter_by(action="user.create").one()
    assert event.actor_id == manager.id
    (invitation,) = [m for m in mail.sent if m["To"] == "new@example.org"]
    assert "/invitation/" in invitation.get_content()
    user_id = user.id
    db.session.rollback()  # what the request did not commit is gone, as after a real request
    invited = db.session.query(AuditEvent).filter_by(action="user.invite").one()
    assert invited.object_id == str(user_id)


def test_manager_cannot_create_an_admin(client, login_as):
    login_as("manager")
    response = client.post(
        "/admin/users",
        data={
            "email": "x@example.org",
            "name": "X",
            "roles": ["admin"],
            "kind": "student",
            "region": "other",
        },
    )
    assert response.status_code == 403
    assert db.session.query(User).filter_by(email="x@example.org").count() == 0


def test_duplicate_email_is_refused_with_a_message(client, login_as):
    login_as("admin")
    make_user(email="taken@example.org")
    response = client.post(
        "/admin/users",
        data={
            "email": "TAKEN@example.org",
            "name": "X",
            "roles": ["trainee"],
            "kind": "student",
            "region": "other",
        },
    )
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="taken@example.org").count() == 1


def test_admin_creates_a_token_shown_once(client, login_as, api):
    login_as("admin")
    user = make_user(["manager"])
    page = client.post(f"/admin/users/{user.id}/tokens", data={"name": "reports"})
    token = page.get_data(as_text=True).split("<code>")[1].split("</code>")[0]
    assert api(token=token).get("/api/v1/me").json["id"] == user.id
    assert token not in client.get(f"/admin/users/{user.id}/tokens").get_data(as_text=True)


def test_trainee_and_partner_cannot_reach_administration(client, login_as):
    for role in ("trainee", "partner", "instructor"):
        login_as(role)
        assert client.get("/admin/users").status_code == 403
        assert client.get("/admin/audit").status_code == 403


def test_audit_log_filters_by_action(client, login_as):
    admin = login_as("admin")
    from academy.audit.service import record

    record(admin, "completion.revoke", "completion", 7, reason="typo")
    record(admin, "user.create", "user", 8)
    db.session.commit()
    page = client.get("/admin/audit?action=completion").get_data(as_text=True)
    assert "completion.revoke" in page and "user.create" not in page
