"""Removing a person's data and keeping the figures: one way, for retention and erasure.

What goes: names, emails, phones, answers typed as free text, search keys, ticket secrets
and codes, the form a waiting party sent, the written messages (and the .eml and .sms.txt
files of the `outbox` mail and text-message backends), and the names in the audit log. What stays: the event, the party
and its size, age group or year of birth, sex where asked, activity choices, check-in and
exit times and doors, walk-in or not, the consent's time and the notice consented to, and
each optional consent (eventreg/consents/) with its words, given and withdrawn times: none
of them names anyone. Before the names go, each person's "same name and same email or phone"
is kept as random keys (eventreg/reports/people.py), so individuals reached are counted
as before.

Every function works in the caller's unit of work and first claims its rows (an UPDATE
of those not yet anonymised): two runs at once anonymise each row once, and a run that
fails leaves nothing half done.
"""

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from eventreg.audit.models import AuditEntry
from eventreg.audit.service import record
from eventreg.checkin.models import PickupCheck, PickupCode
from eventreg.events.models import Event, Question
from eventreg.mail import outbox_files
from eventreg.messages.models import STATUS_FAILED, STATUS_PENDING, OutboxMessage
from eventreg.registrations.models import Answer, Attendee, Registration
from eventreg.registrations.search import search_key
from eventreg.registrations.service import new_ticket_code
from eventreg.reports.people import keep_person_keys
from eventreg.sms import sms_outbox_files
from eventreg.waitlist.models import WaitlistEntry
from eventreg.waitlist.notifications import KIND as WAITLIST_MESSAGE

#: What stands in the audit log where a name was.
ERASED = "—"


@dataclass
class Anonymised:
    """What one call anonymised, per event: people (attendees) and parties."""

    people: Counter = field(default_factory=Counter)
    parties: Counter = field(default_factory=Counter)
    waiting_parties: Counter = field(default_factory=Counter)

    def __iadd__(self, other: "Anonymised") -> "Anonymised":
        self.people += other.people
        self.parties += other.parties
        self.waiting_parties += other.waiting_parties
        return self

    @property
    def total_people(self) -> int:
        return sum(self.people.values())


def anonymise_registrations(session: Session, registration_ids: list[int], now: datetime,
                            *, reason: str, by=None) -> Anonymised:
    """Anonymise whole parties (and their waiting-list entries)."""
    claimed = _claim(session, Registration, registration_ids, now)
    done = Anonymised()
    if not claimed:
        return done
    registrations = _fresh(session, Registration, Registration.id.in_(claimed))
    attendees = _fresh(session, Attendee, Attendee.registration_id.in_(claimed))
    keep_person_keys(session, attendees)
    words = _identifying_words(registrations, attendees)
    for registration in registrations:
        _empty_registration(registration)
        done.parties[registration.event_id] += 1
    for attendee in attendees:
        if attendee.anonymised_at is None:
            done.people[attendee.event_id] += 1
        _empty_attendee(attendee, now)
    _delete_typed_answers(session, Answer.registration_id.in_(claimed))
    _delete_pickups(session, [attendee.id for attendee in attendees])
    _empty_messages(session, select(OutboxMessage.id)
                    .where(OutboxMessage.registration_id.in_(claimed)))
    entries = list(session.scalars(
        select(WaitlistEntry.id).where(WaitlistEntry.registration_id.in_(claimed))))
    done += anonymise_waitlist_entries(session, entries, now, reason=reason, by=by,
                                       audit=False)
    _scrub_audit(session, {r.event_id for r in registrations}, words)
    _record(session, done, reason=reason, by=by, now=now)
    return done


def anonymise_attendees(session: Session, attendee_ids: list[int], now: datetime, *,
                        reason: str, by=None) -> Anonymised:
    """Anonymise some people of parties that stay (a cancelled person, one erased)."""
    claimed = _claim(session, Attendee, attendee_ids, now)
    done = Anonymised()
    if not claimed:
        return done
    attendees = _fresh(session, Attendee, Attendee.id.in_(claimed))
    keep_person_keys(session, attendees)
    words = _identifying_words([], attendees)
    for attendee in attendees:
        _empty_attendee(attendee, now)
        done.people[attendee.event_id] += 1
    _delete_typed_answers(session, Answer.attendee_id.in_(claimed))
    _delete_pickups(session, claimed)
    session.flush()
    for registration in session.scalars(select(Registration).where(
            Registration.id.in_({a.registration_id for a in attendees}))):
        registration.search_text = search_key(registration)  # it named them too
    _scrub_audit(session, {a.event_id for a in attendees}, words)
    _record(session, done, reason=reason, by=by, now=now)
    return done


def anonymise_waitlist_entries(session: Session, entry_ids: list[int], now: datetime, *,
                               reason: str, by=None, audit: bool = True) -> Anonymised:
    """Empty the forms waiting parties sent, and the messages they were sent."""
    claimed = _claim(session, WaitlistEntry, entry_ids, now)
    done = Anonymised()
    if not claimed:
        return done
    entries = list(session.scalars(select(WaitlistEntry).where(WaitlistEntry.id.in_(claimed))))
    words: set[str] = set()
    for entry in entries:
        words |= _words_of_request(entry.request) | {entry.email or ""}
        entry.request = {"party_size": entry.party_size}
        entry.email = None
        entry.secret = secrets.token_urlsafe(24)
        done.waiting_parties[entry.event_id] += 1
    _empty_messages(session, select(OutboxMessage.id).where(
        OutboxMessage.kind == WAITLIST_MESSAGE,
        OutboxMessage.registration_id.is_(None)), only_entries=set(claimed))
    _scrub_audit(session, {e.event_id for e in entries}, words)
    if audit:
        _record(session, done, reason=reason, by=by, now=now)
    return done


