"""JSON the decoder takes but the app cannot store, or that breaks the decoder, is refused."""

from academy.auth.models import User
from academy.extensions import db
from academy.partners.models import Partner
from tests.factories import make_user


def _post(caller, path: str, raw: str):
    return caller.post(path, data=raw, content_type="application/json")


def test_a_lone_surrogate_is_refused_naming_its_field(api):
    caller = api(make_user(["manager"]))
    response = _post(caller, "/api/v1/partners", '{"name": "Acme \\ud800", "kind": "lab"}')
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["name"]
    nested = (
        '{"email": "a@example.org", "name": "A", "roles": ["trainee", "\\udfff"],'
        ' "kind": "student", "region": "other", "consent_share": false}'
    )
    response = _post(caller, "/api/v1/users", nested)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["roles"]
    assert db.session.query(Partner).count() == 0
    assert db.session.query(User).count() == 1


def test_a_body_that_is_not_text_at_its_top_is_a_400(api):
    caller = api(make_user(["manager"]))
    for raw in ('"\\ud800"', '["\\ud800"]', '{"\\ud800": 1}'):
        response = _post(caller, "/api/v1/partners", raw)
        assert response.status_code == 400, raw
        assert response.json["error"]["code"] == "bad_request"


def test_a_surrogate_pair_is_one_character_and_passes(api):
    caller = api(make_user(["manager"]))
    response = _post(caller, "/api/v1/partners", '{"name": "Lab \\ud83e\\udd16", "kind": "lab"}')
    assert response.status_code == 201
    assert db.session.get(Partner, response.json["id"]).name == "Lab \U0001f916"


def test_what_the_decoder_cannot_take_is_invalid_json_not_a_500(api):
    caller = api(make_user(["manager"]))
    for raw in ("[" * 5000 + "]" * 5000, '{"name": ' + "1" * 5001 + ', "kind": "lab"}'):
        response = _post(caller, "/api/v1/partners", raw)
        assert response.status_code == 400
        assert response.json["error"]["code"] == "bad_request"
    assert db.session.query(Partner).count() == 0
