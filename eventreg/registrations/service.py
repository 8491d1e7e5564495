"""The rules of registering a party, and of cancelling it or some of its attendees.

Capacity is decided by the database: places are taken with one conditional UPDATE per
counter row (`places_taken + n <= capacity`), in a transaction that holds the write lock
(SQLite) or the row lock (PostgreSQL) until it commits. A refused registration rolls back
whole, so it leaves no half-made rows and takes no places.
"""

import hashlib
import hmac
import json
import secrets
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from eventreg import hooks
from eventreg.audit.service import record
from eventreg.consents.service import NOT_ASKED, asked_consents, give_consents
from eventreg.database import utcnow
from eventreg.errors import Conflict, NotFound, ValidationFailed
from eventreg.events.models import (
    AGE_GROUPS,
    SEXES,
    STATUS_CANCELLED,
    STATUS_CLOSED,
    STATUS_PUBLISHED,
    Activity,
    Event,
    Question,
)
from eventreg.events.retention import privacy_notice
from eventreg.events.service import (
    event_not_found,
    get_published_event,
    published_event_statement,
    registration_is_open,
)
from eventreg.i18n import localized
from eventreg.registrations.models import Answer, Attendee, Registration, attendee_activities
from eventreg.registrations.notifications import PeopleToTell, add_party_message, people_to_tell
from eventreg.registrations.search import search_key, search_words
from eventreg.text import clean_text, is_blank

MAX_PARTY_SIZE = 20
MAX_NAME_LENGTH = 200
MAX_TEXT_ANSWER_LENGTH = 1000
#: A note for the door is a few words read at a glance ("needs an interpreter").
MAX_DOOR_NOTE_LENGTH = 200
#: Unambiguous characters for ticket codes read aloud or typed at the door.
TICKET_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: Event statuses in which a volunteer may still register someone at the door.
WALK_IN_STATUSES = (STATUS_PUBLISHED, STATUS_CLOSED)


@dataclass
class AttendeeRequest:
    """One person of the party, as submitted."""

    name: str = ""
    age_group: str | None = None
    birth_year: int | str | None = None
    #: One of SEXES, asked only where the event asks it.
    sex: str | None = None
    activity_ids: list[int] = field(default_factory=list)
    #: Full activities this person waits for while registering now: once the tickets
    #: exist, they join each one's line (eventreg/waitlist/), and get a place when one frees.
    waitlist_activity_ids: list[int] = field(default_factory=list)
    #: Answers to per-attendee questions, keyed by question id.
    answers: dict[int, object] = field(default_factory=dict)
    #: The optional consents ticked for this person (kinds the event asks); none is "no".
    consents: list[str] = field(default_factory=list)
    #: An optional note for the volunteers at this event's doors (Attendee.door_note).
    door_note: str = ""

    @classmethod
    def from_json(cls, person: dict) -> "AttendeeRequest":
        """A person of an API body (registration or walk-in), checked against its schema."""
        return cls(
            name=person.get("name", ""),
            age_group=person.get("age_group"),
            birth_year=person.get("birth_year"),
            sex=person.get("sex"),
            activity_ids=person.get("activities", []),
            waitlist_activity_ids=person.get("waitlist_activities", []),
            answers=person.get("answers", {}),
            consents=person.get("consents", []),
            door_note=person.get("door_note") or "",
        )


@dataclass
class RegistrationRequest:
    """A registration as submitted by the form or the API, before any check."""

    attendees: list[AttendeeRequest]
    consent: bool = False
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    #: Answers to per-party questions, keyed by question id.
    answers: dict[int, object] = field(default_factory=dict)
    language: str = "en"
    #: Client-made id of this submission: sending it again returns the first registration.
    client_id: str | None = None
    #: Where an online submission came from, hashed (see Registration.source_hash).
    source_hash: str | None = None
    #: The partner the form named for sharing consents, as the person saw it (None: the
    #: event's own); a sharing consent for another partner than the event's is left out.
    consent_partner: str | None = None


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    #: False when the submission repeated an earlier `client_id` and nothing new was made.
    is_new: bool


#: `register`'s `earlier` until the caller has looked for an earlier send of the same form.
NOT_LOOKED_UP = object()


