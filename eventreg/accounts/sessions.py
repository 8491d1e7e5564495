"""Sign-in sessions held on the server, so that signing out really ends them.

The browser's session cookie carries a random secret; the server keeps its SHA-256 with
the organiser, when it started and when it was last used. A session works while it is
not ended, younger than its lifetime and used within its idle timeout (OWASP ASVS 4.0,
3.3: both are settings, `SESSION_LIFETIME_HOURS` and `SESSION_IDLE_MINUTES`). Signing out
ends that session; changing one's password, "sign out everywhere" and an admin switching
an organiser off end all of the organiser's sessions at once. A copied cookie is worth
nothing once its session has ended.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from eventreg.accounts.models import Organiser, SignInSession
from eventreg.database import utcnow

SIGNED_OUT = "signed_out"
SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
PASSWORD_CHANGED = "password_changed"
SWITCHED_OFF = "switched_off"
IDLE = "idle"
EXPIRED = "expired"
SESSION_END_REASONS = (SIGNED_OUT, SIGNED_OUT_EVERYWHERE, PASSWORD_CHANGED, SWITCHED_OFF,
                       IDLE, EXPIRED)
#: `last_seen_at` is written at most this often, not on every request.
SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a sign-in lasts: at most `lifetime`, and `idle_timeout` without a request."""

    lifetime: timedelta
    idle_timeout: timedelta

    @classmethod
    def from_config(cls, config) -> "SessionPolicy":
        return cls(lifetime=timedelta(hours=config["SESSION_LIFETIME_HOURS"]),
                   idle_timeout=timedelta(minutes=config["SESSION_IDLE_MINUTES"]))


@dataclass(frozen=True)
class SessionCheck:
    """The organiser a session signs in, or why it no longer does (`ended`)."""

    organiser: Organiser | None = None
    ended: str | None = None


def start_session(session: Session, organiser: Organiser, *, now: datetime | None = None) -> str:
    """Open a sign-in session for `organiser`; return its secret, for the browser only."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(SignInSession(organiser_id=organiser.id, token_hash=_hash(token),
                              created_at=now, last_seen_at=now))
    organiser.sign_in_token = token
    return token


def check_session(session: Session, token: str, policy: SessionPolicy, *,
                  now: datetime | None = None) -> SessionCheck:
    """The organiser `token` signs in, if its session still works; a session found past its
    lifetime or idle timeout is ended here. Notes the use at most once a minute."""
    now = now or utcnow()
    row = session.scalar(
        select(SignInSession).where(SignInSession.token_hash == _hash(token or ""))
        .options(joinedload(SignInSession.organiser))
    )
    if row is None or row.ended_at is not None:
        return SessionCheck(ended=row.end_reason if row is not None else None)
    organiser = row.organiser
    if not organiser.is_active:
        return SessionCheck(ended=SWITCHED_OFF)
    ended = (EXPIRED if now - row.created_at >= policy.lifetime
             else IDLE if now - row.last_seen_at >= policy.idle_timeout else None)
    if ended is not None or now - row.last_seen_at >= SEEN_RESOLUTION:
        change = ({"last_seen_at": now} if ended is None
                  else {"ended_at": now, "end_reason": ended})
        row_id = row.id
        session.execute(update(SignInSession).where(
            SignInSession.id == row_id, SignInSession.ended_at.is_(None)).values(**change))
        if ended is not None:
            return SessionCheck(ended=ended)
    organiser.sign_in_token = token
    return SessionCheck(organiser=organiser)


def end_session(session: Session, token: str, *, reason: str = SIGNED_OUT,
                now: datetime | None = None) -> None:
    """End the one session `token` opened; a repeat changes nothing."""
    session.execute(
        update(SignInSession)
        .where(SignInSession.token_hash == _hash(token or ""),
               SignInSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
    )


def end_all_sessions(session: Session, organiser_id: int, *, reason: str,
                     now: datetime | None = None) -> int:
    """End every working session of the organiser in the caller's transaction; return how
    many were ended."""
    result = session.execute(
        update(SignInSession)
        .where(SignInSession.organiser_id == organiser_id, SignInSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def count_live_sessions(session: Session, organiser: Organiser, policy: SessionPolicy, *,
                        now: datetime | None = None) -> int:
    """How many browsers are signed in as the organiser now."""
    now = now or utcnow()
    return session.scalar(
        select(func.count(SignInSession.id)).where(
            SignInSession.organiser_id == organiser.id, SignInSession.ended_at.is_(None),
            SignInSession.created_at > now - policy.lifetime,
            SignInSession.last_seen_at > now - policy.idle_timeout,
        )
    ) or 0


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
