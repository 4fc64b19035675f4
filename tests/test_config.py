import os
import subprocess
import sys
from pathlib import Path

import pytest

import config
from academy import create_app
from tests.factories import PASSWORD, make_user


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.SettingError, match="SECRET_KEY"):
        create_app({"ACADEMY_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_sets_secure_cookies_and_hsts(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app({"ACADEMY_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    response = app.test_client().get("/healthz", base_url="https://localhost")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_unknown_environment_is_refused():
    with pytest.raises(config.SettingError, match="ACADEMY_ENV"):
        create_app({"ACADEMY_ENV": "staging", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "HttpOnly" in client.post("/language", data={"locale": "en"}).headers.get(
        "Set-Cookie", "HttpOnly"
    )


def test_pages_and_api_answers_are_not_kept_in_caches(client, login_as, api):
    trainee = login_as("trainee")
    for path in ("/learning", "/account/data.json", "/login"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert api(trainee).get("/api/v1/me").headers["Cache-Control"] == "no-store"
    # Static files are revalidated instead, as Flask serves them.
    with client.get("/static/css/learning.css") as static:
        assert static.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("value", ["soon", "-1", "1e"])
def test_a_bad_number_setting_names_itself(monkeypatch, value):
    monkeypatch.setenv("ACADEMY_DB_PING_AFTER", value)
    with pytest.raises(ValueError, match="ACADEMY_DB_PING_AFTER must be a number"):
        config._number("ACADEMY_DB_PING_AFTER", 0.25, float)
    monkeypatch.setenv("MAIL_PORT", "0.5")
    with pytest.raises(ValueError, match="MAIL_PORT must be a number"):
        config._int("MAIL_PORT", 587)


def test_number_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("ACADEMY_DB_PING_AFTER", "0")
    assert config._number("ACADEMY_DB_PING_AFTER", 0.25, float) == 0.0
    monkeypatch.setenv("ACADEMY_DB_PING_AFTER", "")
    assert config._number("ACADEMY_DB_PING_AFTER", 0.25, float) == 0.25
    monkeypatch.setenv("MAIL_PORT", "2525")
    assert config._int("MAIL_PORT", 587) == 2525


def _start(**environment) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, as start-up does."""
    return subprocess.run(
        [sys.executable, "-c", "import config"],
        cwd=Path(config.__file__).parent,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("value", ["0", "100", "65535"])
def test_an_upload_limit_too_small_for_a_form_is_refused_at_start_up(value):
    started = _start(ACADEMY_MAX_UPLOAD_BYTES=value)
    assert started.returncode != 0
    assert (
        f"ACADEMY_MAX_UPLOAD_BYTES must be a number of at least 65536, not '{value}'"
        in started.stderr
    )


def test_the_smallest_upload_limit_still_lets_people_sign_in(app, client, monkeypatch):
    assert _start(ACADEMY_MAX_UPLOAD_BYTES="65536").returncode == 0
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", config.SMALLEST_UPLOAD_LIMIT)
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("ACADEMY_SUPPRESSION_THRESHOLD", "abc", "ACADEMY_SUPPRESSION_THRESHOLD must be a number"),
        ("ACADEMY_ENV", "staging", "ACADEMY_ENV must be one of"),
        ("ACADEMY_ENV", "production", "SECRET_KEY must be set"),
    ],
)
def test_a_wrong_setting_stops_the_entry_point_with_one_line(setting, value, words):
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {setting: value}
    root = Path(__file__).resolve().parent.parent
    started = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=root, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert started.returncode == 3  # gunicorn's "worker failed to boot": its master stops
    (line,) = started.stderr.strip().splitlines()  # one line, no traceback
    assert line.startswith(f"Academy cannot start: {words}")
