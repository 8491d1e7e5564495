"""Forms of the organiser account pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from eventreg.accounts.models import SMALL_CELL_THRESHOLDS
from eventreg.accounts.passwords import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class TeamMemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name."))])
    email = EmailField(_l("Email"),
                       validators=[DataRequired(_l("Enter a valid email address."))])
    password = PasswordField(
        _l("First password (they can sign in with it; give it to them in person)"),
        validators=[DataRequired(_l("Use a password of at least %(count)d characters.",
                                    count=MIN_PASSWORD_LENGTH))],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("organiser", _l("Organiser: runs events")),
                 SelectChoice("admin", _l("Admin: runs events and adds people"))],
    )


class ReportSettingsForm(FlaskForm):
    small_cell_threshold = IntegerField(
        _l("Hide any figure of fewer people than"),
        validators=[InputRequired(_l("Enter a whole number."))],
        render_kw={"min": SMALL_CELL_THRESHOLDS.start, "max": SMALL_CELL_THRESHOLDS.stop - 1},
    )


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("What is this token for?"),
        validators=[DataRequired(_l("Give the token a name.")), Length(max=100)],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    new_password = PasswordField(
        _l("New password (at least %(count)d characters; a few unrelated words are good)",
           count=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(_l("Enter a new password."))])
    repeat_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(_l("Type the new password again.")),
                    EqualTo("new_password", _l("The two new passwords are not the same."))])
