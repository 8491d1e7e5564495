"""Live counts for a door and the dashboard: checked in, registered, inside now."""

from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from eventreg.checkin import rules
from eventreg.checkin.models import Checkin
from eventreg.events.models import Event
from eventreg.registrations.models import Attendee, Registration, attendee_activities


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
    #: Valid tickets not checked in yet (checked_in also counts people let in on a
    #: cancelled ticket by an override, so it is not registered less checked_in).
    not_arrived: int = 0


def count_checkins(session: Session, event: Event) -> CheckinCounts:
    """Checked in / registered / inside now, for the event and each of its activities.

    Who is in counts valid tickets, and people a volunteer let in by an override: on a
    ticket cancelled before (admitted after its cancellation), or at an activity they
    had not chosen."""
    valid = and_(Attendee.event_id == event.id, Attendee.cancelled_at.is_(None))
    uncancelled = Attendee.cancelled_at.is_(None)
    # An admission after the ticket's cancellation: only an override makes one.
    admitted = or_(uncancelled, Attendee.checked_in_at >= Attendee.cancelled_at)
    registered, checked_in, inside, not_arrived = session.execute(
        select(
            func.count(Attendee.id).filter(uncancelled),
            func.count(Attendee.checked_in_at).filter(admitted),
            func.count(Attendee.checked_in_at).filter(admitted, Attendee.left_at.is_(None)),
            func.count(Attendee.id).filter(uncancelled, Attendee.checked_in_at.is_(None)),
        ).where(Attendee.event_id == event.id)
    ).one()
    counts = CheckinCounts(event=PlaceCounts(registered, checked_in, inside),
                           not_arrived=not_arrived)
    choice = attendee_activities.c
    admitted = or_(uncancelled, choice.checked_in_at >= Attendee.cancelled_at)
    for activity_id, chose, came, stayed in session.execute(
        select(
            choice.activity_id,
            func.count().filter(uncancelled),
            func.count(choice.checked_in_at).filter(admitted),
            func.count(choice.checked_in_at).filter(admitted, choice.left_at.is_(None)),
        )
        .join(Attendee, Attendee.id == choice.attendee_id)
        .where(Attendee.event_id == event.id)
        .group_by(choice.activity_id)
    ):
        counts.activities[activity_id] = PlaceCounts(chose, came, stayed)
    for activity in event.activities:
        counts.activities.setdefault(activity.id, PlaceCounts())
    for activity_id, tally in _let_in_unchosen(session, event).items():
        place = counts.activities.setdefault(activity_id, PlaceCounts())
        place.checked_in += tally.checked_in
        place.inside += tally.inside
    counts.walk_ins = session.scalar(
        select(func.count(Attendee.id))
        .join(Registration, Registration.id == Attendee.registration_id)
        .where(valid, Registration.walk_in.is_(True))
    ) or 0
    return counts



@dataclass(frozen=True)
class _Tally:
    checked_in: int
    inside: int


def _let_in_unchosen(session: Session, event: Event) -> dict[int, _Tally]:
    """Each activity's people let in by an override without having chosen it: no choice
    holds their state, so their scans there are replayed by the door's rule."""
    overridden = (select(Checkin.attendee_id, Checkin.activity_id)
                  .where(Checkin.event_id == event.id,
                         Checkin.overrode == rules.ScanStatus.WRONG_ACTIVITY)
                  .distinct().subquery())
    chosen = select(attendee_activities.c.attendee_id).where(
        attendee_activities.c.attendee_id == Checkin.attendee_id,
        attendee_activities.c.activity_id == Checkin.activity_id).exists()
    scans: dict[tuple[int, int], list[rules.Scan]] = {}
    for row in session.execute(
        select(Checkin.attendee_id, Checkin.activity_id, Checkin.id, Checkin.action,
               Checkin.scanned_at, Checkin.reason)
        .join(overridden, and_(overridden.c.attendee_id == Checkin.attendee_id,
                               overridden.c.activity_id == Checkin.activity_id))
        .where(Checkin.status.in_(rules.REPLAYED), ~chosen)
    ):
        scans.setdefault((row.attendee_id, row.activity_id), []).append(
            rules.Scan(row.action, row.scanned_at, order=row.id, reason=row.reason))
    places: dict[int, list[rules.PlaceState]] = {}
    for (_, activity_id), place_scans in scans.items():
        places.setdefault(activity_id, []).append(rules.replay(place_scans).state)
    return {activity_id: _Tally(sum(p.checked_in_at is not None for p in states),
                                sum(p.inside for p in states))
            for activity_id, states in places.items()}
