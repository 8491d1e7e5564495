"""Reading the waiting list: who waits, in what order, and for what."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eventreg.events.models import Event
from eventreg.i18n import localized
from eventreg.registrations.service import as_int
from eventreg.waitlist.models import WaitlistEntry


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
         [titles[i] for i in map(as_int, person.get("activity_ids") or []) if i in titles])
        for person in entry.request.get("attendees", [])
    ]


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
