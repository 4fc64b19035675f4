"""ACADEMY_REPLICA_URL: the report pages read from the replica, everything else stays on the
primary. The "replica" here is a second engine on the suite's own database, which is enough
to see which engine each statement went to."""

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select

from academy import create_app
from academy.audit.models import AuditEvent
from academy.auth.service import create_token
from academy.extensions import REPLICA, db
from tests import factories

YEAR = 2025


@pytest.fixture
def replica_app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ACADEMY_REPLICA_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "localhost",
            "ACADEMY_OUTBOX": str(tmp_path),
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@contextmanager
def _statements():
    """{"primary": [...], "replica": [...]}: the SQL each engine ran while the block ran."""
    seen: dict[str, list[str]] = {"primary": [], "replica": []}
    listeners = []
    for name, engine in (("primary", db.engines[None]), ("replica", db.engines[REPLICA])):

        def note(_conn, _cursor, statement, *_args, name=name):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
                seen[name].append(statement)

        event.listen(engine, "before_cursor_execute", note)
        listeners.append((engine, note))
    try:
        yield seen
    finally:
        for engine, note in listeners:
            event.remove(engine, "before_cursor_execute", note)


def _academy_with_a_completion():
    course = factories.make_course()
    factories.complete(factories.make_user(), course, date(YEAR, 3, 4))


def test_the_dashboard_reads_the_replica_and_signs_in_on_the_primary(replica_app):
    _academy_with_a_completion()
    client = replica_app.test_client()
    factories.sign_in(client, factories.make_user(roles=["manager"]))
    with _statements() as seen:
        assert client.get(f"/dashboard?year={YEAR}").status_code == 200
    assert seen["replica"], "the report's reads went to the primary"
    assert all(s.lstrip().upper().startswith("SELECT") for s in seen["replica"])
    assert any("login_sessions" in s for s in seen["primary"])
    assert not any("login_sessions" in s for s in seen["replica"])
    assert not any("completion_records" in s for s in seen["primary"])


def test_the_headcount_api_reads_the_replica(replica_app):
    _academy_with_a_completion()
    manager = factories.make_user(roles=["manager"])
    token = create_token(None, manager, "test")
    db.session.commit()
    client = replica_app.test_client()
    with _statements() as seen:
        response = client.get(
            f"/api/v1/headcount?year={YEAR}", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200 and response.get_json()["trained"] == 1
    assert any("completion_records" in s for s in seen["replica"])
    assert not any("completion_records" in s for s in seen["primary"])
    assert not any("api_tokens" in s for s in seen["replica"])


def test_an_export_reads_the_replica_and_writes_its_audit_row_to_the_primary(replica_app):
    _academy_with_a_completion()
    client = replica_app.test_client()
    manager = factories.make_user(roles=["manager"])
    factories.sign_in(client, manager)
    with _statements() as seen:
        response = client.get(f"/dashboard/completions-{YEAR}.csv")
        assert len(response.get_data(as_text=True).splitlines()) == 2  # header and one row
    assert any("completion_records" in s for s in seen["replica"])
    assert all(s.lstrip().upper().startswith("SELECT") for s in seen["replica"])
    assert any(s.lstrip().upper().startswith("INSERT") for s in seen["primary"])
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "completions.export"))
    assert event_.actor_id == manager.id


def test_other_pages_never_touch_the_replica(replica_app):
    client = replica_app.test_client()
    trainee = factories.make_user()
    factories.sign_in(client, trainee)
    with _statements() as seen:
        assert client.get("/learning").status_code == 200
    assert seen["primary"] and seen["replica"] == []
