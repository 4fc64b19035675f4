"""Security headers, cookie flags and rate limits shared by every page."""

from flask import Flask, abort, request
from flask_babel import gettext as _
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# No inline script or style anywhere: everything the pages need is served from /static.
CSP = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],
    "style-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

talisman = Talisman()

# Ids are 32-bit integer columns (PostgreSQL `integer`); a bigger number in a path is no id,
# and SQLite would fail to bind one past 64 bits. Such paths answer 404 instead of a 500.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def configure_security(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before any route is added
    production = app.config["ACADEMY_ENV"] == "production"
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=False,  # TLS ends at the proxy; HSTS below tells browsers to stay on it
        strict_transport_security=production,
        session_cookie_secure=production,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    app.before_request(refuse_nul_characters)
    proxies = app.config["ACADEMY_TRUSTED_PROXIES"]
    if proxies:
        # Only then is X-Forwarded-For believed (rate limits key on the client address).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def refuse_nul_characters() -> None:
    """Text with a NUL character is refused at the door.

    PostgreSQL text cannot hold one, so it would otherwise fail deep inside a query; no
    person types one, so a clear 400 loses nobody anything.
    """
    if _has_nul(request.args):
        _refuse()
    if request.method in ("POST", "PUT", "PATCH"):
        if request.is_json:
            body = request.get_data(cache=True)
            if b"\\u0000" in body or b"\x00" in body:
                _refuse()
        elif _has_nul(request.form):
            _refuse()


def _refuse():
    # Translated only here: choosing the language loads the signed-in user, which a request
    # for /healthz or a stylesheet has no other reason to do.
    abort(400, _("Text may not contain NUL characters."))


def _has_nul(values) -> bool:
    return any("\x00" in value for many in values.listvalues() for value in many)
