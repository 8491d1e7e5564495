// Reading and verifying ticket QR tokens on the phone, for checking people in offline.
//
// A token is the base32 text (no padding, 117 characters) of 73 bytes:
//   version (1, = 1) | event id (4, big-endian) | attendee id (4) | Ed25519 signature (64)
// signed with the event's private key; the server hands out the matching public key.
// The same format is written and checked by eventreg/tickets/signing.py.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const TOKEN_LENGTH = 117;
const TOKEN_BYTES = 73;
const CLAIMS_BYTES = 9;

function decodeBase32(text) {
  const bytes = new Uint8Array(TOKEN_BYTES);
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const character of text) {
    const value = ALPHABET.indexOf(character);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (index >= TOKEN_BYTES) return null;
      bytes[index++] = (buffer >> bits) & 0xff;
    }
    buffer &= (1 << bits) - 1;
  }
  // The unused last bit must be zero: only the canonical spelling is a ticket.
  if (index !== TOKEN_BYTES || buffer !== 0) return null;
  return bytes;
}

function base64urlBytes(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

/** Import the event's public key (raw Ed25519, base64url) for verifying tickets. */
export async function importPublicKey(base64url) {
  return crypto.subtle.importKey(
    "raw", base64urlBytes(base64url), { name: "Ed25519" }, false, ["verify"],
  );
}

/**
 * Read a scanned code. Answers {status: "invalid"} for anything that is not a ticket or
 * whose signature fails, {status: "wrong_event"} for a ticket of another event (its key
 * is not on this phone, so it is not verified), else {status: "ok", attendeeId}.
 */
export async function readTicket(text, publicKey, eventId) {
  const token = (text || "").trim().toUpperCase();
  if (token.length !== TOKEN_LENGTH) return { status: "invalid" };
  const bytes = decodeBase32(token);
  if (!bytes || bytes[0] !== 1) return { status: "invalid" };
  const view = new DataView(bytes.buffer);
  const ticketEventId = view.getUint32(1);
  const attendeeId = view.getUint32(5);
  if (ticketEventId !== eventId) return { status: "wrong_event" };
  const verified = await crypto.subtle.verify(
    { name: "Ed25519" }, publicKey, bytes.slice(CLAIMS_BYTES), bytes.slice(0, CLAIMS_BYTES),
  );
  return verified ? { status: "ok", attendeeId } : { status: "invalid" };
}
