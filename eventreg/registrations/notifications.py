"""Messages to people who registered, in the language they registered in."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eventreg.database import utcnow
from eventreg.events.models import STATUS_CLOSED, STATUS_PUBLISHED, Event
from eventreg.i18n import localized
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import (
    CannotBeWritten,
    public_url,
    queue_message,
    register_writer,
)
from eventreg.registrations.models import Registration

#: The subject of each kind of message; the body is templates/mail/<kind>.txt and .html.
SUBJECTS = {
    "confirmation": _l("Your tickets: %(title)s"),
    "cancellation": _l("Tickets cancelled: %(title)s"),
    "promotion": _l("You have places: %(title)s"),
    "reminder": _l("Tomorrow: %(title)s"),
    "event_changed": _l("Changed: %(title)s"),
    "event_cancelled": _l("Cancelled: %(title)s"),
}


@dataclass(frozen=True)
class PeopleToTell:
    """Whom a message about a change reaches, counted by the way it reaches them, so that
    an organiser is shown it before the change (the confirmation pages). A way to reach
    people added later (text messages) is one more count here."""

    #: Parties with an email: each is sent one email, however many of its people the
    #: change concerns.
    by_email: int = 0

    @property
    def parties(self) -> int:
        """How many parties hear of the change, by any way."""
        return self.by_email

    def __add__(self, other: "PeopleToTell") -> "PeopleToTell":
        return PeopleToTell(by_email=self.by_email + other.by_email)


def people_to_tell(registrations: Iterable[Registration]) -> PeopleToTell:
    """Whom `add_party_message` would reach for each of these registrations: the one place
    that counts them, as `add_party_message` is the one place that sends. The caller passes
    only the registrations it would tell (a party none of whose tickets change is not
    told)."""
    return PeopleToTell(by_email=sum(1 for registration in registrations
                                     if registration.email))


def add_party_message(session: Session, registration: Registration, kind: str,
                      **context) -> OutboxMessage | None:
    """Add one message of `kind` to the party's email, if it gave one, to the caller's
    transaction: the message is queued if and only if the change it tells of is kept. It is
    written when it is delivered (see `write_party_message`)."""
    if not registration.email:
        return None
    return queue_message(session, kind=kind, to=registration.email,
                         registration_id=registration.id, context=context)


def write_party_message(session: Session, message: OutboxMessage) -> tuple[str, str, str]:
    """Subject, text and HTML of a queued message, in the language the party registered
    in, from the registration and the event as they are now."""
    registration = (session.get(Registration, message.registration_id)
                    if message.registration_id else None)
    if registration is None:
        raise CannotBeWritten("the registration was deleted before the message went out")
    return _compose(registration, message.kind, message.context)


for _kind in SUBJECTS:
    register_writer(_kind, write_party_message)


def ticket_link(registration: Registration) -> str:
    """The private ticket link for a message."""
    return public_url("tickets.page", secret=registration.ticket_secret)


def add_event_notices(session: Session, event: Event, kind: str,
                      registrations: list[Registration] | None = None) -> int:
    """Add one `kind` message (reminder, event_changed, event_cancelled) for every valid
    registration of the event that gave an email, in its own language, to the caller's
    transaction; returns how many."""
    if registrations is None:
        registrations = parties_told_of_event(session, event)
    added = [add_party_message(session, registration, kind)
             for registration in registrations if registration.active_attendees]
    return sum(message is not None for message in added)


def parties_told_of_event(session: Session, event: Event) -> list[Registration]:
    """The registrations a notice of the whole event (moved, cancelled) is for: those with
    a valid ticket. `people_to_tell` says how many of them it reaches."""
    return [registration for registration in session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.cancelled_at.is_(None))
        .options(selectinload(Registration.attendees))
    ) if registration.active_attendees]


def _compose(registration: Registration, kind: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of a message, in the language the party registered in."""
    event = registration.event
    context = {"registration": registration, "event": event,
               "ticket_url": ticket_link(registration), **context}
    with force_locale(registration.language):
        subject = str(SUBJECTS[kind]) % {"title": localized(event.title)}
        return (subject, render_template(f"mail/{kind}.txt", **context),
                render_template(f"mail/{kind}.html", **context))


def queue_reminders(session: Session, *, now: datetime | None = None) -> int:
    """Queue a reminder to every registration of events that start tomorrow (in each
    event's own time zone), once: registrations already reminded are skipped."""
    now = now or utcnow()
    candidates = session.scalars(
        select(Event).where(Event.status.in_((STATUS_PUBLISHED, STATUS_CLOSED)),
                            Event.starts_at > now, Event.starts_at < now + timedelta(days=2))
    )
    queued = 0
    for event in candidates:
        zone = ZoneInfo(event.timezone)
        if event.starts_at.astimezone(zone).date() != (now.astimezone(zone) + timedelta(days=1)).date():
            continue
        reminded = select(OutboxMessage.registration_id).where(OutboxMessage.kind == "reminder")
        registrations = list(session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.cancelled_at.is_(None),
                Registration.email.is_not(None), Registration.id.not_in(reminded))
            .options(selectinload(Registration.attendees))
        ))
        queued += add_event_notices(session, event, "reminder", registrations)
    return queued
