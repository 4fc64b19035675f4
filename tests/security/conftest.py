"""Apps with the rate limiter switched on (the shared test app runs without it)."""

from __future__ import annotations

import pytest

from academy import create_app
from academy.extensions import db, limiter


@pytest.fixture
def limited_app(database_url, tmp_path, monkeypatch):
    """limited_app(**settings) builds an app on the test database with RATELIMIT_ENABLED.

    The limiter is one object shared by every app in the process; its switches are put back
    afterwards so the other tests keep running unlimited.
    """
    for attribute in ("enabled", "_storage", "_limiter", "_key_prefix", "_storage_uri"):
        monkeypatch.setattr(limiter, attribute, getattr(limiter, attribute))
    made = []

    def build(**settings):
        monkeypatch.setattr(limiter, "_key_prefix", settings.get("RATELIMIT_KEY_PREFIX", ""))
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "WTF_CSRF_ENABLED": False,
                "SERVER_NAME": "localhost",
                "ACADEMY_OUTBOX": str(tmp_path / "outbox"),
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://",
                **settings,
            }
        )
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
