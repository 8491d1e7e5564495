"""Attendance from a paper sign-in sheet, typed in by an organiser after the event.

Each line of the sheet is a person who came: registered as a walk-in of one and checked in
at the event's start through the event's sign-in-sheet door, so the dashboard, the exports
and the programme report count them like anyone admitted at the door. That door is
switched off when it is made: it has no link anyone could use. People consent by signing
under the privacy notice printed on the sheet; the event's questions are not on the sheet.

The page that sends a sheet gives it an id, and each line's registration is made with an
id of its own from it: sending the same sheet again (a double click, the Back button)
records every line once. A sheet is recorded whole or not at all.
"""

import re
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organiser
from eventreg.audit.service import record
from eventreg.checkin.doors import create_door_access
from eventreg.checkin.everyone_out import EVERYONE_OUT_DOOR
from eventreg.checkin.models import DoorAccess
from eventreg.checkin.walk_ins import register_walk_in
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.models import Event
from eventreg.registrations.service import (
    WALK_IN_STATUSES,
    AttendeeRequest,
    RegistrationRequest,
    validate_registration,
)

#: The name of the door that paper sign-in sheets are entered through, as stored; pages
#: show it in their own language (`door_name`).
SIGN_IN_SHEET_DOOR = "Sign-in sheet"
#: What a sheet's id may look like (the page makes one at random).
SHEET_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def enter_sign_in_sheet(session: Session, organiser: Organiser, event: Event,
                        people: list[AttendeeRequest], *, sheet_id: str,
                        language: str = "en", now: datetime | None = None) -> int:
    """Record the people of a filled-in sign-in sheet of the organiser's `event` as
    attendance, all or nothing, in the caller's unit of work; returns how many lines it
    holds.

    `people` are the sheet's lines in order; lines without a name are skipped. The event
    must be published or closed (Conflict `registration_closed`). Every line is checked
    first, as a walk-in would be (ValidationFailed with fields `rows.N.<field>`). Then each
    line takes its place through the same capacity rule as any registration: a line with
    no room left (Conflict `event_full` or `activity_full`) refuses the whole sheet, naming
    the line, and the caller's unit of work keeps none of it.
    """
    if not SHEET_ID.match(sheet_id or ""):
        raise ValidationFailed(_l("This page is out of date: open it again."),
                               fields={"sheet_id": _l("This page is out of date: open it again.")})
    if event.status not in WALK_IN_STATUSES:
        raise Conflict(_l("Publish the event first (you can close its registration): people "
                          "are recorded only for a published or closed event."),
                       reason="registration_closed")
    lines = [(index, person) for index, person in enumerate(people)
             if (person.name or "").strip()]
    if not lines:
        raise ValidationFailed(_l("Type in at least one name from the sheet."),
                               fields={"rows": _l("Type in at least one name from the sheet.")})
    errors = {}
    for index, person in lines:
        try:
            validate_registration(event, _line(person, sheet_id, index, language),
                                  phone_region=None, walk_in=True)  # a sheet has no phones
        except ValidationFailed as refusal:
            errors.update({field.replace("attendees.0", f"rows.{index}", 1): message
                           for field, message in refusal.fields.items()})
    if errors:
        raise ValidationFailed(_l("Please correct the marked lines; nothing was saved."),
                               fields=errors)
    places_left = event.places_left  # for the message only: the database decides
    door = _sign_in_sheet_door(session, organiser, event)
    new_lines = 0
    for index, person in lines:
        try:
            walk_in = register_walk_in(session, door, _line(person, sheet_id, index, language),
                                       phone_region=None, scanned_at=event.starts_at, now=now)
        except Conflict as refusal:
            raise _sheet_refused(refusal, index, len(lines), places_left) from refusal
        new_lines += walk_in.is_new
    if new_lines:
        record(session, organisation_id=event.organisation_id, event_id=event.id,
               by=organiser, action="sign_in_sheet.entered", target=str(new_lines),
               details={"people": new_lines, "sheet": sheet_id})
    return len(lines)


def _sheet_refused(refusal: Conflict, index: int, lines: int,
                   places_left: int | None) -> Conflict:
    """The refusal of a whole sheet for one of its lines, saying which and why."""
    if refusal.reason == "event_full":
        reason = _l("there is no room left for it (places left before this sheet: "
                    "%(left)d, people on the sheet: %(count)d). Raise the event's capacity "
                    "first.", left=places_left or 0, count=lines)
    elif refusal.reason == "client_id_reused":
        reason = _l("it was recorded before as first typed; correct it on the registrations "
                    "page.")
    else:
        reason = refusal.message
    return Conflict(_l("Line %(line)d was refused: %(reason)s Nothing from this sheet was "
                       "saved.", line=index + 1, reason=reason),
                    reason=refusal.reason, fields={f"rows.{index}": reason})


def door_name(name: str) -> str:
    """A door's name as pages show it: the sign-in sheets' door and the "everyone out"
    one are named in the page's language, every other door as its organiser named it."""
    if name == EVERYONE_OUT_DOOR:
        return _("Everyone out")
    return _("Sign-in sheet") if name == SIGN_IN_SHEET_DOOR else name


def _line(person: AttendeeRequest, sheet_id: str, index: int,
          language: str) -> RegistrationRequest:
    return RegistrationRequest(attendees=[person], consent=True, language=language,
                               client_id=_client_id(sheet_id, index))


def _client_id(sheet_id: str, index: int) -> str:
    return f"sheet-{sheet_id}-{index}"


def _sign_in_sheet_door(session: Session, organiser: Organiser, event: Event) -> DoorAccess:
    door = session.scalar(select(DoorAccess).where(DoorAccess.event_id == event.id,
                                                   DoorAccess.for_sign_in_sheets,
                                                   DoorAccess.name == SIGN_IN_SHEET_DOOR))
    if door is None:
        door, _token = create_door_access(session, event, SIGN_IN_SHEET_DOOR, by=organiser,
                                          for_sign_in_sheets=True, created_at=event.starts_at)
    return door
