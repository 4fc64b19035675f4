"""Forms of the partners pages (field checks only; rules live in the service)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange

from academy.partners.models import PARTNER_KINDS

KIND_LABELS = {
    "company": _l("Company"),
    "university": _l("University"),
    "government": _l("Government body"),
    "lab": _l("Joint lab"),
}


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in PARTNER_KINDS])


class PartnerUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


QUARTERS = (_l("Q1"), _l("Q2"), _l("Q3"), _l("Q4"))


class IssueReportForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])
    quarter = SelectField(
        _l("Quarter"),
        choices=[SelectChoice(str(q), label) for q, label in enumerate(QUARTERS, start=1)],
        coerce=int,
    )
