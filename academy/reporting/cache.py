"""Cached reports, invalidated by a data version the writing transaction itself changes.

Why: the headcount dashboard, GET /api/v1/headcount and the partners' talent-supply report
aggregate every completion of a year (tens of thousands of rows, a dozen grouped queries,
about a second on SQLite at 25,000 trainees). Their inputs change rarely compared with how
often they are read, so each whole answer is cached.

Design:

- ``data_versions`` holds one row per *scope* with a random token. Three scopes:
  ``records`` (completions, cohorts, profiles, courses, lessons, tracks, partners, programme
  years, people's names), ``enrolments`` (enrolments and cohorts' seat counts) and
  ``activity`` (lesson progress). Lesson progress is written all day long and only the
  dashboard's funnel and cohort progress read it; enrolments change with every join, move and
  withdrawal and only the forecast, the funnel and the cohort rows read them. So the year's
  completion figures, the costly part, and the partner report stay cached while trainees
  join and study.
- Session hooks notice every write to a watched table, whether through the ORM unit of work
  (``after_flush``) or a bulk/Core statement run through the session (``do_orm_execute``:
  bulk imports, the synthetic academy, the test clean-up). Just before the transaction
  commits (``before_commit``, but not when a savepoint is released) the scope's token is
  replaced, in that same transaction. Taking that row lock last, right before COMMIT, means it
  can never be part of a lock-order cycle.
  A rolled-back write leaves the token as it was.
- A reader reads the tokens *first* (one small query, once a request: a page that consults
  several cached answers reuses them, and a write of the request's own drops them), then looks up
  ``(what, its arguments, the tokens, locale, settings, database)``; on a miss it computes and
  stores. Any process sees a new token as soon as the write commits, so invalidation works
  across gunicorn workers and servers with no messages. Storing an answer computed from data
  newer than the tokens read is harmless: the next reader sees the newer tokens and misses.
- Values are pickled and kept per worker in a small LRU (default), or in Redis with
  ``ACADEMY_CACHE_URL=redis://...`` so that several servers share them;
  ``ACADEMY_CACHE_URL=none`` turns caching off. No token row yet means no caching.
- A write made outside the session (raw DBAPI, another program) is not seen: such a change
  must call ``bump(scope)`` itself before committing.
- A report may let a scope *lag* (``lagging=``): when only that scope's token changed, the
  last answer computed under the same tokens of the other scopes is served while it is
  younger than ``LAG_SECONDS``. The dashboard page lets lesson progress lag a minute, and
  says so; nothing lets records lag.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from academy.database import planned_for_each_run, prepared
from academy.extensions import db
from academy.reporting.models import DataVersion

T = TypeVar("T")
log = logging.getLogger(__name__)

RECORDS, ENROLMENTS, ACTIVITY = "records", "enrolments", "activity"
SCOPES = (RECORDS, ENROLMENTS, ACTIVITY)
# Until first written, a scope split off another one shares its token: every change made
# before the split changed that one's.
SPLIT_FROM = {ENROLMENTS: RECORDS}
ANY = None  # in WATCHED: any column not named
# table -> {column: the scope its change touches}; columns not named (and no ANY) don't matter
WATCHED: dict[str, dict[str | None, str]] = {
    "completion_records": {ANY: RECORDS},
    "enrolments": {ANY: ENROLMENTS},
    "cohorts": {"seats_taken": ENROLMENTS, ANY: RECORDS},
    "trainee_profiles": {ANY: RECORDS},
    "courses": {ANY: RECORDS},
    "lessons": {ANY: RECORDS},
    "tracks": {ANY: RECORDS},
    "partners": {ANY: RECORDS},
    "programme_years": {ANY: RECORDS},
    "users": {"name": RECORDS},  # graduates lists show names
    "lesson_progress": {ANY: ACTIVITY},
}
_PENDING = "academy_changed_scopes"
_READ = "academy_report_tokens"  # on flask.g: {reads the replica: {scope: token}}
# How far behind lesson progress a report that allows it may be (see remember's `lagging`).
LAG_SECONDS = 60
LOCAL_ENTRIES = 512
REDIS_SECONDS = 6 * 3600


# --- noticing writes -------------------------------------------------------------------------


def _mark(session: Session, scopes: Iterable[str]) -> None:
    session.info.setdefault(_PENDING, set()).update(scopes)


def _scopes_of(table: str, columns: Iterable[str] | None) -> set[str]:
    """The scopes a change to these columns of `table` touches (None: a whole row)."""
    rules = WATCHED[table]
    if columns is None:
        return set(rules.values())
    return {scope for c in columns if (scope := rules.get(c, rules.get(ANY))) is not None}


def _changed(obj: Any, whole: bool) -> set[str]:
    table = getattr(obj, "__tablename__", None)
    if table not in WATCHED:
        return set()
    if whole:  # added or deleted
        return _scopes_of(table, None)
    state = inspect(obj)
    return _scopes_of(table, [a.key for a in state.attrs if a.history.has_changes()])


# A new person holds no completion yet: their account and profile change no report until a
# completion of theirs does, and that changes the records scope itself. Sign-ups, thousands a
# year, would otherwise throw away every cached report.
NEW_PERSON = frozenset({"users", "trainee_profiles"})


def _new_people(session: Session) -> set[int]:
    return {obj.id for obj in session.new if getattr(obj, "__tablename__", None) == "users"}


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    scopes: set[str] = set()
    newcomers = _new_people(session)
    for obj in session.new:
        table = getattr(obj, "__tablename__", None)
        person = obj.id if table == "users" else getattr(obj, "user_id", None)
        if table in NEW_PERSON and person in newcomers:
            continue
        scopes |= _changed(obj, whole=True)
    for obj in session.deleted:
        scopes |= _changed(obj, whole=True)
    for obj in session.dirty:
        scopes |= _changed(obj, whole=False)
    if scopes:
        _mark(session, scopes)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    statement = state.statement
    if isinstance(statement, TextClause):
        if statement.text.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            _mark(state.session, SCOPES)
        return
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    name = getattr(getattr(statement, "table", None), "name", None)
    if name in WATCHED:
        # An UPDATE's SET columns decide (taking a seat changes only the seat count); any
        # other bulk statement on a watched table counts as a change of whole rows.
        values = getattr(statement, "_values", None) if state.is_update else None
        columns = [getattr(c, "key", c) for c in values] if values else None
        _mark(state.session, _scopes_of(name, columns))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # SQLAlchemy calls this for a savepoint's release too; writing the token there would take
    # the row lock in the middle of the transaction, where it can close a deadlock cycle.
    if session.in_nested_transaction():
        return
    session.flush()  # what commit would flush next may itself be a watched change
    for scope in sorted(session.info.pop(_PENDING, ())):
        _write_token(session, scope)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _write_token(session: Session, scope: str) -> None:
    table = DataVersion.__table__
    token = secrets.token_hex(8)
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(scope=scope, token=token)
    # Core on the connection, so do_orm_execute does not see (and re-mark) this write.
    connection.execute(
        statement.on_conflict_do_update(index_elements=["scope"], set_={"token": token})
    )
    forget_tokens()


def forget_tokens() -> None:
    """Read the tokens afresh next time: at each request's start, and after writing one."""
    if has_request_context():
        g.pop(_READ, None)