def register(
    session: Session,
    event: Event,
    request: RegistrationRequest,
    *,
    phone_region: str | None,
    walk_in: bool = False,
    from_waitlist: bool = False,
    now: datetime | None = None,
    earlier: "Registration | None | object" = NOT_LOOKED_UP,
) -> RegistrationOutcome:
    """Register a party for `event` and give every attendee a ticket.

    `phone_region` is how a phone number without its country code is read (the
    DEFAULT_PHONE_REGION setting); with None only numbers with their code are taken (a
    party from the waiting list, whose phone was stored with it). Phones are stored in
    E.164 form.

    A `walk_in` registration is made by a volunteer at the door, one `from_waitlist` when
    places free up for a party waiting: both are taken while the event is published or
    closed to online registration, whatever the registration window, but never beyond
    capacity. A repeat of an earlier submission (same `client_id`, same content) returns the first
    registration unchanged. Refuses with ValidationFailed (`fields` says what to fix) or
    Conflict with reason `registration_closed`, `event_full`, `activity_full` or
    `client_id_reused` (the id came with other content: the first registration is not
    shown, since its ticket link is private); a refusal changes nothing. A new registration
    with an email queues its ticket link (a confirmation, or a promotion notice for a party
    from the waiting list) in the same transaction. A person's `waitlist_activity_ids` take
    no place: they are announced once the tickets exist (eventreg/hooks.py), and the waiting
    list puts the person in each activity's line, in the same transaction. `earlier` is
    the registration `request.client_id` already made, when the caller read it with the
    event (`find_event_and_earlier_send`).

    Each person's optional consents (eventreg/consents/service.py) are stored with the
    words shown in the party's language and the time; only those ticked, so one left
    unticked (a child's photo consent no parent ticked) is "no". They never decide
    admission: a consent the event does not ask is refused as a field error, but one it
    stopped asking while a party waited is left out.
    """
    now = now or utcnow()
    fingerprint = _submission_fingerprint(request)
    if request.client_id:
        if earlier is NOT_LOOKED_UP:
            earlier = find_by_client_id(session, event.id, request.client_id)
        if earlier is not None:
            return _replay(earlier, fingerprint)
    outside_window = walk_in or from_waitlist
    if not outside_window and not registration_is_open(event, now):
        raise Conflict(_l("Registration for this event is not open."), reason="registration_closed")
    if not outside_window:
        _refuse_when_no_place_is_left(event)
    cleaned = _validate(event, request, phone_region, sex_required=not from_waitlist,
                        answers_required=not walk_in, drop_unasked_consents=from_waitlist)
    client_id = request.client_id or uuid.uuid4().hex
    try:
        # A savepoint: a refusal after some places were taken leaves the caller's unit of
        # work as it was.
        with session.begin_nested():
            _take_places(session, event, cleaned.attendees,
                         open_statuses=WALK_IN_STATUSES if outside_window
                         else (STATUS_PUBLISHED,))
            registration = _create_rows(session, event, request, cleaned, client_id, now,
                                        fingerprint=fingerprint, walk_in=walk_in)
            waits = [(attendee, person.waits_for) for attendee, person
                     in zip(registration.attendees, cleaned.attendees, strict=True)
                     if person.waits_for]
            if waits:
                hooks.activity_waits_requested.send(session, waits=waits, now=now)
            # Queued with the registration, so neither is kept without the other.
            add_party_message(session, registration,
                              "promotion" if from_waitlist else "confirmation")
    except IntegrityError:
        earlier = find_by_client_id(session, event.id, client_id)
        if earlier is None:
            raise
        return _replay(earlier, fingerprint)
    return RegistrationOutcome(registration, is_new=True)


def validate_registration(event: Event, request: RegistrationRequest, *,
                          phone_region: str | None, walk_in: bool = False) -> str | None:
    """Check a registration as `register` would, without taking places (ValidationFailed);
    return its phone as it would be stored (E.164), or None without one."""
    return _validate(event, request, phone_region, answers_required=not walk_in).phone


def cancel_attendees(
    session: Session,
    registration: Registration,
    attendee_ids: list[int] | None = None,
    *,
    by=None,
    tell_party: bool = True,
    now: datetime | None = None,
) -> int:
    """Cancel some attendees of a registration (all when `attendee_ids` is None); `by` is
    the organiser who did it, None for the party itself (recorded in the audit log).

    Frees their places in the event and their activities and invalidates their tickets.
    Already-cancelled attendees are left as they are, so a repeat changes nothing. The party
    is told which tickets were cancelled, if it gave an email, unless `tell_party` is False
    (registrations an organiser found to be abuse, eventreg/registrations/bursts.py). Returns
    how many attendees this call cancelled. The registration counts as cancelled once none
    of its attendees is left.
    """
    now = now or utcnow()
    registration_id = registration.id
    lock_event_first(session, registration.event_id)
    wanted = None if attendee_ids is None else set(attendee_ids)
    cancelled_at_by_id = dict(
        session.execute(
            select(Attendee.id, Attendee.cancelled_at).where(
                Attendee.registration_id == registration_id
            )
        ).all()
    )
    if wanted is not None and wanted - cancelled_at_by_id.keys():
        raise NotFound(_l("No such attendee in this registration."),
                       reason="attendee_not_found")
    active_ids = [id_ for id_, at in cancelled_at_by_id.items() if at is None]
    targets = [id_ for id_ in active_ids if wanted is None or id_ in wanted]
    # Only rows still active are changed, so a concurrent cancel frees places once.
    cancelled = list(session.scalars(
        update(Attendee)
        .where(Attendee.id.in_(targets), Attendee.cancelled_at.is_(None))
        .values(cancelled_at=now, changed_at=now)
        .returning(Attendee.id)
        .execution_options(synchronize_session=False)
    )) if targets else []
    if cancelled:
        _release_places(session, registration.event_id, cancelled)
        names = list(session.scalars(
            select(Attendee.name).where(Attendee.id.in_(cancelled))
            .order_by(Attendee.position)))
        event = session.get(Event, registration.event_id)
        record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
               action="registration.cancelled", target=", ".join(names),
               details={"registration": registration_id})
    if len(cancelled) == len(active_ids):
        session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.cancelled_at.is_(None))
            .values(cancelled_at=now)
            .execution_options(synchronize_session=False)
        )
    if cancelled and tell_party:
        add_party_message(session, session.get(Registration, registration_id),
                          "cancellation", cancelled_names=names)
    session.flush()  # then the objects loaded before reload what the updates wrote
    session.expire_all()
    if cancelled:
        hooks.places_freed.send(session, event=registration.event, now=now)
    return len(cancelled)


