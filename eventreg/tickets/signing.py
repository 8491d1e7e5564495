"""Signed ticket tokens: what a ticket's QR code carries.

A token is the unpadded RFC 4648 base32 text of 73 bytes:

    version (1 byte, = 1) | event id (4 bytes, big-endian) | attendee id (4 bytes)
    | Ed25519 signature (64 bytes)

The signature covers the first 9 bytes and is made with the event's private key, so a
door scanner holding only the event's public key can verify a ticket offline. Base32 uses
only QR's alphanumeric characters, so the 117-character token fits a version 5 QR code at
error correction M. Whether a valid token's ticket is still valid (not cancelled) is the
server's (or the scanner's downloaded list's) to say, not the token's.
"""

import base64
import binascii
import struct
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from eventreg.encryption import secret_box

TOKEN_VERSION = 1
_CLAIMS = struct.Struct(">BII")
_SIGNATURE_LENGTH = 64
TOKEN_BYTES = _CLAIMS.size + _SIGNATURE_LENGTH
TOKEN_LENGTH = 117
#: Largest id a database row can have (a signed 32-bit integer in PostgreSQL).
MAX_ID = 2**31 - 1


class InvalidTicketToken(ValueError):
    """The text is not a ticket token, or its signature does not verify."""


@dataclass(frozen=True)
class TicketClaims:
    event_id: int
    attendee_id: int


def _key_encryption(secret: str) -> Fernet:
    return secret_box(secret, "eventreg ticket signing keys")


def generate_key_pair(secret: str) -> tuple[bytes, bytes]:
    """Make a new key pair; return (raw public key, private key encrypted with `secret`)."""
    private_key = Ed25519PrivateKey.generate()
    public_raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    private_raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return public_raw, _key_encryption(secret).encrypt(private_raw)


def load_private_key(encrypted: bytes, secret: str) -> Ed25519PrivateKey:
    """Decrypt a stored private key; refuse if `secret` is not the one it was made with."""
    try:
        raw = _key_encryption(secret).decrypt(encrypted)
    except InvalidToken as error:
        raise RuntimeError(
            "cannot decrypt the ticket signing key: TICKET_KEY_SECRET (or SECRET_KEY) changed"
        ) from error
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign_ticket(private_key: Ed25519PrivateKey, event_id: int, attendee_id: int) -> str:
    """Return the QR token for one attendee's ticket."""
    claims = _CLAIMS.pack(TOKEN_VERSION, event_id, attendee_id)
    signed = claims + private_key.sign(claims)
    return base64.b32encode(signed).decode("ascii").rstrip("=")


def read_claims(token: str) -> TicketClaims:
    """Parse a token without verifying it (to find which event's key verifies it)."""
    return claims_of(decode_ticket(token))


def verify_ticket(token: str, public_key: bytes) -> TicketClaims:
    """Return the token's claims if `public_key` signed it; raise InvalidTicketToken if not."""
    return verify_decoded(decode_ticket(token), public_key)


def decode_ticket(token: str) -> bytes:
    """The token's bytes (claims, then signature); raise InvalidTicketToken for a text no
    signed token spells. Decode once, then read (`claims_of`) and verify (`verify_decoded`)."""
    return _decode(token)


def claims_of(raw: bytes) -> TicketClaims:
    """The claims of a decoded token, not verified."""
    version, event_id, attendee_id = _CLAIMS.unpack(raw[: _CLAIMS.size])
    if version != TOKEN_VERSION:
        raise InvalidTicketToken("unknown token version")
    if max(event_id, attendee_id) > MAX_ID:
        raise InvalidTicketToken("id out of range")  # no database row has such an id
    return TicketClaims(event_id=event_id, attendee_id=attendee_id)


def verify_decoded(raw: bytes, public_key: bytes) -> TicketClaims:
    """The claims of a decoded token if `public_key` signed it; raise InvalidTicketToken if
    not."""
    claims = claims_of(raw)
    try:
        _public_key(public_key).verify(raw[_CLAIMS.size :], raw[: _CLAIMS.size])
    except InvalidSignature as error:
        raise InvalidTicketToken("signature does not verify") from error
    return claims


@lru_cache(maxsize=1024)
def _public_key(public_key: bytes) -> Ed25519PublicKey:
    # Loading the key costs about as much as verifying with it; keys never change.
    return Ed25519PublicKey.from_public_bytes(public_key)


def _decode(token: str) -> bytes:
    text = (token or "").strip().upper()
    if len(text) != TOKEN_LENGTH:
        raise InvalidTicketToken("wrong length")
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError) as error:
        raise InvalidTicketToken("not base32") from error
    if len(raw) != TOKEN_BYTES:
        raise InvalidTicketToken("wrong length")
    # Base32's last character carries an unused bit: only the canonical spelling is valid.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != text:
        raise InvalidTicketToken("not in canonical form")
    return raw
