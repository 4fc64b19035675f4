"""Engine settings per backend (academy/database.py)."""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text, update

from academy.auth.models import User
from academy.database import (
    _autocommit_while_reading,
    _begin_before_writing,
    _on_begin,
    needs_transaction,
    planned_for_each_run,
)
from academy.extensions import db
from tests import factories


def test_each_connection_gets_its_backends_settings(app):
    db.session.rollback()  # the settings must outlive a rolled-back transaction
    if db.engine.dialect.name == "postgresql":
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
    else:
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        # WAL needs a file; the suite's database is one.
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@contextmanager
def _endings():
    """The ways transactions end while the block runs: "commit" or "rollback", in order."""
    seen: list[str] = []

    def on_commit(_connection):
        seen.append("commit")

    def on_rollback(_connection):
        seen.append("rollback")

    event.listen(db.engine, "commit", on_commit)
    event.listen(db.engine, "rollback", on_rollback)
    try:
        yield seen
    finally:
        event.remove(db.engine, "commit", on_commit)
        event.remove(db.engine, "rollback", on_rollback)


def _name_of(user_id: int) -> str:
    return db.session.execute(select(User.name).where(User.id == user_id)).scalar_one()


def _end_request(app) -> None:
    # As a served request ends: its teardown, then its app context's (the session closes).
    # The tests' own app context outlives the request, so both are run here.
    app.do_teardown_request()
    app.do_teardown_appcontext()


def test_on_postgresql_requests_that_only_read_keep_the_prepared_statements(app):
    # psycopg prepares a statement on its fifth run and forgets them all at each ROLLBACK: a
    # GET that only read must end without one, or every request plans its queries afresh.
    if db.engine.dialect.name != "postgresql":
        return
    db.session.remove()
    db.engine.dispose()  # one connection, so each request gets the same one back
    for _ in range(6):
        with app.test_request_context("/", method="GET"):
            db.session.execute(select(User.id).where(User.name == "nobody")).all()
            _end_request(app)
    query = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%users.name = $1%'"
    assert db.session.execute(text(query)).scalar() == 1


def test_on_postgresql_a_report_being_computed_is_planned_for_its_values_each_run(app):
    # A prepared statement gets one generic plan for all values after a few runs: for a
    # report over a range of dates it can be several times slower than the plan for them.
    if db.engine.dialect.name != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")
    db.session.remove()
    db.engine.dispose()
    statement = select(User.id).where(User.email == "r@example.org", User.name == "Report")
    query = (
        "SELECT count(*) FROM pg_prepared_statements"
        " WHERE statement LIKE '%users.email = $1%users.name = $2%'"
    )
    with planned_for_each_run():
        for _ in range(8):
            db.session.execute(statement).all()
    assert db.session.execute(text(query)).scalar() == 0
    for _ in range(8):  # elsewhere, as before: prepared on its fifth run
        db.session.execute(statement).all()
    assert db.session.execute(text(query)).scalar() == 1


def test_a_post_is_never_committed_for_it(client, login_as):
    login_as("trainee")
    with _endings() as seen:
        # Refused after reading only (the sign-in lookup, then no such enrolment).
        assert client.post("/learning/999999/no-such-lesson").status_code == 404
    assert "commit" not in seen


def test_a_get_that_wrote_without_committing_is_not_saved(app):
    user = factories.make_user(name="Before")
    db.session.commit()
    user_id = user.id
    with app.test_request_context("/", method="GET"):
        db.session.execute(update(User).where(User.id == user_id).values(name="Written"))
        _end_request(app)
    assert _name_of(user_id) == "Before"


def test_unsaved_changes_in_a_get_are_not_saved(app):
    user = factories.make_user(name="Before")
    db.session.commit()
    user_id = user.id
    with app.test_request_context("/", method="GET"):
        db.session.execute(select(User.id)).all()
        user.name = "Changed in memory"
        _end_request(app)
    assert _name_of(user_id) == "Before"


