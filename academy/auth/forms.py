from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from academy.auth.models import ROLES
from academy.forms import choices
from academy.templating import LABELS


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
        choices=choices((r, LABELS[r]) for r in ROLES),
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


# --- Self-service: sign-up, password links, profile -------------------------------------

_KIND_CHOICES = [("professional", _l("Professional")), ("student", _l("University student"))]
_REGION_CHOICES = [
    ("shenzhen", _l("Shenzhen")),
    ("hong_kong", _l("Hong Kong")),
    ("other", _l("Elsewhere")),
]


class SignupForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    kind = SelectField(_l("I am a"), choices=choices(_KIND_CHOICES))
    region = SelectField(_l("Where I work or study"), choices=choices(_REGION_CHOICES))
    organisation = StringField(
        _l("Employer or university (optional)"), validators=[Optional(), Length(max=200)]
    )
    consent_share = BooleanField(_l("Partner organisations may see my name and courses completed"))
    submit = SubmitField(_l("Create an account"))


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send the link"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set the password"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=[])
    consent_share = BooleanField(_l("Partner organisations may see my name and courses completed"))
    # Own ids: the profile page shows this form beside ChangePasswordForm.
    submit = SubmitField(_l("Save"), id="save-profile")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=200)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"), id="change-password")
