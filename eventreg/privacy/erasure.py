"""Erasure on request: a party's or a person's data anonymised now, as retention would.

An organiser erases a party, or some of its people, at any time. Tickets still valid for an
event to come are cancelled first (their places freed, nobody told: the contact goes too);
once the event has started they stay as they are, so attendance and every figure are kept.
A participant asks from the private ticket link: before the event starts, cancelling and
erasing together; once it is over, erasing alone; while it is on, neither (the tickets may
still be shown at the door).
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from eventreg.database import lock_row, utcnow
from eventreg.errors import Conflict, ValidationFailed
from eventreg.privacy.anonymise import anonymise_attendees, anonymise_registrations
from eventreg.registrations.models import Registration
from eventreg.registrations.service import cancel_attendees, party_options

REASON = "erasure"


@dataclass(frozen=True)
class Erasure:
    """What erasing would do or did: people erased, and tickets cancelled on the way."""

    people: int
    cancelled: int


def erasure_preview(registration: Registration, attendee_ids: list[int] | None = None, *,
                    now: datetime | None = None) -> Erasure:
    """What `erase` would do now, for the confirmation step."""
    chosen = _chosen(registration, attendee_ids)
    return Erasure(len(chosen), len(_to_cancel(registration, chosen, now or utcnow())))


def erase(session: Session, registration: Registration, attendee_ids: list[int] | None = None,
          *, by=None, now: datetime | None = None) -> Erasure:
    """Erase the party (all its people when `attendee_ids` is None, or those), in the
    caller's unit of work; audited without a name. ValidationFailed when the ids name none
    of the party's people still named."""
    now = now or utcnow()
    lock_row(session, registration)
    chosen = _chosen(registration, attendee_ids)
    if not chosen:
        message = _l("Tick the people whose data is to be erased.")
        raise ValidationFailed(message, fields={"attendee_ids": message})
    to_cancel = _to_cancel(registration, chosen, now)
    if to_cancel:
        cancel_attendees(session, registration, to_cancel, by=by, tell_party=False, now=now)
    everyone = {a.id for a in registration.attendees if a.anonymised_at is None}
    if set(chosen) == everyone:
        done = anonymise_registrations(session, [registration.id], now, reason=REASON, by=by)
    else:
        done = anonymise_attendees(session, chosen, now, reason=REASON, by=by)
    return Erasure(done.total_people, len(to_cancel))


def erase_by_participant(session: Session, registration: Registration, *,
                         now: datetime | None = None) -> Erasure:
    """The party's own request, from its ticket link: the whole party. Conflict
    `event_in_progress` while the event is on."""
    now = now or utcnow()
    if not party_options(registration, now).may_erase:
        raise Conflict(_l("The event is on now: you can erase your data once it is over."),
                       reason="event_in_progress")
    return erase(session, registration, now=now)


def _chosen(registration: Registration, attendee_ids: list[int] | None) -> list[int]:
    named = [a.id for a in registration.attendees if a.anonymised_at is None]
    if attendee_ids is None:
        return named
    return [attendee_id for attendee_id in named if attendee_id in set(attendee_ids)]


def _to_cancel(registration: Registration, chosen: list[int], now: datetime) -> list[int]:
    if now >= registration.event.starts_at:
        return []
    return [a.id for a in registration.attendees if a.id in chosen and a.cancelled_at is None]
