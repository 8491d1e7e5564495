"""The rules of optional consents: what each asks, giving them, withdrawing them, and who
may not be photographed.

An event may ask each attendee for optional consents from a short list (CONSENT_KINDS):
photos and video, contact about future events, sharing with a partner the organiser names.
Admission never depends on them: a registration, a waiting-list place and a check-in are
the same with or without. Every consent starts unticked (no pre-ticked box, as the GDPR
asks), so it is "no" unless the person ticks it: a child's photo consent is "no" unless
a parent or guardian ticks it for them, and a person registered at the door or from a
paper sheet, where they are not asked, gave none.

A consent given is stored with the words agreed to, in the person's language, and when
(eventreg/consents/models.py); a withdrawal, from the private ticket link at any time, is
stored with its time and audited without a name. A consent to share with a partner counts
for the partner it named: once the organiser names another, it no longer holds.
"""

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from eventreg.audit.service import record
from eventreg.consents.models import Consent
from eventreg.database import utcnow
from eventreg.errors import NotFound
from eventreg.events.models import (
    CONSENT_KINDS,
    FUTURE_CONTACT,
    PARTNER_SHARING,
    PHOTOS,
    Event,
)
from eventreg.i18n import LANGUAGE_CODES, current_language
from eventreg.registrations.models import Attendee, Registration
from eventreg.text import clean_text

#: Each consent's short name, as the form's box, the exports' column and the ticket page
#: call it, and what ticking it agrees to (stored with the consent, in the person's
#: language): functions of the partner's name, called in the language wanted.
CONSENT_NAMES = {
    PHOTOS: lambda partner: _("Photos and video"),
    FUTURE_CONTACT: lambda partner: _("Contact about future events"),
    PARTNER_SHARING: lambda partner: _("Sharing with %(partner)s", partner=partner),
}
CONSENT_STATEMENTS = {
    PHOTOS: lambda partner: _(
        "Photos and videos in which this person can be recognised may be taken at the event "
        "and published by the organisers, in their reports, on their website and in social "
        "media."),
    FUTURE_CONTACT: lambda partner: _(
        "The organisers may contact this person about their future events, by the email or "
        "phone given here."),
    PARTNER_SHARING: lambda partner: _(
        "The organisers may share this person's name, age and the contact details given "
        "here with %(partner)s, so that it can offer its help.", partner=partner),
}
assert set(CONSENT_NAMES) == set(CONSENT_STATEMENTS) == set(CONSENT_KINDS)


def consent_name(event: Event, kind: str, language: str | None = None) -> str:
    """The consent's short name in `language` (the page's, when None)."""
    with force_locale(language or current_language()):
        return CONSENT_NAMES[kind](event.consent_partner)


def given_consent_name(consent: Consent, language: str | None = None) -> str:
    """The short name of a consent given, naming the partner it was given for."""
    with force_locale(language or current_language()):
        return CONSENT_NAMES[consent.kind](consent.partner or "")


def consent_statement(event: Event, kind: str, language: str | None = None) -> str:
    """What ticking the consent agrees to, in `language` (the page's, when None)."""
    with force_locale(language or current_language()):
        return CONSENT_STATEMENTS[kind](event.consent_partner)


def consent_statements(event: Event) -> dict[str, dict[str, str]]:
    """Each consent the event asks, in every language: {kind: {language: statement}}."""
    return {kind: {code: consent_statement(event, kind, code) for code in LANGUAGE_CODES}
            for kind in event.optional_consents}


def asked_consents(event: Event, given, *, partner_shown: str | None,
                   drop_unasked: bool) -> tuple[list[str], bool]:
    """The consents of `given` (kinds, as sent) that the event asks, in its order, and
    whether any other was sent.

    `partner_shown` is the partner the person was shown (the form and the waiting list send
    it; None: the event's own): a sharing consent given for another partner than the
    event's now is left out, never taken for the new one. With `drop_unasked` a kind the
    event does not ask (any more) is left out as well and not reported: a party waiting
    since before the organiser changed the consents keeps its place.
    """
    given = {str(kind) for kind in (given or [])}
    if (PARTNER_SHARING in given and partner_shown is not None
            and clean_text(partner_shown) != event.consent_partner):
        given.discard(PARTNER_SHARING)
    unasked = bool(given - set(event.optional_consents)) and not drop_unasked
    return [kind for kind in event.optional_consents if kind in given], unasked


