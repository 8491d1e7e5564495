"""Messages to people who registered, in the language they registered in."""

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from eventreg.database import write_transaction
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
    ticket_url = url_for("tickets.page", secret=registration.ticket_secret, _external=True)
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
    ticket_url = url_for("tickets.page", secret=registration.ticket_secret, _external=True)
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
