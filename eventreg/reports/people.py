"""Who is the same person across an organisation's events.

Two attendances are one person when their names match (ignoring case, accents, extra
spaces and the alphabet they were typed in) and their registrations share an email or a
phone number, or when an organiser said so. Attendances of one name at different events without a shared contact may be
one person or several: they are offered to the organiser as possible duplicates until
the organiser says "same person" or "different people". Two attendances at the same
event are never one person, whatever matches: both people came through the door.

When a person's name and contacts are anonymised (eventreg/privacy/), what matched them
stays: just before, each "name and email" or "name and phone" they hold gets a random key
that every attendee of the organisation holding the same pair is given too
(`keep_person_keys`). Sharing a key then matches as sharing the pair did, so every
figure of every period is counted as before; the keys say nothing about anyone.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organiser
from eventreg.audit.service import record
from eventreg.database import utcnow
from eventreg.errors import NotFound, ValidationFailed
from eventreg.events.models import Event
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.search import spelling
from eventreg.reports.models import PersonMatch


@dataclass(frozen=True)
class Attendance:
    """One checked-in attendee, as the matching needs it."""

    attendee_id: int
    name: str
    event_id: int
    email: str | None
    phone: str | None
    #: Keys kept for this attendance's name and contacts once they were anonymised.
    person_keys: tuple[str, ...] = ()

    @property
    def contacts(self) -> set[str]:
        return {c for c in (self.email and self.email.casefold(), self.phone) if c}

    @property
    def match_keys(self) -> set[tuple[str, ...]]:
        """What two attendances of one person share: a name with a contact, or a key kept
        for one."""
        name = name_key(self.name)
        pairs = {("pair", name, contact) for contact in self.contacts} if name else set()
        return pairs | {("key", key) for key in self.person_keys}


@dataclass
class Person:
    """Attendances found to be one person; `key` (their first attendance's id) names them."""

    key: int
    name: str
    attendances: list[Attendance] = field(default_factory=list)

    @property
    def attendee_ids(self) -> list[int]:
        return [a.attendee_id for a in self.attendances]

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
    #: The events of the two attendances, in the order of `names`.
    event_ids: tuple[int, int]
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


def find_people(session: Session, organisation_id: int,
                attendances: list[Attendance]) -> People:
    """Group attendances into people (see the module's docstring).

    Every same-person decision of the organisation counts, also one made on a report of
    another period: attendances outside these still join the people they link.
    """
    in_scope = {a.attendee_id: a for a in attendances}
    matches = list(session.scalars(
        select(PersonMatch).where(PersonMatch.organisation_id == organisation_id)
        .order_by(PersonMatch.decided_at.desc(), PersonMatch.id.desc())
    ))
    nodes = {**_attendances_by_id(session, {
        attendee_id for match in matches
        for attendee_id in (match.attendee_id, match.other_attendee_id)
    } - in_scope.keys()), **in_scope}
    parent = {attendee_id: attendee_id for attendee_id in nodes}
    events_of = {attendee_id: {a.event_id} for attendee_id, a in nodes.items()}

    def root(attendee_id: int) -> int:
        while parent[attendee_id] != attendee_id:
            parent[attendee_id] = parent[parent[attendee_id]]
            attendee_id = parent[attendee_id]
        return attendee_id

    def join(a: int, b: int) -> None:
        """One person, unless they were both at one event (then they are two)."""
        a, b = root(a), root(b)
        if a != b and not events_of[a] & events_of[b]:
            parent[max(a, b)] = min(a, b)
            events_of[min(a, b)] |= events_of.pop(max(a, b))

    first_with_key: dict[tuple[str, ...], int] = {}
    for attendance in attendances:
        for key in sorted(attendance.match_keys):
            join(first_with_key.setdefault(key, attendance.attendee_id), attendance.attendee_id)
    for match in matches:
        if match.same_person:
            join(match.attendee_id, match.other_attendee_id)
    kept_apart = {frozenset((root(m.attendee_id), root(m.other_attendee_id)))
                  for m in matches if not m.same_person}

    people_by_root: dict[int, Person] = {}
    for attendance in sorted(attendances, key=lambda a: a.attendee_id):
        person = people_by_root.setdefault(root(attendance.attendee_id),
                                           Person(attendance.attendee_id, attendance.name))
        person.attendances.append(attendance)
    people = list(people_by_root.values())

    same_name: dict[str, list[tuple[int, Person]]] = defaultdict(list)
    for person_root, person in people_by_root.items():
        same_name[name_key(person.name)].append((person_root, person))
    possible_duplicates = []
    for name, group in same_name.items():
        if not name:
            continue  # anonymised: no name left to offer
        undecided = {
            person.key
            for (root_a, a), (root_b, b) in combinations(group, 2)
            if not events_of[root_a] & events_of[root_b]
            and frozenset((root_a, root_b)) not in kept_apart
            for person in (a, b)
        }
        if undecided:
            possible_duplicates.append([p for _, p in group if p.key in undecided])
    possible_duplicates.sort(key=lambda group: name_key(group[0].name))
    touching = [m for m in matches
                if m.attendee_id in in_scope or m.other_attendee_id in in_scope]
    return People(people, possible_duplicates, _decisions(session, touching, nodes))


def decide_same_person(session: Session, organiser: Organiser, people: list[list[int]], *,
                       same_person: bool, now: datetime | None = None) -> None:
    """Record that some people are one person, or that they are all different people.

    Each person is given as the ids of their attendances. People who came to the same
    event cannot be one person: refused with ValidationFailed. A later decision on the
    same pair replaces the earlier one. Recorded in the audit log.
    """
    people = [sorted(set(ids)) for ids in people if ids]
    everyone = [attendee_id for ids in people for attendee_id in ids]
    if len(people) < 2 or len(set(everyone)) != len(everyone):
        raise ValidationFailed(_l("Tick at least two people."),
                               fields={"person": _l("Tick at least two people.")})
    rows = {row.id: row for row in session.execute(
        select(Attendee.id, Attendee.name, Attendee.event_id)
        .join(Event, Event.id == Attendee.event_id)
        .where(Attendee.id.in_(everyone), Event.organisation_id == organiser.organisation_id)
    )}
    if len(rows) != len(everyone):
        raise NotFound(_l("Some of these people are not in your events."),
                       reason="attendee_not_found")
    events = [{rows[i].event_id for i in ids} for ids in people]
    if same_person and any(a & b for a, b in combinations(events, 2)):
        message = _l("Two of the people ticked came to the same event: they are different "
                     "people.")
        raise ValidationFailed(message, fields={"person": message})
    # One attendance stands for each person. Linking each to the first is enough to join
    # them; "different" needs every pair.
    standing_for = sorted(ids[0] for ids in people)
    pairs = ([(standing_for[0], other) for other in standing_for[1:]] if same_person
             else list(combinations(standing_for, 2)))
    now = now or utcnow()
    try:
        with session.begin_nested():
            for first, second in pairs:
                session.execute(delete(PersonMatch).where(
                    PersonMatch.attendee_id == first, PersonMatch.other_attendee_id == second))
                session.add(PersonMatch(
                    organisation_id=organiser.organisation_id, attendee_id=first,
                    other_attendee_id=second, same_person=same_person,
                    decided_by_id=organiser.id, decided_at=now,
                ))
            record(session, organisation_id=organiser.organisation_id, by=organiser, now=now,
                   action="people.same_person" if same_person else "people.different_people",
                   target=", ".join(rows[i].name for i in standing_for),
                   details={"attendees": standing_for})
            session.flush()
    except IntegrityError:
        pass  # the same pair decided at the same instant (a double click): that one stands


def undo_decision(session: Session, organiser: Organiser, decision_id: int) -> None:
    """Take back a decision: the pair is matched by contact details again."""
    match = session.get(PersonMatch, decision_id)
    if match is None or match.organisation_id != organiser.organisation_id:
        raise NotFound(_l("This decision was already taken back."), reason="decision_not_found")
    names = session.scalars(select(Attendee.name).where(
        Attendee.id.in_((match.attendee_id, match.other_attendee_id)))).all()
    details = {"same_person": match.same_person,
               "attendees": [match.attendee_id, match.other_attendee_id]}
    session.execute(delete(PersonMatch).where(PersonMatch.id == decision_id))
    record(session, organisation_id=organiser.organisation_id, by=organiser,
           action="people.decision_undone", target=", ".join(names), details=details)


def keep_person_keys(session: Session, attendees: list[Attendee]) -> None:
    """Before these attendees' names and contacts go: give each name-and-contact pair they
    hold a new random key, and give it to every attendee of their organisation holding the
    same pair, so they keep matching (see the module's docstring)."""
    rows = session.execute(
        select(Attendee.id, Attendee.name, Registration.email, Registration.phone,
               Event.organisation_id)
        .join(Registration, Registration.id == Attendee.registration_id)
        .join(Event, Event.id == Attendee.event_id)
        .where(Attendee.id.in_([a.id for a in attendees]))
    ).all()
    pairs = {(organisation_id, name_key(name), contact)
             for _, name, email, phone, organisation_id in rows
             for contact in Attendance(0, name, 0, email, phone).contacts if name_key(name)}
    if not pairs:
        return
    emails = {contact for _, _, contact in pairs if "@" in contact}
    phones = {contact for _, _, contact in pairs if "@" not in contact}
    holders = session.execute(
        select(Attendee, Registration.email, Registration.phone, Event.organisation_id)
        .join(Registration, Registration.id == Attendee.registration_id)
        .join(Event, Event.id == Attendee.event_id)
        .where(Event.organisation_id.in_({organisation_id for organisation_id, _, _ in pairs}),
               or_(func.lower(Registration.email).in_(emails), Registration.phone.in_(phones)))
    ).all()
    key_of = {pair: secrets.token_hex(12) for pair in pairs}
    for attendee, email, phone, organisation_id in holders:
        held = Attendance(attendee.id, attendee.name, 0, email, phone).contacts
        new = [key_of[(organisation_id, name_key(attendee.name), contact)] for contact in held
               if (organisation_id, name_key(attendee.name), contact) in key_of]
        if new:
            attendee.person_keys = [*attendee.person_keys, *sorted(new)]


def name_key(name: str) -> str:
    """The name as compared: no accents, case or extra spaces, and in one Latin spelling,
    so "Мария Иванова" and "Maria Ivanova" are the same name."""
    return spelling(name)


def _attendances_by_id(session: Session, attendee_ids: set[int]) -> dict[int, Attendance]:
    if not attendee_ids:
        return {}
    rows = session.execute(
        select(Attendee.id, Attendee.name, Attendee.event_id, Registration.email,
               Registration.phone)
        .join(Registration, Registration.id == Attendee.registration_id)
        .where(Attendee.id.in_(attendee_ids))
    )
    return {row[0]: Attendance(*row) for row in rows}


def _decisions(session: Session, matches: list[PersonMatch],
               by_id: dict[int, Attendance]) -> list[Decision]:
    organisers = dict(session.execute(
        select(Organiser.id, Organiser.name)
        .where(Organiser.id.in_({m.decided_by_id for m in matches if m.decided_by_id}))
    ).all()) if matches else {}
    return [
        Decision(match.id,
                 (by_id[match.attendee_id].name, by_id[match.other_attendee_id].name),
                 (by_id[match.attendee_id].event_id, by_id[match.other_attendee_id].event_id),
                 match.same_person, organisers.get(match.decided_by_id, ""), match.decided_at)
        for match in matches
    ]
