"""Fixtures: one app per run, a clean database per test, clients signed in as any role.

Set TEST_DATABASE_URL=postgresql://... to run the whole suite on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from academy import create_app
from academy.extensions import db
from tests import factories

# Property and API fuzz tests explore at random on a developer's machine (finding new cases)
# and replay a fixed sequence in CI, so a build never fails on a roll of the dice.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "localhost",
            "ACADEMY_OUTBOX": str(tmp_path_factory.mktemp("outbox")),
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _context(app):
    """Each test runs in an app context and leaves an empty database behind."""
    with app.app_context():
        yield
        db.session.rollback()
        _empty_tables()
        db.session.remove()


def _empty_tables() -> None:
    # DELETE, not TRUNCATE: on tables this small it is many times faster on PostgreSQL.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_on(app):
    """Form posts need the page's CSRF token (the shared test app runs without the check)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that user, without the password form."""

    def sign_in(user):
        factories.sign_in(client, user)
        return user

    return sign_in


@pytest.fixture
def login_as(login):
    """login_as("manager") creates a user with that role and signs the client in."""

    def sign_in(role: str, **kwargs):
        return login(factories.make_user(roles=[role], **kwargs))

    return sign_in


@pytest.fixture
def api(client):
    """api(user).get("/api/v1/me") calls the API with a fresh bearer token for that user."""
    return lambda user=None, token=None: factories.ApiCaller(client, user, token)


@contextmanager
def _counting():
    statements: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries():
    """with count_queries() as queries: ...; len(queries) is the SQL statements run."""
    return _counting


@pytest.fixture
def scratch_database(database_url, tmp_path):
    """The URL of an empty database of the same kind as the one under test (for commands
    run in a process of their own: migrations, backups)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"academy_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
