"""The rules of checking people in at the door, out again, and undoing a mistake.

`check_in` is the one place that decides what a scan means; the scanner page, the API and
the upload of scans made offline all call it. It never raises for a refused scan: every
scan gets an answer (`CheckinResult.status`) and a row in the log, so a door's retry, and
the audit, see exactly what happened.

Whether someone is in follows from their scans, replayed in the order they were made
(`_replay_scans`): the first check-in admits, a later one is a duplicate unless they went
out in between, an undo takes back the last admission. A scan uploaded late (made offline)
takes its place in that order, so the earliest scan of a ticket is its check-in whichever
door uploaded first, and the answers of the other scans are corrected in the log.

Races are decided by the database: each scan runs in a write transaction that first locks
the attendee's row (`SELECT ... FOR UPDATE` on PostgreSQL, the write lock of `BEGIN
IMMEDIATE` on SQLite). A live scan is timed by the server after that lock, so of two doors
scanning the same ticket at the same instant, the one that got the lock first admits.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, bindparam, cast, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventreg.checkin.models import (
    ACTION_CHECK_IN,
    ACTION_CHECK_OUT,
    ACTION_UNDO,
    ACTIONS,
    Checkin,
    DoorAccess,
)
from eventreg.database import utcnow
from eventreg.errors import ValidationFailed
from eventreg.events.models import STATUS_CANCELLED, Event
from eventreg.i18n import localized
from eventreg.registrations import service as registrations
from eventreg.registrations.models import Attendee, Registration, attendee_activities
from eventreg.tickets.service import verify_ticket_token
from eventreg.tickets.signing import InvalidTicketToken

# What a scan can come to. The first group admits or records; the rest refuse.
CHECKED_IN = "checked_in"
ALREADY_CHECKED_IN = "already_checked_in"
CHECKED_OUT = "checked_out"
ALREADY_CHECKED_OUT = "already_checked_out"
NOT_CHECKED_IN = "not_checked_in"
UNDONE = "undone"
CANCELLED = "cancelled"
EVENT_CANCELLED = "event_cancelled"
WRONG_EVENT = "wrong_event"
WRONG_ACTIVITY = "wrong_activity"
INVALID = "invalid"
UNKNOWN = "unknown"
#: Every answer a scan can get (CheckinResult.status), and what the door should show; the
#: API document lists them from here.
CHECKIN_STATUSES = {
    CHECKED_IN: "Welcome: admitted now (also when coming back after going out).",
    ALREADY_CHECKED_IN: "Came in before: `checked_in_at` and `checked_in_door` say when and "
    "where. In a batch upload, also a later duplicate of another door's earlier scan.",
    CHECKED_OUT: "Went out (doors that record exits).",
    ALREADY_CHECKED_OUT: "Was already out.",
    NOT_CHECKED_IN: "Cannot go out or be undone: not checked in.",
    UNDONE: "The check-in was undone.",
    CANCELLED: "The ticket was cancelled.",
    EVENT_CANCELLED: "The event was cancelled.",
    WRONG_EVENT: "A real ticket of another event.",
    WRONG_ACTIVITY: "The attendee did not choose this door's activity.",
    INVALID: "Not a ticket: unreadable, forged or altered (in a batch upload, also an item "
    "this door cannot take, e.g. an activity it does not serve).",
    UNKNOWN: "No such attendee at this event.",
}

#: Answers that come from replaying a place's scans (the rest refuse a scan outright).
REPLAYED_STATUSES = (CHECKED_IN, ALREADY_CHECKED_IN, CHECKED_OUT, ALREADY_CHECKED_OUT,
                     NOT_CHECKED_IN, UNDONE)
#: A scan sent to POST /checkins this long after it was made counts as an offline upload.
LIVE_WINDOW = timedelta(minutes=1)
#: Changes are re-sent for this long before a cursor, so a transaction that committed late
#: is never missed by a door's list (doors merge rows by id).
CHANGES_OVERLAP = timedelta(seconds=30)
MAX_CLIENT_ID_LENGTH = 64


@dataclass
class CheckinRequest:
    """One scan or manual check-in, as a door sends it."""

    #: Id the door made for this scan; sending it again returns the first answer.
    client_id: str
    action: str = ACTION_CHECK_IN
    #: The ticket's QR token, or, for a look-up by hand, `attendee_id`.
    qr: str | None = None
    attendee_id: int | None = None
    #: The activity whose door this is; None for the event's entrance.
    activity_id: int | None = None
    #: When the door scanned it; None means now.
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class AttendeeSummary:
    """What a door may see of an attendee: the least needed to welcome them."""

    id: int
    name: str
    ticket_code: str
    #: The registration the attendee came with, and how many in it hold valid tickets.
    party_id: int
    party_size: int
    activity_ids: list[int]
    cancelled: bool


@dataclass(frozen=True)
class CheckinResult:
    client_id: str
    action: str
    status: str
    scanned_at: datetime
    activity_id: int | None = None
    attendee: AttendeeSummary | None = None
    #: For admitted attendees: when they first came in, and through which door.
    checked_in_at: datetime | None = None
    checked_in_door: str | None = None
    #: True when this answer repeats the first answer to the same client_id.
    replayed: bool = False


@dataclass(frozen=True)
class WalkIn:
    registration: Registration
    results: list[CheckinResult]
    #: False when the request repeated an earlier one (same client_id): nothing new made.
    is_new: bool = True


@dataclass(frozen=True)
class _Door:
    """What the rules need of a door, read once before the transaction (rows loaded
    before it expire when it begins)."""

    id: int
    event_id: int
    name: str
    event_cancelled: bool
    #: The activities this door checks people in to; empty for the event's entrance.
    activity_ids: tuple[int, ...]
    #: No scan of this door can be older than the door itself (a phone's slow clock).
    created_at: datetime

    @classmethod
    def of(cls, door: DoorAccess) -> "_Door":
        return cls(id=door.id, event_id=door.event_id, name=door.name,
                   event_cancelled=door.event.status == STATUS_CANCELLED,
                   activity_ids=tuple(activity.id for activity in door.activities),
                   created_at=door.created_at)


class _Refused(Exception):
    """Internal: the scan is refused with `status`; the log still records it."""

    def __init__(self, status: str, attendee_id: int | None = None):
        super().__init__(status)
        self.status = status
        self.attendee_id = attendee_id


# --- checking in -----------------------------------------------------------------------------


def check_in(
    session: Session,
    door: DoorAccess,
    request: CheckinRequest,
    *,
    earliest_wins: bool = False,
    now: datetime | None = None,
) -> CheckinResult:
    """Do what the door asked (check in, check out or undo) and return the answer.

    Answers for `check_in`: checked_in (also when someone who went out comes back),
    already_checked_in (with when and through which door), cancelled, event_cancelled,
    wrong_event, wrong_activity (the attendee did not choose this door's activity), invalid
    (not a ticket, forged or altered), unknown (no such attendee). For `check_out`:
    checked_out, already_checked_out, not_checked_in. For `undo`: undone, not_checked_in.

    A live scan is timed by the server when it holds the attendee's lock, so the first of
    two doors admits. With `earliest_wins` (scans uploaded after being offline, or sent
    more than LIVE_WINDOW after their `scanned_at`) the scan keeps the door's time, within
    the door's lifetime, and takes its place among the attendee's scans in time order: the
    earliest check-in admits and later ones turn into duplicates (already_checked_in). The
    same `client_id` from the same door has the effect of once. Raises ValidationFailed only
    for a malformed request (no ticket, an activity this door does not serve, an unknown
    action).
    """
    fixed_now = now
    now = now or utcnow()
    activity_id = _door_activity(door, request)
    door = _Door.of(door)
    if request.scanned_at is not None and request.scanned_at < now - LIVE_WINDOW:
        earliest_wins = True
    scanned_at = _scan_time(request.scanned_at, now, door) if earliest_wins else now
    if not earliest_wins and request.action == ACTION_CHECK_IN and activity_id is None:
        first_arrival = _admit_first_arrival(session, door, request, fixed_now)
        if first_arrival is not None:
            return first_arrival
    try:
        with session.begin_nested():
            earlier = _find_checkin(session, door, request.client_id)
            if earlier is not None:
                return _replay(session, door, earlier)
            attendee = None
            try:
                attendee_id = _identify(session, door, request)
                attendee = _lock_attendee(session, door, attendee_id)
                if not earliest_wins:
                    scanned_at = fixed_now or utcnow()  # timed in lock order
                scan = Checkin(
                    door_access_id=door.id, event_id=door.event_id,
                    client_id=request.client_id, action=request.action,
                    attendee_id=attendee_id, activity_id=activity_id, status="",
                    scanned_at=scanned_at, received_at=now,
                )
                status = _apply(session, door, scan, attendee, now)
            except _Refused as refusal:
                status, attendee_id = refusal.status, refusal.attendee_id
                scan = Checkin(
                    door_access_id=door.id, event_id=door.event_id,
                    client_id=request.client_id, action=request.action,
                    attendee_id=attendee_id, activity_id=activity_id, status=status,
                    scanned_at=scanned_at, received_at=now,
                )
            session.add(scan)
            session.flush()
            return _result(session, door, request.client_id, request.action, status,
                           scanned_at, activity_id, attendee)
    except IntegrityError:
        # The same scan arrived twice at once: the other request recorded it first.
        earlier = _find_checkin(session, door, request.client_id)
        if earlier is None:
            raise
        return _replay(session, door, earlier)


def _admit_first_arrival(
    session: Session, door: _Door, request: CheckinRequest, fixed_now: datetime | None
) -> CheckinResult | None:
    """The common case in one conditional UPDATE: a valid ticket's first live scan at the
    entrance. Answers None whenever anything else applies (not a ticket of this event,
    cancelled, already in, a repeated client_id): `check_in` then decides in full. Safe
    because a live scan is the latest scan of its ticket, so the state on the attendee's
    row is all the replay would look at.
    """
    if not request.qr or door.event_cancelled:
        return None
    try:
        claims = verify_ticket_token(session, request.qr)
    except InvalidTicketToken:
        return None
    if claims.event_id != door.event_id:
        return None
    try:
        with session.begin_nested():
            scanned_at = fixed_now or utcnow()
            admitted = session.execute(_first_arrival_update(), {
                "admit_attendee": claims.attendee_id, "admit_event": door.event_id,
                "admit_door": door.id, "admit_time": scanned_at,
            }).one_or_none()
            if admitted is None:
                return None
            session.execute(insert(Checkin.__table__), {
                "door_access_id": door.id, "event_id": door.event_id,
                "client_id": request.client_id, "action": ACTION_CHECK_IN,
                "attendee_id": claims.attendee_id, "activity_id": None, "status": CHECKED_IN,
                "scanned_at": scanned_at, "received_at": scanned_at,
            })
    except IntegrityError:
        return None  # the client_id was used before: `check_in` answers with that scan
    return CheckinResult(
        client_id=request.client_id, action=ACTION_CHECK_IN, status=CHECKED_IN,
        scanned_at=scanned_at,
        attendee=AttendeeSummary(
            id=claims.attendee_id, name=admitted.name, ticket_code=admitted.ticket_code,
            party_id=admitted.registration_id, party_size=admitted.party_size,
            activity_ids=sorted(int(id_) for id_ in (admitted.activity_ids or "").split(",")
                                if id_),
            cancelled=False,
        ),
        checked_in_at=scanned_at, checked_in_door=door.name,
    )


@cache
def _first_arrival_update():
    """UPDATE admitting a valid ticket not yet in, answering who it is (built once: the
    busiest statement at the door)."""
    attendees = Attendee.__table__
    party = attendees.alias("party")
    choice = attendee_activities.c
    return (
        update(attendees)
        .where(attendees.c.id == bindparam("admit_attendee"),
               attendees.c.event_id == bindparam("admit_event"),
               attendees.c.cancelled_at.is_(None), attendees.c.checked_in_at.is_(None))
        .values(checked_in_at=bindparam("admit_time"), checked_in_door_id=bindparam("admit_door"),
                left_at=None, changed_at=bindparam("admit_time"))
        .returning(
            attendees.c.name, attendees.c.ticket_code, attendees.c.registration_id,
            select(func.count(party.c.id)).where(
                party.c.registration_id == attendees.c.registration_id,
                party.c.cancelled_at.is_(None),
            ).scalar_subquery().label("party_size"),
            select(func.aggregate_strings(cast(choice.activity_id, String), ","))
            .where(choice.attendee_id == attendees.c.id)
            .scalar_subquery().label("activity_ids"),
        )
    )


def _party_and_choices(session: Session, attendee_id: int, registration_id: int
                       ) -> tuple[int, list[int]]:
    """How many valid tickets the attendee's party holds, and the activities they chose."""
    party_size = (
        select(func.count(Attendee.id))
        .where(Attendee.registration_id == registration_id, Attendee.cancelled_at.is_(None))
        .scalar_subquery()
    )
    rows = session.execute(
        select(party_size, attendee_activities.c.activity_id)
        .select_from(Attendee)
        .outerjoin(attendee_activities, attendee_activities.c.attendee_id == Attendee.id)
        .where(Attendee.id == attendee_id)
    ).all()
    return rows[0][0], sorted(row[1] for row in rows if row[1] is not None)


def check_in_many(
    session: Session, door: DoorAccess, requests: list[CheckinRequest],
    *, now: datetime | None = None,
) -> list[CheckinResult]:
    """Record scans a door made while offline, in the order they were made.

    Each is its own transaction, so one bad item never loses the others; the earliest scan
    of a ticket wins (see `check_in`). Malformed items come back as `invalid`.
    """
    ordered = sorted(range(len(requests)), key=lambda i: _sort_time(requests[i], now))
    results: dict[int, CheckinResult] = {}
    for index in ordered:
        request = requests[index]
        try:
            results[index] = check_in(session, door, request, earliest_wins=True, now=now)
        except ValidationFailed:
            results[index] = CheckinResult(
                client_id=request.client_id, action=request.action, status=INVALID,
                scanned_at=_sort_time(request, now),
            )
    return [results[index] for index in range(len(requests))]


def register_walk_in(
    session: Session,
    door: DoorAccess,
    request: registrations.RegistrationRequest,
    *,
    phone_region: str | None,
    scanned_at: datetime | None = None,
    now: datetime | None = None,
) -> WalkIn:
    """Register a party at the door and check every attendee in at once (at `scanned_at`,
    within the door's lifetime, when they came earlier than now).

    Sending it again with the same `client_id` registers and checks in once.

    The same capacity rule as online registration applies (Conflict `event_full`,
    `activity_full`); the event may be closed to online registration but not cancelled.
    At an activity's door everyone registered must choose (one of) its activities, and is
    checked in to it; otherwise ValidationFailed, before anything is stored.
    """
    now = now or utcnow()
    _require_door_activity(door, request)
    request.client_id = request.client_id or uuid.uuid4().hex
    outcome = registrations.register(
        session, door.event, request, phone_region=phone_region,
        walk_in=True, now=now,
    )
    registration = outcome.registration
    door_activity_ids = {activity.id for activity in door.activities}
    results = []
    for attendee in registration.active_attendees:
        chosen = [a.id for a in attendee.activities if a.id in door_activity_ids]
        results.append(check_in(session, door, CheckinRequest(
            client_id=f"walk-in-{registration.id}-{attendee.id}",
            attendee_id=attendee.id,
            activity_id=chosen[0] if chosen else None,
            scanned_at=scanned_at,
        ), now=now))
    return WalkIn(registration=registration, results=results, is_new=outcome.is_new)


def _require_door_activity(door: DoorAccess, request: registrations.RegistrationRequest) -> None:
    door_activity_ids = {activity.id for activity in door.activities}
    if not door_activity_ids:
        return
    names = ", ".join(localized(activity.title) for activity in door.activities)
    missing = {
        f"attendees.{index}.activities": _l(
            "Choose %(activities)s: this door checks people in to it.", activities=names)
        for index, person in enumerate(request.attendees)
        if not door_activity_ids & {registrations.as_int(value) for value in person.activity_ids or []}
    }
    if missing:
        raise ValidationFailed(_l("Please correct the marked fields."), fields=missing)


# --- what a door sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityState:
    activity_id: int
    checked_in_at: datetime | None
    left_at: datetime | None


@dataclass(frozen=True)
class DoorAttendee:
    """One row of a door's attendee list: the least a door needs to decide offline."""

    id: int
    party_id: int
    name: str
    ticket_code: str
    cancelled: bool
    checked_in_at: datetime | None
    checked_in_door: str | None
    left_at: datetime | None
    activities: list[ActivityState]


@dataclass(frozen=True)
class AttendeeChanges:
    attendees: list[DoorAttendee]
    #: Pass it back as `since` to get only what changed after this list.
    cursor: datetime
    #: False when only changes since a cursor were sent.
    complete: bool


def attendee_changes(
    session: Session, door: DoorAccess, *, since: datetime | None = None,
    now: datetime | None = None,
) -> AttendeeChanges:
    """The attendees a door may see (all, or those changed since `since`), in party order.

    An activity's door sees only the attendees who chose (one of) its activities.
    """
    cursor = now or utcnow()
    door_activity_ids = [activity.id for activity in door.activities]
    query = (
        select(Attendee.id, Attendee.registration_id, Attendee.name, Attendee.ticket_code,
               Attendee.cancelled_at, Attendee.checked_in_at, Attendee.checked_in_door_id,
               Attendee.left_at)
        .where(Attendee.event_id == door.event_id)
        .order_by(Attendee.registration_id, Attendee.position, Attendee.id)
    )
    if since is not None:
        query = query.where(Attendee.changed_at > since - CHANGES_OVERLAP)
    if door_activity_ids:
        choice = attendee_activities.c
        query = query.where(select(choice.attendee_id).where(
            choice.attendee_id == Attendee.id, choice.activity_id.in_(door_activity_ids)
        ).exists())
    rows = session.execute(query).all()
    ids = [row.id for row in rows]
    activities: dict[int, list[ActivityState]] = defaultdict(list)
    for chunk in _chunks(ids, 500):
        for choice in session.execute(
            select(attendee_activities).where(attendee_activities.c.attendee_id.in_(chunk))
        ):
            activities[choice.attendee_id].append(
                ActivityState(choice.activity_id, choice.checked_in_at, choice.left_at)
            )
    door_names = _door_names(session, door.event_id)
    return AttendeeChanges(
        attendees=[
            DoorAttendee(
                id=row.id, party_id=row.registration_id, name=row.name,
                ticket_code=row.ticket_code, cancelled=row.cancelled_at is not None,
                checked_in_at=row.checked_in_at,
                checked_in_door=door_names.get(row.checked_in_door_id),
                left_at=row.left_at,
                activities=sorted(activities[row.id], key=lambda state: state.activity_id),
            )
            for row in rows
        ],
        cursor=cursor,
        complete=since is None,
    )


@dataclass
class PlaceCounts:
    #: Attendees holding a valid ticket (for an activity: who chose it).
    registered: int = 0
    checked_in: int = 0
    #: Checked in and not gone out again.
    inside: int = 0


@dataclass
class CheckinCounts:
    event: PlaceCounts
    activities: dict[int, PlaceCounts] = field(default_factory=dict)
    walk_ins: int = 0


def count_checkins(session: Session, event: Event) -> CheckinCounts:
    """Checked in / registered / inside now, for the event and each of its activities."""
    valid = and_(Attendee.event_id == event.id, Attendee.cancelled_at.is_(None))
    registered, checked_in, inside = session.execute(
        select(
            func.count(Attendee.id),
            func.count(Attendee.checked_in_at),
            func.count(Attendee.checked_in_at).filter(Attendee.left_at.is_(None)),
        ).where(valid)
    ).one()
    counts = CheckinCounts(event=PlaceCounts(registered, checked_in, inside))
    choice = attendee_activities.c
    for activity_id, chose, came, stayed in session.execute(
        select(
            choice.activity_id,
            func.count(),
            func.count(choice.checked_in_at),
            func.count(choice.checked_in_at).filter(choice.left_at.is_(None)),
        )
        .join(Attendee, Attendee.id == choice.attendee_id)
        .where(valid)
        .group_by(choice.activity_id)
    ):
        counts.activities[activity_id] = PlaceCounts(chose, came, stayed)
    for activity in event.activities:
        counts.activities.setdefault(activity.id, PlaceCounts())
    counts.walk_ins = session.scalar(
        select(func.count(Attendee.id))
        .join(Registration, Registration.id == Attendee.registration_id)
        .where(valid, Registration.walk_in.is_(True))
    ) or 0
    return counts


# --- the rules, inside the transaction --------------------------------------------------------


def _door_activity(door: DoorAccess, request: CheckinRequest) -> int | None:
    """The activity a scan is for: the one asked, or the door's only one; else the event."""
    errors = {}
    if request.action not in ACTIONS:
        errors["action"] = _l("Use check_in, check_out or undo.")
    if not request.client_id or len(request.client_id) > MAX_CLIENT_ID_LENGTH:
        errors["client_id"] = _l("Send an id of 1 to 64 characters made for this scan.")
    if not request.qr and request.attendee_id is None:
        errors["qr"] = _l("Send the scanned code or the attendee's id.")
    door_activity_ids = [activity.id for activity in door.activities]
    activity_id = request.activity_id
    if activity_id is None and len(door_activity_ids) == 1:
        activity_id = door_activity_ids[0]
    if activity_id is None and len(door_activity_ids) > 1:
        errors["activity"] = _l("This door serves several activities: say which one.")
    elif activity_id is not None and door_activity_ids and activity_id not in door_activity_ids:
        errors["activity"] = _l("This door does not check people in to that activity.")
    elif activity_id is not None and activity_id not in {a.id for a in door.event.activities}:
        errors["activity"] = _l("No such activity at this event.")
    if errors:
        raise ValidationFailed(_l("The check-in request is incomplete."), fields=errors)
    return activity_id


def _scan_time(scanned_at: datetime | None, now: datetime, door: _Door) -> datetime:
    """An uploaded scan's time, kept between the door's creation and its arrival here."""
    if scanned_at is None or scanned_at > now:
        return now
    return max(scanned_at, door.created_at)


def _sort_time(request: CheckinRequest, now: datetime | None) -> datetime:
    return min(request.scanned_at or now or utcnow(), now or utcnow())


def _find_checkin(session: Session, door: _Door, client_id: str) -> Checkin | None:
    return session.scalar(
        select(Checkin).where(Checkin.door_access_id == door.id, Checkin.client_id == client_id)
    )


def _identify(session: Session, door: _Door, request: CheckinRequest) -> int:
    """Return the attendee id a scan names; refuse forged codes and other events' tickets."""
    if not request.qr:
        return request.attendee_id
    try:
        claims = verify_ticket_token(session, request.qr)
    except InvalidTicketToken:
        raise _Refused(INVALID) from None
    if claims.event_id != door.event_id:
        raise _Refused(WRONG_EVENT)
    return claims.attendee_id


def _lock_attendee(session: Session, door: _Door, attendee_id: int) -> Attendee:
    attendee = session.get(Attendee, attendee_id, with_for_update=True, populate_existing=True)
    if attendee is None or attendee.event_id != door.event_id:
        # A hand-typed id of another event is unknown here: a door sees only its own event.
        raise _Refused(UNKNOWN)
    return attendee


def _apply(session: Session, door: _Door, scan: Checkin, attendee: Attendee,
           now: datetime) -> str:
    """Record `scan` against the locked attendee; return its answer."""
    if scan.action == ACTION_CHECK_IN:
        if door.event_cancelled:
            raise _Refused(EVENT_CANCELLED, attendee.id)
        if attendee.cancelled_at is not None:
            raise _Refused(CANCELLED, attendee.id)
    place = _AttendeePlace(session, attendee, scan.activity_id)
    earlier = list(session.scalars(
        select(Checkin).where(
            Checkin.attendee_id == attendee.id,
            Checkin.activity_id.is_(None) if scan.activity_id is None
            else Checkin.activity_id == scan.activity_id,
            Checkin.status.in_(REPLAYED_STATUSES),
        )
    ))
    # Coming in at a workshop's door means coming to the event too.
    implied = [] if scan.activity_id is not None else list(session.scalars(
        select(Checkin).where(
            Checkin.attendee_id == attendee.id, Checkin.activity_id.is_not(None),
            Checkin.action == ACTION_CHECK_IN, Checkin.status == CHECKED_IN,
        )
    ))
    state, statuses = _replay_scans([*earlier, scan], implied)
    for row, status in statuses.items():
        if row.status != status:
            row.status = status  # e.g. an admission that turned out to be a duplicate
    place.write(state)
    if scan.activity_id is not None and statuses[scan] == CHECKED_IN:
        event_place = _AttendeePlace(session, attendee, None)
        if event_place.state.checked_in_at is None or (
            scan.scanned_at < event_place.state.checked_in_at
        ):
            event_place.write(_PlaceState(scan.scanned_at, door.id, event_place.state.left_at))
    attendee.changed_at = now
    return statuses[scan]


@dataclass(frozen=True)
class _PlaceState:
    """Whether someone is in at a place: first arrival, its door, and the last exit."""

    checked_in_at: datetime | None = None
    checked_in_door_id: int | None = None
    left_at: datetime | None = None


def _replay_scans(scans: list[Checkin], implied: list[Checkin] = ()
                  ) -> tuple[_PlaceState, dict[Checkin, str]]:
    """Replay a place's scans in the order they were made; return the state they leave
    and the answer each scan gets. `implied` check-ins (at a workshop's door) admit like
    scans here but get no answer."""
    state, admitted_before, statuses = _PlaceState(), [], {}
    in_order = sorted([*scans, *implied], key=lambda row: (
        row.scanned_at, row.id is None, row.id or 0))
    for row in in_order:
        if row.action == ACTION_CHECK_IN:
            if state.checked_in_at is None:
                admitted_before.append(state)
                state = _PlaceState(row.scanned_at, row.door_access_id, None)
                status = CHECKED_IN
            elif state.left_at is not None and row.scanned_at >= state.left_at:
                admitted_before.append(state)
                state = _PlaceState(state.checked_in_at, state.checked_in_door_id, None)
                status = CHECKED_IN  # back in after going out; the first arrival stays
            else:
                status = ALREADY_CHECKED_IN
        elif row.action == ACTION_CHECK_OUT:
            if state.checked_in_at is None:
                status = NOT_CHECKED_IN
            elif state.left_at is not None:
                status = ALREADY_CHECKED_OUT
            else:
                state = _PlaceState(state.checked_in_at, state.checked_in_door_id,
                                    row.scanned_at)
                status = CHECKED_OUT
        else:
            assert row.action == ACTION_UNDO
            if state.checked_in_at is None:
                status = NOT_CHECKED_IN
            else:
                state = admitted_before.pop() if admitted_before else _PlaceState()
                status = UNDONE
        if row not in implied:
            statuses[row] = status
    return state, statuses


class _AttendeePlace:
    """The stored check-in state of one attendee at the event's entrance or one activity."""

    def __init__(self, session: Session, attendee: Attendee, activity_id: int | None):
        self.session = session
        self.attendee = attendee
        self.activity_id = activity_id
        if activity_id is None:
            self.state = _PlaceState(attendee.checked_in_at, attendee.checked_in_door_id,
                                     attendee.left_at)
            return
        choice = attendee_activities.c
        row = session.execute(
            select(choice.checked_in_at, choice.checked_in_door_id, choice.left_at).where(
                choice.attendee_id == attendee.id, choice.activity_id == activity_id
            )
        ).one_or_none()
        if row is None:
            raise _Refused(WRONG_ACTIVITY, attendee.id)
        self.state = _PlaceState(*row)

    def write(self, state: _PlaceState) -> None:
        if state == self.state:
            return
        self.state = state
        values = {"checked_in_at": state.checked_in_at,
                  "checked_in_door_id": state.checked_in_door_id, "left_at": state.left_at}
        if self.activity_id is None:
            for name, value in values.items():
                setattr(self.attendee, name, value)
            return
        choice = attendee_activities.c
        self.session.execute(
            update(attendee_activities)
            .where(choice.attendee_id == self.attendee.id, choice.activity_id == self.activity_id)
            .values(**values)
        )


# --- answers ---------------------------------------------------------------------------------


def _replay(session: Session, door: _Door, earlier: Checkin) -> CheckinResult:
    attendee = session.get(Attendee, earlier.attendee_id) if earlier.attendee_id else None
    return _result(session, door, earlier.client_id, earlier.action, earlier.status,
                   earlier.scanned_at, earlier.activity_id, attendee, replayed=True)


def _result(
    session: Session, door: _Door, client_id: str, action: str, status: str,
    scanned_at: datetime, activity_id: int | None, attendee: Attendee | None,
    *, replayed: bool = False,
) -> CheckinResult:
    if attendee is None:
        return CheckinResult(client_id=client_id, action=action, status=status,
                             scanned_at=scanned_at, activity_id=activity_id, replayed=replayed)
    checked_in_at, door_id = attendee.checked_in_at, attendee.checked_in_door_id
    choice = attendee_activities.c
    if activity_id is not None:
        state = session.execute(
            select(choice.checked_in_at, choice.checked_in_door_id).where(
                choice.attendee_id == attendee.id, choice.activity_id == activity_id
            )
        ).one_or_none()
        checked_in_at, door_id = state if state is not None else (None, None)
    party_size, activity_ids = _party_and_choices(session, attendee.id, attendee.registration_id)
    if door_id is None or door_id == door.id:
        door_name = door.name if door_id else None
    else:
        door_name = session.scalar(select(DoorAccess.name).where(DoorAccess.id == door_id))
    return CheckinResult(
        client_id=client_id, action=action, status=status, scanned_at=scanned_at,
        activity_id=activity_id, replayed=replayed,
        attendee=AttendeeSummary(
            id=attendee.id, name=attendee.name, ticket_code=attendee.ticket_code,
            party_id=attendee.registration_id, party_size=party_size,
            activity_ids=activity_ids, cancelled=attendee.cancelled_at is not None,
        ),
        checked_in_at=checked_in_at,
        checked_in_door=door_name,
    )


def _door_names(session: Session, event_id: int) -> dict[int, str]:
    return dict(session.execute(
        select(DoorAccess.id, DoorAccess.name).where(DoorAccess.event_id == event_id)
    ).all())


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
