from flask import get_flashed_messages
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from academy.errors import Invalid
from academy.extensions import db
from academy.forms import carry_out, show_domain_error
from academy.partners.models import Partner


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


def test_carry_out_commits_what_the_service_accepted(app):
    with app.test_request_context(method="POST"):
        form = _Form()
        done, partner = carry_out(form, lambda: _add_partner("Accepted Ltd"))
        assert done and partner.id
        db.session.rollback()  # nothing left to undo: it was committed
        assert db.session.scalar(select(Partner.name).where(Partner.id == partner.id)) == (
            "Accepted Ltd"
        )


def test_carry_out_rolls_back_and_shows_what_the_service_refused(app):
    def refuse():
        _add_partner("Half Done Ltd")
        db.session.flush()
        raise Invalid("Not saved.", {"name": ["Taken."]})

    with app.test_request_context(method="POST"):
        form = _Form()
        outcome = carry_out(form, refuse, summary=lazy_gettext("Please correct the marked fields."))
        assert outcome == (False, None)
        assert form.name.errors == ["Taken."]
        assert get_flashed_messages() == ["Please correct the marked fields."]
        assert db.session.scalar(select(Partner).where(Partner.name == "Half Done Ltd")) is None


def _add_partner(name: str) -> Partner:
    partner = Partner(name=name, kind="company")
    db.session.add(partner)
    return partner
