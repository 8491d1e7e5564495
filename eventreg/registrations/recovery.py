"""Getting private ticket links again: by the person, and sent again by an organiser.

A person types the email or phone they registered with and is sent, on that channel only,
the links of their own registrations that are still valid, for events that have not ended
or ended less than RECENT ago. The answer never says whether the contact is known: the
page answers the same words and status either way, the lookup and an INSERT into the outbox
are all the request does (the message is written and sent by the sending thread after the
answer, eventreg/messages/web.py), and the rate limits (eventreg/registrations/limits.py)
count unknown contacts as they count known ones. Links by phone are sent only for events
that send text messages.

An organiser may send a party's link again (`resend_ticket_link`): by the party's channels
as for a routine message (eventreg/messages/channels.py), audited.
"""

from datetime import datetime, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eventreg.audit.service import record
from eventreg.database import utcnow
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.models import STATUS_DRAFT, Event
from eventreg.i18n import localized
from eventreg.messages.models import CHANNEL_EMAIL, CHANNEL_SMS, OutboxMessage
from eventreg.messages.service import CannotBeWritten, queue_message, register_writer
from eventreg.registrations.models import Registration
from eventreg.registrations.notifications import (
    add_party_message,
    short_when,
    shortened,
    ticket_link,
)

KIND = "link_recovery"
#: Events that ended longer ago than this are left out.
RECENT = timedelta(days=14)
SUBJECT = _l("Your ticket links")
TEXT = _l("Your tickets: %(links)s")


def parse_contact(typed: str, *, phone_region: str | None) -> tuple[str, str]:
    """The channel and the address (an email as typed, a phone in E.164 form) of what a
    person typed; ValidationFailed `validation_failed` when it is neither."""
    typed = (typed or "").strip()
    if "@" in typed:
        try:
            return CHANNEL_EMAIL, validate_email(typed, check_deliverability=False).normalized
        except EmailNotValidError:
            pass
    elif typed:
        try:
            number = phonenumbers.parse(typed, phone_region)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            return CHANNEL_SMS, phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164)
    message = _l("Type the email or the phone number you registered with, e.g. "
                 "name@example.org or +359 88 123 4567.")
    raise ValidationFailed(message, fields={"contact": message})


def registrations_of_contact(session: Session, channel: str, address: str, *,
                             now: datetime) -> list[Registration]:
    """Valid registrations made with this email or phone, of events not ended more than
    RECENT ago, newest first (by phone: only of events that send text messages)."""
    conditions = [Registration.cancelled_at.is_(None), Registration.anonymised_at.is_(None),
                  Event.status != STATUS_DRAFT, Event.ends_at > now - RECENT]
    if channel == CHANNEL_EMAIL:
        conditions.append(func.lower(Registration.email) == address.lower())
    else:
        conditions += [Registration.phone == address, Event.sends_text_messages.is_(True)]
    return list(session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(*conditions).order_by(Event.starts_at, Registration.id)))


def send_links_again(session: Session, typed: str, *, phone_region: str | None,
                     language: str, now: datetime | None = None) -> OutboxMessage | None:
    """Queue one message with the links of the contact's registrations, in `language`, to
    the contact typed, in the caller's transaction; nothing when there are none. The caller
    must answer the same whatever this returns. ValidationFailed for what is neither an
    email nor a phone."""
    channel, address = parse_contact(typed, phone_region=phone_region)
    found = registrations_of_contact(session, channel, address, now=now or utcnow())
    if not found:
        return None
    # Kept with the newest registration, so that its erasure empties the message too.
    newest = max(found, key=lambda registration: registration.id)
    return queue_message(session, kind=KIND, channel=channel, to=address,
                         registration_id=newest.id,
                         context={"registrations": [r.id for r in found],
                                  "language": language})


def _found_again(session: Session, message: OutboxMessage) -> list[Registration]:
    found = [session.get(Registration, registration_id)
             for registration_id in message.context.get("registrations", [])]
    found = [r for r in found if r is not None and r.anonymised_at is None
             and r.cancelled_at is None]
    if not found:
        raise CannotBeWritten("the registrations were cancelled or erased before the "
                              "message went out")
    return found


def write_recovery_email(session: Session, message: OutboxMessage) -> tuple[str, str, str]:
    found = _found_again(session, message)
    links = [(registration, ticket_link(registration)) for registration in found]
    with force_locale(message.context.get("language") or "en"):
        return (str(SUBJECT), render_template("mail/link_recovery.txt", links=links),
                render_template("mail/link_recovery.html", links=links))


def write_recovery_text(session: Session, message: OutboxMessage) -> tuple[str, str, None]:
    found = _found_again(session, message)
    with force_locale(message.context.get("language") or "en"):
        links = "; ".join(
            f"{shortened(localized(r.event.title))} "
            f"{short_when(r.event.starts_at, r.event.timezone)}: {ticket_link(r)}"
            for r in found)
        return "", str(TEXT) % {"links": links}, None


register_writer(KIND, write_recovery_email)
register_writer(KIND, write_recovery_text, channel=CHANNEL_SMS)


def resend_ticket_link(session: Session, registration: Registration, *, by,
                       now: datetime | None = None) -> list[OutboxMessage]:
    """Queue the party's private link again (kind `ticket_link`) to its email, else its
    phone, in its language, and record who did it. Refuses with Conflict
    `registration_cancelled` for a cancelled registration and `no_contact` when the party
    gave nothing to send to (or only a phone, for an event that sends no texts)."""
    if registration.cancelled_at is not None:
        raise Conflict(_l("This registration is cancelled: its link shows no valid tickets."),
                       reason="registration_cancelled")
    messages = add_party_message(session, registration, "ticket_link")
    if not messages:
        raise Conflict(_l("This party gave no email, and no phone this event may text: "
                          "copy the link and give it to them another way."),
                       reason="no_contact")
    event = registration.event
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           action="registration.link_resent", target=registration.contact_display_name,
           details={"registration": registration.id,
                    "channels": [message.channel for message in messages]}, now=now)
    return messages
