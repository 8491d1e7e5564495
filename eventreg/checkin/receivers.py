"""Doors follow their events (signals of eventreg/hooks.py), and show in the audit log.

An activity a door checks people in to (or did) stays; a door's list learns everyone's
"no photos" mark again when the event starts or stops asking photo consent; the doors'
scans are shown with the organisers' actions on the audit log page.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from eventreg import hooks
from eventreg.audit.service import LOG_SOURCES, LogLine, LogQuery
from eventreg.checkin.models import Checkin, DoorAccess, door_access_activities
from eventreg.errors import Conflict
from eventreg.events.models import Activity, Event
from eventreg.registrations.models import Attendee


@hooks.activity_removing.connect
def keep_activities_doors_use(session: Session, *, activity: Activity) -> None:
    door_uses = session.scalar(select(func.count()).select_from(door_access_activities).where(
        door_access_activities.c.activity_id == activity.id))
    scans = session.scalar(select(func.count(Checkin.id)).where(
        Checkin.activity_id == activity.id))
    if door_uses or scans:
        raise Conflict(
            _l("A door link checks people in to this activity, so it stays. Leave it "
               "without places or change its title instead."),
            reason="activity_in_use",
        )


@hooks.photo_consent_asked_changed.connect
def mark_photos_again(session: Session, *, event: Event, now) -> None:
    """Every attendee's "no photos" mark may have changed: door lists fetch them all."""
    session.execute(update(Attendee).where(Attendee.event_id == event.id)
                    .values(changed_at=now).execution_options(synchronize_session=False))


def door_actions(session: Session, organisation_id: int, query: LogQuery) -> list[LogLine]:
    """The organisation's latest scans, exits and undos that match `query`, as lines of the
    audit log (kind "checkin"; the person is the door's or the attendee's name)."""
    if query.kind and query.kind != "checkin":
        return []
    statement = (
        select(Checkin.received_at, DoorAccess.name, Checkin.action, Checkin.status,
               Attendee.name, Event.timezone, Event.title, Checkin.scanned_at)
        .join(DoorAccess, DoorAccess.id == Checkin.door_access_id)
        .join(Event, Event.id == Checkin.event_id)
        .outerjoin(Attendee, Attendee.id == Checkin.attendee_id)
        .where(Event.organisation_id == organisation_id)
        .order_by(Checkin.received_at.desc(), Checkin.id.desc())
    )
    if pattern := query.person_pattern():
        statement = statement.where(or_(DoorAccess.name.ilike(pattern, escape="\\"),
                                        Attendee.name.ilike(pattern, escape="\\")))
    if query.wanted is not None:
        statement = statement.limit(query.wanted)
    return [
        LogLine(received_at, door, f"checkin.{action}", name or "?",
                {"outcome": status, "scanned_at": scanned_at.isoformat()},
                timezone=timezone, event_title=title, by_door=True)
        for received_at, door, action, status, name, timezone, title, scanned_at
        in session.execute(statement)
    ]


LOG_SOURCES.append(door_actions)
