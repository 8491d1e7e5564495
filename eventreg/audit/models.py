"""The audit log: who changed what in an organisation's events, and when."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.database import UTCDateTime, utcnow
from eventreg.extensions import db


class AuditEntry(db.Model):
    """One organiser's (or participant's) action, recorded with the change it made."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    #: The organiser who acted, or None for a participant through their private link.
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id"))
    #: Who, as shown then: the organiser's name, or "participant".
    actor: Mapped[str] = mapped_column(String(200))
    #: What happened, e.g. event.created, event.status_changed, door.revoked.
    action: Mapped[str] = mapped_column(String(50))
    #: What it happened to, for people: an event's slug, a door's name, attendee names.
    target: Mapped[str] = mapped_column(String(300), default="")
    #: The values that changed, e.g. {"status": ["published", "cancelled"]}.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
