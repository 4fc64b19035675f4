"""Backups round-trip the academy on the database under test."""

import shutil

import pytest
from sqlalchemy import func, select

from academy.auth.models import User
from academy.extensions import db
from academy.progress.models import CompletionRecord
from tests.factories import complete, make_cohort, make_course, make_user


@pytest.mark.slow
def test_backup_then_restore_brings_back_what_was_lost(app, tmp_path):
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
