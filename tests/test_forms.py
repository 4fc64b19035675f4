from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from academy.errors import Invalid
from academy.forms import show_domain_error


class _Form(FlaskForm):
    name = StringField()
    starts = StringField()


def test_service_field_errors_land_beside_their_fields(app):
    with app.test_request_context(method="POST"):
        form = _Form()
        error = Invalid("Not saved.", {"name": ["Too long."], "starts_at": ["In the past."],
                                       "nowhere": ["Ignored."]})  # fmt: skip
        show_domain_error(form, error, {"starts_at": "starts"}, "Please correct the marked fields.")
        assert form.name.errors == ["Too long."]
        assert form.starts.errors == ["In the past."]
        assert get_flashed_messages() == ["Please correct the marked fields."]


def test_the_message_is_flashed_when_no_field_matches(app):
    with app.test_request_context(method="POST"):
        show_domain_error(
            _Form(), Invalid("That cohort is full.", {"seat": ["Full."]}), summary="x"
        )
        assert get_flashed_messages() == ["That cohort is full."]
