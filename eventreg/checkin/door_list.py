"""What a door sees: the event's attendees, the least needed to welcome them and to decide
scans while offline with the same rule as the server (static/js/door/rules.js).

For each attendee: name, party, ticket code, when the ticket was cancelled (a scan made
before it still counts), whether to mark them "no photos" (eventreg/consents/service.py's
`no_photos`), the note for the door (only a door of the attendee's own event ever sees
it), a child's open pick-up code at each workshop that asks them (eventreg/checkin/
pickup.py), and for the entrance and each chosen activity the state and the scans the
rule replays there (with the door that made each, and the check-ins at activities' doors
that count at the entrance).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.checkin import rules
from eventreg.checkin.models import Checkin, DoorAccess, PickupCode
from eventreg.consents.service import without_photo_consent
from eventreg.database import utcnow
from eventreg.registrations.models import Attendee, attendee_activities

#: Changes are re-sent for this long before a cursor, so a transaction that committed late
#: is never missed by a door's list (doors merge rows by id).
CHANGES_OVERLAP = timedelta(seconds=30)


@dataclass(frozen=True)
class PlaceScan:
    """One scan the rule replays at a place."""

    action: str
    at: datetime
    #: The door that made it: its name to show, its id to tell it from another door of the
    #: same name (the undo window is the admitting door's own).
    door: str
    door_id: int
    #: A check-in at an activity's door, counted at the entrance.
    implied: bool = False
    #: An override's or an undo's reason (the rule replays an overridden check-in as an
    #: admission of its own).
    reason: str | None = None


@dataclass(frozen=True)
class ActivityState:
    activity_id: int
    checked_in_at: datetime | None
    left_at: datetime | None
    scans: list[PlaceScan] = field(default_factory=list)
    #: The child's open pick-up code here (a workshop that asks them), or None.
    pickup_code: str | None = None


@dataclass(frozen=True)
class DoorAttendee:
    """One row of a door's attendee list."""

    id: int
    party_id: int
    name: str
    ticket_code: str
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    checked_in_door: str | None
    left_at: datetime | None
    activities: list[ActivityState]
    #: The scans replayed at the entrance.
    scans: list[PlaceScan] = field(default_factory=list)
    #: The event asks photo consent and this person has none that holds: no photos.
    no_photos: bool = False
    #: "child" or "adult" (see `age_group_of`), None when the event asks neither.
    age_group: str | None = None
    #: The note for the door, empty for none (and at a kiosk).
    door_note: str = ""

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


@dataclass(frozen=True)
class AttendeeChanges:
    attendees: list[DoorAttendee]
    #: Pass it back as `since` to get only what changed after this list.
    cursor: datetime
    #: False when only changes since a cursor were sent.
    complete: bool


def attendee_changes(session: Session, door: DoorAccess, *, since: datetime | None = None,
                     now: datetime | None = None) -> AttendeeChanges:
    """The attendees a door may see (all, or those changed since `since`), in party order.

    An activity's door sees only the attendees who chose (one of) its activities; a kiosk
    door sees no names and no ticket codes (both empty strings).
    """
    cursor = now or utcnow()
    query = _door_query(door)
    if since is not None:
        query = query.where(Attendee.changed_at > since - CHANGES_OVERLAP)
    return AttendeeChanges(
        attendees=_door_attendees(session, door, query, with_names=not door.kiosk),
        cursor=cursor,
        complete=since is None,
    )


def party_of(session: Session, door: DoorAccess, attendee_id: int) -> list[DoorAttendee]:
    """The party (registration) of one of the event's attendees as the door's list has it,
    names included: what a kiosk shows the family that scanned a ticket, and nobody else.
    Only the people with a valid ticket (and, at an activity's door, who chose it)."""
    registration_id = session.scalar(select(Attendee.registration_id).where(
        Attendee.id == attendee_id, Attendee.event_id == door.event_id))
    if registration_id is None:
        return []
    query = _door_query(door).where(Attendee.registration_id == registration_id,
                                    Attendee.cancelled_at.is_(None))
    return _door_attendees(session, door, query, with_names=True)


def _door_query(door: DoorAccess):
    query = (
        select(Attendee.id, Attendee.registration_id, Attendee.name, Attendee.ticket_code,
               Attendee.cancelled_at, Attendee.checked_in_at, Attendee.checked_in_door_id,
               Attendee.left_at, Attendee.age_group, Attendee.birth_year,
               Attendee.door_note)
        .where(Attendee.event_id == door.event_id)
        .order_by(Attendee.registration_id, Attendee.position, Attendee.id)
    )
    door_activity_ids = [activity.id for activity in door.activities]
    if door_activity_ids:
        choice = attendee_activities.c
        query = query.where(select(choice.attendee_id).where(
            choice.attendee_id == Attendee.id, choice.activity_id.in_(door_activity_ids)
        ).exists())
    return query