@dataclass(frozen=True)
class CancellationPreview:
    """What `cancel_attendees` would do now, to show before it is done."""

    #: Names of the people whose tickets it would cancel (none: nothing to cancel).
    names: list[str]
    #: Whom it would tell (eventreg/registrations/notifications.py).
    told: PeopleToTell


def preview_cancellation(registration: Registration, attendee_ids: list[int] | None = None,
                         *, tell_party: bool = True) -> CancellationPreview:
    """What `cancel_attendees` would cancel and whom it would tell, with the same
    arguments, changing nothing. Refuses as it does (NotFound `attendee_not_found`)."""
    wanted = None if attendee_ids is None else set(attendee_ids)
    if wanted is not None and wanted - {attendee.id for attendee in registration.attendees}:
        raise NotFound(_l("No such attendee in this registration."),
                       reason="attendee_not_found")
    names = [attendee.name for attendee in registration.active_attendees
             if wanted is None or attendee.id in wanted]
    told = people_to_tell([registration] if names and tell_party else [])
    return CancellationPreview(names=names, told=told)


@dataclass(frozen=True)
class PartyOptions:
    """What a party may still do from its private ticket link, now."""

    #: Cancel some or all of its tickets: until the event starts, unless it was cancelled.
    may_cancel: bool
    #: Change a person's activity choices: while the event is published and has not
    #: started, and has activities.
    may_change_activities: bool
    #: Correct a misspelled name of a person whose ticket is valid: until the event starts.
    may_correct_names: bool
    #: Have the party's data erased (eventreg/privacy/erasure.py): before the event starts
    #: (its tickets cancelled with it) or once it is over, never while it is on.
    may_erase: bool


def party_options(registration: Registration, now: datetime | None = None) -> PartyOptions:
    """What the ticket page may offer; the services below refuse exactly the rest."""
    now = now or utcnow()
    event = registration.event
    before_start = now < event.starts_at
    return PartyOptions(
        may_cancel=before_start and event.status != STATUS_CANCELLED
        and bool(registration.active_attendees),
        may_change_activities=before_start and event.status == STATUS_PUBLISHED
        and bool(event.activities),
        may_correct_names=before_start and bool(registration.active_attendees),
        may_erase=registration.anonymised_at is None
        and not event.starts_at <= now < event.ends_at,
    )


def cancel_by_participant(
    session: Session,
    registration: Registration,
    attendee_ids: list[int],
    *,
    now: datetime | None = None,
) -> int:
    """Cancel tickets from the private ticket link: allowed until the event starts.

    Refuses with ValidationFailed when no ticket is chosen, Conflict `too_late_to_cancel`
    once the event has started. Otherwise as `cancel_attendees`.
    """
    now = now or utcnow()
    if not attendee_ids:
        raise ValidationFailed(_l("Tick the tickets to cancel."),
                               fields={"attendee_ids": _l("Tick the tickets to cancel.")})
    if not party_options(registration, now).may_cancel:
        raise Conflict(_l("The event has started or was cancelled: tickets can no longer be "
                          "cancelled here."), reason="too_late_to_cancel")
    return cancel_attendees(session, registration, attendee_ids, now=now)


