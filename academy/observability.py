"""One structured log line per request, tied together by a request id."""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, g, request
from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger("academy.request")


def configure_query_header(app: Flask) -> None:
    """With ACADEMY_QUERY_HEADER set, each response says how many SQL statements it ran.

    For benchmarks against a real server; off by default.
    """
    if not app.config.get("ACADEMY_QUERY_HEADER"):
        return
    from sqlalchemy import event

    from academy.extensions import db

    with app.app_context():
        engines = list(db.engines.values())  # the primary and, if configured, the replica

    def count(_conn, _cursor, statement, *_args):
        from flask import has_request_context

        if has_request_context() and not statement.startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            g.query_count = g.get("query_count", 0) + 1

    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)

    @app.after_request
    def add_header(response):
        response.headers["X-Query-Count"] = str(g.pop("query_count", 0))
        return response


def configure_request_logging(app: Flask) -> None:
    if not app.testing and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_timer():
        incoming = request.headers.get("X-Request-ID", "")
        # A proxy's id is kept when it looks like one; anything else is replaced.
        g.request_id = (
            incoming if 8 <= len(incoming) <= 64 and incoming.isascii() else (uuid.uuid4().hex)
        )
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.pop("request_started", None)
        request_id = g.pop("request_id", None)
        if started is None:
            return response
        response.headers["X-Request-ID"] = request_id
        visit = request._get_current_object()
        if visit.path != "/healthz" and log.isEnabledFor(logging.INFO):
            from flask_login import current_user

            fields = {
                "request_id": request_id,
                "method": visit.method,
                "path": visit.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": getattr(current_user._get_current_object(), "id", None),
                "remote_addr": visit.remote_addr,
            }
            # The record made and handed on directly: log.info would first walk the stack for
            # the caller's file and line, which the line does not show (a sixth of its cost).
            log.handle(
                log.makeRecord(log.name, logging.INFO, "", 0, "request", (), None, extra=fields)
            )
        return response