def _door_attendees(session: Session, door: DoorAccess, query, *,
                    with_names: bool) -> list[DoorAttendee]:
    rows = session.execute(query).all()
    ids = [row.id for row in rows]
    door_names = _door_names(session, door.event_id)
    choices, scans = _choices(session, ids), _scans(session, ids, door_names)
    unphotographed = without_photo_consent(session, door.event, ids)
    event_year = door.event.starts_at.year
    # A kiosk's screen is for everyone passing: no notes, no pick-up codes; and a child's
    # code goes to the doors of the workshop that made it only.
    door_activity_ids = [activity.id for activity in door.activities]
    pickup_codes = (_pickup_codes(session, ids, door_activity_ids)
                    if with_names and door_activity_ids else {})
    return [
        DoorAttendee(
            id=row.id, party_id=row.registration_id,
            name=row.name if with_names else "",
            ticket_code=row.ticket_code if with_names else "",
            cancelled_at=row.cancelled_at,
            checked_in_at=row.checked_in_at,
            checked_in_door=door_names.get(row.checked_in_door_id),
            left_at=row.left_at,
            activities=[ActivityState(activity_id, checked_in_at, left_at,
                                      scans[row.id, activity_id],
                                      pickup_codes.get((row.id, activity_id)))
                        for activity_id, checked_in_at, left_at in choices[row.id]],
            scans=scans[row.id, None],
            no_photos=row.id in unphotographed,
            age_group=age_group_of(row.age_group, row.birth_year, event_year),
            door_note=row.door_note if with_names else "",
        )
        for row in rows
    ]


#: Under this age in the event's year, a person given by year of birth counts as a child.
ADULT_FROM_AGE = 18


def age_group_of(age_group: str | None, birth_year: int | None, event_year: int) -> str | None:
    """"child" or "adult" as the registration said it, or as the year of birth makes it in
    the event's year (turning 18 that year counts as an adult); None when neither is known."""
    if age_group in ("child", "adult"):
        return age_group
    if birth_year is None:
        return None
    return "child" if event_year - birth_year < ADULT_FROM_AGE else "adult"


def _choices(session: Session, ids: list[int]) -> dict[int, list[tuple]]:
    choices: dict[int, list[tuple]] = defaultdict(list)
    choice = attendee_activities.c
    for chunk in _chunks(ids, 500):
        for row in session.execute(
            select(choice.attendee_id, choice.activity_id, choice.checked_in_at, choice.left_at)
            .where(choice.attendee_id.in_(chunk)).order_by(choice.activity_id)
        ):
            choices[row.attendee_id].append((row.activity_id, row.checked_in_at, row.left_at))
    return choices


def _scans(session: Session, ids: list[int], door_names: dict[int, str]
           ) -> dict[tuple[int, int | None], list[PlaceScan]]:
    """Each attendee's replayed scans per place (attendee id, activity id or None), in the
    order they were made; activities' check-ins also at the entrance, as implied."""
    scans: dict[tuple[int, int | None], list[PlaceScan]] = defaultdict(list)
    for chunk in _chunks(ids, 500):
        for row in session.execute(
            select(Checkin.attendee_id, Checkin.activity_id, Checkin.action, Checkin.scanned_at,
                   Checkin.door_access_id, Checkin.outcome, Checkin.reason)
            .where(Checkin.attendee_id.in_(chunk), Checkin.status.in_(rules.REPLAYED))
            .order_by(Checkin.scanned_at, Checkin.id)
        ):
            door = door_names.get(row.door_access_id, "")
            scans[row.attendee_id, row.activity_id].append(
                PlaceScan(row.action, row.scanned_at, door, row.door_access_id,
                          reason=row.reason))
            if (row.activity_id is not None and row.action == rules.CHECK_IN
                    and row.outcome == rules.ScanStatus.CHECKED_IN):
                scans[row.attendee_id, None].append(
                    PlaceScan(row.action, row.scanned_at, door, row.door_access_id,
                              implied=True))
    for place in scans.values():
        place.sort(key=lambda scan: scan.at)
    return scans


def _pickup_codes(session: Session, ids: list[int],
                  activity_ids: list[int]) -> dict[tuple[int, int], str]:
    """Open pick-up codes at these activities, by (attendee id, activity id)."""
    codes: dict[tuple[int, int], str] = {}
    for chunk in _chunks(ids, 500):
        for row in session.execute(
            select(PickupCode.attendee_id, PickupCode.activity_id, PickupCode.code)
            .where(PickupCode.attendee_id.in_(chunk), PickupCode.picked_up_at.is_(None),
                   PickupCode.activity_id.in_(activity_ids))
        ):
            codes[row.attendee_id, row.activity_id] = row.code
    return codes


def _door_names(session: Session, event_id: int) -> dict[int, str]:
    return dict(session.execute(
        select(DoorAccess.id, DoorAccess.name).where(DoorAccess.event_id == event_id)
    ).all())


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
