"""Engine settings per backend.

SQLite: WAL so readers never wait for a writer, a busy timeout so writers queue instead of
failing, foreign keys on, and the write lock taken up front (BEGIN IMMEDIATE) by every
transaction that may write, because a read transaction that later tries to write can fail
at once with "database is locked" when another writer got there first.

PostgreSQL: no JIT compilation. The reports' queries are estimated expensive enough to trigger
it, and compiling them costs more than running them (350 of 770 ms for the dashboard's cohort
rows at 25,000 trainees).

PostgreSQL, a request that may only read (GET, HEAD, OPTIONS): each statement runs on its own
(psycopg's autocommit) until one would write. Under READ COMMITTED every statement takes a
fresh snapshot inside a transaction too, so what a read sees is the same; what goes is a
BEGIN and a COMMIT, two of a lesson page's five round trips to the server. Before the first
statement that writes, takes row locks, sets a savepoint or opens a server-side cursor (the
streamed exports), BEGIN is sent, so from there on the request is one transaction, committed
or rolled back as any other.

Both: a pooled connection is checked with a ping ("SELECT 1") before use only when it sat
unused for longer than ACADEMY_DB_PING_AFTER (a quarter of a second), not on every checkout as
SQLAlchemy's pool_pre_ping does. A busy worker takes its connection back every few
milliseconds, and there the ping was a third of a lesson page's round trips to PostgreSQL;
a quiet worker pings as before. A database restart takes longer than the threshold, so every
connection that outlived one is pinged, found dead and replaced (with every older one) before
a request uses it. What the threshold lets through is a single connection killed while the
server stays up (pg_terminate_backend) and reused within it: that request fails and
SQLAlchemy then replaces the pool's connections, as without a ping.

PostgreSQL, a report being computed (``planned_for_each_run``, around every report-cache fill):
its statements are sent unprepared, so the server plans each for the values it is given.
psycopg prepares a statement on the server once it has run five times on a connection, and
the server then settles on one generic plan for all values: for the forecast's history of
two years of cohorts that plan probes an index 90,000 times, 300 ms where the plan for the
day's dates takes 60. A report runs rarely and long, so planning it each time costs nothing
that shows; the busy pages' short statements stay prepared.

Both: a request's transaction ends as SQLAlchemy ends it: committed by the code that wrote,
otherwise rolled back when the session closes. A GET that only read has nothing to undo; on
PostgreSQL it never left autocommit, so psycopg sends no ROLLBACK and keeps its prepared
statements (it forgets them at each ROLLBACK, and then planned the sign-in lookup and each
page's queries afresh on every request: 0.5 of the lesson page's 4 ms).
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, wraps
from time import monotonic
from typing import TypeVar

from flask import Flask, g, has_request_context, request
from psycopg import ServerCursor
from psycopg.pq import TransactionStatus
from sqlalchemy import event, exc

from academy.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READING = "academy.reading"  # in the pooled connection's info: autocommit on for reads
RETURNED = "academy.returned"  # ... and: when it was last given back to the pool
LOCKS_ROWS = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)

T = TypeVar("T")


def prepared(build: Callable[[], T]) -> Callable[[], T]:
    """A statement built once per process, on first use, then run with bound parameters.

    For the queries every busy page runs: building a select and working out its cache key
    cost SQLAlchemy more than running an indexed lookup (about 0.3 ms against 0.15 ms). First
    use rather than import, because loader options need every mapper configured.
    """
    return cache(build)


def _may_write() -> bool:
    return not has_request_context() or request.method not in SAFE_METHODS


def _on_connect(dbapi_connection, _record) -> None:
    # Hand transaction control to the "begin" hook below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_begin(connection) -> None:
    # Straight to the driver: through SQLAlchemy's execute this cost 30 µs, a sixtieth of a page.
    connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


def _is_select(statement: str) -> bool:
    return statement.lstrip()[:6].upper() == "SELECT"


def _on_connect_postgresql(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()  # a SET inside a transaction that rolls back would be undone


def _autocommit_while_reading(connection) -> None:
    if "isolation_level" in connection.get_execution_options():
        # Set on purpose (AUTOCOMMIT for VACUUM or a DDL statement, say): SQLAlchemy keeps it,
        # and no BEGIN may be slipped in before its statements either.
        connection.info[READING] = False
        return
    driver = connection.connection.driver_connection
    reading = not _may_write()
    connection.info[READING] = reading
    if driver.autocommit != reading:
        driver.autocommit = reading


def needs_transaction(statement: str) -> bool:
    """Anything but a plain SELECT: a write, a savepoint, a SELECT that locks rows."""
    return not _is_select(statement) or LOCKS_ROWS.search(statement) is not None


def _begin_before_writing(connection, cursor, statement: str, *_args) -> None:
    if not connection.info.get(READING):
        return
    driver = connection.connection.driver_connection
    if (
        driver.info.transaction_status == TransactionStatus.IDLE
        # A server-side cursor (a streamed export) lives only inside a transaction.
        and (isinstance(cursor, ServerCursor) or needs_transaction(statement))
    ):
        driver.execute("BEGIN")


def reads_replica(view: Callable[..., T]) -> Callable[..., T]:
    """The view's SELECTs go to ACADEMY_REPLICA_URL's replica, when there is one.

    For the report pages: aggregates over the whole academy that may be a moment behind the
    primary (replication lag), never a record someone just changed and expects to see. The
    signed-in user is looked up before the view, on the primary; the view's writes go there
    too. The report cache reads its version tokens from the replica as well, so a cached
    figure is always filed under the data it was computed from.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.reads_replica = True
        return view(*args, **kwargs)

    return wrapper


def _note_return(_dbapi_connection, record) -> None:
    record.info[RETURNED] = monotonic()


def _ping_when_idle(dialect, idle_seconds: float):
    """A pool checkout hook: ping a connection unused for longer than idle_seconds."""

    def checkout(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get(RETURNED)
        # No stamp: connected just now, for this checkout.
        if returned is None or monotonic() - returned < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            # As pool_pre_ping: reconnect, and replace every connection older than this one.
            raise exc.InvalidatePoolError() from error

    return checkout


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        event.listen(engine.pool, "checkin", _note_return)
        ping = _ping_when_idle(engine.dialect, app.config["ACADEMY_DB_PING_AFTER"])
        event.listen(engine.pool, "checkout", ping)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _on_connect)
            event.listen(engine, "begin", _on_begin)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _on_connect_postgresql)
            event.listen(engine, "begin", _autocommit_while_reading)
            event.listen(engine, "before_cursor_execute", _begin_before_writing)
            event.listen(engine, "do_execute", _execute_unprepared_when_planning_each_run)


_PLAN_EACH_RUN = ContextVar("academy_plan_each_run", default=False)


@contextmanager
def planned_for_each_run() -> Iterator[None]:
    """PostgreSQL plans the statements run inside for their own parameters, every time."""
    token = _PLAN_EACH_RUN.set(True)
    try:
        yield
    finally:
        _PLAN_EACH_RUN.reset(token)


def _execute_unprepared_when_planning_each_run(cursor, statement, parameters, _context):
    if not _PLAN_EACH_RUN.get() or isinstance(cursor, ServerCursor):
        return False  # SQLAlchemy runs it as usual
    cursor.execute(statement, parameters, prepare=False)
    return True
