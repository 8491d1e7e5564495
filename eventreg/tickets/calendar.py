"""An .ics calendar file for an event, for "add to calendar" on the ticket page."""

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from eventreg.events.models import Event
from eventreg.i18n import localized


def event_calendar(event: Event, language: str, ticket_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//eventreg//EN")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.id}@eventreg")
    entry.add("summary", localized(event.title, language))
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("dtstamp", event.updated_at or event.created_at)
    entry.add("location", ", ".join(part for part in (localized(event.venue, language),
                                                      event.address) if part))
    entry.add("description", f"{localized(event.description, language)}\n\n{ticket_url}".strip())
    entry.add("url", ticket_url)
    calendar.add_component(entry)
    return calendar.to_ical()
