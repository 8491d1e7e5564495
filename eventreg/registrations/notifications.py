"""Messages to people who registered, in the language they registered in."""

import logging

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from eventreg.i18n import localized
from eventreg.mail import build_message, send_message
from eventreg.registrations.service import RegistrationOutcome

log = logging.getLogger(__name__)


def send_confirmation(outcome: RegistrationOutcome) -> bool:
    """Mail the ticket link of a new registration to its email, if it has one.

    A repeated submission sends nothing again. A failure to send is logged and never undoes
    the registration: the ticket page is already shown on screen. Returns whether a message
    was sent.
    """
    registration = outcome.registration
    if not outcome.is_new or not registration.email:
        return False
    ticket_url = url_for("tickets.page", secret=registration.ticket_secret, _external=True)
    try:
        with force_locale(registration.language):
            event = registration.event
            subject = _("Your tickets: %(title)s", title=localized(event.title))
            context = {"registration": registration, "event": event, "ticket_url": ticket_url}
            message = build_message(
                registration.email,
                subject,
                render_template("mail/confirmation.txt", **context),
                render_template("mail/confirmation.html", **context),
            )
        send_message(message)
    except Exception:
        log.exception("confirmation for registration %s was not sent", registration.id)
        return False
    return True
