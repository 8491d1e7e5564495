"""Organisations, the organisers who work for them, and their API tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.database import UTCDateTime, utcnow
from eventreg.extensions import db

ROLE_ADMIN = "admin"
ROLE_ORGANISER = "organiser"
ROLES = (ROLE_ADMIN, ROLE_ORGANISER)
#: The smallest figure of people a donor report shows, unless the organisation sets another
#: within SMALL_CELL_THRESHOLDS. Not 2: "<2" could only be 1 (zeros are shown).
DEFAULT_SMALL_CELL_THRESHOLD = 5
SMALL_CELL_THRESHOLDS = range(3, 101)


class Organisation(db.Model):
    """A country office or partner NGO: it owns events, and its organisers see only those."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            f"small_cell_threshold BETWEEN {SMALL_CELL_THRESHOLDS.start} "
            f"AND {SMALL_CELL_THRESHOLDS.stop - 1}", name="small_cell_threshold_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Display name, e.g. "IOM Bulgaria".
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Days after an event ends that its people's personal data is kept (an event may
    #: shorten it), and after a cancellation or a removal from a waiting list.
    #: eventreg/events/retention.py applies them.
    retention_days: Mapped[int] = mapped_column(default=180, server_default="180")
    cancelled_retention_days: Mapped[int] = mapped_column(default=30, server_default="30")
    #: Donor versions of reports hide any breakdown cell of fewer people than this ("<5"):
    #: eventreg/reports/suppression.py.
    small_cell_threshold: Mapped[int] = mapped_column(
        default=DEFAULT_SMALL_CELL_THRESHOLD, server_default=str(DEFAULT_SMALL_CELL_THRESHOLD))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisers: Mapped[list["Organiser"]] = relationship(back_populates="organisation")


class Organiser(UserMixin, db.Model):
    """A person who signs in to set up events of their organisation."""

    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: Sign-in name, stored lower-case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: scrypt hash from werkzeug.security, never the password itself.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: "admin" may manage the organisation's team; "organiser" runs events.
    role: Mapped[str] = mapped_column(String(20), default=ROLE_ORGANISER)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="organisers")

    #: The secret of the sign-in session this object was loaded for (not a column): what
    #: Flask-Login keeps in the browser's session cookie, so that ending the session on the
    #: server signs that browser out (eventreg/accounts/sessions.py).
    sign_in_token = None

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    def get_id(self) -> str:
        if self.sign_in_token is None:
            raise AttributeError("an organiser is signed in only through a sign-in session")
        return self.sign_in_token


class SignInSession(db.Model):
    """One browser signed in as an organiser; ended on the server, it no longer works."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id"), index=True)
    #: SHA-256 of the session's secret; the secret itself is only in the browser's cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The last request seen, to the minute (for the idle timeout).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it ended; None while it works.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it ended: one of SESSION_END_REASONS (eventreg/accounts/sessions.py).
    end_reason: Mapped[str | None] = mapped_column(String(30))

    organiser: Mapped[Organiser] = relationship()


class ApiToken(db.Model):
    """A bearer token with which a program acts as one organiser through the JSON API."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id"), index=True)
    #: What the organiser calls it ("reporting script").
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First characters of the token, so people can tell their tokens apart.
    token_hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organiser: Mapped[Organiser] = relationship()