def test_a_get_that_only_read_commits_nothing(client, login_as):
    login_as("trainee")
    db.session.commit()
    with _endings() as seen:
        assert client.get("/learning").status_code == 200
    assert "commit" not in seen


def _write_lock_is_free(database_url: str) -> bool:
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    else:
        other.rollback()
        return True
    finally:
        other.close()


def test_on_sqlite_a_request_that_may_write_takes_the_write_lock_first(app, database_url):
    if db.engine.dialect.name != "sqlite":
        assert not event.contains(db.engine, "begin", _on_begin)
        return
    db.session.commit()
    for method, locks in (("GET", False), ("POST", True)):
        with app.test_request_context("/", method=method):
            db.session.execute(select(1)).all()
            assert _write_lock_is_free(database_url) is not locks, method
            db.session.rollback()
    assert _write_lock_is_free(database_url)


def _in_transaction_block() -> bool:
    """Whether the server holds a transaction open for the session's connection."""
    from psycopg.pq import TransactionStatus

    driver = db.session.connection().connection.driver_connection
    return driver.info.transaction_status != TransactionStatus.IDLE


def test_on_postgresql_a_get_reads_without_begin_and_writes_in_one_transaction(app):
    if db.engine.dialect.name != "postgresql":
        assert not event.contains(db.engine, "begin", _autocommit_while_reading)
        assert not event.contains(db.engine, "before_cursor_execute", _begin_before_writing)
        return
    user = factories.make_user(name="Before")
    db.session.commit()
    with app.test_request_context("/", method="POST"):
        db.session.execute(select(User.id)).all()
        assert _in_transaction_block()  # a request that may write is one transaction
        db.session.rollback()
    with app.test_request_context("/", method="GET"):
        db.session.execute(select(User.id)).all()
        assert not _in_transaction_block()  # no BEGIN, so no COMMIT to send either
        # A write opens the transaction first: two statements, undone together.
        db.session.execute(update(User).where(User.id == user.id).values(name="First"))
        assert _in_transaction_block()
        db.session.execute(update(User).where(User.id == user.id).values(name="Second"))
        db.session.rollback()
    assert _name_of(user.id) == "Before"
    with app.test_request_context("/", method="GET"):
        # A row lock must last to the end of the request, not of its statement.
        db.session.execute(select(User.id).where(User.id == user.id).with_for_update()).all()
        assert _in_transaction_block()
        db.session.rollback()
    with app.test_request_context("/", method="GET"):
        # A streamed read (a server-side cursor, as the exports use) needs a transaction.
        streamed = db.session.execute(select(User.id), execution_options={"yield_per": 10})
        assert _in_transaction_block()
        streamed.close()
        db.session.rollback()
    # Outside a request (commands, this test) every transaction is one, as before.
    db.session.execute(select(User.id)).all()
    assert _in_transaction_block()
    # An isolation level asked for explicitly is left as asked, in a POST too.
    chosen = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    with app.test_request_context("/", method="POST"), chosen as connection:
        connection.execute(select(User.id)).all()
        assert connection.connection.driver_connection.autocommit
        # and nothing is wrapped in a transaction, which VACUUM would refuse
        connection.execute(text("VACUUM user_roles"))
    with (
        app.test_request_context("/", method="GET"),
        db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
    ):
        connection.execute(text("VACUUM user_roles"))


def test_statements_that_need_a_transaction():
    assert not needs_transaction("SELECT users.id FROM users WHERE users.id = %(id)s")
    assert not needs_transaction("  select 1")
    for statement in (
        "UPDATE users SET name = %(name)s",
        "INSERT INTO audit_events (action) VALUES (%(action)s)",
        "SAVEPOINT sa_savepoint_1",
        "WITH moved AS (DELETE FROM pending RETURNING id) SELECT id FROM moved",
        "SELECT enrolments.id FROM enrolments FOR UPDATE OF enrolments",
        "SELECT id FROM cohorts WHERE id = 1 FOR NO KEY UPDATE",
        "SELECT id FROM cohorts FOR SHARE",
    ):
        assert needs_transaction(statement), statement
