"""The optional consents people gave, one row per attendee and kind."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from eventreg.database import UTCDateTime
from eventreg.extensions import db
from eventreg.registrations.models import Attendee


class Consent(db.Model):
    """An optional consent one attendee gave when registering, with the words they agreed
    to; a row exists only for a consent given (none is "no"), and stays when withdrawn.

    It names no one (the words are the organiser's question), so anonymisation keeps it.
    """

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("attendee_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (Found through the unique constraint's index, which starts with it.)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"))
    #: One of CONSENT_KINDS (eventreg/events/models.py).
    kind: Mapped[str] = mapped_column(String(30))
    #: For "partner_sharing": the partner named when it was given (it counts for that one).
    partner: Mapped[str | None] = mapped_column(String(200))
    #: The statement agreed to, as the form showed it, in `language`.
    text: Mapped[str] = mapped_column(db.Text)
    language: Mapped[str] = mapped_column(String(8))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When it was withdrawn from the private ticket link; None while it holds.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: The attendee, who lists theirs as `Attendee.consents` (in the order given).
    attendee: Mapped[Attendee] = relationship(backref=backref(
        "consents", order_by="Consent.id", cascade="all, delete-orphan", passive_deletes=True))
