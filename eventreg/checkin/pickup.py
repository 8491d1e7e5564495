"""Pick-up codes at children's workshops: a child checked in at a workshop that asks for
them (`Activity.asks_pickup_codes`) gets a short code, shown to the volunteer and on the
parent's ticket page (with a QR); the child goes out of the workshop only against that
code, typed or scanned, or a ticket of the same party scanned at the workshop's door.

- A code is made for everyone checked in at the workshop's door who is not known to be an
  adult (an age group "child", a year of birth less than 18 years ago, or no age asked),
  online, live or in an offline upload: the parent's ticket page shows it once the phone
  is back online. It is unique among the workshop's children still there (a partial
  unique index decides races), and made of PICKUP_CODE_ALPHABET, whose characters are
  not mistaken for one another when read aloud or written by hand.
- Handing over (`pick_up`) needs the server: an offline phone says so in red and hands
  nobody over, since a code only the server knows cannot be checked, and a mistaken
  hand-over is the one thing this must prevent. Each try is recorded (PickupCheck), and a
  mismatch also in the audit log, for the organisers.
- A plain check-out of a child holding a code is refused (`pickup_code_required`); an
  undone check-in takes the code back.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventreg.audit.service import record
from eventreg.checkin import rules
from eventreg.checkin.models import DoorAccess, PickupCheck, PickupCode
from eventreg.checkin.rules import CHECK_IN, CHECK_OUT, UNDO, ScanStatus
from eventreg.checkin.scanning import (
    NO_TIME_RULES,
    CheckinRequest,
    CheckinResult,
    DoorView,
    check_in,
    check_in_many,
    decided_at,
)
from eventreg.database import MAX_CLIENT_ID_LENGTH, utcnow
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.models import Activity
from eventreg.registrations.models import Attendee
from eventreg.tickets.service import verify_ticket_token
from eventreg.tickets.signing import InvalidTicketToken

#: No 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G: read aloud, typed or written by hand, none is
#: taken for another.
PICKUP_CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
PICKUP_CODE_LENGTH = 4
#: What the QR on the parent's ticket page holds before the code, so that a scanner can
#: tell it from a ticket.
PICKUP_QR_PREFIX = "PICKUP:"
#: Children are under 18 (the registration form's "Child (under 18)").
ADULT_AGE = 18
METHODS = ("ticket", "code")


class PickupStatus(StrEnum):
    """The answer to a try at handing a child over, and the API's `status`."""

    PICKED_UP = "picked_up"
    PICKUP_MISMATCH = "pickup_mismatch"
    NO_PICKUP_CODE = "no_pickup_code"


#: What each answer means (the API document lists them from here).
STATUS_MEANINGS = {
    PickupStatus.PICKED_UP: "The code or ticket matches: hand the child over; they are "
    "checked out of the workshop (`checkout`).",
    PickupStatus.PICKUP_MISMATCH: "Does not match: do not hand the child over. Recorded "
    "for the organisers.",
    PickupStatus.NO_PICKUP_CODE: "The child holds no pick-up code here: not checked in at "
    "this workshop, or already picked up.",
}


@dataclass
class PickupRequest:
    """A volunteer's try at handing a child over, as the door sends it."""

    #: Id the door made for this try; sending it again returns the first answer.
    client_id: str
    #: The child.
    attendee_id: int | None
    #: The workshop; None for the door's only activity.
    activity_id: int | None = None
    #: A ticket's QR token scanned (the parent's), or the code typed (or its QR).
    qr: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class PickupResult:
    client_id: str
    status: str
    attendee_id: int
    activity_id: int
    method: str
    checked_at: datetime
    #: The child's check-out, when handed over.
    checkout: CheckinResult | None = None
    replayed: bool = False


# --- making codes ------------------------------------------------------------------------------


def needs_pickup_code(attendee: Attendee, activity: Activity, now: datetime) -> bool:
    """A workshop that asks codes, and a person not known to be an adult."""
    if not activity.asks_pickup_codes:
        return False
    if attendee.age_group is not None:
        return attendee.age_group == "child"
    if attendee.birth_year is not None:
        return now.year - attendee.birth_year < ADULT_AGE
    return True


