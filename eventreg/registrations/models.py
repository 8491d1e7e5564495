"""Registrations: a contact person's party of attendees, their choices and answers."""

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.database import UTCDateTime, utcnow
from eventreg.events.models import Activity, Event, Question
from eventreg.extensions import db

#: Which activities each attendee chose, and whether they came in at the activity's door.
#: The check-in columns are written only by the rules in eventreg/checkin/scanning.py.
attendee_activities = Table(
    "attendee_activities",
    db.metadata,
    Column("attendee_id", ForeignKey("attendees.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_id", ForeignKey("activities.id"), primary_key=True, index=True),
    # The earliest scan at the activity's door, the door that made it, and the last exit
    # (NULL while inside).
    Column("checked_in_at", UTCDateTime),
    Column("checked_in_door_id", ForeignKey("door_accesses.id"), index=True),
    Column("left_at", UTCDateTime),
)


class Registration(db.Model):
    """One contact person's registration of a party of one or more attendees."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: Id the client made for this submission; a repeated submit returns the first registration.
    client_id: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the submitted content: a retry must match it to see the first answer.
    submission_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    #: Secret part of the private ticket page link (>= 128 bits of randomness).
    ticket_secret: Mapped[str] = mapped_column(String(64), unique=True)
    #: Name of the person to contact; may be empty when the first attendee is that person.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    #: Phone in E.164 form (+359...).
    phone: Mapped[str | None] = mapped_column(String(32))
    #: Language the person registered in; messages to them use it.
    language: Mapped[str] = mapped_column(String(8), default="en")
    #: When the person consented to the privacy notice, and the notice's text as shown.
    consent_given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_text: Mapped[str] = mapped_column(db.Text, default="")
    #: Case-folded names, contact details and ticket codes, for searching in any alphabet.
    search_text: Mapped[str] = mapped_column(db.Text, default="")
    #: True when a volunteer registered the party at the door.
    walk_in: Mapped[bool] = mapped_column(default=False)
    #: For a registration made online: a keyed hash of the address it came from and the
    #: event (never the address), to show organisers many registrations from one place in a
    #: short time (eventreg/registrations/bursts.py). None for the door, paper and the
    #: waiting list.
    source_hash: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its personal data was anonymised (retention or erasure); the figures stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    event: Mapped[Event] = relationship()
    attendees: Mapped[list["Attendee"]] = relationship(
        back_populates="registration", order_by="Attendee.position, Attendee.id"
    )
    answers: Mapped[list["Answer"]] = relationship(back_populates="registration")

    @property
    def active_attendees(self) -> list["Attendee"]:
        return [attendee for attendee in self.attendees if attendee.cancelled_at is None]

    @property
    def contact_display_name(self) -> str:
        return self.contact_name or (self.attendees[0].name if self.attendees else "")


class Attendee(db.Model):
    """A person in a party; holds the ticket that admits them."""

    __tablename__ = "attendees"
    __table_args__ = (Index("ix_attendees_event_id_changed_at", "event_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    #: Copied from the registration: tickets are looked up by event at the door.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: "child" or "adult" when the event asks the age group.
    age_group: Mapped[str | None] = mapped_column(String(10))
    #: Year of birth when the event asks it instead.
    birth_year: Mapped[int | None]
    #: One of SEXES (eventreg/events/models.py) when the event asks it, else None.
    sex: Mapped[str | None] = mapped_column(String(20))
    #: Short code printed under the QR, for look-up by hand at the door.
    ticket_code: Mapped[str] = mapped_column(String(16), unique=True)
    #: Order within the party.
    position: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the attendee first came in (the earliest scan that admitted them), or None.
    #: Written only by the rules in eventreg/checkin/scanning.py.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The door access that admitted them.
    checked_in_door_id: Mapped[int | None] = mapped_column(
        ForeignKey("door_accesses.id"), index=True
    )
    #: When they last went out through a door that records exits; None while inside.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Last change a door's attendee list must learn of (registered, cancelled, checked in).
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When this person's personal data was anonymised (with the party's, or alone).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A short note for the volunteers at this event's doors ("needs an interpreter",
    #: "wheelchair"); typed by the party or an organiser. Personal data: it may say
    #: something about health, so it goes with the retention and never leaves the doors.
    door_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: Random keys that stand for "same name and same email or phone" once the name and
    #: contacts are gone, so that individuals reached are counted as before
    #: (eventreg/reports/people.py). They say nothing about the person.
    person_keys: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))

    registration: Mapped[Registration] = relationship(back_populates="attendees")
    activities: Mapped[list[Activity]] = relationship(
        secondary=attendee_activities, order_by="Activity.position, Activity.id"
    )
    answers: Mapped[list["Answer"]] = relationship(back_populates="attendee")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Answer(db.Model):
    """An answer to an organiser's question, for the party or for one attendee."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("registration_id", "attendee_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    #: Set when the question is asked per attendee.
    attendee_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    #: Text, a choice's value, a list of values, or true/false, by the question's kind.
    value: Mapped[object] = mapped_column(JSON)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    attendee: Mapped[Attendee | None] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