def _claim(session: Session, model, ids: list[int], now: datetime) -> list[int]:
    if not ids:
        return []
    return list(session.scalars(
        update(model).where(model.id.in_(ids), model.anonymised_at.is_(None))
        .values(anonymised_at=now).returning(model.id)
        .execution_options(synchronize_session=False)))


def _fresh(session: Session, model, condition) -> list:
    """The rows, read again (what the claim's UPDATE wrote included)."""
    return list(session.scalars(
        select(model).where(condition).execution_options(populate_existing=True)))


def _empty_registration(registration: Registration) -> None:
    registration.contact_name = ""
    registration.email = None
    registration.phone = None
    registration.search_text = ""
    registration.ticket_secret = secrets.token_urlsafe(24)
    registration.client_id = secrets.token_hex(16)
    registration.submission_fingerprint = ""
    registration.source_hash = None


def _empty_attendee(attendee: Attendee, now: datetime) -> None:
    attendee.name = ""
    attendee.door_note = ""
    attendee.ticket_code = new_ticket_code()
    attendee.anonymised_at = attendee.anonymised_at or now
    attendee.changed_at = now


def _delete_typed_answers(session: Session, condition) -> None:
    """Free text may say anything about anyone; choices are kept for the figures."""
    typed = select(Question.id).where(Question.kind == "text")
    session.execute(delete(Answer).where(condition, Answer.question_id.in_(typed))
                    .execution_options(synchronize_session=False))


def _delete_pickups(session: Session, attendee_ids: list[int]) -> None:
    """Pick-up codes and tries tie a child to whoever collected them: they go, the
    check-ins (and so the figures) stay."""
    if not attendee_ids:
        return
    for model in (PickupCode, PickupCheck):
        session.execute(delete(model).where(model.attendee_id.in_(attendee_ids))
                        .execution_options(synchronize_session=False))
    session.execute(update(PickupCheck).where(PickupCheck.presented_attendee_id.in_(attendee_ids))
                    .values(presented_attendee_id=None)
                    .execution_options(synchronize_session=False))


def _empty_messages(session: Session, message_ids, *,
                    only_entries: set[int] | None = None) -> None:
    messages = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))))
    if only_entries is not None:
        messages = [m for m in messages if (m.context or {}).get("entry") in only_entries]
    for message in messages:
        message.to_address = ""
        message.subject = message.text_body = message.html_body = None
        message.context = {}
        message.last_error = ""
        if message.status == STATUS_PENDING:
            message.status = STATUS_FAILED  # never sent now: there is no one to send it to
    ids = [m.id for m in messages]
    for path in outbox_files(ids) + sms_outbox_files(ids):
        path.unlink(missing_ok=True)


def _identifying_words(registrations: list[Registration], attendees: list[Attendee]) -> set[str]:
    words = {a.name for a in attendees}
    for registration in registrations:
        words |= {registration.contact_name, registration.email or "", registration.phone or ""}
    return {w for w in words if len(w.strip()) >= 2}


#: What a waiting party's form holds that names no one: the consents' kinds and the
#: organiser's partner (left in the audit log's own entries, "consent.withdrawn").
NOT_IDENTIFYING = ("consents", "consent_partner")


def _words_of_request(request) -> set[str]:
    """Every text in a waiting party's form as sent (names, contact, answers)."""
    if isinstance(request, dict):
        values = [v for k, v in request.items() if k not in NOT_IDENTIFYING]
        return set().union(*(_words_of_request(v) for v in values)) if values else set()
    if isinstance(request, list):
        return set().union(*(_words_of_request(v) for v in request)) if request else set()
    return {request} if isinstance(request, str) and len(request.strip()) >= 2 else set()


def _scrub_audit(session: Session, event_ids: set[int], words: set[str]) -> None:
    """Replace the names and contacts in the audit entries of these events (and those of no
    event, such as same-person decisions) by a dash."""
    words = {w for w in words if w and len(w.strip()) >= 2}
    if not words:
        return
    organisation_ids = set(session.scalars(
        select(Event.organisation_id).where(Event.id.in_(event_ids))))
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id.in_(organisation_ids),
        AuditEntry.event_id.in_(event_ids) | AuditEntry.event_id.is_(None)))
    ordered = sorted(words, key=len, reverse=True)  # "Olena Kovalenko" before "Olena"
    for entry in entries:
        target, details = _scrubbed(entry.target, ordered), _scrubbed(entry.details, ordered)
        if target != entry.target:
            entry.target = target
        if details != entry.details:
            entry.details = details


def _scrubbed(value, words: list[str]):
    if isinstance(value, str):
        for word in words:
            value = value.replace(word, ERASED)
        return value
    if isinstance(value, dict):
        return {key: _scrubbed(item, words) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, words) for item in value]
    return value


def _record(session: Session, done: Anonymised, *, reason: str, by, now: datetime) -> None:
    """One audit entry per event: how many people, when, why; no one named."""
    organisation_of = dict(session.execute(select(Event.id, Event.organisation_id).where(
        Event.id.in_(set(done.people) | set(done.waiting_parties)))).all())
    for event_id, organisation_id in organisation_of.items():
        record(session, organisation_id=organisation_id, event_id=event_id, by=by,
               actor="retention" if by is None else "", now=now,
               action="privacy.anonymised",
               details={"reason": reason, "people": done.people[event_id],
                        "parties": done.parties[event_id],
                        "waiting_parties": done.waiting_parties[event_id]})
