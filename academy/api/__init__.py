"""The JSON API v1: bearer tokens, one error format, and an OpenAPI document built from the code."""

from flask import Flask, request
from flask_smorest import Api as SmorestApi
from marshmallow import Schema, fields

from academy.extensions import csrf, limiter
from academy.permissions import current_actor, public

# Guessing tokens: only refused calls count, so honest clients never meet this limit.
BAD_TOKEN_LIMIT = "20 per minute"


def _refused(response) -> bool:
    return response.status_code == 401


def _holds_a_good_token_or_none() -> bool:
    # The limit is kept per address, and many people can share one (a campus network): a
    # client with a good token is not held back by someone else's guesses. Guesses still
    # count and are refused; each costs the same indexed lookup a good call does. A call
    # with no token guesses nothing: an anonymous certificate check is never held back.
    return "Authorization" not in request.headers or current_actor() is not None


class ErrorDetailSchema(Schema):
    code = fields.Str(required=True, metadata={"description": "e.g. invalid, not_found"})
    message = fields.Str(required=True)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.Str(),
        required=True,
        metadata={"description": "{field: [messages]} for invalid input; {} otherwise"},
    )


class ErrorSchema(Schema):
    """What academy.errors answers for every API error (documented, not used to dump)."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """academy.errors formats every error, pages and API alike."""


api = Api()


def configure_api(app: Flask) -> None:
    from academy.api import (
        certificates,
        cohorts,
        completions,
        courses,
        enrolments,
        me,
        partners,
        reporting,
        users,
    )

    api.init_app(app)
    # One count per address across the whole API: a limit per blueprint gave nine.
    bad_tokens = limiter.shared_limit(
        BAD_TOKEN_LIMIT,
        scope="api-bad-token",
        deduct_when=_refused,
        exempt_when=_holds_a_good_token_or_none,
    )
    for module in (
        me,
        users,
        partners,
        courses,
        cohorts,
        enrolments,
        completions,
        certificates,
        reporting,
    ):
        csrf.exempt(module.blp)  # bearer tokens, not cookies, authenticate the API
        bad_tokens(module.blp)
        api.register_blueprint(module.blp)

    spec_view = app.view_functions["api-docs.openapi_json"]
    app.view_functions["api-docs.openapi_json"] = public(spec_view)

    @app.get("/healthz")
    @public
    def healthz():
        """Liveness probe: answers without touching the database."""
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