def bump(scope: str = RECORDS) -> None:
    """Mark a scope changed by the current transaction (for writes the hooks cannot see)."""
    _mark(db.session, {scope})


# --- storing answers -------------------------------------------------------------------------


class LocalStore:
    """Per-process LRU of pickled values; each gunicorn worker has its own."""

    def __init__(self, size: int = LOCAL_ENTRIES):
        self.size = size
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class RedisStore:
    """Shared by every worker and server; entries expire, being never invalid but unused.

    Redis out of reach is a miss, not an error: the reports are computed as without a cache.
    """

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.errors = redis.RedisError

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get("academy:report:" + key)
        except self.errors as error:
            log.warning("report cache unavailable: %s", error)
            return None

    def set(self, key: str, value: bytes) -> None:
        try:
            self.client.set("academy:report:" + key, value, ex=REDIS_SECONDS)
        except self.errors as error:
            log.warning("report cache unavailable: %s", error)


_stores: dict[str, LocalStore | RedisStore | None] = {}
_stores_lock = threading.Lock()


def store() -> LocalStore | RedisStore | None:
    url = current_app.config.get("ACADEMY_CACHE_URL", "") or "local"
    if url not in _stores:
        with _stores_lock:
            if url == "none":
                _stores[url] = None
            elif url == "local":
                _stores[url] = LocalStore()
            else:
                _stores[url] = RedisStore(url)
    return _stores[url]


