"""Organisers' decisions on whether two attendances are the same person."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.database import UTCDateTime, utcnow
from eventreg.extensions import db


class PersonMatch(db.Model):
    """"These two attendances are (or are not) one person", said by an organiser.

    Stored once per pair, the lower attendee id first; deleted with either attendee.
    """

    __tablename__ = "person_matches"
    __table_args__ = (
        UniqueConstraint("attendee_id", "other_attendee_id"),
        CheckConstraint("attendee_id < other_attendee_id", name="pair_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"))
    other_attendee_id: Mapped[int] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), index=True
    )
    same_person: Mapped[bool]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
