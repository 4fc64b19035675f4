"""Backups: SQLite's online backup API, or pg_dump / pg_restore for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from academy.extensions import db


class BackupError(Exception):
    pass


def _libpq_url(url: URL) -> str:
    """pg_dump speaks libpq URLs, without SQLAlchemy's '+driver' part."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return url.database


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def backup(target: Path) -> Path:
    """Write a consistent copy of the live database to target, while the app keeps serving."""
    url = make_url(str(db.engine.url))
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        result = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
             _libpq_url(url)],
            capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"No backup method for {url.get_backend_name()}.")
    return target


def restore(source: Path) -> None:
    """Replace the live database's contents with a backup made by backup()."""
    if not source.exists():
        raise BackupError(f"{source} does not exist.")
    url = make_url(str(db.engine.url))
    db.session.remove()
    db.engine.dispose()  # nothing of ours may hold the database while it is replaced
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is not an intact SQLite database.")
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    elif url.get_backend_name() == "postgresql":
        result = subprocess.run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             f"--dbname={_libpq_url(url)}", str(source)],
            capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"No restore method for {url.get_backend_name()}.")
