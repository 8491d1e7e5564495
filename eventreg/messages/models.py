"""The outbox: every message to a participant, queued first and delivered by a worker."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.database import UTCDateTime, utcnow
from eventreg.extensions import db

STATUS_PENDING = "pending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"

CHANNEL_EMAIL = "email"
CHANNEL_SMS = "sms"


#: Each kind of message as organisers and participants read it (one name per kind).
MESSAGE_KIND_NAMES = {
    "confirmation": _l("Confirmation with the tickets"), "cancellation": _l("Tickets cancelled"),
    "promotion": _l("Places from the waiting list"), "reminder": _l("Reminder the day before"),
    "event_changed": _l("The event changed"), "event_cancelled": _l("The event was cancelled"),
    "waitlist_joined": _l("On the waiting list"),
}


class OutboxMessage(db.Model):
    """One email or text message to send, with its delivery attempts."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What it is: confirmation, promotion, reminder, cancellation, event_changed,
    #: event_cancelled, waitlist_joined, link_recovery, ticket_link.
    kind: Mapped[str] = mapped_column(String(30))
    #: How it goes: "email" (to_address is an email) or "sms" (to_address is a phone in
    #: E.164 form; text_body is the text message, subject is empty, html_body None).
    channel: Mapped[str] = mapped_column(String(10), default=CHANNEL_EMAIL,
                                         server_default=text("'email'"))
    #: For a text message, the segments it was sent in (what it cost), once written.
    segments: Mapped[int | None]
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    #: What the message needs besides its registration to be written, e.g. the names of
    #: the tickets cancelled.
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Written at the first delivery attempt (or given when queued) and kept, so retries
    #: send the same words and organisers see what was sent.
    subject: Mapped[str | None] = mapped_column(String(300))
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    #: pending (waiting or to be retried), sent, or failed (gave up; see last_error).
    status: Mapped[str] = mapped_column(String(10), default=STATUS_PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    #: When a pending message may be tried (again).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
