"""Domain errors, and the handlers that turn every error into a page or the API's JSON."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from academy.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule said no. Services raise these; the handlers roll back and report them."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(DomainError):
    status, code = 422, "invalid"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Conflict(DomainError):
    status, code = 409, "conflict"


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "busy",
}

# PostgreSQL's deadlock and serialization failures: the database chose this transaction to
# give way to another, and the same request is likely to go through a moment later.
CONTENTION_SQLSTATES = frozenset({"40001", "40P01"})


def is_contention(error: DBAPIError) -> bool:
    """Another transaction was in the way: a deadlock, a serialization failure, or SQLite's
    write lock still held when its busy timeout ran out."""
    cause = error.orig
    if getattr(cause, "sqlstate", None) in CONTENTION_SQLSTATES:
        return True
    return isinstance(cause, sqlite3.OperationalError) and "database is locked" in str(cause)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, message: str, fields: dict | None = None, code: str | None = None):
    # "fields" always, as API.md writes the format: empty when no field is to blame.
    error = {"code": code or HTTP_CODES.get(status, "error"), "message": message}
    return jsonify({"error": {**error, "fields": fields or {}}}), status


def _field_errors(data: dict | None) -> dict:
    """webargs' {"json": {"field": [...]}} as API.md's {"field": [messages]}.

    A nested field is named by its path: "roles.0" for a list item, "answers.q1" for a
    dictionary's value (marshmallow files that under a further "value" or "key").
    """
    if not data:
        return {}
    messages = data.get("messages") or data.get("errors") or {}
    flat: dict[str, list] = {}
    for location, errors in messages.items():
        _flatten(errors, [] if isinstance(errors, dict) else [location], flat)
    return flat


def _flatten(errors, path: list[str], flat: dict[str, list]) -> None:
    if isinstance(errors, dict):
        for key, inner in errors.items():
            step = [] if path and key in ("key", "value") else [str(key)]
            _flatten(inner, path + step, flat)
    else:
        flat.setdefault(".".join(path), []).extend(errors if isinstance(errors, list) else [errors])


def _page(status: int, message: str):
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if wants_json():
            return api_error(error.status, error.message, error.fields, error.code)
        return _page(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        # A 405 names the methods the address does take (RFC 9110 asks for it).
        methods = getattr(error, "valid_methods", None) if status == 405 else None
        allow = {"Allow": ", ".join(methods)} if methods else {}
        if wants_json():
            fields = _field_errors(getattr(error, "data", None))
            message = "The request body or query is invalid." if fields else error.description
            headers = dict(getattr(error, "data", {}) or {}).get("headers") or {}
            response, status = api_error(status, message, fields)
            response.headers.update(headers)
            response.headers.update(allow)
            if status == 401:
                response.headers["WWW-Authenticate"] = "Bearer"
            return response, status
        # Werkzeug's stock descriptions are English; error.html says the same in the page's
        # language, so only a description written for this case is passed on.
        custom = error.description != type(error).description
        page, status = _page(status, error.description if custom else None)
        return page, status, allow

    @app.errorhandler(CSRFError)
    def stale_form(_error: CSRFError):
        # Flask-WTF's own wording ("The CSRF token is missing.") is English and technical.
        db.session.rollback()
        message = _(
            "This form has expired or did not come from this site. Go back, reload the page "
            "and try again."
        )
        return _page(400, message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        if wants_json():
            return api_error(500, "Something went wrong on our side; it has been logged.")
        return _page(500, _("Something went wrong on our side; it has been logged."))

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if not is_contention(error):
            return unexpected(error)
        # A 503 with Retry-After rather than a 500: the client may simply try again.
        db.session.rollback()
        log.warning("contention on %s %s: %s", request.method, request.path, error.orig)
        message = _(
            "The academy was busy and could not finish this request. Try again in a moment."
        )
        response, status = api_error(503, message) if wants_json() else _page(503, message)
        return response, status, {"Retry-After": "1"}
