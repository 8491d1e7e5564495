"""Messages to people who registered, in the language they registered in."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.database import utcnow, write_transaction
from eventreg.events.models import STATUS_CLOSED, STATUS_PUBLISHED, Event
from eventreg.i18n import localized
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import queue_message
from eventreg.registrations.models import Registration
from eventreg.registrations.service import RegistrationOutcome


def queue_confirmation(session: Session, outcome: RegistrationOutcome) -> OutboxMessage | None:
    """Queue the ticket link of a new registration for its email, if it has one.

    A repeated submission queues nothing again. Returns the queued message.
    """
    registration = outcome.registration
    if not outcome.is_new or not registration.email:
        return None
    ticket_url = ticket_link(registration)
    with force_locale(registration.language):
        event = registration.event
        context = {"registration": registration, "event": event, "ticket_url": ticket_url}
        subject = _("Your tickets: %(title)s", title=localized(event.title))
        text = render_template("mail/confirmation.txt", **context)
        html = render_template("mail/confirmation.html", **context)
    with write_transaction(session):
        message = queue_message(session, kind="confirmation", to=registration.email,
                                subject=subject, text=text, html=html,
                                registration_id=registration.id)
    return message


def queue_cancellation_notice(session: Session, registration: Registration,
                              cancelled_names: list[str]) -> OutboxMessage | None:
    """Queue a note saying which tickets were cancelled, if the party left an email."""
    if not registration.email or not cancelled_names:
        return None
    ticket_url = ticket_link(registration)
    with force_locale(registration.language):
        event = registration.event
        context = {"registration": registration, "event": event, "ticket_url": ticket_url,
                   "cancelled_names": cancelled_names}
        subject = _("Tickets cancelled: %(title)s", title=localized(event.title))
        text = render_template("mail/cancellation.txt", **context)
        html = render_template("mail/cancellation.html", **context)
    with write_transaction(session):
        message = queue_message(session, kind="cancellation", to=registration.email,
                                subject=subject, text=text, html=html,
                                registration_id=registration.id)
    return message


def ticket_link(registration: Registration) -> str:
    """The private ticket link, also from commands run outside a web request."""
    if has_request_context():
        return url_for("tickets.page", secret=registration.ticket_secret, _external=True)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        return url_for("tickets.page", secret=registration.ticket_secret, _external=True)


def queue_event_notices(session: Session, event: Event, kind: str,
                        registrations: list[Registration] | None = None) -> int:
    """Queue one `kind` message (reminder, event_changed, event_cancelled) to every valid
    registration of the event that gave an email, in its own language; returns how many."""
    if registrations is None:
        registrations = list(session.scalars(
            select(Registration).where(Registration.event_id == event.id,
                                       Registration.cancelled_at.is_(None),
                                       Registration.email.is_not(None))
        ))
    messages = []
    for registration in registrations:
        if not registration.email or not registration.active_attendees:
            continue
        context = {"registration": registration, "event": event,
                   "ticket_url": ticket_link(registration)}
        with force_locale(registration.language):
            subject = {
                "reminder": _("Tomorrow: %(title)s", title=localized(event.title)),
                "event_changed": _("Changed: %(title)s", title=localized(event.title)),
                "event_cancelled": _("Cancelled: %(title)s", title=localized(event.title)),
            }[kind]
            text = render_template(f"mail/{kind}.txt", **context)
            html = render_template(f"mail/{kind}.html", **context)
        messages.append((registration, subject, text, html))
    with write_transaction(session):
        for registration, subject, text, html in messages:
            queue_message(session, kind=kind, to=registration.email, subject=subject,
                          text=text, html=html, registration_id=registration.id)
    return len(messages)


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
        ))
        queued += queue_event_notices(session, event, "reminder", registrations)
    return queued
