"""The rules of the waiting lists: joining when full, and promotion when places free up.

Two kinds of line (eventreg/waitlist/models.py):

- **The event's line**, of whole parties, when the event itself is full. A party on it
  keeps its form as sent. When places free up (a cancellation, a raised capacity) the first
  party in line is registered through the very same `register` and its capacity rule, so
  no more are promoted than places freed, whatever runs at the same time. The event's
  `waitlist_order` says what happens when the first party does not fit yet: "strict" (the
  default) keeps everyone behind it waiting, so a family is never passed for ever by
  single people who each fit into one freed place; "fit" lets smaller parties behind it
  that fit go first, the big one keeping its place at the head. An organiser can promote
  by hand either way. A promotion repeated by a concurrent worker registers the party once
  (the registration's client_id is the entry's). A party whose activity is full by the
  time it is promoted gets its tickets, and its people wait for that activity in its line.
- **An activity's line**, of registered people (ActivityWaiting), when an activity is full
  but the event is not: a person registering asks to wait for it (the family gets its
  tickets now), or joins from the private ticket link. Each freed place of the activity
  goes to the first person in its line, strictly first come, first served (one person
  always fits one place), taken with the same conditional UPDATE as registering; the party
  is told in the same transaction.

Freed places go to the activities' lines first (people already registered who waited for
them), then to the event's line. Every promotion locks the event's row first, then
activities, then line entries (`lock_event_first`), so concurrent ones never deadlock.
"""

import json
import secrets
from dataclasses import asdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventreg.audit.service import record
from eventreg.database import utcnow
from eventreg.errors import Conflict, NotFound, ValidationFailed
from eventreg.events.models import STATUS_CANCELLED, STATUS_PUBLISHED, Activity, Event
from eventreg.i18n import localized
from eventreg.registrations.models import Attendee, Registration, attendee_activities
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    as_int,
    find_by_client_id,
    lock_event_first,
    party_options,
    register,
    take_places,
    validate_registration,
)
from eventreg.waitlist.line import names_of
from eventreg.waitlist.models import ActivityWaiting, WaitlistEntry
from eventreg.waitlist.notifications import add_activity_promotion_message, add_joined_message

#: Refusals of `register` that mean "no room for this party now".
NO_ROOM = ("event_full", "activity_full")


def join_waitlist(
    session: Session, event: Event, request: RegistrationRequest, *,
    phone_region: str | None, now: datetime | None = None,
) -> WaitlistEntry:
    """Put a party on the event's waiting list, checked like a registration (`phone_region`
    as for `register`); its phone is kept in E.164 form, so that promoting it later needs no
    setting.

    Refuses with Conflict `registration_closed` unless the event is published, and
    ValidationFailed for the same mistakes `register` refuses. A party that gave an email
    is sent its private link. If places are free by now, the party is promoted at once.
    """
    now = now or utcnow()
    if event.status != STATUS_PUBLISHED:
        raise Conflict(_l("Registration for this event is not open."), reason="registration_closed")
    phone = validate_registration(event, request, phone_region=phone_region)
    stored = json.loads(json.dumps(asdict(request), default=str))
    stored.pop("client_id", None)
    stored.pop("source_hash", None)
    stored["phone"] = phone or ""
    # The partner the party agreed to share with, if it did: promoted later, its consent
    # counts only if the event still names that one.
    stored["consent_partner"] = (event.consent_partner if request.consent_partner is None
                                 else request.consent_partner)
    entry = WaitlistEntry(
        event_id=event.id, request=stored, secret=secrets.token_urlsafe(24),
        email=(request.email or "").strip() or None, party_size=len(request.attendees),
        joined_at=now,
    )
    session.add(entry)
    session.flush()
    add_joined_message(session, entry)
    promote_waitlist(session, event, now=now)
    return entry


def promote_waitlist(
    session: Session, event: Event, *, now: datetime | None = None,
) -> list[Registration]:
    """Register waiting parties in line order while places allow; return the registrations.

    In the event's "strict" order the first party that does not fit stops the promotion;
    in "fit" order it keeps its place and the next parties that fit go first.
    """
    now = now or utcnow()
    passes_over = event.waitlist_order == "fit"
    promoted, passed = [], []
    while True:
        query = (
            select(WaitlistEntry)
            .where(WaitlistEntry.event_id == event.id, WaitlistEntry.promoted_at.is_(None),
                   WaitlistEntry.removed_at.is_(None))
            .order_by(WaitlistEntry.joined_at, WaitlistEntry.id)
            .limit(1)
        )
        if passed:
            query = query.where(WaitlistEntry.id.not_in(passed))
        entry = session.scalar(query)
        if entry is None:
            break
        outcome = _promote(session, entry, now)
        if isinstance(outcome, Registration):
            promoted.append(outcome)
        elif passes_over and outcome == "event_full" and _places_left(session, event.id):
            passed.append(entry.id)
        else:
            break
    return promoted