def versions(scopes: Iterable[str]) -> tuple[str, ...] | None:
    """The scopes' current tokens; None if any was never written.

    In a request, every scope's token is read by the first call and reused by the others: what
    another process commits meanwhile is as if it had committed after this request.
    """
    wanted = tuple(scopes)
    if has_request_context():
        read = g.setdefault(_READ, {})
        # The replica's tokens file the replica's answers (academy.database.reads_replica).
        where = g.get("reads_replica", False)
        if where not in read:
            read[where] = _read_tokens(SCOPES)
        tokens = read[where]
    else:
        tokens = _read_tokens({*wanted, *(SPLIT_FROM.get(scope, scope) for scope in wanted)})
    found = [tokens.get(scope) or tokens.get(SPLIT_FROM.get(scope, scope)) for scope in wanted]
    if None in found:
        return None
    return tuple(found)


def _read_tokens(scopes: Iterable[str]) -> dict[str, str]:
    return dict(db.session.execute(_tokens_of(), {"scopes": tuple(scopes)}).all())


@prepared
def _tokens_of():
    return select(DataVersion.scope, DataVersion.token).where(
        DataVersion.scope.in_(bindparam("scopes", expanding=True))
    )


def _locale() -> str:
    if not has_request_context():
        return "-"
    from flask_babel import get_locale

    return str(get_locale() or "-")


def remember(
    what: str,
    parts: tuple,
    compute: Callable[[], T],
    scopes=(RECORDS,),
    lagging: tuple[str, ...] = (),
) -> T:
    """compute(), or its answer stored under what × parts × the scopes' current tokens.

    `lagging` scopes may be behind by up to LAG_SECONDS: when only their tokens changed, the
    last answer computed under the same `scopes` tokens is reused while it is that young.
    """
    target = store()
    tokens = versions((*scopes, *lagging)) if target is not None else None
    if tokens is None:
        with planned_for_each_run():
            return compute()
    exact = _key(what, parts, tokens)
    found = target.get(exact)
    if found is not None:
        return pickle.loads(found)
    latest = _key(what, parts, (*tokens[: len(scopes)], "latest")) if lagging else None
    if latest is not None and (found := target.get(latest)) is not None:
        computed_at, value = pickle.loads(found)
        if 0 <= _now() - computed_at < LAG_SECONDS:
            return value
    started = _now()  # what compute() reads is at least as new as this
    with planned_for_each_run():
        value = compute()
    target.set(exact, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    if latest is not None:
        target.set(latest, pickle.dumps((started, value), protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _now() -> float:
    return time.time()


def _key(what: str, parts: tuple, tokens: tuple) -> str:
    config = current_app.config
    raw = repr(
        (
            what,
            parts,
            tokens,
            _locale(),
            config["ACADEMY_DEFAULT_TARGET"],
            config["ACADEMY_SUPPRESSION_THRESHOLD"],
            str(db.engine.url),
        )
    )
    return hashlib.sha256(raw.encode()).hexdigest()
