"""`flask --app wsgi academy ...`: each domain contributes its commands."""

from importlib import import_module

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

# Domains with a cli.py exposing `commands`, a list of click commands or groups.
CLI_MODULES = ("auth", "courses", "cohorts", "reporting", "demo", "ops")

# A table or column the code expects is missing: SQLite's wording, PostgreSQL's SQLSTATE.
SQLITE_MISSING = ("no such table", "no such column", "has no column named")
POSTGRESQL_MISSING = ("42P01", "42703")  # undefined_table, undefined_column


class AcademyGroup(AppGroup):
    """Says "run db upgrade" where a command met a database older than the code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DBAPIError as error:
            if not _schema_missing(error.orig):
                raise
            detail = str(error.orig).splitlines()[0]
            raise click.ClickException(
                f"The database is not migrated ({detail}): run `flask --app wsgi db upgrade`."
            ) from None


def _schema_missing(cause: BaseException | None) -> bool:
    if getattr(cause, "sqlstate", None) in POSTGRESQL_MISSING:
        return True
    return str(cause).startswith(SQLITE_MISSING)


def register_commands(app: Flask) -> None:
    group = AcademyGroup("academy", help="Operate the academy: users, courses, demo data, reports.")
    for name in CLI_MODULES:
        try:
            module = import_module(f"academy.{name}.cli")
        except ModuleNotFoundError as error:
            if error.name != f"academy.{name}.cli" and error.name != f"academy.{name}":
                raise
            continue
        for command in module.commands:
            group.add_command(command)
    app.cli.add_command(group)
