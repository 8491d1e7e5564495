"""Everyone out at a set time: what an organiser scheduled (eventreg/checkin/everyone_out.py)."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.database import UTCDateTime, utcnow
from eventreg.extensions import db


class ScheduledCheckOut(db.Model):
    """Check everyone still inside out at a set time: the event (and its activities) or
    one activity. Applied once, by `flask apply-scheduled-check-outs` or the mail worker's
    loop, with exits recorded at the set time."""

    __tablename__ = "scheduled_check_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: The activity to empty, or None for the event and all its activities.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"))
    #: When everyone still inside goes out (the exits' time).
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it was applied; None while still to come.
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How many people it checked out when applied.
    checked_out: Mapped[int | None] = mapped_column()
