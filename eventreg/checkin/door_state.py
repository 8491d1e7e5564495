"""Each door's state for the organisers: whether its phone is online, when it last
uploaded scans made offline, and how many scans it still holds.

The phone says how many scans it holds in a header on every API call (`HELD_HEADER`,
static/js/door/sync.js). Recording it must cost a scan next to nothing, so a door's contact
is written at most once every CONTACT_EVERY, or sooner only when the number of scans held
changed; an upload is written with the upload, in its own unit of work.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eventreg.checkin.models import DoorAccess
from eventreg.events.models import Event

#: The request header in which a door's phone says how many scans it still holds.
HELD_HEADER = "X-Door-Scans-Held"
#: No phone holds more (the offline queue is uploaded in batches of 200).
MAX_HELD = 100_000
#: A door's contact is written at most this often while the number held stays the same.
CONTACT_EVERY = timedelta(seconds=30)
#: A door whose phone called within this long is shown online (it syncs every few seconds
#: while the page is open).
ONLINE_WITHIN = timedelta(minutes=3)


def scans_held(header_value: str | None) -> int | None:
    """The number of scans a phone says it holds, or None when it did not say (an older
    page, another program) or said something that is not a count."""
    value = (header_value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        return None
    held = int(value)
    return held if held <= MAX_HELD else None


def contact_due(door: DoorAccess, held: int | None, now: datetime) -> bool:
    """Whether this call's contact should be written: none written for CONTACT_EVERY, or
    the phone holds another number of scans than last written. Reads only the loaded row."""
    last = door.last_contact_at
    if last is None or now - last >= CONTACT_EVERY or now < last:
        return True
    return held is not None and held != door.scans_held


def note_contact(session: Session, door_id: int, held: int | None, now: datetime) -> None:
    """Write that the door's phone called at `now`, holding `held` scans (kept as it was
    when the phone did not say)."""
    values = {"last_contact_at": now}
    if held is not None:
        values["scans_held"] = held
    session.execute(update(DoorAccess).where(DoorAccess.id == door_id).values(**values))


def note_upload(session: Session, door_id: int, now: datetime) -> None:
    """Write that the door's phone uploaded scans made offline at `now` (a contact too)."""
    session.execute(update(DoorAccess).where(DoorAccess.id == door_id).values(
        last_upload_at=now, last_contact_at=now))


@dataclass(frozen=True)
class DoorState:
    """A door as the dashboard shows it."""

    id: int
    name: str
    #: The phone called within ONLINE_WITHIN.
    online: bool
    last_contact_at: datetime | None
    last_upload_at: datetime | None
    #: Scans the phone still held at its last contact; None when it never said.
    scans_held: int | None
    #: The link was switched off (it may still hand in what it holds).
    switched_off: bool


def door_states(session: Session, event: Event, now: datetime) -> list[DoorState]:
    """The event's door links (not the sign-in sheets' door), most recently heard from
    first, then those never heard from, by name."""
    doors = session.scalars(
        select(DoorAccess)
        .where(DoorAccess.event_id == event.id, DoorAccess.for_sign_in_sheets.is_(False))
    ).all()
    states = [DoorState(
        id=door.id, name=door.name,
        online=door.last_contact_at is not None and now - door.last_contact_at <= ONLINE_WITHIN,
        last_contact_at=door.last_contact_at, last_upload_at=door.last_upload_at,
        scans_held=door.scans_held, switched_off=door.revoked_at is not None,
    ) for door in doors]
    return sorted(states, key=lambda state: (state.last_contact_at is None,
                                             -(state.last_contact_at.timestamp()
                                               if state.last_contact_at else 0), state.name))
