"""Backups: SQLite's online backup API, or pg_dump / pg_restore and psql for PostgreSQL.

A backup is written to a hidden file beside its target and renamed into place once complete,
so a failed run leaves no partial file (a 0-byte dump looks like a backup was taken) and keeps
the backup that was there. A restore first checks that the file is a backup of Academy, and
changes nothing if it is not.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing, suppress
from pathlib import Path

from sqlalchemy.engine import URL

from academy.extensions import db

# Tables every Academy database has once `flask db upgrade` has run.
ACADEMY_TABLES = ("alembic_version", "users")

# Run in the restore's transaction before the dump's own statements: a backup taken before an
# upgrade lacks the tables the upgrade added, and pg_restore --clean cannot drop a key that one
# of those still references. Dropping the relations, not the schema, keeps the schema's owner
# and grants (up to PostgreSQL 14 public belongs to the superuser, so the app could not drop it).
DROP_PUBLIC_RELATIONS = """
DO $$
DECLARE
  kind record;
  names text;
BEGIN
  FOR kind IN
    SELECT * FROM (VALUES ('TABLE', '{r,p}'), ('MATERIALIZED VIEW', '{m}'), ('VIEW', '{v}'),
                          ('SEQUENCE', '{S}')) AS kinds (word, relkinds)
  LOOP
    SELECT string_agg(format('public.%I', c.relname), ', ') INTO names
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace
      AND c.relkind = ANY (kind.relkinds::"char"[])
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e');
    IF names IS NOT NULL THEN
      EXECUTE format('DROP %s IF EXISTS %s CASCADE', kind.word, names);
    END IF;
  END LOOP;
END
$$;
"""


class BackupError(Exception):
    pass


def _database_url() -> URL:
    # The URL object itself: str() of it masks the password as '***' (SQLAlchemy 2).
    return db.engine.url


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The PostgreSQL tools' connection URL, and their environment holding the password.

    The password goes in PGPASSWORD, not the URL: a command line is visible to every user of
    the machine (ps).
    """
    conninfo = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    ).render_as_string()
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{Path(args[0]).name} failed.")
    return result.stdout


def _not_a_backup(path: Path, backend: str) -> str | None:
    """Why path is not a backup of Academy for this database, or None if it is one."""
    if backend == "sqlite":
        try:
            with closing(sqlite3.connect(path)) as copy:
                if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    return "is not an intact SQLite database"
                tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError:
            return "is not a SQLite database"
    else:
        try:
            listing = _run([_tool("pg_restore"), "--list", str(path)])
        except BackupError as error:
            return f"is not a pg_dump archive ({error})"
        tables = set(re.findall(r"^\d+; \d+ \d+ TABLE public (\S+)", listing, re.MULTILINE))
    missing = [name for name in ACADEMY_TABLES if name not in tables]
    if missing:
        return f"is not a backup of Academy (it has no {' or '.join(missing)} table)"
    return None


def _backend(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"No backup method for {backend}.")
    return backend


def backup(target: Path) -> Path:
    """Write a consistent copy of the live database to target, while the app keeps serving.

    An existing file at target is replaced only if it is an earlier backup (or empty).
    """
    url = _database_url()
    backend = _backend(url)
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name.")
    if target.is_file() and target.stat().st_size > 0:
        reason = _not_a_backup(target, backend)
        if reason:
            raise BackupError(f"{target} already exists and {reason}; it was left as it is.")
    blocking = next((parent for parent in target.parents if parent.is_file()), None)
    if blocking is not None:
        raise BackupError(f"{blocking} is a file, not a folder.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
        os.close(handle)
    except OSError as error:
        raise BackupError(f"Cannot write to {target.parent}: {error.strerror}.") from None
    partial = Path(name)
    try:
        if backend == "sqlite":
            _backup_sqlite(_sqlite_path(url), partial)
        else:
            conninfo, env = _libpq(url)
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", conninfo],
                env,
            )
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot write {target}: {error.strerror}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _backup_sqlite(path: Path, target: Path) -> None:
    if not path.is_file():
        raise BackupError(f"The database {path} does not exist.")
    try:
        # Read-only, so a database that is not there is an error rather than created empty.
        with (
            closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
    except sqlite3.Error as error:
        raise BackupError(f"Cannot back up {path}: {error}.") from None


def restore(source: Path) -> None:
    """Replace the live database's contents with a backup made by backup().

    Nothing changes if source is not a backup of Academy, or if the restore fails.
    """
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    url = _database_url()
    backend = _backend(url)
    reason = _not_a_backup(source, backend)
    if reason:
        raise BackupError(f"{source} {reason}; nothing was restored.")
    db.session.remove()
    db.engine.dispose()  # nothing of ours may hold the database while it is replaced
    if backend == "sqlite":
        try:
            with (
                closing(sqlite3.connect(source)) as copy,
                closing(sqlite3.connect(_sqlite_path(url))) as live,
            ):
                copy.backup(live)
        except sqlite3.Error as error:
            raise BackupError(f"Cannot restore into {url.database}: {error}.") from None
    else:
        _restore_postgresql(url, source)


def _restore_postgresql(url: URL, source: Path) -> None:
    """Drop the schema's relations and load the dump in one transaction.

    pg_restore writes the dump as SQL and psql runs it between BEGIN and a COMMIT that is sent
    only once pg_restore has read the whole archive: a truncated file rolls everything back.
    """
    conninfo, env = _libpq(url)
    psql, pg_restore = _tool("psql"), _tool("pg_restore")
    with tempfile.TemporaryFile() as load_errors, tempfile.TemporaryFile() as script_errors:
        load = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-",
             f"--dbname={conninfo}"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=load_errors, env=env,
        )  # fmt: skip
        script = subprocess.Popen(
            [pg_restore, "--no-owner", "--file=-", str(source)],
            stdout=subprocess.PIPE,
            stderr=script_errors,
        )
        try:
            load.stdin.write(f"BEGIN;\n{DROP_PUBLIC_RELATIONS}\n".encode())
            shutil.copyfileobj(script.stdout, load.stdin)
            if script.wait() == 0:
                load.stdin.write(b"\nCOMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error; its message says which
        finally:
            with suppress(BrokenPipeError):
                load.stdin.close()
            script.stdout.close()
            script.wait()
            load.wait()
        for process, errors in ((load, load_errors), (script, script_errors)):
            if process.returncode != 0:
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()
                raise BackupError(f"The restore was rolled back; nothing changed.\n{message}")
