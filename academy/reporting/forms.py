"""The dashboard's filters (read from the query string) and the target form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from academy.dates import MAX_YEAR, MIN_YEAR
from academy.forms import choices
from academy.reporting.headcount import Filters
from academy.reporting.service import MAX_REASON, MAX_TARGET


class FilterForm(FlaskForm):
    """GET form: no CSRF token, and its values stay in the URL so a view can be shared."""

    class Meta:
        csrf = False

    year = IntegerField(
        _l("Year"),
        validators=[
            Optional(),
            NumberRange(MIN_YEAR, MAX_YEAR, message=_l("A year from 2000 to 2100.")),
        ],
    )
    # No Optional() on the choices: it would take a value of spaces as empty, skip the choice
    # check and hand " " on as a filter (a 500 for partner, a silent 0 for the others). A
    # field left out of the URL is "" (all), which each list offers.
    track = SelectField(_l("Track"), default="")
    region = SelectField(
        _l("Region"),
        choices=choices(
            [
                ("", _l("All regions")),
                ("shenzhen", _l("Shenzhen")),
                ("hong_kong", _l("Hong Kong")),
                ("other", _l("Other")),
            ]
        ),
        default="",
    )
    kind = SelectField(
        _l("Trainee kind"),
        choices=choices(
            [
                ("", _l("All kinds")),
                ("professional", _l("Professional")),
                ("student", _l("University student")),
            ]
        ),
        default="",
    )
    partner = SelectField(_l("Sponsoring partner"), default="")
    submit = SubmitField(_l("Apply"))

    def set_choices(self, tracks: dict[str, str], partners: dict[int, str]) -> None:
        self.track.choices = choices([("", _l("All tracks")), *tracks.items()])
        self.partner.choices = choices(
            [("", _l("All partners")), *((str(pid), name) for pid, name in partners.items())]
        )

    def filters(self) -> Filters:
        return Filters(
            track=self.track.data or None,
            region=self.region.data or None,
            kind=self.kind.data or None,
            partner_id=int(self.partner.data) if self.partner.data else None,
        )


class TargetForm(FlaskForm):
    target = IntegerField(
        _l("Target (people trained in the year)"),
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(0, MAX_TARGET, message=_l("A whole number from 0 to 1,000,000.")),
        ],
    )
    reason = TextAreaField(_l("Reason for the change"), validators=[Length(max=MAX_REASON)])
    submit = SubmitField(_l("Save target"))
