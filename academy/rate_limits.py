"""The rate limiter steps aside where no limit applies.

Flask-Limiter works out at every request which limits apply to its endpoint (application,
default and meta limits, its blueprint's, exemptions): about a tenth of a lesson page's own
work, on every page, although only signing in, sign-up, password resets, token creation and
the API carry limits. So once the app is built, every endpoint is asked once which limits the
limiter would apply to it before its view runs, and a request to one with none skips that
check.

It stays exact:
- a limit decorated on a view is checked by the decorator when the view runs, never here;
- a limit the limiter only learns of while a request runs (a decorated function that is not
  the view itself, a limit used as a context manager) is recorded as a "hint" on the endpoint,
  and an endpoint with hints is never skipped;
- meta limits (RATELIMIT_META) apply to every request: with any, nothing is skipped;
- an endpoint added after the app is built is not in the list, so it is checked as before.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name

UNLIMITED = "academy.unlimited_endpoints"


class AcademyLimiter(Limiter):
    def unlimited_endpoints(self, app: Flask) -> frozenset[str]:
        """The app's endpoints to which this limiter, as configured now, applies no limit."""
        if app.config.get("RATELIMIT_META"):
            return frozenset()
        manager = self.limit_manager
        free = set()
        for endpoint, view in app.view_functions.items():
            blueprint = endpoint.rpartition(".")[0] or None
            before_view = manager.resolve_limits(app, endpoint, blueprint, in_middleware=True)
            on_view = manager.decorated_limits(get_qualified_name(view))
            if not any(before_view) and not on_view and not manager.has_hints(endpoint):
                free.add(endpoint)
        return frozenset(free)

    def skip_where_unlimited(self, app: Flask) -> None:
        """Call last in create_app, once every blueprint and its limits are registered."""
        app.extensions[UNLIMITED] = self.unlimited_endpoints(app)

    def no_limit_applies(self) -> bool:
        # This limiter serves every app in the process: the list is each app's own.
        endpoint = request.endpoint
        return endpoint in current_app.extensions.get(UNLIMITED, ()) and not (
            self.limit_manager.has_hints(endpoint)
        )

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        # Flask-Limiter's before-request hook (in_middleware) and its decorators' check.
        if in_middleware and self.no_limit_applies():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
