"""Tickets: signing keys per event, the QR token of each attendee, and checking a token.

`check_ticket` is the one place that says whether a scanned code admits someone; the
check-in feature builds on it.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from eventreg.errors import DomainError
from eventreg.events.models import STATUS_CANCELLED, Event
from eventreg.registrations.models import Attendee
from eventreg.tickets.models import EventSigningKey
from eventreg.tickets.signing import (
    InvalidTicketToken,
    TicketClaims,
    generate_key_pair,
    load_private_key,
    read_claims,
    sign_ticket,
    verify_ticket,
)


class TicketRefused(DomainError):
    """A scanned code does not admit anyone.

    Reasons: invalid, unknown, wrong_event, cancelled, event_cancelled.
    """

    status_code = 409
    default_reason = "invalid"


@dataclass(frozen=True)
class TicketCheck:
    attendee: Attendee
    event: Event


def _key_secret() -> str:
    return current_app.config["TICKET_KEY_SECRET"]


def create_signing_key(session: Session, event: Event) -> EventSigningKey:
    """Give a new event its key pair (inside the caller's transaction)."""
    public_key, private_encrypted = generate_key_pair(_key_secret())
    key = EventSigningKey(
        event_id=event.id, public_key=public_key, private_key_encrypted=private_encrypted
    )
    session.add(key)
    return key


def ticket_tokens(session: Session, attendees: list[Attendee]) -> dict[int, str]:
    """Return each attendee's QR token, keyed by attendee id (one key load per event)."""
    tokens: dict[int, str] = {}
    private_keys = {}
    for attendee in attendees:
        if attendee.event_id not in private_keys:
            stored = session.get(EventSigningKey, attendee.event_id)
            private_keys[attendee.event_id] = load_private_key(
                stored.private_key_encrypted, _key_secret()
            )
        tokens[attendee.id] = sign_ticket(
            private_keys[attendee.event_id], attendee.event_id, attendee.id
        )
    return tokens


def event_public_key(session: Session, event_id: int, *, reload: bool = False) -> bytes | None:
    """Return the event's raw Ed25519 public key (cached per app: keys never change)."""
    cache = current_app.extensions.setdefault("eventreg_ticket_public_keys", {})
    if reload or event_id not in cache:
        stored = session.get(EventSigningKey, event_id)
        if stored is None:
            return None
        cache[event_id] = stored.public_key
    return cache[event_id]


def verify_ticket_token(session: Session, token: str) -> TicketClaims:
    """Return the claims of a token its event's key signed; raise InvalidTicketToken if not.

    A token that fails against the cached key is tried once more against the stored key,
    so a stale cache can delay but never refuse a good ticket.
    """
    claims = read_claims(token)
    for reload in (False, True):
        public_key = event_public_key(session, claims.event_id, reload=reload)
        if public_key is None:
            break
        try:
            return verify_ticket(token, public_key)
        except InvalidTicketToken:
            continue
    raise InvalidTicketToken("signature does not verify")


def check_ticket(session: Session, token: str, *, event: Event | None = None) -> TicketCheck:
    """Return whose ticket `token` is, or refuse it.

    Refuses with reason `invalid` (not a ticket, forged or altered), `unknown` (well signed
    but no such attendee), `wrong_event` (a ticket of another event than `event`),
    `cancelled` (the ticket was cancelled) or `event_cancelled`.
    """
    try:
        claims = verify_ticket_token(session, token)
    except InvalidTicketToken as error:
        raise TicketRefused(_l("Not a valid ticket."), reason="invalid") from error
    if event is not None and claims.event_id != event.id:
        raise TicketRefused(_l("This ticket is for another event."), reason="wrong_event")
    attendee = session.get(Attendee, claims.attendee_id)
    if attendee is None or attendee.event_id != claims.event_id:
        raise TicketRefused(_l("No such ticket."), reason="unknown")
    if attendee.cancelled_at is not None:
        raise TicketRefused(_l("This ticket was cancelled."), reason="cancelled")
    ticket_event = session.get(Event, claims.event_id)
    if ticket_event.status == STATUS_CANCELLED:
        raise TicketRefused(_l("This event was cancelled."), reason="event_cancelled")
    return TicketCheck(attendee=attendee, event=ticket_event)
