"""Reading JSON bodies: what the JSON decoder accepts but the app cannot store is refused too.

Every API blueprint is made from this module's Blueprint, so every body goes through
BodyParser.
"""

import json

from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.exceptions import UnsupportedMediaType

NOT_TEXT = "Contains a character that is not text (an unpaired UTF-16 surrogate)."
NOT_JSON = "Send the body as JSON, with Content-Type: application/json."


def _is_text(value: str) -> bool:
    # "\ud83d\ude00" decodes to one emoji; a lone "\ud800" stays a surrogate, which neither
    # UTF-8 nor the database can hold.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _holds_non_text(value) -> bool:
    pending = [value]
    while pending:  # not recursive: the body may be nested nearly as deep as the decoder allows
        item = pending.pop()
        if isinstance(item, str):
            if not _is_text(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class BodyParser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req) and req.get_data(cache=True):
            # webargs reads such a body as no body at all: a client that forgot the header
            # would be told its fields are missing, or have them silently ignored.
            raise UnsupportedMediaType(NOT_JSON)
        try:
            body = super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise  # webargs' own handling: an empty body is no body, anything else a 400
        except (RecursionError, ValueError) as error:
            # Nesting deeper than Python's stack (RecursionError) or an integer of more than
            # 4,300 digits (ValueError) is refused by the decoder, but not as invalid JSON.
            self._handle_invalid_json_error(error, req)
        if body is core.missing or not _holds_non_text(body):
            return body
        if isinstance(body, dict):
            fields = {
                key: [NOT_TEXT]
                for key, value in body.items()
                if _is_text(key) and _holds_non_text(value)
            }
            if fields:
                abort(422, messages={"json": fields})
        abort(400, messages={"json": [NOT_TEXT]})


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = BodyParser()
