"""Which way a party is told: by email, by text message, or both. Pure: no app, no I/O.

The rule, for a party that gave an email, a phone, or both:

- An email whenever there is an email: it is free and holds everything (the tickets' QR
  codes, the programme, the address).
- A text message when there is a phone and no email: a family that gave only a phone hears
  of everything that happens to its registration.
- A text message as well as the email, for a party that gave both, only for what changes
  what it must do soon: places found on the waiting list (`promotion`: come, or free them
  for the next family), the event moved (`event_changed`) or cancelled (`event_cancelled`:
  a wasted trip across town with children). Families on cheap phones often read email
  seldom; these few texts are worth their cost. The routine ones (confirmation, reminder,
  a cancellation the party asked for, the waiting-list receipt) would only repeat the email
  at a price per segment, so they are not sent twice.
- An event with text messages turned off (`Event.sends_text_messages`) sends no texts at
  all: only parties with an email are told, as before texts existed.

A person who asks for their links again (eventreg/registrations/recovery.py) is answered
on the channel they typed, and an organiser's resend of a party's link follows this rule
as a routine message.
"""

from eventreg.messages.models import CHANNEL_EMAIL, CHANNEL_SMS

#: Kinds that also go as a text to a party that gave an email.
URGENT_KINDS = frozenset({"promotion", "event_changed", "event_cancelled"})


def channels_for(kind: str, *, email: str | None, phone: str | None,
                 texts_on: bool) -> list[tuple[str, str]]:
    """The (channel, address) pairs a message of `kind` goes to, email first."""
    found = []
    if email:
        found.append((CHANNEL_EMAIL, email))
    if phone and texts_on and (not email or kind in URGENT_KINDS):
        found.append((CHANNEL_SMS, phone))
    return found
