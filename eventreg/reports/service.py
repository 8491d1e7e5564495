"""Programme reports for donors: events held, people registered, people reached.

"Attendance" counts the tickets checked in at the door (walk-ins included). "Individuals
reached" counts people once however many of the programme's events they came to: two
attendances are the same person when their names match (ignoring case, accents and spaces)
and their registrations share an email or a phone number. Attendances without any contact
detail cannot be matched and count as separate people; pairs with the same name but no
shared contact are listed as possible duplicates for the organiser to check.
"""

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eventreg.accounts.models import Organiser
from eventreg.errors import NotFound
from eventreg.events.models import STATUS_CANCELLED, Event, Programme
from eventreg.i18n import localized
from eventreg.registrations.models import Attendee, Registration


@dataclass
class EventFigures:
    title: str
    starts_at: datetime
    venue: str
    registered: int = 0
    attended: int = 0
    walk_ins: int = 0


@dataclass
class ProgrammeReport:
    programme: Programme
    period_start: date
    period_end: date
    events: list[EventFigures] = field(default_factory=list)
    registered: int = 0
    attended: int = 0
    individuals: int = 0
    #: Attendances by "child"/"adult"/"unknown"; by "YYYY-MM"; by venue.
    by_age_group: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)
    by_place: dict[str, int] = field(default_factory=dict)
    #: Names seen at several events without a shared contact detail: maybe one person.
    possible_duplicates: list[str] = field(default_factory=list)

    @property
    def events_held(self) -> int:
        return len(self.events)


def programme_report(
    session: Session, organiser: Organiser, programme_id: int,
    period_start: date, period_end: date, *, timezone: str = "Europe/Sofia",
) -> ProgrammeReport:
    """Figures of the programme's events that started in the period (both days included),
    cancelled events left out."""
    programme = session.get(Programme, programme_id)
    if programme is None or programme.organisation_id != organiser.organisation_id:
        raise NotFound(_l("No such programme."), reason="programme_not_found")
    zone = ZoneInfo(timezone)
    start = datetime.combine(period_start, time.min, zone)
    end = datetime.combine(period_end, time.max, zone)
    events = list(session.scalars(
        select(Event)
        .where(Event.programme_id == programme.id, Event.status != STATUS_CANCELLED,
               Event.starts_at >= start, Event.starts_at <= end)
        .order_by(Event.starts_at)
    ))
    registrations_by_event = defaultdict(list)
    for registration in session.scalars(
        select(Registration)
        .where(Registration.event_id.in_([event.id for event in events]))
        .options(selectinload(Registration.attendees))
    ):
        registrations_by_event[registration.event_id].append(registration)
    report = ProgrammeReport(programme, period_start, period_end)
    ages, months, places = Counter(), Counter(), Counter()
    #: Per name: each person of that name, as the contact details seen with them.
    people: dict[str, list[set[str]]] = defaultdict(list)
    events_by_name: dict[str, set[int]] = defaultdict(set)
    for event in events:
        figures = EventFigures(localized(event.title), event.starts_at, event.venue)
        for registration in registrations_by_event[event.id]:
            for attendee in registration.active_attendees:
                figures.registered += 1
                if attendee.checked_in_at is None:
                    continue
                figures.attended += 1
                figures.walk_ins += registration.walk_in
                ages[attendee.age_group or _age_group_of(attendee, event)] += 1
                months[event.starts_at.astimezone(zone).strftime("%Y-%m")] += 1
                places[event.venue or "—"] += 1
                name = _name_key(attendee.name)
                events_by_name[name].add(event.id)
                _count_person(people[name], registration)
        report.events.append(figures)
    report.registered = sum(e.registered for e in report.events)
    report.attended = sum(e.attended for e in report.events)
    report.individuals = sum(len(same_name) for same_name in people.values())
    report.by_age_group = dict(ages)
    report.by_month = dict(sorted(months.items()))
    report.by_place = dict(places.most_common())
    report.possible_duplicates = sorted(
        name for name, same_name in people.items()
        if len(same_name) > 1 and len(events_by_name[name]) > 1
    )
    return report


def _count_person(same_name: list[set[str]], registration: Registration) -> None:
    """Count one attendance among the people of one name (see the module's docstring)."""
    contacts = {c for c in (registration.email and registration.email.casefold(),
                            registration.phone) if c}
    for seen_contacts in same_name:
        if contacts & seen_contacts:
            seen_contacts |= contacts
            return
    same_name.append(contacts)


def _name_key(name: str) -> str:
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", name)
                       if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _age_group_of(attendee: Attendee, event: Event) -> str:
    if attendee.birth_year:
        return "child" if event.starts_at.year - attendee.birth_year < 18 else "adult"
    return "unknown"
