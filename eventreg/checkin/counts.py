"""Live counts for a door and the dashboard: checked in, registered, inside now."""

from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

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
