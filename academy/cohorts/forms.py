"""Forms of the cohort pages (field checks only; the rules live in the services)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.cohorts.models import MAX_CAPACITY
from academy.forms import choices
from academy.security import MAX_ID

DELIVERY_LABELS = {
    "online": _l("Online"),
    "shenzhen": _l("Shenzhen"),
    "hong_kong": _l("Hong Kong"),
    "hybrid": _l("Hybrid"),
}
POLICY_LABELS = {
    "open": _l("Open: anyone may join"),
    "invite": _l("Invite code"),
    "staff": _l("Staff enrol trainees"),
}
PLACE_LABELS = {"online": _l("Online"), "shenzhen": _l("Shenzhen"), "hong_kong": _l("Hong Kong")}


class CohortForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    course = SelectField(_l("Course"), validators=[DataRequired()])
    start_on = DateField(_l("Starts on"), validators=[DataRequired()])
    end_on = DateField(_l("Ends on"), validators=[DataRequired()])
    # InputRequired, not DataRequired: 0 is a real capacity (a cohort not open yet).
    capacity = IntegerField(
        _l("Capacity"), validators=[InputRequired(), NumberRange(min=0, max=MAX_CAPACITY)]
    )
    delivery = SelectField(_l("Delivery"), choices=choices(DELIVERY_LABELS.items()))
    policy = SelectField(_l("Enrolment policy"), choices=choices(POLICY_LABELS.items()))
    sponsor = SelectField(_l("Sponsoring partner"), coerce=int, default=0)
    instructors = SelectMultipleField(_l("Instructors"), coerce=int, default=[])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (kept with the record)"), validators=[DataRequired(), Length(max=2000)]
    )


class MoveForm(FlaskForm):
    # The view checks the chosen cohort against what the person may run.
    target = SelectField(
        _l("Move to cohort"),
        coerce=int,
        validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)],
        validate_choice=False,
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class CompletionForm(FlaskForm):
    completed_on = DateField(_l("Completed on"), validators=[DataRequired()])
    score = IntegerField(_l("Score (%)"), validators=[Optional(), NumberRange(min=0, max=100)])
    reason = TextAreaField(
        _l("Reason (kept in the audit log)"), validators=[DataRequired(), Length(max=2000)]
    )


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    day = DateField(_l("Date"), validators=[DataRequired()])
    starts = TimeField(_l("Starts (Shenzhen/Hong Kong time)"), validators=[DataRequired()])
    ends = TimeField(_l("Ends"), validators=[DataRequired()])
    place = SelectField(_l("Place"), choices=choices(PLACE_LABELS.items()))
    location = StringField(_l("Room or address"), validators=[Optional(), Length(max=300)])
    meeting_url = URLField(_l("Meeting link"), validators=[Optional(), Length(max=500)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    """Only the CSRF token: confirming a preview needs nothing else."""