def change_activities(
    session: Session,
    registration: Registration,
    attendee_id: int,
    activity_ids: list[int],
    *,
    now: datetime | None = None,
) -> None:
    """Replace one attendee's activity choices, from the private ticket link.

    New choices take places and dropped ones free them, with the same conditional UPDATE as
    registering, all or nothing: Conflict `activity_full` (nothing changed) when a new
    choice has no place left, `too_late_to_cancel` once the page no longer offers it
    (`party_options`: the event started, or is not published); NotFound for
    an attendee not (or no longer) in the party; ValidationFailed for an activity of
    another event. Freed places are announced (eventreg/hooks.py: the waiting list takes
    them).
    """
    now = now or utcnow()
    event = registration.event
    if not party_options(registration, now).may_change_activities:
        raise Conflict(_l("The event has started or is no longer open: choices can no "
                          "longer be changed here."), reason="too_late_to_cancel")
    attendee = next((a for a in registration.active_attendees if a.id == attendee_id), None)
    if attendee is None:
        raise NotFound(_l("No such attendee in this registration."),
                       reason="attendee_not_found")
    lock_event_first(session, event.id)
    activities = {activity.id: activity for activity in event.activities}
    wanted = {as_int(value) for value in activity_ids}
    if not wanted <= activities.keys():
        raise ValidationFailed(_l("Choose from the activities listed."),
                               fields={"activities": _l("Choose from the activities listed.")})
    choice = attendee_activities.c
    chosen = set(session.scalars(
        select(choice.activity_id).where(choice.attendee_id == attendee_id)))
    for activity_id in sorted(wanted - chosen):
        if not take_places(session, Activity, activity_id, 1):
            raise Conflict(
                _l("Sorry, %(activity)s is full.",
                   activity=localized(activities[activity_id].title)),
                reason="activity_full")
        session.execute(attendee_activities.insert().values(
            attendee_id=attendee_id, activity_id=activity_id))
    dropped = sorted(chosen - wanted)
    for activity_id in dropped:
        session.execute(
            update(Activity).where(Activity.id == activity_id)
            .values(places_taken=Activity.places_taken - 1)
            .execution_options(synchronize_session=False))
    if dropped:
        session.execute(attendee_activities.delete().where(
            choice.attendee_id == attendee_id, choice.activity_id.in_(dropped)))
    session.execute(update(Attendee).where(Attendee.id == attendee_id)
                    .values(changed_at=now).execution_options(synchronize_session=False))
    session.flush()  # then the objects loaded before reload what the updates wrote
    session.expire_all()
    if chosen - wanted:
        hooks.places_freed.send(session, event=registration.event, now=now)


def correct_names(
    session: Session,
    registration: Registration,
    names: dict[int, str],
    *,
    now: datetime | None = None,
) -> int:
    """Correct misspelled names of the party's people, from the private ticket link:
    `names` maps an attendee's id to their name as it should be. Returns how many names
    changed (a name given as it already is changes nothing).

    Each name is checked as at registration (`clean_name`: not blank or invisible only,
    at most MAX_NAME_LENGTH); ValidationFailed names each one at fault (`names.<id>`) and
    changes none. Refuses with Conflict `too_late_to_cancel` once the page no longer offers
    it (`party_options`: the event has started), NotFound `attendee_not_found` for a
    person not (or no longer) in the party. The registration's search key is made again
    from the new names, the door phones' lists learn them (`changed_at`), and the audit
    log records which people were corrected, by id, never the names old or new.
    """
    now = now or utcnow()
    if not party_options(registration, now).may_correct_names:
        raise Conflict(_l("The event has started: names can no longer be corrected here."),
                       reason="too_late_to_cancel")
    attendees = {attendee.id: attendee for attendee in registration.active_attendees}
    if set(names) - attendees.keys():
        raise NotFound(_l("No such attendee in this registration."),
                       reason="attendee_not_found")
    errors: dict[str, object] = {}
    cleaned: dict[int, str] = {}
    for attendee_id, typed in names.items():
        name, problem = clean_name(typed)
        if problem:
            errors[f"names.{attendee_id}"] = problem
        else:
            cleaned[attendee_id] = name
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), fields=errors)
    changed = sorted(attendee_id for attendee_id, name in cleaned.items()
                     if attendees[attendee_id].name != name)
    if not changed:
        return 0
    for attendee_id in changed:
        attendees[attendee_id].name = cleaned[attendee_id]
        attendees[attendee_id].changed_at = now
    registration.search_text = search_key(registration)
    event = registration.event
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=None,
           action="registration.names_corrected", target=f"registration {registration.id}",
           details={"registration": registration.id, "attendees": changed}, now=now)
    session.flush()
    return len(changed)


def set_door_note(session: Session, registration: Registration, attendee_id: int, typed: str,
                  *, by, now: datetime | None = None) -> bool:
    """Set (or, with a blank `typed`, remove) the note an organiser writes for the doors
    about one person of the party; True when it changed.

    Checked as at registration (`clean_door_note`): ValidationFailed `door_note` when too
    long. NotFound `attendee_not_found` for a person not in the party or whose data was
    erased. The doors' lists learn it (`changed_at`); the audit log records who changed
    whose note, never the note itself.
    """
    now = now or utcnow()
    attendee = next((a for a in registration.attendees
                     if a.id == attendee_id and a.anonymised_at is None), None)
    if attendee is None:
        raise NotFound(_l("No such attendee in this registration."),
                       reason="attendee_not_found")
    note, problem = clean_door_note(typed)
    if problem:
        raise ValidationFailed(_l("Please correct the marked fields."),
                               fields={"door_note": problem})
    if attendee.door_note == note:
        return False
    attendee.door_note = note
    attendee.changed_at = now
    event = registration.event
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           action="registration.door_note_changed", target=f"registration {registration.id}",
           details={"registration": registration.id, "attendee": attendee.id}, now=now)
    session.flush()
    return True


