"""The rules of the waiting list: joining when full, and promotion when places free up.

A party on the list keeps its form as sent. When places free up (a cancellation, a raised
capacity) the first party in line is registered through the very same `register` and its
capacity rule, so no more are promoted than places freed, whatever runs at the same time.
The line is strict: if the first party does not fit, nobody behind it jumps ahead (an
organiser can promote by hand). A promotion repeated by a concurrent worker registers the
party once (the registration's client_id is the entry's).
"""

import json
import secrets
from dataclasses import asdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eventreg.audit.service import record
from eventreg.database import utcnow
from eventreg.errors import Conflict, NotFound, ValidationFailed
from eventreg.events.models import STATUS_PUBLISHED, Event
from eventreg.registrations.models import Registration
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    register,
    validate_registration,
)
from eventreg.waitlist.line import names_of
from eventreg.waitlist.models import WaitlistEntry
from eventreg.waitlist.notifications import add_joined_message

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
    """Register waiting parties in line order while places allow; return the registrations."""
    now = now or utcnow()
    promoted = []
    while True:
        entry = session.scalar(
            select(WaitlistEntry)
            .where(WaitlistEntry.event_id == event.id, WaitlistEntry.promoted_at.is_(None),
                   WaitlistEntry.removed_at.is_(None))
            .order_by(WaitlistEntry.joined_at, WaitlistEntry.id)
            .limit(1)
        )
        if entry is None:
            break
        registration = _promote(session, entry, now)
        if registration is None:
            break
        promoted.append(registration)
    return promoted


def promote_by_hand(session: Session, entry: WaitlistEntry, *, by=None,
                    now: datetime | None = None) -> Registration:
    """An organiser registers this party out of turn; Conflict when there is no room."""
    if not entry.is_waiting:
        raise Conflict(_l("This party is no longer waiting."), reason="not_waiting")
    registration = _promote(session, entry, now or utcnow())
    if registration is None:
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


def _promote(session: Session, entry: WaitlistEntry, now: datetime) -> Registration | None:
    entry_id, event = entry.id, entry.event
    request = _request_of(entry)
    try:
        # Its phone was stored in E.164 form when it joined: no region to read it with.
        outcome = register(session, event, request, from_waitlist=True, now=now,
                           phone_region=None)
    except Conflict as refusal:
        if refusal.reason in NO_ROOM or refusal.reason == "registration_closed":
            return None
        raise
    except ValidationFailed:
        # The form changed since they joined (e.g. a new required question): they cannot
        # be registered as they are, so they leave the line rather than block it.
        remove_from_waitlist(session, entry, now=now)
        return None
    registration = outcome.registration
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


def _request_of(entry: WaitlistEntry) -> RegistrationRequest:
    stored = dict(entry.request)
    attendees = [AttendeeRequest(**person) for person in stored.pop("attendees", [])]
    return RegistrationRequest(attendees=attendees, client_id=f"waitlist-{entry.id}",
                               **stored)
