"""Messages to people who registered, in the language they registered in: emails, and
text messages to parties with a phone (which way, in eventreg/messages/channels.py).

A text says what happened and gives the private link, nothing more: texts are paid per
segment, and a Cyrillic one fits only 70 characters in one (eventreg/messages/segments.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from eventreg.database import utcnow
from eventreg.events.models import STATUS_CLOSED, STATUS_PUBLISHED, Event
from eventreg.i18n import current_language, localized
from eventreg.messages.channels import channels_for
from eventreg.messages.models import CHANNEL_EMAIL, CHANNEL_SMS, OutboxMessage
from eventreg.messages.segments import count_segments
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
    "ticket_link": _l("Your ticket link: %(title)s"),
}
#: The body of ticket_link emails (an organiser sent the link again).
TEMPLATES = {"ticket_link": "confirmation"}

#: The text message of each kind: what happened and the link.
TEXTS = {
    "confirmation": _l("%(title)s, %(when)s: you are registered. Tickets: %(link)s"),
    "ticket_link": _l("%(title)s, %(when)s: your tickets: %(link)s"),
    "promotion": _l("%(title)s, %(when)s: places were found for you. Tickets: %(link)s"),
    "reminder": _l("Tomorrow %(when)s: %(title)s. Tickets: %(link)s"),
    "cancellation": _l("%(title)s: tickets cancelled: %(names)s. %(link)s"),
    "event_changed": _l("%(title)s has changed: now %(when)s, %(venue)s. %(link)s"),
    "event_cancelled": _l("%(title)s on %(when)s is cancelled. Do not come. %(link)s"),
}
#: Longer titles, names and venues are cut to this many characters in a text.
TEXT_PART_LENGTH = 32


@dataclass(frozen=True)
class PeopleToTell:
    """Whom a message about a change reaches, counted by the way it reaches them, so that
    an organiser is shown it before the change (the confirmation pages). A way to reach
    people added later (text messages) is one more count here."""

    #: Parties sent an email: each one email, however many of its people the change
    #: concerns.
    by_email: int = 0
    #: Parties sent a text message (those with only a phone, or with both for urgent kinds).
    by_text: int = 0
    #: Parties told at all, by any way.
    parties: int = 0

    def __add__(self, other: "PeopleToTell") -> "PeopleToTell":
        return PeopleToTell(by_email=self.by_email + other.by_email,
                            by_text=self.by_text + other.by_text,
                            parties=self.parties + other.parties)


def people_to_tell(registrations: Iterable[Registration],
                   kind: str = "cancellation") -> PeopleToTell:
    """Whom `add_party_message` would reach with a message of `kind` for each of these
    registrations: the one place that counts them, by the same rule of channels as
    `add_party_message` sends by. The caller passes only the registrations it would tell
    (a party none of whose tickets change is not told)."""
    told = PeopleToTell()
    for registration in registrations:
        channels = {channel for channel, _ in party_channels(registration, kind)}
        told += PeopleToTell(by_email=int(CHANNEL_EMAIL in channels),
                             by_text=int(CHANNEL_SMS in channels), parties=int(bool(channels)))
    return told


def add_party_message(session: Session, registration: Registration, kind: str,
                      **context) -> list[OutboxMessage]:
    """Add the message of `kind` to the party's email and/or phone (the rule in
    eventreg/messages/channels.py) to the caller's transaction: it is queued if and only
    if the change it tells of is kept. It is written when it is delivered (see
    `write_party_message`). Returns the messages queued (none without a contact)."""
    return [queue_message(session, kind=kind, channel=channel, to=address,
                          registration_id=registration.id, context=context)
            for channel, address in party_channels(registration, kind)]


def party_channels(registration: Registration, kind: str) -> list[tuple[str, str]]:
    """Where a message of `kind` to this party goes: (channel, address) pairs."""
    return channels_for(kind, email=registration.email, phone=registration.phone,
                        texts_on=registration.event.sends_text_messages)


def write_party_message(session: Session, message: OutboxMessage) -> tuple[str, str, str]:
    """Subject, text and HTML of a queued message, in the language the party registered
    in, from the registration and the event as they are now."""
    registration = (session.get(Registration, message.registration_id)
                    if message.registration_id else None)
    if registration is None:
        raise CannotBeWritten("the registration was deleted before the message went out")
    return _compose(registration, message.kind, message.context)


def write_party_text(session: Session, message: OutboxMessage) -> tuple[str, str, None]:
    """The text message of a queued text, in the party's language, from the registration
    and the event as they are now."""
    registration = (session.get(Registration, message.registration_id)
                    if message.registration_id else None)
    if registration is None:
        raise CannotBeWritten("the registration was deleted before the message went out")
    return "", compose_text(registration, message.kind, message.context), None


for _kind in SUBJECTS:
    register_writer(_kind, write_party_message)
for _kind in TEXTS:
    register_writer(_kind, write_party_text, channel=CHANNEL_SMS)


def shortened(text: str, length: int = TEXT_PART_LENGTH) -> str:
    """`text` cut to `length` characters, with an ellipsis where it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def short_when(moment: datetime, timezone: str) -> str:
    """A moment as a text says it, in the current language: "Jun 20 10:00"."""
    local = moment.astimezone(ZoneInfo(timezone))
    language = current_language()
    return (f"{babel_dates.format_skeleton('MMMd', local, locale=language)} "
            f"{babel_dates.format_time(local, format='short', locale=language)}")


