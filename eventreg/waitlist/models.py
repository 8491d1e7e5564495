"""The waiting lists: whole parties waiting for an event's places, and registered people
waiting for a place in a full activity.

They are two models, not one: a party waiting for the event has no registration yet (its
form as sent is kept, and it is registered when promoted), while a person waiting for an
activity already holds a ticket, so their line entry only names the attendee and the
activity, and promotion adds the activity to that ticket. One line per activity, in the
order people joined it.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from eventreg.database import UTCDateTime, utcnow
from eventreg.events.models import Activity, Event
from eventreg.extensions import db
from eventreg.registrations.models import Attendee, Registration


class WaitlistEntry(db.Model):
    """A party waiting for places, with their form as sent; registered when promoted."""

    __tablename__ = "waitlist_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: The registration request as submitted (names, choices, contact, answers, consent).
    request: Mapped[dict] = mapped_column(JSON)
    #: Secret part of the private link where the party sees its place in the line.
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    #: Contact email, if any, for the promotion message.
    email: Mapped[str | None] = mapped_column(String(254))
    party_size: Mapped[int]
    #: The line is in this order (then by id).
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Set once places were found and the party registered.
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"))
    #: Set when the party or an organiser took the entry off the line.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the form as sent was emptied of personal data (eventreg/privacy/).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: The event, which lists its entries as `Event.waitlist_entries` (first in line first).
    event: Mapped[Event] = relationship(
        backref=backref("waitlist_entries", order_by="WaitlistEntry.joined_at, WaitlistEntry.id"))
    registration: Mapped[Registration | None] = relationship()

    @property
    def is_waiting(self) -> bool:
        return self.promoted_at is None and self.removed_at is None


#: A line entry is waiting while neither promoted nor removed.
_WAITING = text("promoted_at IS NULL AND removed_at IS NULL")


class ActivityWaiting(db.Model):
    """A registered person waiting for a place in a full activity of their event.

    Promotion takes the place with the same conditional UPDATE as registering and adds the
    activity to the person's choices; a person waits at most once at a time for an activity
    (a unique index over the entries still waiting decides a double click).
    """

    __tablename__ = "activity_waits"
    __table_args__ = (
        Index("activity_waits_one_per_person", "attendee_id", "activity_id", unique=True,
              sqlite_where=_WAITING, postgresql_where=_WAITING),
        Index("activity_waits_line", "activity_id", "joined_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attendee_id: Mapped[int] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    #: The line is in this order (then by id).
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the person got the place.
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when the person left the line, an organiser removed them, or their ticket was
    #: cancelled.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attendee: Mapped[Attendee] = relationship()
    activity: Mapped[Activity] = relationship()

    @property
    def is_waiting(self) -> bool:
        return self.promoted_at is None and self.removed_at is None
