"""Each event's Ed25519 key pair for signing the QR tokens of its tickets."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.database import UTCDateTime, utcnow
from eventreg.extensions import db


class EventSigningKey(db.Model):
    """The key pair one event's tickets are signed with."""

    __tablename__ = "event_signing_keys"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    #: Raw 32-byte Ed25519 public key; door scanners get it to verify tickets offline.
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    #: Raw private key encrypted (Fernet) with a key derived from TICKET_KEY_SECRET.
    private_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
