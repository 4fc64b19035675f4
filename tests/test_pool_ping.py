"""Pooled connections are pinged only after sitting unused (academy/database.py)."""

import pytest
from sqlalchemy import create_engine, text

import academy.database
from academy.extensions import db

PING_AFTER = 0.25


@pytest.fixture
def clock(monkeypatch):
    """The pool's idea of now, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(academy.database, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def pings(monkeypatch):
    """The pings sent, one entry each."""
    sent = []
    dialect = db.engine.dialect
    ping = dialect.do_ping

    def counted(dbapi_connection):
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


def _one_pooled_connection():
    """Empty the pool, open one connection, give it back; its DBAPI connection."""
    db.session.remove()
    db.engine.dispose()
    raw = db.session.connection().connection.driver_connection
    db.session.remove()
    return raw


def test_the_threshold_is_a_setting(app):
    assert app.config["ACADEMY_DB_PING_AFTER"] == PING_AFTER


def test_a_connection_back_in_the_pool_moments_ago_is_used_without_a_ping(clock, pings):
    raw = _one_pooled_connection()
    clock[0] += PING_AFTER / 2
    assert db.session.execute(text("SELECT 1")).scalar() == 1
    assert db.session.connection().connection.driver_connection is raw
    assert pings == []


def test_a_connection_idle_past_the_threshold_is_pinged_once(clock, pings):
    raw = _one_pooled_connection()
    clock[0] += PING_AFTER + 0.01
    assert db.session.execute(text("SELECT 1")).scalar() == 1
    db.session.execute(text("SELECT 2"))  # the same checkout: no second ping
    assert pings == [raw]


def test_a_freshly_opened_connection_is_not_pinged(pings):
    db.session.remove()
    db.engine.dispose()
    assert db.session.execute(text("SELECT 1")).scalar() == 1
    assert pings == []


def test_a_dead_connection_idle_past_the_threshold_is_replaced_before_a_page_uses_it(
    client, login_as, clock, pings
):
    login_as("trainee")
    dead = _one_pooled_connection()
    dead.close()  # as a database restart leaves it
    clock[0] += PING_AFTER + 0.01
    assert client.get("/learning").status_code == 200
    assert pings == [dead]
    assert db.session.connection().connection.driver_connection is not dead


def test_a_connection_the_server_ended_is_replaced(client, login_as, clock, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a server process to end: PostgreSQL")
    login_as("trainee")
    raw = _one_pooled_connection()
    admin = create_engine(database_url, poolclass=None)
    try:
        with admin.connect() as other:
            ended = other.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": raw.info.backend_pid}
            )
            assert ended.scalar() is True
            other.commit()
    finally:
        admin.dispose()
    clock[0] += PING_AFTER + 0.01
    assert client.get("/learning").status_code == 200
    assert db.session.connection().connection.driver_connection.info.backend_pid != (
        raw.info.backend_pid
    )