def get_registration_by_secret(session: Session, ticket_secret: str) -> Registration:
    registration = session.scalar(
        select(Registration)
        .where(Registration.ticket_secret == ticket_secret)
        .options(selectinload(Registration.attendees).selectinload(Attendee.activities))
    )
    if registration is None:
        raise NotFound(_l("No such registration."), reason="registration_not_found")
    return registration


def get_event_registration(session: Session, event: Event, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(_l("No such registration."), reason="registration_not_found")
    return registration


def get_organiser_registration(session: Session, organiser, registration_id: int) -> Registration:
    """Return registration `registration_id` of an event of the organiser's organisation;
    NotFound `registration_not_found` for any other (another organisation's looks the same
    as none)."""
    registration = session.scalar(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.id == registration_id,
               Event.organisation_id == organiser.organisation_id)
    )
    if registration is None:
        raise NotFound(_l("No such registration."), reason="registration_not_found")
    return registration


def list_registrations(
    session: Session, event: Event, search: str | None = None
) -> list[Registration]:
    """An event's registrations, newest first, but those whose data was anonymised;
    `search` matches names (in either alphabet, eventreg/registrations/search.py), contact
    details and ticket codes, every word."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.anonymised_at.is_(None))
        .options(
            selectinload(Registration.attendees).selectinload(Attendee.activities),
            selectinload(Registration.attendees).selectinload(Attendee.consents),
            selectinload(Registration.answers),
        )
        .order_by(Registration.created_at.desc(), Registration.id.desc())
    )
    for forms in search_words(search or ""):
        query = query.where(or_(*(Registration.search_text.contains(form, autoescape=True)
                                  for form in forms)))
    return list(session.scalars(query))


@dataclass
class RegistrationCounts:
    registrations: int
    attendees: int
    cancelled_attendees: int


def count_registrations(session: Session, event: Event) -> RegistrationCounts:
    registrations = session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.cancelled_at.is_(None)
        )
    )
    cancelled = session.scalar(
        select(func.count(Attendee.id)).where(
            Attendee.event_id == event.id, Attendee.cancelled_at.is_not(None)
        )
    )
    return RegistrationCounts(
        registrations=registrations or 0,
        attendees=event.places_taken,
        cancelled_attendees=cancelled or 0,
    )


# --- validation ----------------------------------------------------------------------------


@dataclass
class _CleanAttendee:
    name: str
    age_group: str | None
    birth_year: int | None
    sex: str | None
    activities: list[Activity]
    answers: dict[int, object]
    #: The optional consents the person ticked (eventreg/consents/).
    consents: list[str] = field(default_factory=list)
    #: Full activities the person waits for (none of `activities`).
    waits_for: list[Activity] = field(default_factory=list)
    door_note: str = ""


@dataclass
class _CleanRegistration:
    contact_name: str
    email: str | None
    phone: str | None
    attendees: list[_CleanAttendee]
    answers: dict[int, object]
    consent_text: str


def _validate(event: Event, request: RegistrationRequest, phone_region: str | None, *,
              sex_required: bool = True, answers_required: bool = True,
              drop_unasked_consents: bool = False) -> _CleanRegistration:
    """Check a submission against the event's form. `sex_required=False` lets a party
    that joined the waiting list before the event asked for sex be registered without it;
    `answers_required=False` lets people registered at the door or from a paper sheet,
    where the event's questions are not asked, be registered without answers;
    `drop_unasked_consents` leaves out consents the event no longer asks (a party that
    waited), rather than refusing them."""
    errors: dict[str, object] = {}
    contact_name = clean_text(request.contact_name)
    if len(contact_name) > MAX_NAME_LENGTH:
        errors["contact_name"] = _l("Keep the name under 200 characters.")
    elif contact_name and is_blank(contact_name):
        errors["contact_name"] = _l("Write a name with letters, or leave this empty.")

    email = None
    if request.email and request.email.strip():
        try:
            email = validate_email(request.email.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = _l("This does not look like an email address, e.g. name@example.org.")

    phone = None
    if request.phone and request.phone.strip():
        phone = _normalise_phone(request.phone, phone_region)
        if phone is None:
            errors["phone"] = _l(
                "This does not look like a phone number. Include the country code, e.g. +359 88 123 4567."
            )

    if not request.consent:
        errors["consent"] = _l("Please agree to the privacy notice to register.")

    attendees: list[_CleanAttendee] = []
    if not request.attendees:
        errors["attendees"] = _l("Add at least one person.")
    elif len(request.attendees) > MAX_PARTY_SIZE:
        errors["attendees"] = _l(
            "A registration can hold at most %(count)d people.", count=MAX_PARTY_SIZE
        )
    else:
        activities_by_id = {activity.id: activity for activity in event.activities}
        questions = {question.id: question for question in event.questions}
        for index, person in enumerate(request.attendees):
            attendees.append(
                _validate_attendee(event, person, index, activities_by_id, questions, errors,
                                   sex_required=sex_required,
                                   answers_required=answers_required,
                                   consent_partner=request.consent_partner,
                                   drop_unasked_consents=drop_unasked_consents)
            )

    party_questions = [q for q in event.questions if q.asked_per == "party"]
    answers = _validate_answers(party_questions, request.answers, "answers", errors,
                                required=answers_required)

    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), fields=errors)
    return _CleanRegistration(
        contact_name=contact_name,
        email=email,
        phone=phone,
        attendees=attendees,
        answers=answers,
        consent_text=privacy_notice(event, request.language),
    )


def _validate_attendee(
    event: Event,
    person: AttendeeRequest,
    index: int,
    activities_by_id: dict[int, Activity],
    questions: dict[int, Question],
    errors: dict,
    *,
    sex_required: bool,
    answers_required: bool,
    consent_partner: str | None,
    drop_unasked_consents: bool,
) -> _CleanAttendee:
    prefix = f"attendees.{index}"
    name, problem = clean_name(person.name)
    if problem:
        errors[f"{prefix}.name"] = problem

    age_group = birth_year = None
    if event.age_mode == "age_group":
        age_group = person.age_group or None
        if age_group not in AGE_GROUPS:
            errors[f"{prefix}.age_group"] = _l("Choose child or adult.")
    else:
        this_year = utcnow().year
        try:
            birth_year = int(str(person.birth_year).strip())
        except (TypeError, ValueError):
            birth_year = None
        if birth_year is None or not this_year - 120 <= birth_year <= this_year:
            errors[f"{prefix}.birth_year"] = _l(
                "Enter the year of birth, e.g. %(year)d.", year=this_year - 30
            )

    sex = None
    if event.asks_sex:
        sex = person.sex or None
        if sex not in SEXES and (sex is not None or sex_required):
            errors[f"{prefix}.sex"] = _l("Choose an answer; “prefer not to say” is one.")
            sex = None

    chosen: list[Activity] = []
    for activity_id in dict.fromkeys(as_int(value) for value in person.activity_ids or []):
        activity = activities_by_id.get(activity_id)
        if activity is None:
            errors[f"{prefix}.activities"] = _l("Choose from the activities listed.")
            break
        chosen.append(activity)
    waits_for: list[Activity] = []
    for activity_id in dict.fromkeys(as_int(value)
                                     for value in person.waitlist_activity_ids or []):
        activity = activities_by_id.get(activity_id)
        if activity is None:
            errors[f"{prefix}.waitlist_activities"] = _l("Choose from the activities listed.")
            break
        if activity not in chosen:  # a place held is better than a place in line
            waits_for.append(activity)

    attendee_questions = [q for q in questions.values() if q.asked_per == "attendee"]
    answers = _validate_answers(attendee_questions, person.answers, f"{prefix}.answers", errors,
                                required=answers_required)
    consents, unasked = asked_consents(event, person.consents, partner_shown=consent_partner,
                                       drop_unasked=drop_unasked_consents)
    if unasked:
        errors[f"{prefix}.consents"] = NOT_ASKED
    door_note, problem = clean_door_note(person.door_note)
    if problem:
        errors[f"{prefix}.door_note"] = problem
    return _CleanAttendee(name, age_group, birth_year, sex, chosen, answers, consents,
                          waits_for, door_note)


def clean_name(typed: str | None) -> tuple[str, object]:
    """A person's name as stored (eventreg/text.py's `clean_text`), and the problem with it
    or None: a name must show something (not only spaces or invisible characters) and
    hold at most MAX_NAME_LENGTH characters. Control characters are refused before this,
    with the fields named, by the request's checks (eventreg/site.py, eventreg/web.py)."""
    name = clean_text(typed)
    if is_blank(name):
        return name, _l("Enter this person's name.")
    if len(name) > MAX_NAME_LENGTH:
        return name, _l("Keep the name under 200 characters.")
    return name, None


