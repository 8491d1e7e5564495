"""The organiser's form for making a door access."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from eventreg.events.models import Event
from eventreg.i18n import localized


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DoorAccessForm(FlaskForm):
    name = StringField(_l("Door name"), description=_l("E.g. Main gate, Doll-making tent."))
    activities = CheckboxesField(_l("Only for these activities"), coerce=int)
    records_exits = BooleanField(_l("This door also records people going out"))

    def __init__(self, event: Event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.activities.choices = [
            (activity.id, localized(activity.title)) for activity in event.activities
        ]
