"""Academy: the learning-management system of the AI Future Academy."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask, g

from config import config_for

DOMAINS = (
    "auth",
    "courses",
    "cohorts",
    "enrolments",
    "progress",
    "reporting",
    "partners",
    "audit",
)


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app. `config` overrides settings (tests pass TESTING and a database URL)."""
    app = Flask(__name__, instance_relative_config=False)
    configure_settings(app, config or {})
    import academy.models  # noqa: F401  (the whole schema, before anything queries)

    configure_extensions(app)
    configure_blueprints(app)
    configure_errors(app)
    configure_templates(app)
    configure_cli(app)
    configure_logging(app)
    from academy.extensions import limiter

    limiter.skip_where_unlimited(app)
    return app


def configure_settings(app: Flask, overrides: Mapping) -> None:
    env = overrides.get("ACADEMY_ENV") or ("testing" if overrides.get("TESTING") else None)
    settings = config_for(env)
    app.config.from_object(settings)
    app.config.update(overrides)
    if app.config.get("ACADEMY_REPLICA_URL"):
        from academy.extensions import REPLICA

        app.config["SQLALCHEMY_BINDS"] = {REPLICA: app.config["ACADEMY_REPLICA_URL"]}
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key()


def configure_extensions(app: Flask) -> None:
    from academy.auth.service import user_for_session
    from academy.database import configure_engine
    from academy.extensions import babel, csrf, db, limiter, login_manager, migrate
    from academy.i18n import default_zone, locale_for_request

    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=locale_for_request, timezone_selector=default_zone)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.user_loader(user_for_session)

    @app.before_request
    def forget_previous_user():
        # Flask-Login caches the user on g, which lives as long as the app context; when one
        # context serves several requests (tests, scripts) each must load its own user, and
        # sign its own session's CSRF token (Flask-WTF keeps that on g as well).
        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)

    from academy.security import configure_security

    configure_security(app)


def configure_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in DOMAINS:
        # Routes are added to the blueprint when its views are imported: here, not when the
        # package is, so a domain's models or queries can be imported on their own.
        import_module(f"academy.{name}.views")
        app.register_blueprint(import_module(f"academy.{name}").bp)
    from academy.api import configure_api

    configure_api(app)


def configure_errors(app: Flask) -> None:
    from academy.errors import register_error_handlers

    register_error_handlers(app)


def configure_templates(app: Flask) -> None:
    from academy.templating import register_template_helpers

    register_template_helpers(app)


def configure_cli(app: Flask) -> None:
    from academy.cli import register_commands

    register_commands(app)


def configure_logging(app: Flask) -> None:
    from academy.observability import configure_query_header, configure_request_logging

    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    configure_request_logging(app)
    configure_query_header(app)
