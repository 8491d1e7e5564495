"""Programmes, events, the activities inside them and the questions they ask."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, false, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.database import UTCDateTime, utcnow
from eventreg.extensions import db

STATUS_DRAFT = "draft"
STATUS_PUBLISHED = "published"
STATUS_CLOSED = "closed"
STATUS_CANCELLED = "cancelled"
STATUSES = (STATUS_DRAFT, STATUS_PUBLISHED, STATUS_CLOSED, STATUS_CANCELLED)

AGE_GROUPS = ("child", "adult")
#: How an event asks each attendee's age: a group (child/adult) or a year of birth.
AGE_MODES = ("age_group", "birth_year")
#: Answers to the sex question an event may ask each attendee (for sex-disaggregated reports).
SEXES = ("female", "male", "other", "prefer_not_to_say")

#: How the event's waiting list (whole parties waiting for the event's places) moves when
#: places free up. "strict": first come, first served, and a party at the head that does
#: not fit yet holds everyone behind it, so a family of four is never kept waiting for ever
#: behind a stream of single people who each fit into one freed place (the default: the
#: people this is for come as families). "fit": a smaller party behind that fits goes
#: first, the big one keeping its place at the head.
WAITLIST_ORDERS = ("strict", "fit")
WAITLIST_ORDER_DEFAULT = "strict"
#: The optional consents an event may ask each attendee, in the order the form asks them:
#: photos and video, contact about future events, sharing with a partner the organiser
#: names. Admission never depends on one (eventreg/consents/).
PHOTOS = "photos"
FUTURE_CONTACT = "future_contact"
PARTNER_SHARING = "partner_sharing"
CONSENT_KINDS = (PHOTOS, FUTURE_CONTACT, PARTNER_SHARING)

QUESTION_KINDS = ("text", "single_choice", "multiple_choice", "yes_no")
#: A question is answered once for the whole party or once for each attendee.
QUESTION_SCOPES = ("party", "attendee")


class HasPlaces:
    """A row with an optional `capacity` and a `places_taken` counter (declared by each model)."""

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.places_taken, 0)


class Programme(db.Model):
    """A programme or project events belong to, with its funder, for donor reports."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: E.g. "Raising the awareness of local communities ... on asylum and migration".
    name: Mapped[str] = mapped_column(String(300))
    #: E.g. "Norwegian Financial Mechanism".
    funder: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Event(HasPlaces, db.Model):
    """Something people register for and attend, run by one organisation."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("places_taken >= 0", name="places_taken_not_negative"),
        CheckConstraint(
            "capacity IS NULL OR places_taken <= capacity", name="places_within_capacity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    #: Part of the public URL: /e/<slug>.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: Title per language code, e.g. {"en": "...", "bg": "...", "uk": "..."}; one at least.
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Description per language code (plain text, paragraphs split by blank lines).
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Privacy notice per language code, which people consent to when they register.
    privacy_notice: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The venue's name per language code, e.g. {"en": "Borisova Gradina", "bg": "Борисова
    #: градина"}; may be empty.
    venue: Mapped[dict] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(300), default="")
    #: IANA time zone the event's times are shown in.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Sofia")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_DRAFT, index=True)
    #: When it was cancelled, if it was: a door's scan is judged by the state at its own
    #: time (an offline scan made before the cancellation stands).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Registration is open from/until these instants; None means "from publication"/"until start".
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Most attendees the event admits in all, or None for no limit.
    capacity: Mapped[int | None]
    #: Attendees holding a valid ticket; changed only by the capacity rule in the service.
    places_taken: Mapped[int] = mapped_column(default=0)
    age_mode: Mapped[str] = mapped_column(String(20), default="age_group")
    #: Whether the form asks each attendee's sex (one of SEXES, "prefer not to say" included).
    asks_sex: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Whether parties with a phone are sent text messages (they cost money per segment);
    #: off, only emails go.
    sends_text_messages: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: The optional consents each attendee is asked (of CONSENT_KINDS, in that order).
    optional_consents: Mapped[list] = mapped_column(JSON, default=list,
                                                    server_default=text("'[]'"))
    #: The partner a "sharing with a partner" consent names, as the organiser typed it.
    consent_partner: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: Days after the event ends that its people's personal data is kept, when shorter
    #: than the organisation's period; None keeps the organisation's.
    retention_days: Mapped[int | None]
    #: One of WAITLIST_ORDERS: whether a smaller party may pass a bigger one at the head of
    #: the waiting list that does not fit yet.
    waitlist_order: Mapped[str] = mapped_column(
        String(20), default=WAITLIST_ORDER_DEFAULT, server_default=WAITLIST_ORDER_DEFAULT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme | None] = relationship()
    #: Its retention periods are the organisation's (eventreg/events/retention.py).
    organisation: Mapped["Organisation"] = relationship()  # noqa: F821 (accounts.models)
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="event", order_by="Activity.position, Activity.id"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="event", order_by="Question.position, Question.id"
    )


class Activity(HasPlaces, db.Model):
    """A workshop, session or transport run inside an event, maybe with places of its own."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("places_taken >= 0", name="places_taken_not_negative"),
        CheckConstraint(
            "capacity IS NULL OR places_taken <= capacity", name="places_within_capacity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: Title per language code.
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Where in the venue, per language code: "Doll-making tent", "Meeting point: Lavov
    #: most"; may be empty.
    place: Mapped[dict] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Most attendees who may choose it, or None for no limit.
    capacity: Mapped[int | None]
    #: Valid tickets that chose it; changed only by the capacity rule in the service.
    places_taken: Mapped[int] = mapped_column(default=0)
    #: Order on the event page.
    position: Mapped[int] = mapped_column(default=0)
    #: A children's workshop: each child checked in at its door gets a pick-up code, and
    #: goes out only against it or a ticket of the same party (eventreg/checkin/pickup.py).
    asks_pickup_codes: Mapped[bool] = mapped_column(default=False, server_default=false())

    event: Mapped[Event] = relationship(back_populates="activities")


class Question(db.Model):
    """An organiser's own question on the registration form."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    #: The question per language code.
    label: Mapped[dict] = mapped_column(JSON, default=dict)
    #: One of QUESTION_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(default=False)
    #: One of QUESTION_SCOPES.
    asked_per: Mapped[str] = mapped_column(String(20), default="party")
    #: For choices: [{"value": "lavov-most", "label": {"en": "...", ...}}, ...].
    options: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="questions")

    def option_values(self) -> list[str]:
        return [option["value"] for option in self.options]
