"""Ticket tokens: only the event's key makes a token that verifies."""

import base64

import pytest

from eventreg.tickets.qr import make_qr
from eventreg.tickets.signing import (
    TOKEN_LENGTH,
    InvalidTicketToken,
    generate_key_pair,
    load_private_key,
    sign_ticket,
    verify_ticket,
)

SECRET = "a test secret that is long enough to be realistic"


@pytest.fixture
def key_pair():
    public_key, encrypted = generate_key_pair(SECRET)
    return public_key, load_private_key(encrypted, SECRET)


def test_a_signed_token_verifies_to_its_claims(key_pair):
    public_key, private_key = key_pair
    claims = verify_ticket(sign_ticket(private_key, 7, 123456), public_key)
    assert (claims.event_id, claims.attendee_id) == (7, 123456)


def test_a_token_signed_with_another_key_is_refused(key_pair):
    public_key, _ = key_pair
    _, forger_encrypted = generate_key_pair(SECRET)
    forged = sign_ticket(load_private_key(forger_encrypted, SECRET), 7, 1)
    with pytest.raises(InvalidTicketToken):
        verify_ticket(forged, public_key)


def test_every_single_character_change_is_refused(key_pair):
    public_key, private_key = key_pair
    token = sign_ticket(private_key, 7, 1)
    for position in range(len(token)):
        replacement = "A" if token[position] != "A" else "B"
        altered = token[:position] + replacement + token[position + 1:]
        with pytest.raises(InvalidTicketToken):
            verify_ticket(altered, public_key)


def test_changed_claims_with_the_old_signature_are_refused(key_pair):
    public_key, private_key = key_pair
    raw = bytearray(base64.b32decode(sign_ticket(private_key, 7, 1) + "==="))
    raw[8] = 2  # attendee 1 -> 2
    altered = base64.b32encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(InvalidTicketToken):
        verify_ticket(altered, public_key)


@pytest.mark.parametrize("cut", [1, 10, 60, 116])
def test_truncated_tokens_are_refused(key_pair, cut):
    public_key, private_key = key_pair
    with pytest.raises(InvalidTicketToken):
        verify_ticket(sign_ticket(private_key, 7, 1)[:cut], public_key)


@pytest.mark.parametrize("garbage", ["", "hello", "1" * TOKEN_LENGTH, "é" * TOKEN_LENGTH,
                                     "https://example.org/ticket"])
def test_garbage_is_refused(key_pair, garbage):
    with pytest.raises(InvalidTicketToken):
        verify_ticket(garbage, key_pair[0])


def test_token_fits_qr_version_6_at_error_correction_m(key_pair):
    token = sign_ticket(key_pair[1], 2**32 - 1, 2**32 - 1)
    assert len(token) == TOKEN_LENGTH
    assert make_qr(token).version <= 6


def test_private_key_is_stored_encrypted_and_needs_the_secret(key_pair):
    public_key, encrypted = generate_key_pair(SECRET)
    with pytest.raises(RuntimeError, match="TICKET_KEY_SECRET"):
        load_private_key(encrypted, "another secret")
    raw_private = load_private_key(encrypted, SECRET).private_bytes_raw()
    assert raw_private not in encrypted
