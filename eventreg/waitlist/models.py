"""The waiting list: parties who asked for places once an event or activity was full."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from eventreg.database import UTCDateTime, utcnow
from eventreg.events.models import Event
from eventreg.extensions import db
from eventreg.registrations.models import Registration


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
