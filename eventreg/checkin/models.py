"""Door check-in: the door accesses volunteers scan with, and the log of every scan.

Whether an attendee is in is held on the attendee (`Attendee.checked_in_at`, `left_at`)
and, for an activity's own door, on their choice of it (`attendee_activities`), written
only by eventreg/checkin/scanning.py as the door's rule (rules.py) decides.
"""

from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.database import UTCDateTime, utcnow
from eventreg.events.models import Activity, Event
from eventreg.extensions import db

#: The activities a door access checks people in to; none means the event's own entrance.
door_access_activities = Table(
    "door_access_activities",
    db.metadata,
    Column("door_access_id", ForeignKey("door_accesses.id", ondelete="CASCADE"),
           primary_key=True),
    Column("activity_id", ForeignKey("activities.id"), primary_key=True, index=True),
)

#: How long after the event ends its door links keep working (late uploads of offline scans).
VALID_AFTER_EVENT = timedelta(hours=24)


class DoorAccess(db.Model):
    """A link a volunteer opens on their own phone to check people in at one door."""

    __tablename__ = "door_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: What the volunteers call the door: "Main gate", "Doll-making tent".
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the secret token; requests are matched by it.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token encrypted with the app's secret, so organisers can show the link again.
    token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    #: Whether this door also records people going out (for "inside now" counts).
    records_exits: Mapped[bool] = mapped_column(default=False)
    #: The event's door for paper sign-in sheets typed in afterwards: never a usable link
    #: (switched off when made), a name in the figures (eventreg/checkin/sign_in_sheets.py).
    for_sign_in_sheets: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A self check-in kiosk (a tablet at the entrance): families scan their own tickets;
    #: its list carries no names, and it cannot look people up, undo or register walk-ins.
    kiosk: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the door's phone last called the API (written at most every
    #: CONTACT_EVERY, eventreg/checkin/history.py): "online" on the dashboard.
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the phone last uploaded scans it made offline.
    last_upload_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Scans the phone still held, not yet uploaded, as it said at its last contact.
    scans_held: Mapped[int | None] = mapped_column()

    event: Mapped[Event] = relationship()
    activities: Mapped[list[Activity]] = relationship(
        secondary=door_access_activities, order_by="Activity.position, Activity.id"
    )


class Checkin(db.Model):
    """One scan or manual check-in as a door sent it, and the answer it got.

    The log behind "who checked in or undid what, when and where"; its unique
    (door, client_id) makes a repeated upload return the first answer.
    """

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("door_access_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    door_access_id: Mapped[int] = mapped_column(ForeignKey("door_accesses.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: Id the door made for this scan; the same id again is answered from this row.
    client_id: Mapped[str] = mapped_column(String(64))
    #: check_in, check_out or undo.
    action: Mapped[str] = mapped_column(String(20))
    #: Whose ticket it was; None when the code was not a ticket of this event.
    attendee_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendees.id", ondelete="SET NULL"), index=True
    )
    #: The activity whose door it was, or None for the event's entrance.
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    #: The answer the door was given, as it was given (a retry of the scan gets it again):
    #: checked_in, already_checked_in, cancelled, invalid, ... (eventreg/checkin/rules.py).
    status: Mapped[str] = mapped_column(String(30))
    #: What the scan comes to now: the same as `status`, unless a scan made earlier and
    #: uploaded later changed it (a "Welcome" that turned out to be a duplicate).
    outcome: Mapped[str] = mapped_column(String(30))
    #: For a scan the organiser should see: cancelled_after_scan (the ticket was
    #: cancelled after this offline scan admitted it), event_cancelled_after_scan,
    #: overridden (let in despite a refusal), undone_with_reason.
    flag: Mapped[str | None] = mapped_column(String(30))
    #: For a scan a volunteer overrode (flag "overridden"): the refusal it overrode
    #: (cancelled, wrong_activity, already_checked_in, too_early); else None.
    overrode: Mapped[str | None] = mapped_column(String(30))
    #: The reason code chosen for an override or for an undo that needed one
    #: (eventreg/checkin/rules.py's OVERRIDE_REASONS, UNDO_REASONS); else None.
    reason: Mapped[str | None] = mapped_column(String(30))
    #: When the door scanned it (the phone's clock; later than it was received is refused).
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the server got it: later than scanned_at for scans made offline.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    door_access: Mapped[DoorAccess] = relationship()


class PickupCode(db.Model):
    """A child's pick-up code at a children's workshop: made when the child is checked in
    at the workshop's door, shown to the volunteer and on the parent's ticket page, and
    used up when the child is handed over (eventreg/checkin/pickup.py).

    A code is unique among the workshop's children still there (its open codes), so that
    a typed code names one child; once used, it may come again.
    """

    __tablename__ = "pickup_codes"
    __table_args__ = (
        Index("uq_pickup_codes_open_code", "activity_id", "code", unique=True,
              postgresql_where=text("picked_up_at IS NULL"),
              sqlite_where=text("picked_up_at IS NULL")),
        Index("uq_pickup_codes_open_child", "activity_id", "attendee_id", unique=True,
              postgresql_where=text("picked_up_at IS NULL"),
              sqlite_where=text("picked_up_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: The workshop (an activity that asks pick-up codes).
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    #: The child.
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"),
                                             index=True)
    #: The child's party: any other valid ticket of it picks the child up.
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    #: The code itself, from PICKUP_CODE_ALPHABET (pickup.py).
    code: Mapped[str] = mapped_column(String(8))
    #: When, and at which door, it was made (the child's check-in).
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_door_id: Mapped[int | None] = mapped_column(ForeignKey("door_accesses.id"))
    #: When the child was handed over against it, and at which door; None while there.
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    picked_up_door_id: Mapped[int | None] = mapped_column(ForeignKey("door_accesses.id"))


class PickupCheck(db.Model):
    """One try at a workshop's door to hand a child over: the parent's ticket or a typed
    code, and whether it matched. Mismatches are kept for the organisers to see."""

    __tablename__ = "pickup_checks"
    __table_args__ = (UniqueConstraint("door_access_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    door_access_id: Mapped[int] = mapped_column(ForeignKey("door_accesses.id"), index=True)
    #: Id the door made for this try; the same id again returns the first answer.
    client_id: Mapped[str] = mapped_column(String(64))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    #: The child to be handed over.
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"),
                                             index=True)
    #: "ticket" (a ticket scanned) or "code" (a code typed).
    method: Mapped[str] = mapped_column(String(10))
    #: Whose ticket was scanned, when it was one of this event's.
    presented_attendee_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendees.id", ondelete="SET NULL"))
    #: The answer: picked_up, pickup_mismatch or no_pickup_code (pickup.py).
    status: Mapped[str] = mapped_column(String(30))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