def clean_door_note(typed: str | None) -> tuple[str, object]:
    """A note for the door as stored (`clean_text`; only blank is no note), and the problem
    with it or None: at most MAX_DOOR_NOTE_LENGTH characters. Control characters are
    refused before this, as for every typed text (eventreg/text.py)."""
    note = clean_text(typed)
    if is_blank(note):
        return "", None
    if len(note) > MAX_DOOR_NOTE_LENGTH:
        return note, _l("Keep the note for the door under %(count)d characters.",
                        count=MAX_DOOR_NOTE_LENGTH)
    return note, None


def _validate_answers(
    questions: list[Question], given: dict, prefix: str, errors: dict, *, required: bool
) -> dict[int, object]:
    """Answers given must fit their question; required ones must be given if `required`."""
    given = {as_int(key): value for key, value in (given or {}).items()}
    known_ids = {question.id for question in questions}
    for unknown in set(given) - known_ids:
        errors[f"{prefix}.{unknown}"] = _l("This event does not ask that question.")
    answers: dict[int, object] = {}
    for question in questions:
        path = f"{prefix}.{question.id}"
        value, problem = _clean_answer(question, given.get(question.id))
        if problem:
            errors[path] = problem
        elif value is None:
            if question.required and required:
                errors[path] = _l("Please answer this question.")
        else:
            answers[question.id] = value
    return answers