def open_pickup_code(session: Session, activity_id: int, attendee_id: int) -> PickupCode | None:
    """The child's code at the workshop while they are there, or None."""
    return session.scalar(select(PickupCode).where(
        PickupCode.activity_id == activity_id, PickupCode.attendee_id == attendee_id,
        PickupCode.picked_up_at.is_(None)))


def issue_pickup_code(session: Session, door: DoorAccess | DoorView, activity: Activity,
                      attendee: Attendee, *, now: datetime) -> PickupCode:
    """The child's open code at the workshop, made now if they hold none (a second
    check-in, or two doors at once, get the same code)."""
    for _attempt in range(50):
        existing = open_pickup_code(session, activity.id, attendee.id)
        if existing is not None:
            return existing
        code = PickupCode(
            event_id=attendee.event_id, activity_id=activity.id, attendee_id=attendee.id,
            registration_id=attendee.registration_id, code=new_pickup_code(),
            issued_at=now, issued_door_id=door.id)
        try:
            with session.begin_nested():
                session.add(code)
                session.flush()
        except IntegrityError:
            continue  # the code is taken by another child, or this child got one meanwhile
        attendee.changed_at = now  # the doors' lists learn the code
        return code
    raise Conflict(_l("No pick-up code could be made: try again."),
                   reason="pickup_codes_exhausted")


