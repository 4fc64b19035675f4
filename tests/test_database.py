"""Engine settings per backend (academy/database.py)."""

from sqlalchemy import text

from academy.extensions import db


def test_each_connection_gets_its_backends_settings(app):
    db.session.rollback()  # the settings must outlive a rolled-back transaction
    if db.engine.dialect.name == "postgresql":
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
    else:
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        # WAL needs a file; the suite's database is one.
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
