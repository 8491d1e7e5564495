"""Programme reports for donors: events held, people registered, people reached.

"Attendance" counts the tickets checked in at the door (walk-ins included). "Individuals
reached" counts people once however many of the programme's events they came to; who is
the same person is decided in eventreg/reports/people.py.

Individuals reached are broken down by sex and by age the way humanitarian reports
disaggregate people. A person seen at several events is counted once, under what their
attendances say, taken as follows (see `_sex_of` and `_age_of`):

- Sex: the latest answer, from the latest of their attendances at an event that asked it
  ("prefer not to say" is an answer: it is what they chose to tell last). Asked but never
  answered: "not recorded"; never at an event that asked: "not asked".
- Age: from a year of birth, in the bands 0-4, 5-17, 18-59 and 60+, at the latest event
  where they gave one, their age being that event's year less the year of birth (a year of
  birth alone is read as 1 January, as registration systems usually do); a person who
  never gave a year of birth, at events that asked child or adult, counts as the child or
  adult of their latest such attendance; "unknown" when nothing was recorded.

"Latest" is by the event's start, then by the order of registration.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eventreg.accounts.models import Organiser
from eventreg.database import utcnow
from eventreg.events.models import (
    AGE_GROUPS,
    SEXES,
    STATUS_CLOSED,
    STATUS_PUBLISHED,
    Event,
    Programme,
)
from eventreg.events.service import AGE_GROUP_NAMES, SEX_NAMES, get_programme
from eventreg.i18n import localized
from eventreg.registrations.models import Attendee, Registration
from eventreg.reports.people import Attendance, Decision, Person, find_people

#: The sex of an attendee at an event that asked it, when it was not recorded (a party
#: promoted from a waiting list joined before the question was added).
NOT_RECORDED = "not_recorded"
#: The sex of a person reached only at events that did not ask it.
NOT_ASKED = "not_asked"
#: Humanitarian age bands: (key, youngest, oldest or None).
AGE_BANDS = (("0-4", 0, 4), ("5-17", 5, 17), ("18-59", 18, 59), ("60+", 60, None))

#: How the keys of the breakdowns read: sexes of attendances and of people; ages of
#: people (a band reads as itself: "0-4", "60+").
SEX_LABELS = {**SEX_NAMES, NOT_RECORDED: _l("Not recorded"), NOT_ASKED: _l("Not asked")}
AGE_LABELS = {**{key: key for key, _, _ in AGE_BANDS}, **AGE_GROUP_NAMES}


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
    #: Individuals reached by sex: one of SEXES, "not_recorded" or "not_asked"; each
    #: person once (see the module's docstring). Adds up to `individuals`.
    individuals_by_sex: dict[str, int] = field(default_factory=dict)
    #: Individuals reached by age: an AGE_BANDS key where a year of birth was given, else
    #: "child", "adult" or "unknown". Adds up to `individuals`.
    individuals_by_age: dict[str, int] = field(default_factory=dict)
    #: How many of the events asked the year of birth (the others asked child or adult).
    events_asking_birth_year: int = 0
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
    seen: dict[int, _Seen] = {}
    for event in events:
        venue = localized(event.venue)  # places are counted by their name in the page's language
        figures = EventFigures(event.id, localized(event.title), event.starts_at, venue)
        for registration in registrations_by_event[event.id]:
            for attendee in registration.active_attendees:
                figures.registered += 1
                if attendee.checked_in_at is None:
                    continue
                figures.attended += 1
                figures.walk_ins += registration.walk_in
                ages[attendee.age_group or _age_group_of(attendee, event)] += 1
                months[event.starts_at.astimezone(zone).strftime("%Y-%m")] += 1
                places[venue or "—"] += 1
                if event.asks_sex:
                    sexes[attendee.sex or NOT_RECORDED] += 1
                attendances.append(Attendance(attendee.id, attendee.name, event.id,
                                              registration.email, registration.phone,
                                              tuple(attendee.person_keys)))
                seen[attendee.id] = _Seen(event, attendee)
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
    person_sexes = Counter(_sex_of([seen[a.attendee_id] for a in person.attendances])
                           for person in people.people)
    person_ages = Counter(_age_of([seen[a.attendee_id] for a in person.attendances])
                          for person in people.people)
    report.individuals_by_sex = {sex: person_sexes[sex]
                                 for sex in (*SEXES, NOT_RECORDED, NOT_ASKED)
                                 if person_sexes[sex]}
    report.individuals_by_age = {age: person_ages[age]
                                 for age in (*(key for key, _, _ in AGE_BANDS), *AGE_GROUPS,
                                             "unknown")
                                 if person_ages[age]}
    report.events_asking_birth_year = sum(event.age_mode == "birth_year" for event in events)
    return report


@dataclass(frozen=True)
class _Seen:
    """One of a person's attendances, with its event."""

    event: Event
    attendee: Attendee

    @property
    def order(self) -> tuple[datetime, int]:
        return self.event.starts_at, self.attendee.id


def _sex_of(attendances: list[_Seen]) -> str:
    """The sex a person is counted under: their latest answer (see the module's
    docstring)."""
    asked = sorted((seen for seen in attendances if seen.event.asks_sex),
                   key=lambda seen: seen.order, reverse=True)
    if not asked:
        return NOT_ASKED
    return next((seen.attendee.sex for seen in asked if seen.attendee.sex), NOT_RECORDED)


def _age_of(attendances: list[_Seen]) -> str:
    """The age a person is counted under: a band from their latest year of birth, else
    their latest child or adult (see the module's docstring)."""
    latest_first = sorted(attendances, key=lambda seen: seen.order, reverse=True)
    for seen in latest_first:
        if seen.attendee.birth_year:
            band = age_band(_local_year(seen.event) - seen.attendee.birth_year)
            if band:
                return band
    return next((seen.attendee.age_group for seen in latest_first
                 if seen.attendee.age_group in AGE_GROUPS), "unknown")


def age_band(age: int) -> str | None:
    """The AGE_BANDS key of an age in years; None for a negative one (a mistyped year)."""
    for key, youngest, oldest in AGE_BANDS:
        if age >= youngest and (oldest is None or age <= oldest):
            return key
    return None


def _local_year(event: Event) -> int:
    return event.starts_at.astimezone(ZoneInfo(event.timezone)).year


def _age_group_of(attendee: Attendee, event: Event) -> str:
    if attendee.birth_year:
        return "child" if event.starts_at.year - attendee.birth_year < 18 else "adult"
    return "unknown"
