"""One API token at a time: listed for admins and for its holder, revoked on its own, and
its last use recorded at most once an hour."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from academy.audit.models import AuditEvent
from academy.auth.models import ApiToken
from academy.auth.service import create_token, digest, user_for_token
from academy.extensions import db, utcnow
from tests.factories import make_user


def _token(user, name="script") -> tuple[str, ApiToken]:
    secret = create_token(None, user, name)
    db.session.commit()
    return secret, db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))


def _fresh(token: ApiToken) -> ApiToken:
    db.session.expire_all()
    return db.session.get(ApiToken, token.id)


def _revocations() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "token.revoke")).all()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_admin_page_lists_a_persons_tokens_without_their_secret(client, login_as):
    login_as("admin")
    holder = make_user(["manager"])
    secret, token = _token(holder, "nightly export")
    _, other = _token(make_user(["manager"]), "other desk")
    page = client.get(f"/admin/users/{holder.id}/tokens").get_data(as_text=True)
    assert "nightly export" in page and "other desk" not in page
    assert f"/admin/tokens/{token.id}/revoke" in page
    assert secret not in page and token.token_hash not in page
    everyone = client.get("/admin/tokens").get_data(as_text=True)
    assert "nightly export" in everyone and "other desk" in everyone
    assert holder.email in everyone and f"/admin/tokens/{other.id}/revoke" in everyone


def test_revoking_one_token_refuses_its_next_call_and_keeps_the_others(client, login_as, api):
    admin = login_as("admin")
    holder = make_user(["manager"])
    secret, token = _token(holder)
    kept, _ = _token(holder, "kept")
    caller = api(token=secret)
    assert caller.get("/api/v1/me").status_code == 200
    response = client.post(f"/admin/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{holder.id}/tokens")
    assert caller.get("/api/v1/me").status_code == 401
    assert api(token=kept).get("/api/v1/me").status_code == 200
    assert _fresh(token).revoked_at is not None  # the row stays, for the record
    [event] = _revocations()
    assert (event.actor_id, event.object_type, event.object_id) == (
        admin.id,
        "user",
        str(holder.id),
    )
    assert event.detail["token_id"] == token.id
    page = client.get(f"/admin/users/{holder.id}/tokens").get_data(as_text=True)
    assert f"/admin/tokens/{token.id}/revoke" not in page and "revoked" in page


def test_revoking_from_the_list_of_all_comes_back_to_it(client, login_as):
    login_as("admin")
    _, token = _token(make_user())
    response = client.post(f"/admin/tokens/{token.id}/revoke", data={"back": "all"})
    assert response.headers["Location"].endswith("/admin/tokens")


def test_a_revoked_token_is_not_revoked_again(client, login_as):
    login_as("admin")
    _, token = _token(make_user())
    client.post(f"/admin/tokens/{token.id}/revoke")
    first = _fresh(token).revoked_at
    page = client.post(f"/admin/tokens/{token.id}/revoke", follow_redirects=True)
    assert "already revoked" in page.get_data(as_text=True)
    assert _fresh(token).revoked_at == first
    assert len(_revocations()) == 1


def test_an_unknown_token_is_404(client, login_as):
    login_as("admin")
    assert client.post("/admin/tokens/999999/revoke").status_code == 404


def test_only_admins_list_and_revoke_tokens(client, login_as, api):
    holder = make_user(["manager"])
    secret, token = _token(holder)
    for role in ("trainee", "instructor", "manager", "partner"):
        login_as(role)
        assert client.get("/admin/tokens").status_code == 403
        assert client.get(f"/admin/users/{holder.id}/tokens").status_code == 403
        assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 403
    assert _fresh(token).revoked_at is None
    assert api(token=secret).get("/api/v1/me").status_code == 200
    assert _revocations() == []


def test_revoking_needs_the_pages_csrf_token(client, login_as, csrf_on):
    admin = login_as("admin")
    _, token = _token(admin)
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 400
    assert _fresh(token).revoked_at is None
    page = client.get("/admin/tokens").get_data(as_text=True)
    client.post(f"/admin/tokens/{token.id}/revoke", data={"csrf_token": _csrf(page)})
    assert _fresh(token).revoked_at is not None


def test_a_person_lists_and_revokes_their_own_tokens(client, login, api):
    me = login(make_user(["instructor"]))
    secret, mine = _token(me, "my script")
    _token(make_user(["instructor"]), "not mine")
    page = client.get("/account").get_data(as_text=True)
    assert "my script" in page and "not mine" not in page and secret not in page
    response = client.post(f"/account/tokens/{mine.id}/revoke")
    assert response.headers["Location"].endswith("/account")
    assert api(token=secret).get("/api/v1/me").status_code == 401
    [event] = _revocations()
    assert event.actor_id == me.id and event.detail["token_id"] == mine.id


def test_someone_elses_token_is_not_found_on_the_own_page(client, login, api):
    login(make_user(["admin"]))  # even an admin revokes others' tokens on the admin pages only
    secret, theirs = _token(make_user(["manager"]))
    assert client.post(f"/account/tokens/{theirs.id}/revoke").status_code == 404
    assert client.post("/account/tokens/999999/revoke").status_code == 404
    assert _fresh(theirs).revoked_at is None
    assert api(token=secret).get("/api/v1/me").status_code == 200


def _age(token: ApiToken, **ago) -> None:
    """As if the token was made (and last used) that long ago."""
    then = utcnow() - timedelta(**ago)
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token.id).values(created_at=then, last_used_at=then)
    )
    db.session.commit()


def _updates(queries) -> list[str]:
    return [q for q in queries if q.lstrip().upper().startswith("UPDATE")]


def test_a_use_after_an_hour_is_recorded_once(api, count_queries):
    secret, token = _token(make_user(["manager"]))
    _age(token, hours=2)
    caller = api(token=secret)
    with count_queries() as queries:
        assert caller.get("/api/v1/me").status_code == 200
    assert len(_updates(queries)) == 1
    stamp = select(ApiToken.last_used_at).where(ApiToken.id == token.id)
    used = _fresh(token).last_used_at
    assert utcnow() - used < timedelta(minutes=1)
    db.session.rollback()  # SQLite: this session's transaction holds the write lock
    with db.engine.connect() as elsewhere:  # committed, not just in this session
        assert elsewhere.scalar(stamp) == used
    with count_queries() as queries:
        assert caller.get("/api/v1/me").status_code == 200
    assert _updates(queries) == []
    assert _fresh(token).last_used_at == used


def test_a_use_within_the_hour_writes_nothing(api, count_queries):
    secret, token = _token(make_user(["manager"]))
    _age(token, minutes=50)
    with count_queries() as queries:
        assert api(token=secret).get("/api/v1/me").status_code == 200
    assert _updates(queries) == []


def test_a_new_tokens_first_use_is_recorded_then_not_again_within_the_hour(api, count_queries):
    fresh, new = _token(make_user(["manager"]))
    assert _fresh(new).last_used_at is None
    db.session.rollback()  # as at a request's start: nothing of the request's own yet
    caller = api(token=fresh)
    with count_queries() as queries:
        assert caller.get("/api/v1/me").status_code == 200
    assert len(_updates(queries)) == 1
    used = _fresh(new).last_used_at
    assert used is not None and utcnow() - used < timedelta(minutes=1)
    with count_queries() as queries:
        assert caller.get("/api/v1/me").status_code == 200
    assert _updates(queries) == [] and _fresh(new).last_used_at == used


def test_a_revoked_or_unknown_token_records_no_use(api):
    secret, token = _token(make_user(["manager"]))
    _age(token, hours=2)
    before = _fresh(token).last_used_at
    _fresh(token).revoked_at = utcnow()
    db.session.commit()
    assert api(token=secret).get("/api/v1/me").status_code == 401
    assert _fresh(token).last_used_at == before
    assert user_for_token("ak_not-a-token") is None


def test_the_lookup_leaves_work_already_under_way_alone(app):
    # Outside a request's start (a script that already changed something) the use waits for
    # another call rather than committing that change early.
    secret, token = _token(make_user(["manager"]))
    _age(token, hours=2)
    before = _fresh(token).last_used_at
    _fresh(token).name = "renamed, not committed"
    db.session.flush()
    assert user_for_token(secret) is not None
    db.session.rollback()
    assert _fresh(token).name == "script" and _fresh(token).last_used_at == before


def test_the_cli_revokes_one_token(app, api):
    holder = make_user(["manager"], email="ops@example.org")
    secret, token = _token(holder, "cron")
    kept, _ = _token(holder, "kept")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["academy", "token", "revoke", str(token.id)])
    assert result.exit_code == 0, result.output
    assert f"Revoked token {token.id} (cron) of <ops@example.org>." in result.output
    assert api(token=secret).get("/api/v1/me").status_code == 401
    assert api(token=kept).get("/api/v1/me").status_code == 200
    [event] = _revocations()
    assert event.actor_id is None and event.detail["token_id"] == token.id
    again = runner.invoke(args=["academy", "token", "revoke", str(token.id)])
    assert again.exit_code != 0 and "already revoked" in again.output
    for unknown in ("999999", "0", "99999999999"):
        missing = runner.invoke(args=["academy", "token", "revoke", unknown])
        assert missing.exit_code != 0 and f"No API token with id {unknown}." in missing.output
    assert len(_revocations()) == 1
