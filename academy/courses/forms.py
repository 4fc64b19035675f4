from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SearchField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from academy.forms import choices

LEVEL_CHOICES = [
    ("", _l("Any level")),
    ("beginner", _l("Beginner")),
    ("intermediate", _l("Intermediate")),
    ("advanced", _l("Advanced")),
]
LANGUAGE_CHOICES = [
    ("", _l("Any language")),
    ("en", "English"),
    ("zh-Hans", "简体中文"),
    ("zh-Hant", "繁體中文"),
]
DELIVERY_CHOICES = [
    ("", _l("Any delivery")),
    ("online", _l("Online")),
    ("shenzhen", _l("Shenzhen")),
    ("hong_kong", _l("Hong Kong")),
    ("hybrid", _l("Hybrid")),
]


class CatalogueFilterForm(FlaskForm):
    """Read from the query string; a filter changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    track = SelectField(_l("Track"), choices=[], default="")
    level = SelectField(_l("Level"), choices=choices(LEVEL_CHOICES), default="")
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES), default="")
    delivery = SelectField(_l("Delivery"), choices=choices(DELIVERY_CHOICES), default="")
    open_seats = BooleanField(_l("Only with seats left"))
    submit = SubmitField(_l("Filter"))


class JoinForm(FlaskForm):
    cohort_id = HiddenField()
    invite_code = StringField(_l("Invite code"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Join"))