def compose_text(registration: Registration, kind: str, context: dict) -> str:
    """The text message of `kind` to the party, in the language it registered in."""
    event = registration.event
    with force_locale(registration.language):
        names = context.get("cancelled_names") or [
            attendee.name for attendee in registration.active_attendees]
        return str(TEXTS[kind]) % {
            "title": shortened(localized(event.title)),
            "when": short_when(event.starts_at, event.timezone),
            "venue": shortened(localized(event.venue) or event.address or ""),
            "names": shortened(", ".join(names)),
            "link": ticket_link(registration),
        }


@dataclass
class MessageEstimate:
    """What an action will send: emails, text messages and the texts' segments."""

    emails: int = 0
    texts: int = 0
    segments: int = 0

    def __iadd__(self, other: "MessageEstimate") -> "MessageEstimate":
        self.emails += other.emails
        self.texts += other.texts
        self.segments += other.segments
        return self


def estimate_party_message(registration: Registration, kind: str,
                           **context) -> MessageEstimate:
    """What `add_party_message` would queue for this party, the texts written as they
    would be now and their segments counted, without queueing anything."""
    estimate = MessageEstimate()
    for channel, _address in party_channels(registration, kind):
        if channel == CHANNEL_SMS:
            estimate.texts += 1
            estimate.segments += count_segments(
                compose_text(registration, kind, context)).segments
        else:
            estimate.emails += 1
    return estimate


def estimate_event_notices(session: Session, event: Event, kind: str) -> MessageEstimate:
    """What `add_event_notices` would queue now for the event (e.g. before it is moved or
    cancelled), for organisers to see before they act."""
    estimate = MessageEstimate()
    for registration in _registrations_to_tell(session, event):
        if registration.active_attendees:
            estimate += estimate_party_message(registration, kind)
    return estimate


def _registrations_to_tell(session: Session, event: Event, *extra_conditions
                           ) -> list[Registration]:
    return list(session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.cancelled_at.is_(None),
                                   or_(Registration.email.is_not(None),
                                       Registration.phone.is_not(None)),
                                   *extra_conditions)
        .order_by(Registration.id)
        .options(selectinload(Registration.attendees))
    ))


def ticket_link(registration: Registration) -> str:
    """The private ticket link for a message."""
    return public_url("tickets.page", secret=registration.ticket_secret)


def add_event_notices(session: Session, event: Event, kind: str,
                      registrations: list[Registration] | None = None) -> int:
    """Add one `kind` message (reminder, event_changed, event_cancelled) for every valid
    registration of the event that gave an email or a phone, in its own language, by the
    channels of eventreg/messages/channels.py, to the caller's transaction; returns how
    many messages."""
    if registrations is None:
        registrations = parties_told_of_event(session, event)
    return sum(len(add_party_message(session, registration, kind))
               for registration in registrations if registration.active_attendees)


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
        template = TEMPLATES.get(kind, kind)
        return (subject, render_template(f"mail/{template}.txt", **context),
                render_template(f"mail/{template}.html", **context))


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
        registrations = _registrations_to_tell(session, event,
                                               Registration.id.not_in(reminded))
        queued += add_event_notices(session, event, "reminder", registrations)
    return queued
