"""Attendance from a paper sign-in sheet, typed in by an organiser after the event.

Each line of the sheet is a person who came: registered as a walk-in of one and checked in
through the event's "Sign-in sheet" door, so the dashboard, the exports and the programme
report count them like anyone admitted at the door. That door is switched off when it is
made: it has no link anyone could use. People consent by signing under the privacy notice
printed on the sheet.
"""

import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organiser
from eventreg.audit.service import record
from eventreg.checkin.doors import create_door_access, revoke_door_access
from eventreg.checkin.models import DoorAccess
from eventreg.checkin.service import register_walk_in
from eventreg.database import write_transaction
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.models import Event
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    validate_registration,
)

#: The name of the door that paper sign-in sheets are entered through.
SIGN_IN_SHEET_DOOR = "Sign-in sheet"


def enter_sign_in_sheet(session: Session, organiser: Organiser, event: Event,
                        people: list[AttendeeRequest], *, language: str = "en",
                        now: datetime | None = None) -> int:
    """Record the people of a filled-in sign-in sheet of the organiser's `event` as
    attendance; returns how many.

    `people` are the sheet's rows in order; rows without a name are skipped. Every row is
    checked first, as the event's form would check it (ValidationFailed with fields
    `rows.N.<field>`), and the event must have room for all of them (Conflict
    `event_full`): otherwise nothing is stored.
    """
    rows = [(index, person) for index, person in enumerate(people)
            if (person.name or "").strip()]
    if not rows:
        raise ValidationFailed(_l("Type in at least one name from the sheet."),
                               fields={"rows": _l("Type in at least one name from the sheet.")})
    errors = {}
    for index, person in rows:
        try:
            validate_registration(event, _one_person(person, language))
        except ValidationFailed as refusal:
            errors.update({field.replace("attendees.0", f"rows.{index}", 1): message
                           for field, message in refusal.fields.items()})
    if errors:
        raise ValidationFailed(_l("Please correct the marked rows; nothing was saved."),
                               fields=errors)
    if event.places_left is not None and event.places_left < len(rows):
        raise Conflict(_l("The event has %(left)d places left for %(count)d people. Raise its "
                          "capacity first.", left=event.places_left, count=len(rows)),
                       reason="event_full")
    door = _sign_in_sheet_door(session, organiser, event)
    for _index, person in rows:
        register_walk_in(session, door, _one_person(person, language), now=now)
    with write_transaction(session):
        record(session, organisation_id=event.organisation_id, event_id=event.id, by=organiser,
               action="sign_in_sheet.entered", target=str(len(rows)),
               details={"people": len(rows)})
    return len(rows)


def _one_person(person: AttendeeRequest, language: str) -> RegistrationRequest:
    return RegistrationRequest(attendees=[person], consent=True, language=language,
                               client_id=f"sheet-{uuid.uuid4().hex}")


def _sign_in_sheet_door(session: Session, organiser: Organiser, event: Event) -> DoorAccess:
    door = session.scalar(select(DoorAccess).where(DoorAccess.event_id == event.id,
                                                   DoorAccess.name == SIGN_IN_SHEET_DOOR))
    if door is None:
        door, _token = create_door_access(session, event, SIGN_IN_SHEET_DOOR, by=organiser)
        revoke_door_access(session, door, by=organiser)  # a name in the figures, never a link
    return door