def _places_left(session: Session, event_id: int) -> bool:
    capacity, taken = session.execute(
        select(Event.capacity, Event.places_taken).where(Event.id == event_id)).one()
    return capacity is None or taken < capacity


def promote_by_hand(session: Session, entry: WaitlistEntry, *, by=None,
                    now: datetime | None = None) -> Registration:
    """An organiser registers this party out of turn; Conflict when there is no room."""
    if not entry.is_waiting:
        raise Conflict(_l("This party is no longer waiting."), reason="not_waiting")
    registration = _promote(session, entry, now or utcnow())
    if not isinstance(registration, Registration):
        raise Conflict(_l("There are not enough places for this party yet."),
                       reason="event_full")
    _audit(session, entry, by, "waitlist.promoted")
    return registration


def _audit(session: Session, entry: WaitlistEntry, by, action: str) -> None:
    event = session.get(Event, entry.event_id)
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           action=action, target=", ".join(names_of(entry)))


def remove_from_waitlist(session: Session, entry: WaitlistEntry, *, by=None,
                         now: datetime | None = None) -> None:
    """Take a party off the line (the party itself, or an organiser `by`); a repeat does
    nothing."""
    removed = session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry.id, WaitlistEntry.promoted_at.is_(None),
               WaitlistEntry.removed_at.is_(None))
        .values(removed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.flush()  # then the objects loaded before reload what the updates wrote
    session.expire_all()
    if removed and by is not None:
        _audit(session, entry, by, "waitlist.removed")


def put_back_on_waitlist(session: Session, entry: WaitlistEntry, *, by,
                         now: datetime | None = None) -> WaitlistEntry:
    """Undo a removal from the line: the party waits again in its old place (the line is
    in the order parties joined, which a removal does not change). If places are free by
    now, it is promoted at once, as when it joined.

    Refuses with Conflict `not_removed` unless the party was taken off the line and is
    still as it was then: not registered since, its data not erased, the event not
    cancelled. Recorded in the audit log as `waitlist.put_back` (`by`, the organiser).
    """
    event = session.get(Event, entry.event_id)
    back = 0
    if event.status != STATUS_CANCELLED:
        back = session.execute(
            update(WaitlistEntry)
            .where(WaitlistEntry.id == entry.id, WaitlistEntry.removed_at.is_not(None),
                   WaitlistEntry.promoted_at.is_(None), WaitlistEntry.anonymised_at.is_(None))
            .values(removed_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    if not back:
        raise Conflict(_l("This party can no longer be put back on the waiting list."),
                       reason="not_removed")
    session.flush()  # then the objects loaded before reload what the update wrote
    session.expire_all()
    _audit(session, entry, by, "waitlist.put_back")
    if event.status == STATUS_PUBLISHED:
        promote_waitlist(session, event, now=now)
    return session.get(WaitlistEntry, entry.id)


def get_entry_by_secret(session: Session, secret: str) -> WaitlistEntry:
    entry = session.scalar(select(WaitlistEntry).where(WaitlistEntry.secret == secret))
    if entry is None:
        raise NotFound(_l("No such place on a waiting list."), reason="waitlist_entry_not_found")
    return entry


def get_event_entry(session: Session, event: Event, entry_id: int) -> WaitlistEntry:
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None or entry.event_id != event.id:
        raise NotFound(_l("No such place on a waiting list."), reason="waitlist_entry_not_found")
    return entry


def _promote(session: Session, entry: WaitlistEntry, now: datetime) -> Registration | str:
    """Register the entry's party, or say why not (a reason: `event_full`, ...)."""
    entry_id, event = entry.id, entry.event
    request = _request_of(entry)
    try:
        registration = _register_from_line(session, event, request, now)
    except Conflict as refusal:
        if refusal.reason in NO_ROOM or refusal.reason == "registration_closed":
            return refusal.reason
        raise
    except ValidationFailed:
        # The form changed since they joined (e.g. a new required question): they cannot
        # be registered as they are, so they leave the line rather than block it.
        remove_from_waitlist(session, entry, now=now)
        return "validation_failed"
    registration_id = registration.id
    # The registration (and its promotion notice) is kept even if this step is never
    # reached: the next promotion finds it again by its client id and marks the entry then.
    session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id, WaitlistEntry.promoted_at.is_(None))
        .values(promoted_at=now, registration_id=registration_id)
        .execution_options(synchronize_session=False)
    )
    session.flush()  # then the objects loaded before reload what the updates wrote
    session.expire_all()
    return session.get(Registration, registration_id)


def _register_from_line(session: Session, event: Event, request: RegistrationRequest,
                        now: datetime) -> Registration:
    """Register a party of the event's line; an activity full by now is waited for instead,
    so the party gets its tickets all the same."""
    try:
        # Its phone was stored in E.164 form when it joined: no region to read it with.
        return register(session, event, request, from_waitlist=True, now=now,
                        phone_region=None).registration
    except Conflict as refusal:
        if refusal.reason != "activity_full":
            raise
    full = _full_activity_ids(session, event, request)
    for person in request.attendees:
        chosen = [i for i in map(as_int, person.activity_ids) if i is not None]
        person.waitlist_activity_ids = [*person.waitlist_activity_ids,
                                        *(i for i in chosen if i in full)]
        person.activity_ids = [i for i in chosen if i not in full]
    try:
        return register(session, event, request, from_waitlist=True, now=now,
                        phone_region=None).registration
    except Conflict as refusal:
        # Registered meanwhile by a concurrent promotion with the first choices.
        earlier = (find_by_client_id(session, event.id, request.client_id)
                   if refusal.reason == "client_id_reused" else None)
        if earlier is None:
            raise
        return earlier


def _full_activity_ids(session: Session, event: Event, request: RegistrationRequest) -> set:
    wanted: dict[int, int] = {}
    for person in request.attendees:
        for activity_id in filter(None, map(as_int, person.activity_ids)):
            wanted[activity_id] = wanted.get(activity_id, 0) + 1
    rows = session.execute(select(Activity.id, Activity.capacity, Activity.places_taken)
                           .where(Activity.id.in_(wanted))).all()
    return {activity_id for activity_id, capacity, taken in rows
            if capacity is not None and taken + wanted[activity_id] > capacity}


def _request_of(entry: WaitlistEntry) -> RegistrationRequest:
    stored = dict(entry.request)
    attendees = [AttendeeRequest(**person) for person in stored.pop("attendees", [])]
    return RegistrationRequest(attendees=attendees, client_id=f"waitlist-{entry.id}",
                               **stored)


# --- activities' lines ---------------------------------------------------------------------


def join_activity_line(session: Session, registration: Registration, attendee_id: int,
                       activity_id: int, *, now: datetime | None = None) -> ActivityWaiting:
    """Put a person of the party in the line of a full activity, from the private ticket
    link; a repeat returns the place they already hold.

    Refuses with Conflict `too_late_to_cancel` once the ticket page no longer offers to
    change activities (`party_options`), `activity_already_chosen` when the person holds a
    place in it; NotFound `attendee_not_found` for a person not (or no longer) in the party,
    `activity_not_found` for an activity of another event. When a place is free and nobody
    is ahead, the person gets it at once.
    """
    now = now or utcnow()
    if not party_options(registration, now).may_change_activities:
        raise Conflict(_l("The event has started or is no longer open: choices can no "
                          "longer be changed here."), reason="too_late_to_cancel")
    if attendee_id not in {attendee.id for attendee in registration.active_attendees}:
        raise NotFound(_l("No such attendee in this registration."),
                       reason="attendee_not_found")
    activity = session.get(Activity, activity_id)
    if activity is None or activity.event_id != registration.event_id:
        raise NotFound(_l("No such activity."), reason="activity_not_found")
    lock_event_first(session, registration.event_id)
    if _holds(session, attendee_id, activity_id):
        raise Conflict(_l("%(activity)s is already among this person's activities.",
                          activity=localized(activity.title)),
                       reason="activity_already_chosen")
    wait = _join_line(session, attendee_id, activity_id, now)
    promote_activity_line(session, activity_id, now=now)
    session.refresh(wait)
    return wait


def _holds(session: Session, attendee_id: int, activity_id: int) -> bool:
    choice = attendee_activities.c
    return session.scalar(select(func.count()).select_from(attendee_activities).where(
        choice.attendee_id == attendee_id, choice.activity_id == activity_id)) > 0


def _join_line(session: Session, attendee_id: int, activity_id: int,
               now: datetime) -> ActivityWaiting:
    """The person's entry in the activity's line, made now unless they already wait (a
    unique index decides two at once)."""
    def waiting():
        return session.scalar(select(ActivityWaiting).where(
            ActivityWaiting.attendee_id == attendee_id,
            ActivityWaiting.activity_id == activity_id,
            ActivityWaiting.promoted_at.is_(None), ActivityWaiting.removed_at.is_(None)))

    earlier = waiting()
    if earlier is not None:
        return earlier
    try:
        with session.begin_nested():
            wait = ActivityWaiting(attendee_id=attendee_id, activity_id=activity_id,
                                   joined_at=now)
            session.add(wait)
            session.flush()
    except IntegrityError:
        return waiting()
    return wait


def add_waits_of_new_registration(session: Session, waits, now: datetime) -> None:
    """Put people who registered just now in the lines of the full activities they chose
    to wait for, in the order of the form; a free place goes to them at once."""
    activity_ids = set()
    for attendee, activities in waits:
        for activity in activities:
            _join_line(session, attendee.id, activity.id, now)
            activity_ids.add(activity.id)
    for activity_id in sorted(activity_ids):
        promote_activity_line(session, activity_id, now=now)


def _waiting_in_line(activity_id: int):
    """The activity's line: entries still waiting, of valid tickets not holding the
    activity already, first come first."""
    choice = attendee_activities.c
    return (
        select(ActivityWaiting.id)
        .join(Attendee, Attendee.id == ActivityWaiting.attendee_id)
        .where(ActivityWaiting.activity_id == activity_id,
               ActivityWaiting.promoted_at.is_(None), ActivityWaiting.removed_at.is_(None),
               Attendee.cancelled_at.is_(None),
               ~exists().where(and_(choice.attendee_id == ActivityWaiting.attendee_id,
                                    choice.activity_id == activity_id)))
        .order_by(ActivityWaiting.joined_at, ActivityWaiting.id)
    )


def promote_activity_line(session: Session, activity_id: int, *,
                          now: datetime | None = None) -> list[ActivityWaiting]:
    """Give the activity's free places to the first people in its line, one by one, while
    places allow; return their entries. Each is told (the party's message)."""
    now = now or utcnow()
    promoted = []
    while True:
        wait_id = _promote_next(session, activity_id, now)
        if wait_id is None:
            break
        promoted.append(wait_id)
    session.flush()
    session.expire_all()
    return [session.get(ActivityWaiting, wait_id) for wait_id in promoted]


class _NoPlace(Exception):
    """Nobody in line, or no place: undo the savepoint."""


def _promote_next(session: Session, activity_id: int, now: datetime,
                  wait_id: int | None = None) -> int | None:
    """Promote the first in line (or the entry `wait_id`, out of turn) if a place is free:
    the place first (the activity's row, locked), then the entry (claimed only if still
    waiting, so two workers never promote one person twice nor give one place twice)."""
    query = _waiting_in_line(activity_id)
    if wait_id is not None:
        query = query.where(ActivityWaiting.id == wait_id)
    if session.scalar(query.limit(1)) is None:
        return None  # nobody waits: take no place
    try:
        with session.begin_nested():
            if not take_places(session, Activity, activity_id, 1):
                raise _NoPlace
            while True:
                head = session.scalar(query.limit(1))
                if head is None:
                    raise _NoPlace
                claimed = session.execute(
                    update(ActivityWaiting)
                    .where(ActivityWaiting.id == head, ActivityWaiting.promoted_at.is_(None),
                           ActivityWaiting.removed_at.is_(None))
                    .values(promoted_at=now)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if claimed:
                    break
            attendee_id = session.scalar(
                select(ActivityWaiting.attendee_id).where(ActivityWaiting.id == head))
            session.execute(attendee_activities.insert().values(
                attendee_id=attendee_id, activity_id=activity_id))
            # The door phones learn the new choice.
            session.execute(update(Attendee).where(Attendee.id == attendee_id)
                            .values(changed_at=now)
                            .execution_options(synchronize_session=False))
            add_activity_promotion_message(session, attendee_id, activity_id)
    except _NoPlace:
        return None
    return head


def forget_waits_of_cancelled(session: Session, event_id: int, now: datetime) -> None:
    """Take people whose tickets were cancelled off their event's activity lines."""
    cancelled = select(Attendee.id).where(Attendee.event_id == event_id,
                                          Attendee.cancelled_at.is_not(None))
    session.execute(
        update(ActivityWaiting)
        .where(ActivityWaiting.attendee_id.in_(cancelled),
               ActivityWaiting.promoted_at.is_(None), ActivityWaiting.removed_at.is_(None))
        .values(removed_at=now)
        .execution_options(synchronize_session=False))


def promote_activity_lines(session: Session, event: Event, *,
                           now: datetime | None = None) -> list[ActivityWaiting]:
    """Offer the free places of every activity of the event to its line."""
    now = now or utcnow()
    forget_waits_of_cancelled(session, event.id, now)
    activity_ids = sorted(session.scalars(
        select(ActivityWaiting.activity_id).distinct()
        .join(Activity, Activity.id == ActivityWaiting.activity_id)
        .where(Activity.event_id == event.id, ActivityWaiting.promoted_at.is_(None),
               ActivityWaiting.removed_at.is_(None))))
    promoted = []
    for activity_id in activity_ids:
        promoted += promote_activity_line(session, activity_id, now=now)
    return promoted


def leave_activity_line(session: Session, registration: Registration, attendee_id: int,
                        activity_id: int, *, now: datetime | None = None) -> bool:
    """A person of the party leaves an activity's line (from the ticket link); returns
    whether they were waiting (a repeat does nothing). NotFound `attendee_not_found` for a
    person of another party."""
    if attendee_id not in {attendee.id for attendee in registration.attendees}:
        raise NotFound(_l("No such attendee in this registration."),
                       reason="attendee_not_found")
    wait = session.scalar(select(ActivityWaiting).where(
        ActivityWaiting.attendee_id == attendee_id, ActivityWaiting.activity_id == activity_id,
        ActivityWaiting.promoted_at.is_(None), ActivityWaiting.removed_at.is_(None)))
    return wait is not None and _end_wait(session, wait, now or utcnow())


def remove_from_activity_line(session: Session, wait: ActivityWaiting, *, by,
                              now: datetime | None = None) -> None:
    """An organiser `by` takes a person off an activity's line (audited); a repeat does
    nothing."""
    if _end_wait(session, wait, now or utcnow()):
        _audit_wait(session, wait, by, "waitlist.activity_removed")


def promote_from_activity_line_by_hand(session: Session, wait: ActivityWaiting, *, by,
                                       now: datetime | None = None) -> ActivityWaiting:
    """An organiser `by` gives this person the activity's place out of turn (audited),
    through the same capacity rule; Conflict `not_waiting` when they no longer wait,
    `activity_full` when there is no free place."""
    now = now or utcnow()
    event_id = wait.activity.event_id
    wait_id, activity_id = wait.id, wait.activity_id
    if not wait.is_waiting:
        raise Conflict(_l("This person is no longer waiting."), reason="not_waiting")
    lock_event_first(session, event_id)
    if _promote_next(session, activity_id, now, wait_id=wait_id) is None:
        session.refresh(wait)
        if not wait.is_waiting:
            raise Conflict(_l("This person is no longer waiting."), reason="not_waiting")
        raise Conflict(_l("Sorry, %(activity)s is full.",
                          activity=localized(wait.activity.title)), reason="activity_full")
    session.flush()
    session.expire_all()
    wait = session.get(ActivityWaiting, wait_id)
    _audit_wait(session, wait, by, "waitlist.activity_promoted")
    return wait


def _end_wait(session: Session, wait: ActivityWaiting, now: datetime) -> bool:
    ended = session.execute(
        update(ActivityWaiting)
        .where(ActivityWaiting.id == wait.id, ActivityWaiting.promoted_at.is_(None),
               ActivityWaiting.removed_at.is_(None))
        .values(removed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.flush()
    session.expire_all()
    return bool(ended)


def _audit_wait(session: Session, wait: ActivityWaiting, by, action: str) -> None:
    activity = wait.activity
    event = activity.event
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           action=action, target=wait.attendee.name,
           details={"activity": localized(activity.title), "attendee": wait.attendee_id})


def get_event_wait(session: Session, event: Event, wait_id: int) -> ActivityWaiting:
    wait = session.get(ActivityWaiting, wait_id)
    if wait is None or wait.activity.event_id != event.id:
        raise NotFound(_l("No such place on a waiting list."), reason="waitlist_entry_not_found")
    return wait