#: Why a consent the event does not ask is refused (the API; the form offers only those).
NOT_ASKED = _l("This event does not ask that consent.")


def give_consents(session: Session, event: Event, attendee: Attendee, kinds: list[str], *,
                  language: str, now: datetime) -> list[Consent]:
    """Store the consents `attendee` gave when registering (kinds the event asks, already
    checked by `asked_consents`), each with its statement in `language` and `now`."""
    given = []
    for kind in kinds:
        consent = Consent(
            kind=kind, partner=event.consent_partner if kind == PARTNER_SHARING else None,
            text=consent_statement(event, kind, language), language=language, given_at=now)
        attendee.consents.append(consent)
        given.append(consent)
    return given


def holds(consent: Consent, event: Event) -> bool:
    """Whether a consent holds now: not withdrawn, and a sharing consent names the event's
    partner of now."""
    if consent.withdrawn_at is not None:
        return False
    return consent.kind != PARTNER_SHARING or consent.partner == event.consent_partner


def consents_held(attendee: Attendee, event: Event) -> list[str]:
    """The kinds of consent the attendee gave that hold now and the event asks, in order."""
    held = {consent.kind for consent in attendee.consents if holds(consent, event)}
    return [kind for kind in event.optional_consents if kind in held]


def live_photo_consent(attendee_id):
    """SQL: the attendee (an id column or value) has a photo consent not withdrawn."""
    return exists().where(and_(Consent.attendee_id == attendee_id, Consent.kind == PHOTOS,
                               Consent.withdrawn_at.is_(None)))


def no_photos(event_asks_photos: bool, has_photo_consent: bool) -> bool:
    """Whether the door and the door list mark a person "no photos": at an event that asks
    photo consent, everyone without one that holds (a child unless a parent ticked it, a
    walk-in, anyone who withdrew it). An event that does not ask marks no one."""
    return event_asks_photos and not has_photo_consent


def without_photo_consent(session: Session, event: Event, attendee_ids) -> set[int]:
    """Of these attendees of `event`, those the door marks "no photos" (`no_photos`)."""
    ids = list(attendee_ids)
    if PHOTOS not in event.optional_consents or not ids:
        return set()
    consenting = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        consenting |= set(session.scalars(select(Consent.attendee_id).where(
            Consent.attendee_id.in_(chunk), Consent.kind == PHOTOS,
            Consent.withdrawn_at.is_(None))))
    return {attendee_id for attendee_id in ids
            if no_photos(True, attendee_id in consenting)}


def withdraw_consent(session: Session, registration: Registration, attendee_id: int, kind: str,
                     *, now: datetime | None = None) -> bool:
    """Withdraw one person's consent, from the party's private ticket link: at any time,
    before, during or after the event, for a cancelled ticket too. Returns False when it
    was already withdrawn (a repeat changes nothing).

    NotFound `attendee_not_found` for a person not in the party, `consent_not_found` for a
    consent the person never gave. The withdrawal keeps the consent's row with its time;
    the door phones learn it (`changed_at`), and the audit log records which person and
    consent by id and kind, never a name.
    """
    now = now or utcnow()
    attendee = next((a for a in registration.attendees
                     if a.id == attendee_id and a.anonymised_at is None), None)
    if attendee is None:
        raise NotFound(_l("No such attendee in this registration."),
                       reason="attendee_not_found")
    consent = next((c for c in attendee.consents if c.kind == kind), None)
    if consent is None:
        raise NotFound(_l("This person did not give that consent."), reason="consent_not_found")
    if consent.withdrawn_at is not None:
        return False
    consent.withdrawn_at = now
    attendee.changed_at = now
    event = registration.event
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=None,
           action="consent.withdrawn", target=f"registration {registration.id}",
           details={"registration": registration.id, "attendee": attendee.id, "kind": kind},
           now=now)
    session.flush()
    return True
