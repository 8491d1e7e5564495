"""Programme reports for donors: events held, people registered, people reached.

"Attendance" counts the tickets checked in at the door (walk-ins included). "Individuals
reached" counts people once however many of the programme's events they came to; who is
the same person is decided in eventreg/reports/people.py.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eventreg.accounts.models import Organiser
from eventreg.database import utcnow
from eventreg.events.models import SEXES, STATUS_CLOSED, STATUS_PUBLISHED, Event, Programme
from eventreg.events.service import get_programme
from eventreg.i18n import localized
from eventreg.registrations.models import Attendee, Registration
from eventreg.reports.people import Attendance, Decision, Person, find_people

#: The sex of an attendee at an event that asked it, when it was not recorded (a party
#: promoted from a waiting list joined before the question was added).
NOT_RECORDED = "not_recorded"


@dataclass
class EventFigures:
    id: int
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
    #: Attendances by sex (one of SEXES, or "not_recorded"), only at the events that asked
    #: it; `events_asking_sex` says how many events those are.
    by_sex: dict[str, int] = field(default_factory=dict)
    events_asking_sex: int = 0
    #: Per name seen at several events without a shared contact: people who may be one.
    possible_duplicates: list[list[Person]] = field(default_factory=list)
    #: The organisers' same-person decisions on these attendances, newest first.
    decisions: list[Decision] = field(default_factory=list)
    #: When the figures were counted (a printed report says so).
    generated_at: datetime = field(default_factory=utcnow)

    @property
    def events_held(self) -> int:
        return len(self.events)

    @property
    def events_by_id(self) -> dict[int, EventFigures]:
        return {figures.id: figures for figures in self.events}


def programme_report(
    session: Session, organiser: Organiser, programme_id: int,
    period_start: date, period_end: date, *, timezone: str = "Europe/Sofia",
    now: datetime | None = None,
) -> ProgrammeReport:
    """Figures of the programme's events held in the period (both days included): published
    or closed events that have started by `now`. Drafts, cancelled events and events still
    to come are left out."""
    programme = get_programme(session, organiser, programme_id)
    now = now or utcnow()
    zone = ZoneInfo(timezone)
    start = datetime.combine(period_start, time.min, zone)
    end = datetime.combine(period_end, time.max, zone)
    events = list(session.scalars(
        select(Event)
        .where(Event.programme_id == programme.id,
               Event.status.in_((STATUS_PUBLISHED, STATUS_CLOSED)),
               Event.starts_at >= start, Event.starts_at <= min(end, now))
        .order_by(Event.starts_at)
    ))
    registrations_by_event = defaultdict(list)
    for registration in session.scalars(
        select(Registration)
        .where(Registration.event_id.in_([event.id for event in events]))
        .options(selectinload(Registration.attendees))
    ):
        registrations_by_event[registration.event_id].append(registration)
    report = ProgrammeReport(programme, period_start, period_end, generated_at=now)
    ages, months, places, sexes = Counter(), Counter(), Counter(), Counter()
    attendances: list[Attendance] = []
    for event in events:
        figures = EventFigures(event.id, localized(event.title), event.starts_at, event.venue)
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
                if event.asks_sex:
                    sexes[attendee.sex or NOT_RECORDED] += 1
                attendances.append(Attendance(attendee.id, attendee.name, event.id,
                                              registration.email, registration.phone,
                                              tuple(attendee.person_keys)))
        report.events.append(figures)
    report.registered = sum(e.registered for e in report.events)
    report.attended = sum(e.attended for e in report.events)
    people = find_people(session, programme.organisation_id, attendances)
    report.individuals = len(people.people)
    report.possible_duplicates = people.possible_duplicates
    report.decisions = people.decisions
    report.by_age_group = dict(ages)
    report.by_month = dict(sorted(months.items()))
    report.by_place = dict(places.most_common())
    report.by_sex = {sex: sexes[sex] for sex in (*SEXES, NOT_RECORDED) if sexes[sex]}
    report.events_asking_sex = sum(event.asks_sex for event in events)
    return report


def _age_group_of(attendee: Attendee, event: Event) -> str:
    if attendee.birth_year:
        return "child" if event.starts_at.year - attendee.birth_year < 18 else "adult"
    return "unknown"
