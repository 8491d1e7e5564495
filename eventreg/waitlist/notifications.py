"""The message that tells a party it is on the waiting list, with its private link.

Queued in the transaction that puts the party in line (if it gave an email) and written
when it goes out, in the language the party used. Being promoted later is told by the
registration's own "promotion" message (eventreg/registrations/notifications.py).
"""

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from eventreg.i18n import localized
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import (
    CannotBeWritten,
    public_url,
    queue_message,
    register_writer,
)
from eventreg.waitlist.line import activities_waited_for, names_of, place_in_line
from eventreg.waitlist.models import WaitlistEntry

KIND = "waitlist_joined"
SUBJECT = _l("On the waiting list: %(title)s")


def add_joined_message(session: Session, entry: WaitlistEntry) -> OutboxMessage | None:
    """Add the message to the caller's transaction, if the party gave an email (the entry
    must have its id: flushed)."""
    if not entry.email:
        return None
    return queue_message(session, kind=KIND, to=entry.email, context={"entry": entry.id})


def write_joined_message(session: Session, message: OutboxMessage) -> tuple[str, str, str]:
    entry = session.get(WaitlistEntry, message.context.get("entry"))
    if entry is None:
        raise CannotBeWritten("the waiting-list entry was deleted before the message went out")
    event = entry.event
    context = {"entry": entry, "event": event, "names": names_of(entry),
               "link": public_url("waitlist.page", secret=entry.secret),
               "place": place_in_line(session, entry) if entry.is_waiting else None}
    with force_locale(entry.request.get("language") or "en"):
        context["activities"] = activities_waited_for(entry)  # titles in the party's language
        subject = str(SUBJECT) % {"title": localized(event.title)}
        return (subject, render_template("mail/waitlist_joined.txt", **context),
                render_template("mail/waitlist_joined.html", **context))


register_writer(KIND, write_joined_message)
