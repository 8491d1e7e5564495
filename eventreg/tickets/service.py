"""Tickets: signing keys per event, the QR token of each attendee, and verifying a token.

Whether a verified ticket admits someone is the door's rule (eventreg/checkin/rules.py).
"""

from flask import current_app
from sqlalchemy.orm import Session

from eventreg.tickets.models import EventSigningKey
from eventreg.tickets.signing import (
    InvalidTicketToken,
    TicketClaims,
    claims_of,
    decode_ticket,
    generate_key_pair,
    load_private_key,
    sign_ticket,
    verify_decoded,
)


def _key_secret() -> str:
    return current_app.config["TICKET_KEY_SECRET"]


def create_signing_key(session: Session, event) -> EventSigningKey:
    """Give a new event its key pair (inside the caller's transaction)."""
    public_key, private_encrypted = generate_key_pair(_key_secret())
    key = EventSigningKey(
        event_id=event.id, public_key=public_key, private_key_encrypted=private_encrypted
    )
    session.add(key)
    return key


def ticket_tokens(session: Session, attendees) -> dict[int, str]:
    """Return each attendee's QR token (attendees: anything with an `id` and an
    `event_id`), keyed by attendee id, with one key load per event."""
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
    raw = decode_ticket(token)
    claims = claims_of(raw)
    for reload in (False, True):
        public_key = event_public_key(session, claims.event_id, reload=reload)
        if public_key is None:
            break
        try:
            return verify_decoded(raw, public_key)
        except InvalidTicketToken:
            continue
    raise InvalidTicketToken("signature does not verify")
