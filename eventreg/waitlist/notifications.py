"""The message that tells a party it is on the waiting list, with its private link.

Queued in the transaction that puts the party in line (by email if it gave one, else by
text message to its phone: eventreg/messages/channels.py) and written when it goes out, in
the language the party used. Being promoted later is told by the
registration's own "promotion" message (eventreg/registrations/notifications.py).
"""

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from eventreg.i18n import localized
from eventreg.messages.channels import channels_for
from eventreg.messages.models import CHANNEL_SMS, OutboxMessage
from eventreg.messages.service import (
    CannotBeWritten,
    public_url,
    queue_message,
    register_writer,
)
from eventreg.registrations.notifications import shortened
from eventreg.waitlist.line import names_of, place_in_line
from eventreg.waitlist.models import WaitlistEntry

KIND = "waitlist_joined"
SUBJECT = _l("On the waiting list: %(title)s")
TEXT = _l("%(title)s: you are number %(place)d on the waiting list. We will write when "
          "places are found. %(link)s")
#: For an entry no longer waiting when the text is written (promoted at once, or left).
TEXT_NOT_WAITING = _l("%(title)s: your waiting-list page: %(link)s")


def add_joined_message(session: Session, entry: WaitlistEntry) -> list[OutboxMessage]:
    """Add the message to the caller's transaction, to the party's email or phone (the
    entry must have its id: flushed); returns the messages queued."""
    return [queue_message(session, kind=KIND, channel=channel, to=address,
                          context={"entry": entry.id})
            for channel, address in channels_for(
                KIND, email=entry.email, phone=(entry.request or {}).get("phone") or None,
                texts_on=entry.event.sends_text_messages)]


def write_joined_text(session: Session, message: OutboxMessage) -> tuple[str, str, None]:
    entry = session.get(WaitlistEntry, message.context.get("entry"))
    if entry is None:
        raise CannotBeWritten("the waiting-list entry was deleted before the message went out")
    with force_locale(entry.request.get("language") or "en"):
        values = {"title": shortened(localized(entry.event.title)),
                  "link": public_url("waitlist.page", secret=entry.secret)}
        if entry.is_waiting:
            return "", str(TEXT) % {**values, "place": place_in_line(session, entry)}, None
        return "", str(TEXT_NOT_WAITING) % values, None


def write_joined_message(session: Session, message: OutboxMessage) -> tuple[str, str, str]:
    entry = session.get(WaitlistEntry, message.context.get("entry"))
    if entry is None:
        raise CannotBeWritten("the waiting-list entry was deleted before the message went out")
    event = entry.event
    context = {"entry": entry, "event": event, "names": names_of(entry),
               "link": public_url("waitlist.page", secret=entry.secret),
               "place": place_in_line(session, entry) if entry.is_waiting else None}
    with force_locale(entry.request.get("language") or "en"):
        subject = str(SUBJECT) % {"title": localized(event.title)}
        return (subject, render_template("mail/waitlist_joined.txt", **context),
                render_template("mail/waitlist_joined.html", **context))


register_writer(KIND, write_joined_message)
register_writer(KIND, write_joined_text, channel=CHANNEL_SMS)
