"""Reading the waiting list: who waits, in what order, and for what."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eventreg.events.models import Activity, Event
from eventreg.i18n import localized
from eventreg.registrations.models import Attendee
from eventreg.registrations.service import as_int
from eventreg.waitlist.models import ActivityWaiting, WaitlistEntry


def list_waiting(session: Session, event: Event) -> list[WaitlistEntry]:
    """The parties waiting, first in line first."""
    return list(session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.event_id == event.id, WaitlistEntry.promoted_at.is_(None),
               WaitlistEntry.removed_at.is_(None))
        .order_by(WaitlistEntry.joined_at, WaitlistEntry.id)
    ))


def place_in_line(session: Session, entry: WaitlistEntry) -> int:
    """1 for the first party waiting."""
    ahead = session.scalar(
        select(func.count(WaitlistEntry.id)).where(
            WaitlistEntry.event_id == entry.event_id, WaitlistEntry.promoted_at.is_(None),
            WaitlistEntry.removed_at.is_(None),
            (WaitlistEntry.joined_at < entry.joined_at)
            | ((WaitlistEntry.joined_at == entry.joined_at) & (WaitlistEntry.id < entry.id)),
        )
    )
    return (ahead or 0) + 1


def names_of(entry: WaitlistEntry) -> list[str]:
    return [person.get("name", "") for person in entry.request.get("attendees", [])]


def people_of(entry: WaitlistEntry) -> list[tuple[str, list[str]]]:
    """Each waiting person's name and the activities they wait for (titles, localized)."""
    titles = {activity.id: localized(activity.title) for activity in entry.event.activities}
    return [
        (person.get("name", ""),
         [titles[i] for i in dict.fromkeys(map(as_int, [*(person.get("activity_ids") or []),
                                                        *(person.get("waitlist_activity_ids")
                                                          or [])]))
          if i in titles])
        for person in entry.request.get("attendees", [])
    ]


def _still_waiting():
    return (ActivityWaiting.promoted_at.is_(None), ActivityWaiting.removed_at.is_(None),
            Attendee.cancelled_at.is_(None))


def activity_lines(session: Session, event: Event) -> list[tuple[Activity, list[ActivityWaiting]]]:
    """Each activity of the event with the people waiting for it, first in line first."""
    waits = session.scalars(
        select(ActivityWaiting)
        .join(Attendee, Attendee.id == ActivityWaiting.attendee_id)
        .join(Activity, Activity.id == ActivityWaiting.activity_id)
        .where(Activity.event_id == event.id, *_still_waiting())
        .order_by(ActivityWaiting.joined_at, ActivityWaiting.id)
    ).all()
    return [(activity, [wait for wait in waits if wait.activity_id == activity.id])
            for activity in event.activities]


def activity_places_in_line(session: Session,
                            attendee_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """{attendee id: [(activity id, place in its line, 1 first), ...]} of those waiting."""
    if not attendee_ids:
        return {}
    mine = session.execute(
        select(ActivityWaiting.attendee_id, ActivityWaiting.activity_id,
               ActivityWaiting.joined_at, ActivityWaiting.id)
        .join(Attendee, Attendee.id == ActivityWaiting.attendee_id)
        .where(ActivityWaiting.attendee_id.in_(attendee_ids), *_still_waiting())
        .order_by(ActivityWaiting.id)
    ).all()
    places: dict[int, list[tuple[int, int]]] = {}
    for attendee_id, activity_id, joined_at, wait_id in mine:
        ahead = session.scalar(
            select(func.count(ActivityWaiting.id))
            .join(Attendee, Attendee.id == ActivityWaiting.attendee_id)
            .where(ActivityWaiting.activity_id == activity_id, *_still_waiting(),
                   (ActivityWaiting.joined_at < joined_at)
                   | ((ActivityWaiting.joined_at == joined_at) & (ActivityWaiting.id < wait_id))))
        places.setdefault(attendee_id, []).append((activity_id, (ahead or 0) + 1))
    return places


def party_waits(session: Session, attendee_ids: list[int]) -> dict[tuple[int, int], int]:
    """{(attendee id, activity id): entry id} of the entries still waiting (to leave them)."""
    if not attendee_ids:
        return {}
    rows = session.execute(
        select(ActivityWaiting.attendee_id, ActivityWaiting.activity_id, ActivityWaiting.id)
        .where(ActivityWaiting.attendee_id.in_(attendee_ids),
               ActivityWaiting.promoted_at.is_(None), ActivityWaiting.removed_at.is_(None))
    ).all()
    return {(attendee_id, activity_id): wait_id for attendee_id, activity_id, wait_id in rows}


def activities_waited_for(entry: WaitlistEntry) -> list[str]:
    """The titles (localized) of the activities the party chose that have too few places
    left for the people who chose them: what the party waits for. Empty when the party
    waits for the event itself (or no longer waits for any activity)."""
    wanted: dict[int, int] = {}
    for person in entry.request.get("attendees", []):
        for activity_id in map(as_int, person.get("activity_ids") or []):
            wanted[activity_id] = wanted.get(activity_id, 0) + 1
    return [localized(activity.title) for activity in entry.event.activities
            if activity.id in wanted and activity.places_left is not None
            and activity.places_left < wanted[activity.id]]
