"""The messages of the waiting lists, in the language the party used.

- `waitlist_joined`: a party is on the event's waiting list, with its private link and the
  activities each person waits for. Being promoted later is told by the registration's own
  "promotion" message (eventreg/registrations/notifications.py).
- `activity_promotion`: a person who waited for a full activity has a place in it now; it
  names the activity and the person, with the ticket link (by email only, for now).

Each is queued in the transaction of the change it tells of (`waitlist_joined` by email if
the party gave one, else by text message to its phone: eventreg/messages/channels.py) and
written when it goes out, in the language the party used.
"""

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.events.models import Activity
from eventreg.i18n import localized
from eventreg.messages.channels import channels_for
from eventreg.messages.models import CHANNEL_SMS, OutboxMessage
from eventreg.messages.service import (
    CannotBeWritten,
    public_url,
    queue_message,
    register_writer,
)
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.notifications import shortened, ticket_link
from eventreg.waitlist.line import activities_waited_for, names_of, people_of, place_in_line
from eventreg.waitlist.models import WaitlistEntry

KIND = "waitlist_joined"
SUBJECT = _l("On the waiting list: %(title)s")
ACTIVITY_PROMOTION = "activity_promotion"
ACTIVITY_PROMOTION_SUBJECT = _l("A place in %(activity)s: %(title)s")
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
    with force_locale(entry.request.get("language") or "en"):
        context = {"entry": entry, "event": event, "names": names_of(entry),
                   "people": people_of(entry),  # the activities' titles in this language
                   "link": public_url("waitlist.page", secret=entry.secret),
                   "place": place_in_line(session, entry) if entry.is_waiting else None}
        context["activities"] = activities_waited_for(entry)  # titles in the party's language
        subject = str(SUBJECT) % {"title": localized(event.title)}
        return (subject, render_template("mail/waitlist_joined.txt", **context),
                render_template("mail/waitlist_joined.html", **context))


register_writer(KIND, write_joined_message)


def add_activity_promotion_message(session: Session, attendee_id: int,
                                   activity_id: int) -> OutboxMessage | None:
    """Tell the party of `attendee_id` that the person has a place in the activity now, if
    it gave an email; in the caller's transaction."""
    registration = session.scalar(
        select(Registration).join(Attendee, Attendee.registration_id == Registration.id)
        .where(Attendee.id == attendee_id))
    if registration is None or not registration.email:
        return None
    return queue_message(session, kind=ACTIVITY_PROMOTION, to=registration.email,
                         registration_id=registration.id,
                         context={"attendee": attendee_id, "activity": activity_id})


def write_activity_promotion(session: Session, message: OutboxMessage) -> tuple[str, str, str]:
    registration = (session.get(Registration, message.registration_id)
                    if message.registration_id else None)
    attendee = session.get(Attendee, message.context.get("attendee"))
    activity = session.get(Activity, message.context.get("activity"))
    if registration is None or attendee is None or activity is None:
        raise CannotBeWritten("the registration or the activity was deleted before the "
                              "message went out")
    event = registration.event
    with force_locale(registration.language):
        context = {"registration": registration, "event": event, "attendee": attendee,
                   "activity": activity, "activity_title": localized(activity.title),
                   "ticket_url": ticket_link(registration)}
        subject = str(ACTIVITY_PROMOTION_SUBJECT) % {"activity": localized(activity.title),
                                                     "title": localized(event.title)}
        return (subject, render_template("mail/activity_promotion.txt", **context),
                render_template("mail/activity_promotion.html", **context))


register_writer(ACTIVITY_PROMOTION, write_activity_promotion)
register_writer(KIND, write_joined_text, channel=CHANNEL_SMS)
