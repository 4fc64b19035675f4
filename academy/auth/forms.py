from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from academy.auth.models import ROLES
from academy.forms import choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=choices((r, r) for r in ROLES),
        validators=[DataRequired()],
    )
    kind = SelectField(
        _l("Trainee kind"),
        choices=choices(
            [("professional", _l("Professional")), ("student", _l("University student"))]
        ),
    )
    region = SelectField(
        _l("Region"),
        choices=choices(
            [("shenzhen", _l("Shenzhen")), ("hong_kong", _l("Hong Kong")), ("other", _l("Other"))]
        ),
    )
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    partner_id = IntegerField(_l("Partner id (partner users)"), validators=[Optional()])
    submit = SubmitField(_l("Create user"))


class TokenForm(FlaskForm):
    name = StringField(_l("Label"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Create token"))
