"""The right of access: everything eventreg holds about one party (a registration).

`personal_data` gathers it into one plain dict, which the organisers' printable page, its
JSON download and the API (`GET /api/v1/registrations/{id}/personal-data`) all show, so
none of them can leave something out that another shows:

- `event`: what the party registered for, and the organisation that holds the data;
- `registration`: the contact person's name, email and phone, the language, when it was
  made and cancelled, whether at the door;
- `consent`: when the person consented, and the privacy notice's text as it was shown;
- `attendees`: each person's name, age group or year of birth, sex (null where not asked),
  ticket code, cancellation, their check-in and exit times and doors, at the entrance
  and at each activity they chose, and their optional consents (eventreg/consents/): each
  with the words agreed to, when it was given and when withdrawn;
- `answers`: each answer to the event's questions, with the question as the party read it;
- `messages`: every message to the party in the outbox, with its subject and bodies as
  written (null while not yet written) and how its delivery went, the waiting list's too;
- `check_ins`: every scan of the party's tickets at a door, as the door sent it and what it
  came to;
- `waiting_list`: the waiting-list place the party was registered from, with its form as
  sent, or null.

Texts are in the party's language (registration.language) where the event has them in it.
Times are aware UTC datetimes; `as_json` turns them into ISO 8601 text. Not in it: the
ticket page's secret link (a key to the tickets, not data about the party) and the keyed
hash of the network the registration came from (it cannot be read back to an address).
"""

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organisation
from eventreg.audit.service import record
from eventreg.checkin.models import Checkin, DoorAccess, PickupCheck, PickupCode
from eventreg.database import utcnow
from eventreg.exports.service import answer_text
from eventreg.i18n import localized
from eventreg.messages.models import OutboxMessage
from eventreg.registrations.models import Registration, attendee_activities
from eventreg.waitlist.models import WaitlistEntry
from eventreg.waitlist.notifications import KIND as WAITLIST_MESSAGE_KIND

#: How the data was taken out, as the audit log records it.
CHANNELS = ("page", "json", "api")


def personal_data(session: Session, registration: Registration, *, by, channel: str,
                  now: datetime | None = None) -> dict:
    """Everything held about `registration`'s party (see the module's docstring), and an
    entry in the audit log of the caller's transaction: who took it out (`by`, the
    organiser), how (`channel`, one of CHANNELS), and which registration, by its id,
    never by a person's name.

    The caller must have checked that `by` may see the registration (an organiser of the
    event's organisation).
    """
    assert channel in CHANNELS, channel
    now = now or utcnow()
    with force_locale(registration.language):
        held = _gather(session, registration, now)
    event = registration.event
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=by,
           action="registration.access_export", target=f"registration {registration.id}",
           details={"registration": registration.id, "format": channel}, now=now)
    session.flush()
    return held


