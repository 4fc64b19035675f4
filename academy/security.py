"""Security headers, cookie flags and rate limits shared by every page."""

import time

from flask import Flask, abort, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_talisman import Talisman
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from academy.memo import remembered

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
    app.session_interface = KeptCookieSessions()
    app.before_request(refuse_nul_characters)
    app.after_request(private_by_default)
    # In place of Flask-WTF's own (its context processor is overridden in academy.templating).
    app.jinja_env.globals["csrf_token"] = csrf_token
    proxies = app.config["ACADEMY_TRUSTED_PROXIES"]
    if proxies:
        # Only then is X-Forwarded-For believed (rate limits key on the client address).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def private_by_default(response):
    """No cache, the browser's or a shared one, keeps a copy of a page or an API answer.

    They carry personal data, and one shows a new API token once. Static files and any view
    that chooses otherwise set their own Cache-Control.
    """
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_characters() -> None:
    """Text with a NUL character is refused at the door.

    PostgreSQL text cannot hold one, so it would otherwise fail deep inside a query; no
    person types one, so a clear 400 loses nobody anything.
    """
    if "\x00" in request.path or _has_nul(request.args):
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


def csrf_token() -> str:
    """Flask-WTF's CSRF token for this session, signed once per worker rather than per page.

    Every page carries one (the language switch is a form), and signing it took a twentieth
    of a lesson page's work. A kept token stays valid: tokens do not expire (no
    WTF_CSRF_TIME_LIMIT); with a limit set, each page gets a freshly signed one as before.
    """
    app = current_app._get_current_object()  # each proxy once: every page asks for a token
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        return g.get(field)  # this request's, as generate_csrf would give it
    if app.config.get("WTF_CSRF_TIME_LIMIT"):
        return generate_csrf()
    visit = session._get_current_object()
    # A session's first token also makes the secret it signs, kept in the session.
    first = generate_csrf() if field not in visit else None
    store = app.extensions.setdefault("academy.csrf_tokens", {})
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    key = (secret, visit[field])
    token = remembered(store, key, lambda: first or generate_csrf(), limit=10_000)
    setattr(g, field, token)  # forms rendered later in the request use the same one
    return token


_PLAIN = (str, int, float, type(None))  # bool is an int


class KeptCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, each cookie's signature checked once per worker.

    A browser sends the same session cookie with every page until the session changes, and
    checking its signature and decoding it was 7 % of a lesson page's work. A cookie
    that passed is kept with the time it was signed, so the next request with it only checks
    its age, as itsdangerous would. Only sessions of plain values are kept: each request gets
    its own dict, but would share a list or a dict inside it.
    """

    def open_session(self, app: Flask, incoming):
        value = incoming.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, incoming)
        store = app.extensions.setdefault("academy.sessions", {})
        key = (app.secret_key, value)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = store.get(key)
        if kept is not None and 0 <= now() - kept[0] <= max_age:
            return self.session_class(kept[1])
        try:
            data, signed = self.get_signing_serializer(app).loads(
                value, max_age=max_age, return_timestamp=True
            )
        except BadSignature:
            return self.session_class()
        if all(isinstance(item, _PLAIN) for item in data.values()):
            remembered(store, key, lambda: (int(signed.timestamp()), data), limit=10_000)
        return self.session_class(data)


def now() -> int:
    """The clock a kept cookie's age is read by: whole seconds, as itsdangerous reads it."""
    return int(time.time())
