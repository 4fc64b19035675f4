"""An operator who forgot `db upgrade` is told so, not shown a traceback."""

from tests.ops.commands import flask


def test_commands_on_a_database_that_was_never_migrated_say_run_db_upgrade(scratch_database):
    for command in (["academy", "headcount", "--year", "2026"], ["academy", "courses", "sync"]):
        result = flask(*command, url=scratch_database)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "The database is not migrated (" in result.stderr
        assert result.stderr.strip().endswith("run `flask --app wsgi db upgrade`."), result.stderr


def test_commands_on_a_database_one_migration_behind_say_run_db_upgrade(scratch_database):
    assert flask("db", "upgrade", "0001_initial", url=scratch_database).returncode == 0
    result = flask("academy", "headcount", "--year", "2026", url=scratch_database)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "run `flask --app wsgi db upgrade`" in result.stderr
