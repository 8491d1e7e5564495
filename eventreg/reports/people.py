"""Who is the same person across an organisation's events.

Two attendances are one person when their names match (ignoring case, accents and extra
spaces) and their registrations share an email or a phone number, or when an organiser
said so. Attendances of one name at different events without a shared contact may be
one person or several: they are offered to the organiser as possible duplicates until
the organiser says "same person" or "different people". Two attendances at the same
event are never offered: both people came through the door.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organiser
from eventreg.audit.service import record
from eventreg.database import utcnow, write_transaction
from eventreg.errors import NotFound, ValidationFailed
from eventreg.events.models import Event
from eventreg.registrations.models import Attendee
from eventreg.reports.models import PersonMatch


@dataclass(frozen=True)
class Attendance:
    """One checked-in attendee, as the matching needs it."""

    attendee_id: int
    name: str
    event_id: int
    email: str | None
    phone: str | None

    @property
    def contacts(self) -> set[str]:
        return {c for c in (self.email and self.email.casefold(), self.phone) if c}


@dataclass
class Person:
    """Attendances found to be one person; `key` is the attendee id that stands for them."""

    key: int
    name: str
    attendances: list[Attendance] = field(default_factory=list)

    @property
    def event_ids(self) -> set[int]:
        return {a.event_id for a in self.attendances}

    @property
    def contacts(self) -> set[str]:
        return set().union(*(a.contacts for a in self.attendances))


@dataclass(frozen=True)
class Decision:
    """An organiser's "same person" or "different people" on a pair of attendances."""

    id: int
    names: tuple[str, str]
    same_person: bool
    decided_by: str
    decided_at: datetime


@dataclass
class People:
    """The people behind some attendances, with the names still to be checked."""

    people: list[Person]
    #: Per name: the people of that name who may be one (at least two).
    possible_duplicates: list[list[Person]]
    #: Decisions that touched these attendances, newest first.
    decisions: list[Decision]


def find_people(session: Session, attendances: list[Attendance]) -> People:
    """Group attendances into people (see the module's docstring)."""
    by_id = {a.attendee_id: a for a in attendances}
    parent = {attendee_id: attendee_id for attendee_id in by_id}

    def root(attendee_id: int) -> int:
        while parent[attendee_id] != attendee_id:
            parent[attendee_id] = parent[parent[attendee_id]]
            attendee_id = parent[attendee_id]
        return attendee_id

    def join(a: int, b: int) -> None:
        a, b = root(a), root(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_with_contact: dict[tuple[str, str], int] = {}
    for attendance in attendances:
        for contact in attendance.contacts:
            seen = first_with_contact.setdefault((name_key(attendance.name), contact),
                                                 attendance.attendee_id)
            join(seen, attendance.attendee_id)

    matches = _matches_between(session, list(by_id))
    for match in matches:
        if match.same_person:
            join(match.attendee_id, match.other_attendee_id)
    kept_apart = {frozenset((root(m.attendee_id), root(m.other_attendee_id)))
                  for m in matches if not m.same_person}

    people_by_key: dict[int, Person] = {}
    for attendance in sorted(attendances, key=lambda a: a.attendee_id):
        key = root(attendance.attendee_id)
        person = people_by_key.setdefault(key, Person(key, attendance.name))
        person.attendances.append(attendance)
    people = list(people_by_key.values())

    same_name: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        same_name[name_key(person.name)].append(person)
    possible_duplicates = []
    for group in same_name.values():
        undecided = {
            person.key
            for a, b in combinations(group, 2)
            if not a.event_ids & b.event_ids and frozenset((a.key, b.key)) not in kept_apart
            for person in (a, b)
        }
        if undecided:
            possible_duplicates.append([p for p in group if p.key in undecided])
    possible_duplicates.sort(key=lambda group: name_key(group[0].name))
    return People(people, possible_duplicates, _decisions(session, matches, by_id))


def decide_same_person(session: Session, organiser: Organiser, attendee_ids: list[int], *,
                       same_person: bool, now: datetime | None = None) -> None:
    """Record that the attendances are one person, or that they are all different people.

    Each id stands for a person (any of their attendances). A later decision on the same
    pair replaces the earlier one. Recorded in the audit log.
    """
    ids = sorted(set(attendee_ids))
    if len(ids) < 2:
        raise ValidationFailed(_l("Tick at least two people."),
                               fields={"person": _l("Tick at least two people.")})
    names = dict(session.execute(
        select(Attendee.id, Attendee.name).join(Event, Event.id == Attendee.event_id)
        .where(Attendee.id.in_(ids), Event.organisation_id == organiser.organisation_id)
    ).all())
    if len(names) != len(ids):
        raise NotFound(_l("Some of these people are not in your events."),
                       reason="attendee_not_found")
    # Linking each to the first is enough to join them; "different" needs every pair.
    pairs = ([(ids[0], other) for other in ids[1:]] if same_person
             else list(combinations(ids, 2)))
    now = now or utcnow()
    with write_transaction(session):
        for first, second in pairs:
            session.execute(delete(PersonMatch).where(PersonMatch.attendee_id == first,
                                                      PersonMatch.other_attendee_id == second))
            session.add(PersonMatch(
                organisation_id=organiser.organisation_id, attendee_id=first,
                other_attendee_id=second, same_person=same_person, decided_by_id=organiser.id,
                decided_at=now,
            ))
        record(session, organisation_id=organiser.organisation_id, by=organiser, now=now,
               action="people.same_person" if same_person else "people.different_people",
               target=", ".join(names[i] for i in ids), details={"attendees": ids})


def undo_decision(session: Session, organiser: Organiser, decision_id: int) -> None:
    """Take back a decision: the pair is matched by contact details again."""
    match = session.get(PersonMatch, decision_id)
    if match is None or match.organisation_id != organiser.organisation_id:
        raise NotFound(_l("This decision was already taken back."), reason="decision_not_found")
    names = session.scalars(select(Attendee.name).where(
        Attendee.id.in_((match.attendee_id, match.other_attendee_id)))).all()
    details = {"same_person": match.same_person,
               "attendees": [match.attendee_id, match.other_attendee_id]}
    with write_transaction(session):
        session.execute(delete(PersonMatch).where(PersonMatch.id == decision_id))
        record(session, organisation_id=organiser.organisation_id, by=organiser,
               action="people.decision_undone", target=", ".join(names), details=details)


def name_key(name: str) -> str:
    """The name as compared: no accents, case or extra spaces."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", name)
                       if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _matches_between(session: Session, attendee_ids: list[int]) -> list[PersonMatch]:
    if not attendee_ids:
        return []
    ids = set(attendee_ids)
    return [
        match for match in session.scalars(
            select(PersonMatch).where(or_(PersonMatch.attendee_id.in_(attendee_ids),
                                          PersonMatch.other_attendee_id.in_(attendee_ids)))
            .order_by(PersonMatch.decided_at.desc(), PersonMatch.id.desc())
        )
        if match.attendee_id in ids and match.other_attendee_id in ids
    ]


def _decisions(session: Session, matches: list[PersonMatch],
               by_id: dict[int, Attendance]) -> list[Decision]:
    organisers = dict(session.execute(
        select(Organiser.id, Organiser.name)
        .where(Organiser.id.in_({m.decided_by_id for m in matches if m.decided_by_id}))
    ).all()) if matches else {}
    return [
        Decision(match.id, (by_id[match.attendee_id].name, by_id[match.other_attendee_id].name),
                 match.same_person, organisers.get(match.decided_by_id, ""), match.decided_at)
        for match in matches
    ]
