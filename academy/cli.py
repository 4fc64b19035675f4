"""`flask --app wsgi academy ...`: each domain contributes its commands."""

from importlib import import_module

from flask import Flask
from flask.cli import AppGroup

# Domains with a cli.py exposing `commands`, a list of click commands or groups.
CLI_MODULES = ("auth", "courses", "cohorts", "reporting", "demo", "ops")


def register_commands(app: Flask) -> None:
    group = AppGroup("academy", help="Operate the academy: users, courses, demo data, reports.")
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
