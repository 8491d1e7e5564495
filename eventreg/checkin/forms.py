"""Organiser forms for doors: making a door access, and reading a typed-in sign-in sheet."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.fields.choices import SelectChoice

from eventreg.events.models import Event
from eventreg.forms import CheckboxesField
from eventreg.i18n import localized
from eventreg.registrations.service import AttendeeRequest


class DoorAccessForm(FlaskForm):
    name = StringField(_l("Door name"), description=_l("E.g. Main gate, Doll-making tent."))
    activities = CheckboxesField(_l("Only for these activities"), coerce=int)
    records_exits = BooleanField(_l("This door also records people going out"))
    kiosk = BooleanField(
        _l("Self check-in kiosk"),
        description=_l("For a tablet at the entrance: families scan their own tickets and "
                       "see their own welcome. It shows no other names, and cannot search, "
                       "undo or register walk-ins."),
    )

    def __init__(self, event: Event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.activities.choices = [
            SelectChoice(activity.id, localized(activity.title)) for activity in event.activities
        ]


def parse_sign_in_sheet(values, rows: int) -> list[AttendeeRequest]:
    """A typed-in sign-in sheet's `rows` lines as posted, in order; no rule is checked
    here (eventreg/checkin/sign_in_sheets.py skips lines left empty)."""
    people = []
    for index in range(rows):
        prefix = f"rows.{index}"
        people.append(AttendeeRequest(
            name=values.get(f"{prefix}.name", ""),
            age_group="child" if values.get(f"{prefix}.child") else "adult",
            birth_year=values.get(f"{prefix}.birth_year") or None,
            sex=values.get(f"{prefix}.sex") or None,
        ))
    return people
