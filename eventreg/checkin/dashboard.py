"""The live dashboard's figures: who is here, through which door, and when they came."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from eventreg.checkin import rules
from eventreg.checkin.counts import CheckinCounts, count_checkins
from eventreg.checkin.door_state import DoorState, door_states
from eventreg.checkin.history import Doubles, event_doubles, flag_words
from eventreg.checkin.models import Checkin, DoorAccess
from eventreg.checkin.pickup import children_to_hand_over
from eventreg.database import utcnow
from eventreg.events.models import Event
from eventreg.registrations.models import Attendee

#: Arrivals are counted in the shortest of these slots that keeps the chart to MAX_SLOTS bars.
SLOTS = [timedelta(minutes=minutes) for minutes in (15, 30, 60, 120, 180, 360, 720, 1440)]
MAX_SLOTS = 48


@dataclass(frozen=True)
class ArrivalSlot:
    #: The slot's start, wall-clock time in the event's time zone.
    starts_at: datetime
    arrivals: int


@dataclass(frozen=True)
class FlaggedAdmission:
    """A scan organisers should see: someone a door admitted whose ticket (or event) was
    cancelled after the scan, a volunteer's override, or an undo that needed a reason."""

    name: str
    door: str
    scanned_at: datetime
    #: rules.CANCELLED_AFTER_SCAN, EVENT_CANCELLED_AFTER_SCAN, OVERRIDDEN or
    #: UNDONE_WITH_REASON.
    flag: str
    action: str = rules.CHECK_IN
    #: For an override: the refusal overridden (rules.OVERRIDABLE).
    overrode: str | None = None
    #: The override's or undo's reason code.
    reason: str | None = None

    @property
    def by_volunteer(self) -> bool:
        """An override or a reasoned undo: a volunteer's own decision."""
        return self.flag in (rules.OVERRIDDEN, rules.UNDONE_WITH_REASON)

    @property
    def flag_words(self) -> str:
        """What the flag tells organisers, with the volunteer's reason (as the history)."""
        return flag_words(self.flag, self.action, self.overrode, self.reason)


@dataclass(frozen=True)
class Dashboard:
    counts: CheckinCounts
    #: Registered and not yet checked in.
    not_arrived: int
    #: (door name, people it admitted), busiest first.
    doors: list[tuple[str, int]]
    arrivals: list[ArrivalSlot]
    #: Admissions made offline before a cancellation.
    flagged: list[FlaggedAdmission]
    #: Volunteers' overrides and undos with a reason, in the order scanned.
    decided_by_volunteers: list[FlaggedAdmission]
    #: Each door link's phone: online, last upload, scans it still holds.
    door_states: list[DoorState] = field(default_factory=list)
    #: Welcomes that became duplicates (another door first, uploaded later), by door.
    doubles: Doubles | None = None
    #: Children still to be handed over (an open pick-up code), by activity id.
    to_pick_up: dict[int, int] = field(default_factory=dict)


def event_dashboard(session: Session, event: Event, now: datetime | None = None) -> Dashboard:
    """Figures for the organiser's live view of an event day (`now` for the doors'
    states)."""
    counts = count_checkins(session, event)
    # Valid tickets, and those an override let in after their cancellation (as counted).
    valid = (Attendee.event_id == event.id, or_(Attendee.cancelled_at.is_(None),
                                                Attendee.checked_in_at >= Attendee.cancelled_at))
    doors = session.execute(
        select(DoorAccess.name, func.count(Attendee.id))
        .join(Attendee, Attendee.checked_in_door_id == DoorAccess.id)
        .where(*valid)
        .group_by(DoorAccess.id, DoorAccess.name)
        .order_by(func.count(Attendee.id).desc(), DoorAccess.name)
    ).all()
    flagged = [FlaggedAdmission(*row) for row in session.execute(
        select(Attendee.name, DoorAccess.name, Checkin.scanned_at, Checkin.flag,
               Checkin.action, Checkin.overrode, Checkin.reason)
        .join(Attendee, Attendee.id == Checkin.attendee_id)
        .join(DoorAccess, DoorAccess.id == Checkin.door_access_id)
        .where(Checkin.event_id == event.id, Checkin.flag.is_not(None))
        .order_by(Checkin.scanned_at, Checkin.id))]
    arrival_times = list(session.scalars(
        select(Attendee.checked_in_at).where(*valid, Attendee.checked_in_at.is_not(None))
    ))
    return Dashboard(
        counts=counts,
        not_arrived=counts.not_arrived,
        doors=[(name, admitted) for name, admitted in doors],
        arrivals=arrival_slots(arrival_times, ZoneInfo(event.timezone)),
        flagged=[row for row in flagged if not row.by_volunteer],
        decided_by_volunteers=[row for row in flagged if row.by_volunteer],
        door_states=door_states(session, event, now or utcnow()),
        doubles=event_doubles(session, event),
        to_pick_up=children_to_hand_over(session, event.id),
    )


def arrival_slots(times: list[datetime], zone: ZoneInfo) -> list[ArrivalSlot]:
    """Count arrivals per slot from the first to the last, empty slots included."""
    if not times:
        return []
    local = sorted(time.astimezone(zone).replace(tzinfo=None) for time in times)
    span = local[-1] - local[0]
    slot = next((slot for slot in SLOTS if span / slot < MAX_SLOTS), SLOTS[-1])
    start = _floor(local[0], slot)
    counts: dict[datetime, int] = {}
    for time in local:
        key = start + ((time - start) // slot) * slot
        counts[key] = counts.get(key, 0) + 1
    slots, current = [], start
    while current <= local[-1]:
        slots.append(ArrivalSlot(current, counts.get(current, 0)))
        current += slot
    return slots


def _floor(time: datetime, slot: timedelta) -> datetime:
    midnight = time.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + ((time - midnight) // slot) * slot
