"""What a scan's answer tells a door beyond the rule's status (eventreg/checkin/rules.py):
which event a ticket of another event is for, and, at a self check-in kiosk, the names of
the party whose ticket was scanned (a kiosk's list has no names).

Neither decides anything: the scan was already recorded by eventreg/checkin/scanning.py.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.checkin.door_list import party_of
from eventreg.checkin.models import DoorAccess
from eventreg.events.models import Event
from eventreg.tickets.service import verify_ticket_token
from eventreg.tickets.signing import InvalidTicketToken


@dataclass(frozen=True)
class TicketEvent:
    """The event a ticket of another event is for, as a door may be told it."""

    title: dict
    starts_at: datetime
    timezone: str


def ticket_event(session: Session, door: DoorAccess, qr: str | None) -> TicketEvent | None:
    """The event `qr` is a ticket for, when it is another event of the door's own
    organisation and the ticket's signature verifies; None for anything else (no ticket,
    a forgery, this door's event, or an event of another organisation: a door never
    learns of other organisations' events)."""
    if not qr:
        return None
    try:
        claims = verify_ticket_token(session, qr)
    except InvalidTicketToken:
        return None
    if claims.event_id == door.event_id:
        return None
    row = session.execute(
        select(Event.title, Event.starts_at, Event.timezone).where(
            Event.id == claims.event_id,
            Event.organisation_id == door.event.organisation_id)
    ).one_or_none()
    return TicketEvent(*row) if row is not None else None


@dataclass(frozen=True)
class PartyMember:
    """One person of the scanned ticket's party, as a kiosk shows them."""

    id: int
    name: str
    age_group: str | None
    #: When they came in at this door's place (None: not yet, or out again).
    checked_in_at: datetime | None


def kiosk_party(session: Session, door: DoorAccess, attendee_id: int | None,
                activity_id: int | None) -> list[PartyMember] | None:
    """The scanned attendee's party for a kiosk's welcome (its own people only, with a
    valid ticket), inside or not at the place; None at a volunteer's door, whose list
    has the names already, or for a code that named nobody."""
    if not door.kiosk or attendee_id is None:
        return None
    members = []
    for row in party_of(session, door, attendee_id):
        place = row if activity_id is None else next(
            (state for state in row.activities if state.activity_id == activity_id), None)
        inside = place is not None and place.checked_in_at is not None and place.left_at is None
        members.append(PartyMember(row.id, row.name, row.age_group,
                                   place.checked_in_at if inside else None))
    return members