def new_pickup_code() -> str:
    return "".join(secrets.choice(PICKUP_CODE_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


def pickup_code_for(session: Session, door: DoorAccess | DoorView, result: CheckinResult, *,
                    now: datetime | None = None) -> PickupCode | None:
    """The pick-up code a check-in's answer shows: for a child let in (or already in) at a
    workshop that asks codes, made now if needed; an undone check-in takes it back (None).
    Called by the door's API after `check_in`, in the same unit of work."""
    if result.attendee is None or result.activity_id is None:
        return None
    activity = session.get(Activity, result.activity_id)
    if activity is None or not activity.asks_pickup_codes:
        return None
    if result.action == UNDO and result.status == ScanStatus.UNDONE:
        session.execute(delete(PickupCode).where(
            PickupCode.activity_id == activity.id,
            PickupCode.attendee_id == result.attendee.id,
            PickupCode.picked_up_at.is_(None)))
        return None
    if result.action != CHECK_IN:
        return None
    if result.status == ScanStatus.ALREADY_CHECKED_IN:
        return open_pickup_code(session, activity.id, result.attendee.id)
    if result.status != ScanStatus.CHECKED_IN:
        return None
    attendee = session.get(Attendee, result.attendee.id)
    if not needs_pickup_code(attendee, activity, now or utcnow()):
        return None
    return issue_pickup_code(session, door, activity, attendee, now=now or utcnow())


def children_holding_codes(session: Session, event_id: int,
                           activity_id: int | None = None) -> set[int]:
    """The children holding an open code at the activity, or at any of the event's
    activities (None): still in a workshop until handed over."""
    where = (PickupCode.activity_id == activity_id if activity_id is not None
             else PickupCode.event_id == event_id)
    return set(session.scalars(select(PickupCode.attendee_id).where(
        PickupCode.picked_up_at.is_(None), where)))


def children_to_hand_over(session: Session, event_id: int) -> dict[int, int]:
    """How many children each of the event's workshops still has to hand over (open
    codes), by activity id."""
    return dict(session.execute(
        select(PickupCode.activity_id, func.count(PickupCode.id))
        .where(PickupCode.event_id == event_id, PickupCode.picked_up_at.is_(None))
        .group_by(PickupCode.activity_id)).all())


def party_pickup_codes(session: Session, registration_id: int) -> dict[int, list[PickupCode]]:
    """The party's open codes, by child (for the parent's ticket page)."""
    codes: dict[int, list[PickupCode]] = {}
    for code in session.scalars(select(PickupCode).where(
            PickupCode.registration_id == registration_id, PickupCode.picked_up_at.is_(None))
            .order_by(PickupCode.issued_at, PickupCode.id)):
        codes.setdefault(code.attendee_id, []).append(code)
    return codes


# --- handing over ------------------------------------------------------------------------------


def refuse_check_out_without_pickup(session: Session, view: DoorView,
                                    request: CheckinRequest) -> None:
    """Refuse (Conflict `pickup_code_required`) a plain check-out of a child who holds a
    pick-up code at the door's workshop: they go out through `pick_up` only."""
    if request.action != CHECK_OUT or not view.activity_ids:
        return
    activity_id = request.activity_id
    if activity_id is None and len(view.activity_ids) == 1:
        activity_id = view.activity_ids[0]
    attendee_id = request.attendee_id
    if request.qr:
        try:
            claims = verify_ticket_token(session, request.qr)
        except InvalidTicketToken:
            return
        attendee_id = claims.attendee_id if claims.event_id == view.event_id else None
    if activity_id is None or attendee_id is None:
        return
    if open_pickup_code(session, activity_id, attendee_id) is not None:
        raise Conflict(_l("This child holds a pick-up code: hand them over against the "
                          "parent's ticket or the code."), reason="pickup_code_required")


def check_in_uploads(session: Session, view: DoorView,
                     requests: list[CheckinRequest]) -> list[CheckinResult]:
    """`check_in_many` for a door's upload, but a child holding a pick-up code goes out
    through `pick_up` only: their uploaded check-out comes back `invalid`, recorded nowhere
    (live, `refuse_check_out_without_pickup` refuses it with 409 `pickup_code_required`).
    A scan made once the link was switched off or had expired is the rule's to answer: it
    lets nobody out either."""
    now = utcnow()
    refused = {}
    for index, request in enumerate(requests):
        made_at = decided_at(view, request, now, earliest_wins=True)  # as the rule sees it
        if rules.link_refusal(view.for_rule(request.activity_id, upload=True),
                              made_at) is not None:
            continue
        try:
            refuse_check_out_without_pickup(session, view, request)
        except Conflict:
            refused[index] = CheckinResult(
                client_id=request.client_id, action=request.action,
                status=ScanStatus.INVALID, scanned_at=made_at)
    decided = iter(check_in_many(
        session, view, [r for index, r in enumerate(requests) if index not in refused],
        now=now))
    return [refused[index] if index in refused else next(decided)
            for index in range(len(requests))]


def pick_up(session: Session, door: DoorAccess, request: PickupRequest, *,
            now: datetime | None = None) -> PickupResult:
    """Hand a child over at the workshop's door against the parent's ticket (`qr`: a valid
    ticket of the child's party, not the child's own) or the code (`code`, or `qr` holding
    PICKUP_QR_PREFIX and the code), in the caller's unit of work.

    A match uses the code up and checks the child out of the workshop; a mismatch hands
    nobody over and is recorded (and audited). Never raises for a refused try: every try
    gets an answer (PickupStatus) and a row. The same `client_id` from the same door gets
    the first answer again. Raises ValidationFailed only for a malformed request (no
    child, neither ticket nor code, an activity this door does not serve or that asks no
    codes).
    """
    now = now or utcnow()
    activity = _workshop(door, request)
    earlier = session.scalar(select(PickupCheck).where(
        PickupCheck.door_access_id == door.id, PickupCheck.client_id == request.client_id))
    if earlier is not None:
        return PickupResult(client_id=earlier.client_id, status=earlier.status,
                            attendee_id=earlier.attendee_id, activity_id=earlier.activity_id,
                            method=earlier.method, checked_at=earlier.checked_at,
                            replayed=True)
    child = session.get(Attendee, request.attendee_id)
    if child is None or child.event_id != door.event_id:
        message = _l("No such attendee at this event.")
        raise ValidationFailed(message, fields={"attendee_id": message})
    method, typed_code, presented_id = _presented(session, door, request)
    # Locked, so that two doors handing one child over at once decide one after the other.
    code = session.scalar(select(PickupCode).where(
        PickupCode.activity_id == activity.id, PickupCode.attendee_id == child.id,
        PickupCode.picked_up_at.is_(None)).with_for_update())
    if code is None:
        status = PickupStatus.NO_PICKUP_CODE
    elif method == "code":
        status = (PickupStatus.PICKED_UP if secrets.compare_digest(typed_code, code.code)
                  else PickupStatus.PICKUP_MISMATCH)
    else:
        status = (PickupStatus.PICKED_UP if _same_party(session, child, presented_id)
                  else PickupStatus.PICKUP_MISMATCH)
    check = PickupCheck(event_id=door.event_id, door_access_id=door.id,
                        client_id=request.client_id, activity_id=activity.id,
                        attendee_id=child.id, method=method,
                        presented_attendee_id=presented_id, status=status, checked_at=now)
    session.add(check)
    session.flush()
    checkout = None
    if status == PickupStatus.PICKED_UP:
        code.picked_up_at, code.picked_up_door_id = now, door.id
        session.flush()
        checkout = check_in(session, DoorView.of(door, NO_TIME_RULES), CheckinRequest(
            client_id=_checkout_client_id(request.client_id), action=CHECK_OUT,
            attendee_id=child.id, activity_id=activity.id), now=now)
    elif status == PickupStatus.PICKUP_MISMATCH:
        event = door.event
        record(session, organisation_id=event.organisation_id, event_id=event.id, by=None,
               actor=door.name, action="pickup.mismatch", target=child.name,
               details={"attendee": child.id, "activity": activity.id, "method": method,
                        "door": door.id}, now=now)
    return PickupResult(client_id=request.client_id, status=status, attendee_id=child.id,
                        activity_id=activity.id, method=method, checked_at=now,
                        checkout=checkout)


def normalise_code(typed: str) -> str:
    """A code as typed ("k7 m3", "pickup:K7M3") in the form it is stored."""
    text = typed.strip()
    if text.upper().startswith(PICKUP_QR_PREFIX):
        text = text[len(PICKUP_QR_PREFIX):]
    return "".join(text.split()).replace("-", "").upper()


def _workshop(door: DoorAccess, request: PickupRequest) -> Activity:
    errors = {}
    if not request.client_id or len(request.client_id) > MAX_CLIENT_ID_LENGTH:
        errors["client_id"] = _l("Send an id of 1 to 64 characters made for this try.")
    if request.attendee_id is None:
        errors["attendee_id"] = _l("Say which child is to be picked up.")
    if not request.qr and not (request.code or "").strip():
        errors["code"] = _l("Scan the parent's ticket or type the pick-up code.")
    activities = {activity.id: activity for activity in door.activities}
    activity_id = request.activity_id
    if activity_id is None and len(activities) == 1:
        activity_id = next(iter(activities))
    activity = activities.get(activity_id)
    if activity is None:
        errors["activity"] = _l("Pick-up codes are checked at a workshop's own door.")
    elif not activity.asks_pickup_codes:
        errors["activity"] = _l("This activity does not use pick-up codes.")
    if errors:
        raise ValidationFailed(_l("The pick-up request is incomplete."), fields=errors)
    return activity


def _presented(session: Session, door: DoorAccess,
               request: PickupRequest) -> tuple[str, str, int | None]:
    """How the parent showed who they are: ("code", the code, None) or ("ticket", "",
    whose ticket of this event it is or None)."""
    if request.code and request.code.strip():
        return "code", normalise_code(request.code), None
    if request.qr.strip().upper().startswith(PICKUP_QR_PREFIX):
        return "code", normalise_code(request.qr), None
    try:
        claims = verify_ticket_token(session, request.qr)
    except InvalidTicketToken:
        return "ticket", "", None
    return "ticket", "", claims.attendee_id if claims.event_id == door.event_id else None


def _same_party(session: Session, child: Attendee, presented_id: int | None) -> bool:
    """Another valid ticket of the child's party (the child's own ticket is no parent)."""
    if presented_id is None or presented_id == child.id:
        return False
    presented = session.get(Attendee, presented_id)
    return (presented is not None and presented.registration_id == child.registration_id
            and presented.cancelled_at is None)


def _checkout_client_id(client_id: str) -> str:
    """The check-out's own client id, made from the try's (a retry makes the same)."""
    return "pickup-" + hashlib.sha256(client_id.encode()).hexdigest()[:40]
