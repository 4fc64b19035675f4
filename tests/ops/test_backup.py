"""Backups round-trip the academy on the database under test."""

import io
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from academy.auth.models import User
from academy.extensions import db
from academy.ops import backup as ops_backup
from academy.progress.models import CompletionRecord
from tests.factories import complete, make_cohort, make_course, make_user
from tests.ops.commands import flask


@pytest.mark.slow
def test_backup_then_restore_brings_back_what_was_lost(app, tmp_path, migrated):
    if db.engine.dialect.name == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    course = make_course()
    cohort = make_cohort(course)
    people = [make_user() for _ in range(3)]
    from datetime import date

    for person in people:
        complete(person, course, date(2026, 3, 1), cohort=cohort)
    codes = set(db.session.scalars(select(CompletionRecord.certificate_code)))

    runner = app.test_cli_runner()
    target = tmp_path / "academy.backup"
    made = runner.invoke(args=["academy", "backup", str(target)])
    assert made.exit_code == 0, made.output
    assert target.stat().st_size > 0

    # Lose data after the backup.
    db.session.execute(CompletionRecord.__table__.delete())
    make_user(email="after-backup@example.org")
    db.session.commit()

    restored = runner.invoke(args=["academy", "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert set(db.session.scalars(select(CompletionRecord.certificate_code))) == codes
    assert db.session.scalar(select(func.count(User.id))) == 3
    assert (
        db.session.scalar(select(User.id).where(User.email == "after-backup@example.org")) is None
    )


def test_restore_refuses_a_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["academy", "restore", str(tmp_path / "nope.backup"), "--yes"]
    )
    assert result.exit_code != 0
    assert "does not exist" in result.output


@pytest.fixture
def migrated():
    """The test database is built by create_all; `db upgrade` also leaves alembic_version."""
    db.session.execute(
        text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    )
    db.session.execute(text("INSERT INTO alembic_version VALUES ('test')"))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


def _needs_postgresql_tools():
    if db.engine.dialect.name == "postgresql" and not shutil.which("pg_restore"):
        pytest.skip("pg_restore is not installed")


def _emails() -> list[str]:
    return sorted(db.session.scalars(select(User.email)))


def test_restore_refuses_what_is_not_a_backup_of_academy(app, tmp_path):
    _needs_postgresql_tools()
    make_user(email="kept@example.org")
    empty = tmp_path / "empty.backup"
    empty.write_bytes(b"")
    spreadsheet = tmp_path / "people.csv"
    spreadsheet.write_text("email,name\na@example.org,A\n", encoding="utf-8")
    foreign = tmp_path / "other.db"
    with closing(sqlite3.connect(foreign)) as other:
        other.execute("CREATE TABLE foo (x)")
    not_migrated = tmp_path / "not-migrated.backup"
    made = app.test_cli_runner().invoke(args=["academy", "backup", str(not_migrated)])
    assert made.exit_code == 0, made.output  # the test database has no alembic_version

    for path in (empty, spreadsheet, foreign, not_migrated):
        result = app.test_cli_runner().invoke(args=["academy", "restore", str(path), "--yes"])
        assert result.exit_code == 1, (path, result.output)
        assert isinstance(result.exception, SystemExit), result.exception  # a message
        assert f"{path} is not " in result.output and "nothing was restored" in result.output
        assert _emails() == ["kept@example.org"], path


def test_restore_names_what_an_academy_backup_lacks(app, tmp_path):
    _needs_postgresql_tools()
    target = tmp_path / "not-migrated.backup"
    assert app.test_cli_runner().invoke(args=["academy", "backup", str(target)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["academy", "restore", str(target), "--yes"])
    assert "is not a backup of Academy (it has no alembic_version table)" in result.output


def test_backup_to_a_bad_path_says_why_and_leaves_files_alone(app, tmp_path, migrated):
    _needs_postgresql_tools()
    runner = app.test_cli_runner()
    spreadsheet = tmp_path / "people.csv"
    spreadsheet.write_text("email,name\n", encoding="utf-8")

    under_a_file = runner.invoke(args=["academy", "backup", str(spreadsheet / "x.backup")])
    assert under_a_file.exit_code == 1
    assert f"{spreadsheet} is a file, not a folder" in under_a_file.output

    empty = runner.invoke(args=["academy", "backup", ""])
    assert empty.exit_code == 2 and "give a file name" in empty.output

    over_a_file = runner.invoke(args=["academy", "backup", str(spreadsheet)])
    assert over_a_file.exit_code == 1
    assert f"{spreadsheet} already exists and is not a" in over_a_file.output
    assert spreadsheet.read_text(encoding="utf-8") == "email,name\n"

    target = tmp_path / "nightly.backup"
    for _ in range(2):  # an earlier backup is replaced
        again = runner.invoke(args=["academy", "backup", str(target)])
        assert again.exit_code == 0, again.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["nightly.backup", "people.csv"]


def test_backup_of_a_sqlite_database_that_is_not_there_fails(app, tmp_path, monkeypatch):
    missing = tmp_path / "typo.db"
    monkeypatch.setattr(ops_backup, "_database_url", lambda: make_url(f"sqlite:///{missing}"))
    target = tmp_path / "academy.backup"
    result = app.test_cli_runner().invoke(args=["academy", "backup", str(target)])
    assert result.exit_code == 1
    assert f"The database {missing} does not exist." in result.output
    assert list(tmp_path.iterdir()) == []


SECRET = "s3cr@t pass"
WITH_PASSWORD = (
    "postgresql+psycopg://academy:s3cr%40t%20pass@db.internal:5433/academy?sslmode=require"
)
LIBPQ_URL = "postgresql://academy@db.internal:5433/academy?sslmode=require"
LISTING = (
    "215; 1259 16390 TABLE public alembic_version academy\n"
    "216; 1259 16391 TABLE public users academy\n"
)


class FakeTools:
    """Stands in for pg_dump, pg_restore and psql, and keeps what each was given."""

    def __init__(self, dump_fails: bool = False):
        self.dump_fails = dump_fails
        self.calls: list[tuple[list[str], dict | None]] = []
        self.psql_input = b""

    def run(self, args, *, env=None, **_options):
        self.calls.append((args, env))
        if "--list" in args:
            return subprocess.CompletedProcess(args, 0, LISTING, "")
        output = Path(next(arg for arg in args if arg.startswith("--file=")).split("=", 1)[1])
        output.write_bytes(b"PGDMP partial")
        if self.dump_fails:
            return subprocess.CompletedProcess(args, 1, "", "pg_dump: error: connection lost")
        return subprocess.CompletedProcess(args, 0, "", "")

    def popen(self, args, *, stdin=None, stdout=None, env=None, **_options):
        self.calls.append((args, env))
        tools = self

        class Process:
            returncode = 0

            def wait(self):
                return 0

        process = Process()
        if stdout == subprocess.PIPE:  # pg_restore writing the dump as SQL
            process.stdout = io.BytesIO(b"CREATE TABLE public.users ();\n")
        if stdin == subprocess.PIPE:  # psql reading it

            class Input(io.BytesIO):
                def close(self):
                    tools.psql_input = self.getvalue()
                    super().close()

            process.stdin = Input()
        return process

    def call(self, tool: str) -> tuple[list[str], dict]:
        return next((args, env) for args, env in self.calls if args[0] == tool)


@pytest.fixture
def fake_postgresql(monkeypatch):
    monkeypatch.setattr(ops_backup, "_database_url", lambda: make_url(WITH_PASSWORD))
    monkeypatch.setattr(ops_backup, "_tool", lambda name: name)

    def install(tools: FakeTools) -> FakeTools:
        monkeypatch.setattr(ops_backup.subprocess, "run", tools.run)
        monkeypatch.setattr(ops_backup.subprocess, "Popen", tools.popen)
        return tools

    return install


def test_the_password_reaches_the_postgresql_tools_in_their_environment_only(
    app, tmp_path, fake_postgresql
):
    tools = fake_postgresql(FakeTools())
    runner = app.test_cli_runner()
    target = tmp_path / "academy.dump"
    made = runner.invoke(args=["academy", "backup", str(target)])
    assert made.exit_code == 0, made.output
    restored = runner.invoke(args=["academy", "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output

    for tool in ("pg_dump", "psql"):
        args, env = tools.call(tool)
        assert LIBPQ_URL in args or f"--dbname={LIBPQ_URL}" in args, args
        assert env["PGPASSWORD"] == SECRET
    for args, _env in tools.calls:
        assert not any("s3cr" in arg or "***" in arg or "%2A" in arg for arg in args), args
    # Dropping the old tables and loading the dump commit together, or not at all.
    assert tools.psql_input.startswith(b"BEGIN;\n")
    assert b"DROP %s IF EXISTS %s CASCADE" in tools.psql_input
    assert tools.psql_input.endswith(b"CREATE TABLE public.users ();\n\nCOMMIT;\n")


def test_a_failed_backup_leaves_no_file_and_keeps_the_last_good_one(app, tmp_path, fake_postgresql):
    fake_postgresql(FakeTools(dump_fails=True))
    runner = app.test_cli_runner()
    fresh = runner.invoke(args=["academy", "backup", str(tmp_path / "new.dump")])
    assert fresh.exit_code == 1 and "pg_dump: error: connection lost" in fresh.output
    assert list(tmp_path.iterdir()) == []

    last_night = tmp_path / "nightly.dump"
    last_night.write_bytes(b"PGDMP last night")
    failed = runner.invoke(args=["academy", "backup", str(last_night)])
    assert failed.exit_code == 1
    assert last_night.read_bytes() == b"PGDMP last night"
    assert list(tmp_path.iterdir()) == [last_night]


@pytest.mark.slow
def test_a_truncated_postgresql_backup_changes_nothing(app, tmp_path, migrated):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite copies the whole file or nothing")
    _needs_postgresql_tools()
    make_user(email="before@example.org")
    runner = app.test_cli_runner()
    target = tmp_path / "academy.dump"
    assert runner.invoke(args=["academy", "backup", str(target)]).exit_code == 0
    make_user(email="after@example.org")
    data = target.read_bytes()
    target.write_bytes(data[: len(data) - 64])  # the last table's data is cut short

    result = runner.invoke(args=["academy", "restore", str(target), "--yes"])
    assert result.exit_code == 1
    assert "The restore was rolled back; nothing changed." in result.output
    assert _emails() == ["after@example.org", "before@example.org"]


@pytest.mark.slow
def _head() -> str:
    """The newest migration's revision."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(
        str(Path(__file__).resolve().parents[2] / "migrations")
    ).get_current_head()


def test_a_backup_taken_before_an_upgrade_restores_after_it(scratch_database, tmp_path):
    if scratch_database.startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")

    def run(*args):
        result = flask(*args, url=scratch_database)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def state(engine):
        with engine.connect() as conn:
            version = conn.scalar(text("SELECT version_num FROM alembic_version"))
            emails = conn.scalars(text("SELECT email FROM users ORDER BY email")).all()
        return version, emails, inspect(engine).has_table("pending_imports")

    run("db", "upgrade", "0002_report_cache_and_indexes")
    # Written as the schema of then has it: today's code expects today's columns.
    engine = create_engine(scratch_database)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (email, name, is_active_account, failed_logins, created_at)"
                " VALUES ('before@example.org', 'B', :yes, 0, CURRENT_TIMESTAMP)"
            ),
            {"yes": True},
        )
    engine.dispose()
    target = tmp_path / "pre-upgrade.backup"
    run("academy", "backup", str(target))
    run("db", "upgrade")  # adds pending_imports, which references users
    run("academy", "user", "create", "after@example.org", "--name", "A", "--role", "admin")

    run("academy", "restore", str(target), "--yes")
    engine = create_engine(scratch_database)
    try:
        assert state(engine) == ("0002_report_cache_and_indexes", ["before@example.org"], False)
        engine.dispose()
        run("db", "upgrade")
        assert state(engine) == (_head(), ["before@example.org"], True)
    finally:
        engine.dispose()
