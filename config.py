"""Settings, read from the environment (see README, "Configuration")."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("ACADEMY_INSTANCE", BASE_DIR / "instance"))


class SettingError(ValueError):
    """A setting the environment got wrong; the message names it (wsgi.py prints only that)."""


def _number(name: str, default, kind, minimum=0):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        number = kind(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        # Read at start-up: say which setting, rather than a bare conversion error.
        raise SettingError(f"{name} must be a number of at least {minimum}, not {value!r}")
    return number


def _int(name: str, default: int, minimum: int = 0) -> int:
    return _number(name, default, int, minimum)


# Sign-in and every other form post must fit in a request, whatever the upload limit.
SMALLEST_UPLOAD_LIMIT = 64 * 1024


def _development_secret() -> str:
    """A key generated once and kept in instance/, so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    ACADEMY_ENV = "development"
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'academy.db'}"
    )
    # Pooled connections are pinged when idle for longer than ACADEMY_DB_PING_AFTER seconds
    # (academy/database.py), not on every checkout as pool_pre_ping would.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    ACADEMY_DB_PING_AFTER = _number("ACADEMY_DB_PING_AFTER", 0.25, float)
    # A streaming replica for the report pages' reads (academy.database.reads_replica).
    ACADEMY_REPLICA_URL = os.environ.get("ACADEMY_REPLICA_URL", "")
    ACADEMY_SUPPRESSION_THRESHOLD = _int("ACADEMY_SUPPRESSION_THRESHOLD", 5)
    ACADEMY_DEFAULT_TARGET = _int("ACADEMY_DEFAULT_TARGET", 4000)
    ACADEMY_OUTBOX = os.environ.get("ACADEMY_OUTBOX", str(INSTANCE_DIR / "outbox"))
    ACADEMY_BASE_URL = os.environ.get("ACADEMY_BASE_URL", "http://127.0.0.1:5000")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "academy@localhost")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # If the counters' store (Redis) cannot be reached, each worker counts in memory until it
    # is back, with a logged warning, rather than failing every limited request with a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    ACADEMY_TRUSTED_PROXIES = _int("ACADEMY_TRUSTED_PROXIES", 0)
    # The largest request body, and so the largest CSV import (academy.cohorts.import_rows).
    MAX_CONTENT_LENGTH = _int("ACADEMY_MAX_UPLOAD_BYTES", 8 * 1024 * 1024, SMALLEST_UPLOAD_LIMIT)
    ACADEMY_QUERY_HEADER = os.environ.get("ACADEMY_QUERY_HEADER", "") == "1"
    # Report cache: "" per worker, "redis://..." shared, "none" off (academy/reporting/cache.py).
    ACADEMY_CACHE_URL = os.environ.get("ACADEMY_CACHE_URL", "")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"en": "English", "zh_Hans": "简体中文", "zh_Hant": "繁體中文"}
    API_TITLE = "Academy API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }

    @classmethod
    def secret_key(cls) -> str:
        return os.environ.get("SECRET_KEY") or _development_secret()


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    ACADEMY_ENV = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    ACADEMY_OUTBOX = ""

    @classmethod
    def secret_key(cls) -> str:
        return "testing-secret-key"


class ProductionConfig(Config):
    ACADEMY_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    ACADEMY_OUTBOX = os.environ.get("ACADEMY_OUTBOX", "")

    @classmethod
    def secret_key(cls) -> str:
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise SettingError("SECRET_KEY must be set when ACADEMY_ENV=production")
        return key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("ACADEMY_ENV", "development")
    if name not in CONFIGS:
        raise SettingError(f"ACADEMY_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
