"""The migrations build the schema the models describe, on the database under test."""

import pytest

from tests.ops.commands import flask


@pytest.mark.slow
def test_migrations_apply_and_match_the_models(scratch_database):
    upgrade = flask("db", "upgrade", url=scratch_database)
    assert upgrade.returncode == 0, upgrade.stderr
    check = flask("db", "check", url=scratch_database)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_there_is_one_migration_head():
    heads = flask("db", "heads", url="sqlite://")
    assert heads.returncode == 0, heads.stderr
    assert len([line for line in heads.stdout.splitlines() if "(head)" in line]) == 1
