"""The waiting lists move by themselves (signals of eventreg/hooks.py): freed places go to
the first in the activities' lines, then to the first parties in the event's line."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from eventreg import hooks
from eventreg.errors import Conflict
from eventreg.events.models import STATUS_PUBLISHED, Activity, Event
from eventreg.registrations.service import lock_event_first
from eventreg.waitlist import line
from eventreg.waitlist.models import ActivityWaiting
from eventreg.waitlist.service import (
    add_waits_of_new_registration,
    promote_activity_lines,
    promote_waitlist,
)


@hooks.places_freed.connect
def offer_freed_places(session: Session, *, event: Event, now: datetime) -> None:
    lock_event_first(session, event.id)
    # People who already hold tickets and waited for an activity come before parties
    # still waiting for the event (they would otherwise be passed by newcomers).
    promote_activity_lines(session, event, now=now)
    if event.status == STATUS_PUBLISHED:
        promote_waitlist(session, event, now=now)


@hooks.activity_waits_requested.connect
def wait_for_activities(session: Session, *, waits, now: datetime) -> None:
    add_waits_of_new_registration(session, waits, now)


@hooks.activity_waits_asked.connect
def places_in_activity_lines(session: Session, *, attendee_ids: list[int]) -> dict:
    return line.activity_places_in_line(session, attendee_ids)


@hooks.activity_removing.connect
def refuse_removing_an_activity_people_wait_for(session: Session, *,
                                                activity: Activity) -> None:
    """An activity people wait for stays until they are taken off its line; the entries
    that are over go with it."""
    waiting = session.scalar(select(ActivityWaiting.id).where(
        ActivityWaiting.activity_id == activity.id, ActivityWaiting.promoted_at.is_(None),
        ActivityWaiting.removed_at.is_(None)).limit(1))
    if waiting is not None:
        raise Conflict(_l("People are waiting for this activity; take them off its waiting "
                          "list first."), reason="activity_in_use")
    session.execute(delete(ActivityWaiting).where(ActivityWaiting.activity_id == activity.id))