def _clean_answer(question: Question, value: object) -> tuple[object, object]:
    """Return (normalised value or None when unanswered, problem message or None)."""
    if value is None or value == "" or value == []:
        return None, None
    if question.kind == "text":
        if not isinstance(value, str):
            return None, _l("Answer with text.")
        text = clean_text(value)
        if len(text) > MAX_TEXT_ANSWER_LENGTH:
            return None, _l("Keep the answer under 1000 characters.")
        return (text or None), None
    if question.kind == "yes_no":
        if isinstance(value, bool):
            return value, None
        word = str(value).strip().lower()
        if word in ("yes", "true", "1", "on"):
            return True, None
        if word in ("no", "false", "0", "off"):
            return False, None
        return None, _l("Answer yes or no.")
    options = question.option_values()
    if question.kind == "single_choice":
        if value not in options:
            return None, _l("Choose one of the options.")
        return value, None
    values = value if isinstance(value, list) else [value]
    if any(item not in options for item in values):
        return None, _l("Choose from the options.")
    return [option for option in options if option in values], None


def _normalise_phone(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def as_int(value: object) -> int | None:
    """The value as an int, or None if it is not one (for ids sent by forms)."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# --- places and rows -----------------------------------------------------------------------


def _take_places(
    session: Session, event: Event, attendees: list[_CleanAttendee], *, open_statuses: tuple
) -> None:
    """Take places for the party or raise Conflict; counters are locked in id order.

    The event's row is taken only while its status is one of `open_statuses`, so a
    registration racing an organiser who closes or cancels the event loses.
    """
    if not take_places(session, Event, event.id, len(attendees),
                       Event.status.in_(open_statuses)):
        status, left = session.execute(
            select(Event.status, Event.capacity - Event.places_taken).where(Event.id == event.id)
        ).one()
        if status not in open_statuses:
            raise Conflict(_l("Registration for this event is not open."),
                           reason="registration_closed")
        raise _not_enough_places(left)
    wanted = Counter(activity.id for person in attendees for activity in person.activities)
    for activity_id in sorted(wanted):
        if not take_places(session, Activity, activity_id, wanted[activity_id]):
            activity = session.get(Activity, activity_id)
            session.refresh(activity)
            fields = {
                f"attendees.{index}.activities": _l(
                    "%(activity)s has %(left)d places left.",
                    activity=localized(activity.title),
                    left=activity.places_left or 0,
                )
                for index, person in enumerate(attendees)
                if any(chosen.id == activity_id for chosen in person.activities)
            }
            raise Conflict(
                _l("Sorry, %(activity)s is full.", activity=localized(activity.title)),
                reason="activity_full",
                fields=fields,
            )


def _refuse_when_no_place_is_left(event: Event) -> None:
    """Refuse an online registration at once when the event has no place left at all
    (its row as this unit of work read it): no party could be registered, so the person
    is not asked to fix the form first, and a surge for the last places is answered
    without the party's checks. Walk-ins and parties from the waiting list go straight
    to `_take_places`: a promotion follows places freed in the same unit of work, which
    the loaded row does not show. `_take_places` stays the rule that never overbooks."""
    if event.places_left == 0:
        raise _not_enough_places(0)


def _not_enough_places(left: int | None) -> Conflict:
    return Conflict(
        _l("Sorry, there are not enough places left: %(left)d left.", left=max(left or 0, 0)),
        reason="event_full",
    )


def take_places(session: Session, model, row_id: int, count: int, *conditions) -> bool:
    """The one capacity rule: take `count` places of an Event's or Activity's row if its
    capacity allows (and `conditions` hold), in one conditional UPDATE; False when not.
    The row stays locked until the unit of work ends."""
    result = session.execute(
        update(model)
        .where(
            model.id == row_id,
            or_(model.capacity.is_(None), model.places_taken + count <= model.capacity),
            *conditions,
        )
        .values(places_taken=model.places_taken + count)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def lock_event_first(session: Session, event_id: int) -> None:
    """Lock the event's row before any other of its rows (PostgreSQL; SQLite's unit of work
    already holds the write lock). Every change of places and every promotion that follows
    it takes rows in one order, event, then activities, then waiting-list entries, so two
    of them at once wait for each other in turn and never deadlock."""
    session.execute(select(Event.id).where(Event.id == event_id).with_for_update())


def _release_places(session: Session, event_id: int, attendee_ids: list[int]) -> None:
    session.execute(
        update(Event)
        .where(Event.id == event_id)
        .values(places_taken=Event.places_taken - len(attendee_ids))
        .execution_options(synchronize_session=False)
    )
    chosen = session.execute(
        select(attendee_activities.c.activity_id, func.count())
        .where(attendee_activities.c.attendee_id.in_(attendee_ids))
        .group_by(attendee_activities.c.activity_id)
        .order_by(attendee_activities.c.activity_id)
    ).all()
    for activity_id, count in chosen:
        session.execute(
            update(Activity)
            .where(Activity.id == activity_id)
            .values(places_taken=Activity.places_taken - count)
            .execution_options(synchronize_session=False)
        )


def _create_rows(
    session: Session,
    event: Event,
    request: RegistrationRequest,
    cleaned: _CleanRegistration,
    client_id: str,
    now: datetime,
    *,
    fingerprint: str,
    walk_in: bool,
) -> Registration:
    # The new rows' collections start empty and known, so that reading them (the answer
    # to the request) asks the database nothing.
    registration = Registration(
        event_id=event.id,
        client_id=client_id,
        ticket_secret=secrets.token_urlsafe(24),
        contact_name=cleaned.contact_name,
        email=cleaned.email,
        phone=cleaned.phone,
        language=request.language,
        consent_given_at=now,
        consent_text=cleaned.consent_text,
        source_hash=request.source_hash,
        created_at=now,
        submission_fingerprint=fingerprint,
        walk_in=walk_in,
        answers=[],
    )
    session.add(registration)
    for position, person in enumerate(cleaned.attendees):
        attendee = Attendee(
            event_id=event.id,
            name=person.name,
            age_group=person.age_group,
            birth_year=person.birth_year,
            sex=person.sex,
            ticket_code=new_ticket_code(),
            door_note=person.door_note,
            position=position,
            changed_at=now,
            # In the relationship's order, as a read of the row would give them.
            activities=sorted(person.activities, key=lambda chosen: (chosen.position, chosen.id)),
            consents=[],
            answers=[],
        )
        registration.attendees.append(attendee)
        give_consents(session, event, attendee, person.consents, language=request.language,
                      now=now)
        for question_id, value in person.answers.items():
            session.add(Answer(registration=registration, attendee=attendee,
                               question_id=question_id, value=value))
    for question_id, value in cleaned.answers.items():
        session.add(Answer(registration=registration, question_id=question_id, value=value))
    registration.search_text = search_key(registration)
    session.flush()
    return registration


def new_ticket_code() -> str:
    code = "".join(secrets.choice(TICKET_CODE_ALPHABET) for _ in range(10))
    return f"{code[:5]}-{code[5:]}"


def _submission_fingerprint(request: RegistrationRequest) -> str:
    """A digest of everything submitted but the id, to tell a retry from a reused id."""
    content = asdict(request)
    content.pop("client_id")
    content.pop("source_hash")  # a retry from another network is the same submission
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _replay(earlier: Registration, fingerprint: str) -> RegistrationOutcome:
    if not hmac.compare_digest(earlier.submission_fingerprint, fingerprint):
        raise Conflict(
            _l("This form was already sent with other details. Please reload the page and "
               "send it again."),
            reason="client_id_reused",
        )
    return RegistrationOutcome(earlier, is_new=False)


def find_event_and_earlier_send(session: Session, slug: str,
                                client_id: str | None) -> tuple[Event, Registration | None]:
    """The public event at `slug` (NotFound `event_not_found` for none) and the
    registration the form with `client_id` already made for it, if any, in one statement:
    a surge for the last places costs each refused request one statement."""
    if not client_id:
        return get_published_event(session, slug), None
    row = session.execute(
        published_event_statement(slug).add_columns(Registration).outerjoin(
            Registration,
            (Registration.event_id == Event.id) & (Registration.client_id == client_id))
    ).first()
    if row is None:
        raise event_not_found()
    return row[0], row[1]


def find_by_client_id(session: Session, event_id: int, client_id: str) -> Registration | None:
    return session.scalar(
        select(Registration).where(
            Registration.event_id == event_id, Registration.client_id == client_id
        )
    )