def as_json(value):
    """`value` (personal_data's dict) with every datetime as ISO 8601 text, ready for JSON."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


def _gather(session: Session, registration: Registration, now: datetime) -> dict:
    """The dict itself, with texts in the current language (the party's, by the caller)."""
    event = registration.event
    attendees = list(registration.attendees)
    attendee_ids = [attendee.id for attendee in attendees]
    doors = dict(session.execute(
        select(DoorAccess.id, DoorAccess.name).where(DoorAccess.event_id == event.id)
    ).all())
    activity_titles = {activity.id: localized(activity.title) for activity in event.activities}
    entry = session.scalar(
        select(WaitlistEntry).where(WaitlistEntry.registration_id == registration.id,
                                    WaitlistEntry.event_id == event.id))
    return {
        "generated_at": now,
        "event": {
            "slug": event.slug,
            "title": localized(event.title),
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "timezone": event.timezone,
            "venue": localized(event.venue),
            "address": event.address,
            "age_mode": event.age_mode,
            "asks_sex": event.asks_sex,
            "organisation": session.get(Organisation, event.organisation_id).name,
        },
        "registration": {
            "id": registration.id,
            "contact_name": registration.contact_name,
            "email": registration.email,
            "phone": registration.phone,
            "language": registration.language,
            "created_at": registration.created_at,
            "cancelled_at": registration.cancelled_at,
            "walk_in": registration.walk_in,
        },
        "consent": {
            "given_at": registration.consent_given_at,
            "notice_text": registration.consent_text,
        },
        "attendees": _attendees(session, attendees, doors, activity_titles),
        "answers": _answers(registration, attendees),
        "messages": _messages(session, registration, entry),
        "check_ins": _check_ins(session, attendee_ids, event.id, doors, activity_titles),
        "waiting_list": None if entry is None else {
            "id": entry.id,
            "joined_at": entry.joined_at,
            "promoted_at": entry.promoted_at,
            "removed_at": entry.removed_at,
            "party_size": entry.party_size,
            "email": entry.email,
            "form_as_sent": entry.request,
        },
    }


def _attendees(session: Session, attendees: list, doors: dict[int, str],
               activity_titles: dict[int, str]) -> list[dict]:
    choice = attendee_activities.c
    choices: dict[int, list[dict]] = {attendee.id: [] for attendee in attendees}
    rows = session.execute(
        select(choice.attendee_id, choice.activity_id, choice.checked_in_at,
               choice.checked_in_door_id, choice.left_at)
        .where(choice.attendee_id.in_(list(choices)))
    ).all() if attendees else []
    pickups = _pickup_codes(session, list(choices), doors, activity_titles)
    order = list(activity_titles)  # the event's order of its activities
    for attendee_id, activity_id, checked_in_at, door_id, left_at in sorted(
            rows, key=lambda row: order.index(row[1]) if row[1] in order else len(order)):
        choices[attendee_id].append({
            "id": activity_id,
            "title": activity_titles.get(activity_id, ""),
            "checked_in_at": checked_in_at,
            "checked_in_door": doors.get(door_id),
            "left_at": left_at,
        })
    return [
        {
            "id": attendee.id,
            "name": attendee.name,
            "age_group": attendee.age_group,
            "birth_year": attendee.birth_year,
            "sex": attendee.sex,
            "ticket_code": attendee.ticket_code,
            "door_note": attendee.door_note,
            "pickup_codes": pickups.get(attendee.id, []),
            "cancelled_at": attendee.cancelled_at,
            "checked_in_at": attendee.checked_in_at,
            "checked_in_door": doors.get(attendee.checked_in_door_id),
            "left_at": attendee.left_at,
            "activities": choices[attendee.id],
            "consents": [
                {
                    "kind": consent.kind,
                    "partner": consent.partner,
                    "text": consent.text,
                    "language": consent.language,
                    "given_at": consent.given_at,
                    "withdrawn_at": consent.withdrawn_at,
                }
                for consent in attendee.consents
            ],
        }
        for attendee in attendees
    ]


def _pickup_codes(session: Session, attendee_ids: list[int], doors: dict[int, str],
                  activity_titles: dict[int, str]) -> dict[int, list[dict]]:
    """Each child's pick-up codes at workshops, and every try at handing them over."""
    found: dict[int, list[dict]] = {}
    if not attendee_ids:
        return found
    checks: dict[tuple[int, int], list[dict]] = {}
    for check in session.scalars(select(PickupCheck).where(
            PickupCheck.attendee_id.in_(attendee_ids)).order_by(PickupCheck.checked_at)):
        checks.setdefault((check.attendee_id, check.activity_id), []).append({
            "checked_at": check.checked_at, "door": doors.get(check.door_access_id, ""),
            "method": check.method, "status": check.status})
    for code in session.scalars(select(PickupCode).where(
            PickupCode.attendee_id.in_(attendee_ids)).order_by(PickupCode.issued_at)):
        found.setdefault(code.attendee_id, []).append({
            "activity": activity_titles.get(code.activity_id, ""),
            "code": code.code,
            "issued_at": code.issued_at,
            "issued_door": doors.get(code.issued_door_id),
            "picked_up_at": code.picked_up_at,
            "picked_up_door": doors.get(code.picked_up_door_id),
            "tries": checks.get((code.attendee_id, code.activity_id), []),
        })
    return found


def _answers(registration: Registration, attendees: list) -> list[dict]:
    """The party's answers first, then each person's, each in the form's order."""
    position = {attendee.id: index for index, attendee in enumerate(attendees)}
    answers = sorted(
        registration.answers,
        key=lambda a: (a.attendee_id is not None, position.get(a.attendee_id, -1),
                       a.question.position, a.question_id))
    return [
        {
            "question_id": answer.question_id,
            "question": localized(answer.question.label),
            "attendee_id": answer.attendee_id,
            "value": answer.value,
            "answer_text": answer_text(answer.question, answer.value),
        }
        for answer in answers
    ]


def _messages(session: Session, registration: Registration,
              entry: WaitlistEntry | None) -> list[dict]:
    """The registration's messages, and those its waiting-list place was sent, oldest first."""
    messages = list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)))
    if entry is not None and entry.email:
        # The waiting list's message names its place by id in its context (JSON), which
        # no database compares alike: the few sent to the address are looked at here.
        messages += [
            message for message in session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == WAITLIST_MESSAGE_KIND,
                                            OutboxMessage.registration_id.is_(None),
                                            OutboxMessage.to_address == entry.email))
            if message.context.get("entry") == entry.id
        ]
    messages.sort(key=lambda message: (message.created_at, message.id))
    return [
        {
            "id": message.id,
            "kind": message.kind,
            "to_address": message.to_address,
            "status": message.status,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
            "subject": message.subject,
            "text_body": message.text_body,
            "html_body": message.html_body,
            "last_error": message.last_error,
        }
        for message in messages
    ]


def _check_ins(session: Session, attendee_ids: list[int], event_id: int,
               doors: dict[int, str], activity_titles: dict[int, str]) -> list[dict]:
    if not attendee_ids:
        return []
    scans = session.scalars(
        select(Checkin)
        .where(Checkin.attendee_id.in_(attendee_ids), Checkin.event_id == event_id)
        .order_by(Checkin.scanned_at, Checkin.id)
    )
    return [
        {
            "id": scan.id,
            "attendee_id": scan.attendee_id,
            "action": scan.action,
            "status": scan.status,
            "outcome": scan.outcome,
            "flag": scan.flag,
            "door": doors.get(scan.door_access_id, ""),
            "activity": activity_titles.get(scan.activity_id) if scan.activity_id else None,
            "scanned_at": scan.scanned_at,
            "received_at": scan.received_at,
        }
        for scan in scans
    ]
