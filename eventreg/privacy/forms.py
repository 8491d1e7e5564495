"""Forms of the data-protection pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired

ENTER_DAYS = _l("Enter a number of days.")


class RetentionForm(FlaskForm):
    retention_days = IntegerField(
        _l("Delete people's data this many days after an event ends"),
        validators=[InputRequired(ENTER_DAYS)])
    cancelled_retention_days = IntegerField(
        _l("…and this many days after a cancellation or leaving a waiting list"),
        validators=[InputRequired(ENTER_DAYS)])
