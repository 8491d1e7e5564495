"""JSON endpoints for door scanners, signed in with a door access token.

The scanner page uses exactly these; any other scanner app may too. The rules are in
`eventreg/checkin/rules.py` and `scanning.py`; scan answers are data (200 with a `status`), not errors.
"""

import base64
from datetime import datetime, timedelta
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l

from eventreg.api import blueprint, json_body, parse_datetime, query_args
from eventreg.checkin import door_state
from eventreg.checkin.answers import kiosk_party, ticket_event
from eventreg.checkin.api_spec import CHECKIN_ITEM
from eventreg.checkin.counts import CheckinCounts, PlaceCounts, count_checkins
from eventreg.checkin.door_list import attendee_changes
from eventreg.checkin.doors import (
    DoorAccessRefused,
    door_expires_at,
    door_for_token,
    door_view_for_token,
    refuse_at_kiosk,
)
from eventreg.checkin.history import door_doubles
from eventreg.checkin.models import DoorAccess, PickupCode
from eventreg.checkin.pickup import (
    PickupRequest,
    PickupResult,
    check_in_uploads,
    pick_up,
    pickup_code_for,
    refuse_check_out_without_pickup,
)
from eventreg.checkin.rules import CHECK_IN, UNDO
from eventreg.checkin.scanning import (
    NO_TIME_RULES,
    CheckinRequest,
    CheckinResult,
    DoorSettings,
    DoorView,
    check_in,
)
from eventreg.checkin.walk_ins import register_walk_in
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import ValidationFailed
from eventreg.extensions import db, limiter
from eventreg.i18n import LANGUAGE_CODES
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest
from eventreg.text import has_control_characters
from eventreg.tickets.service import event_public_key


def door_required(view=None, *, for_uploads: bool = False):
    """Refuse the request with 401 unless it carries a live door access token; with
    `for_uploads`, also a switched-off door's, to hand in what it scanned before, and an
    expired one's for DOOR_UPLOAD_GRACE_DAYS after (late uploads)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.door = door_for_token(db.session, _door_token(), for_uploads=for_uploads,
                                    upload_grace=_upload_grace() if for_uploads else None)
            contact = _door_contact(g.door)
            response = view(*args, **kwargs)
            if contact is not None:
                with unit_of_work(db.session):
                    door_state.note_contact(db.session, *contact)
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def _door_contact(door: DoorAccess | DoorView) -> tuple | None:
    """The contact to write for this call, if one is due (eventreg/checkin/door_state.py):
    decided from the loaded door before the view, written after it."""
    now = utcnow()
    held = door_state.scans_held(request.headers.get(door_state.HELD_HEADER))
    return (door.id, held, now) if door_state.contact_due(door, held, now) else None


def _note_contact(door: DoorView) -> None:
    """Inside a scan's own unit of work: the door's contact, when one is due."""
    contact = _door_contact(door)
    if contact is not None:
        door_state.note_contact(db.session, *contact)


def _door_token() -> str:
    """The door token the request carries; refuses with 401 `door_unknown` when none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise DoorAccessRefused(
            _l("Send the door's token: 'Authorization: Bearer door_...'."),
            reason="door_unknown",
        )
    return token.strip()


#: The scan endpoints: a venue's phones often share one address (its Wi-Fi), and each scan
#: carries a door's secret token, so no per-address limit is meant for them.
_SCAN_ENDPOINTS = frozenset({"api.create_checkin", "api.undo_checkin", "api.create_checkin_batch"})


@limiter.request_filter
def _scans_pass_the_limiter() -> bool:
    """Let door scans skip the rate limiter's work: no limit applies to them."""
    return request.endpoint in _SCAN_ENDPOINTS


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def result_json(result: CheckinResult, pickup: PickupCode | None = None) -> dict:
    """A scan's answer; with the child's pick-up code at a workshop that asks them."""
    attendee = result.attendee
    return {
        "client_id": result.client_id,
        "action": result.action,
        "status": result.status,
        "scanned_at": _time(result.scanned_at),
        "activity": result.activity_id,
        "replayed": result.replayed,
        "attendee": None if attendee is None else {
            "id": attendee.id,
            "name": attendee.name,
            "ticket_code": attendee.ticket_code,
            "party": attendee.party_id,
            "party_size": attendee.party_size,
            "activities": attendee.activity_ids,
            "cancelled": attendee.cancelled,
            "no_photos": attendee.no_photos,
        },
        "checked_in_at": _time(result.checked_in_at),
        "checked_in_door": result.checked_in_door,
        "left_at": _time(result.left_at),
        "flag": result.flag,
        "note": attendee.door_note if attendee is not None else "",
        "pickup_code": pickup.code if pickup is not None else None,
        "overrode": result.overrode,
        "reason": result.reason,
    }


def answer_json(result: CheckinResult, request: CheckinRequest | None,
                door: DoorView) -> dict:
    """`result_json`, plus what the door is told beside the status: which event a ticket
    of another event is for (`ticket_event`, same organisation only) and, at a kiosk, the
    scanned party's names (`party_members`); the child's pick-up code at a workshop that
    asks them (made now for a child let in), in the caller's unit of work. A kiosk is
    told neither the note for the door nor a pick-up code: its screen is for everyone
    passing (the parent's ticket page has the code)."""
    pickup = pickup_code_for(db.session, door, result)
    body = result_json(result, pickup)
    if door.kiosk:
        body["note"], body["pickup_code"] = "", None
    elif result.status != "wrong_event":
        return body  # the busy path: nothing more to look up
    door_access = db.session.get(DoorAccess, door.id)
    if result.status == "wrong_event" and request is not None:
        other = ticket_event(db.session, door_access, request.qr)
        if other is not None:
            body["ticket_event"] = {"title": other.title, "starts_at": _time(other.starts_at),
                                    "timezone": other.timezone}
    members = kiosk_party(db.session, door_access, result.attendee.id if result.attendee else None,
                          result.activity_id)
    if members is not None:
        body["party_members"] = [
            {"id": member.id, "name": member.name, "age_group": member.age_group,
             "checked_in_at": _time(member.checked_in_at)} for member in members]
    return body


def _scans_json(scans) -> list[dict]:
    return [{"action": scan.action, "at": _time(scan.at), "door": scan.door,
             "door_id": scan.door_id, "implied": scan.implied, "reason": scan.reason}
            for scan in scans]


def _checkin_request(item: dict, timezone: str, *, action: str | None = None,
                     path: str = "") -> CheckinRequest:
    """The scan a body (or an item of a batch, at `path`) asks for: a check-in's reason
    is its `override`, an undo's its `reason`; a `scanned_at` without an offset is
    wall-clock time in `timezone` (the event's)."""
    action = action or item.get("action", "check_in")
    misplaced = "reason" if action == CHECK_IN else "override"
    if item.get(misplaced) is not None:
        raise ValidationFailed(_l("The check-in request is incomplete."), fields={
            f"{path}{misplaced}": _l("A check-in's reason goes in override, an undo's in "
                                     "reason.")})
    return CheckinRequest(
        client_id=item["client_id"],
        action=action,
        reason=item.get("override" if action == CHECK_IN else "reason"),
        qr=item.get("qr"),
        attendee_id=item.get("attendee_id"),
        activity_id=item.get("activity"),
        scanned_at=parse_datetime(item.get("scanned_at"), f"{path}scanned_at", timezone),
    )


#: The one body almost every scan sends: {"qr": ..., "client_id": ...}.
_PLAIN_SCAN_FIELDS = frozenset({"qr", "client_id"})
_QR_LENGTH = (CHECKIN_ITEM["qr"]["minLength"], CHECKIN_ITEM["qr"]["maxLength"])
_CLIENT_ID_LENGTH = (CHECKIN_ITEM["client_id"]["minLength"],
                     CHECKIN_ITEM["client_id"]["maxLength"])


def _scan_body(schema_name: str) -> dict:
    """`json_body(schema_name)`, with the plain two-field scan accepted by hand.

    Only a body that every scan schema (CheckinCreate, CheckinUndo) accepts is taken
    here: an object of exactly `qr` and `client_id`, both strings of the schema's lengths
    with no control character. Anything else goes to the schema, so that every refusal is
    the schema's own answer, word for word."""
    if request.is_json:
        body = request.get_json(silent=True)
        if _is_plain_scan(body):
            return body
    return json_body(schema_name)


def _is_plain_scan(body) -> bool:
    if type(body) is not dict or body.keys() != _PLAIN_SCAN_FIELDS:
        return False
    qr, client_id = body["qr"], body["client_id"]
    return (type(qr) is str and type(client_id) is str
            and _QR_LENGTH[0] <= len(qr) <= _QR_LENGTH[1]
            and _CLIENT_ID_LENGTH[0] <= len(client_id) <= _CLIENT_ID_LENGTH[1]
            and not has_control_characters(qr) and not has_control_characters(client_id))


@blueprint.get("/door")
@door_required
def get_door():
    """The door, its event (with the public key that verifies tickets) and live counts."""
    door, event = g.door, g.door.event
    counts = count_checkins(db.session, event)
    return jsonify(
        door={
            "id": door.id, "name": door.name,
            "activities": [activity.id for activity in door.activities],
            "records_exits": door.records_exits,
            "kiosk": door.kiosk,
            "expires_at": _time(door_expires_at(door)),
            "undo_window_minutes": current_app.config["CHECKIN_UNDO_WINDOW_MINUTES"],
            "early_warning_minutes": current_app.config["CHECKIN_EARLY_WARNING_MINUTES"],
        },
        event={
            "id": event.id, "slug": event.slug, "title": event.title, "status": event.status,
            "timezone": event.timezone, "starts_at": _time(event.starts_at),
            "ends_at": _time(event.ends_at), "age_mode": event.age_mode,
            "asks_sex": event.asks_sex,
            "capacity": event.capacity, "places_left": event.places_left,
            "public_key": base64.urlsafe_b64encode(
                event_public_key(db.session, event.id)).decode().rstrip("="),
            "activities": [
                {"id": activity.id, "title": activity.title, "place": activity.place,
                 "capacity": activity.capacity, "places_left": activity.places_left,
                 "asks_pickup_codes": activity.asks_pickup_codes,
                 "starts_at": _time(activity.starts_at)}
                for activity in event.activities
            ],
        },
        counts=_counts_json(counts),
        # A kiosk shows no names but a family's own: its doubles are for organisers only.
        doubles=[] if door.kiosk else doubles_json(door_doubles(db.session, door.id)),
    )


def doubles_json(doubles) -> list[dict]:
    """This door's welcomes that became duplicates, for its phone to tell the volunteer."""
    return [{"client_id": double.client_id, "name": double.name,
             "scanned_at": _time(double.scanned_at), "activity": double.activity_id,
             "first_in_at": _time(double.first_in_at), "first_door": double.first_door}
            for double in doubles]


def _counts_json(counts: CheckinCounts) -> dict:
    def place(values: PlaceCounts) -> dict:
        return {"registered": values.registered, "checked_in": values.checked_in,
                "inside": values.inside}

    return {
        **place(counts.event),
        "walk_ins": counts.walk_ins,
        "activities": {str(id_): place(values) for id_, values in counts.activities.items()},
    }


@blueprint.get("/door/attendees")
@door_required
def list_door_attendees():
    """The event's attendees as a door may see them; with `since`, only what changed."""
    since = parse_datetime(query_args().get("since") or None, "since", "UTC")
    changes = attendee_changes(db.session, g.door, since=since)
    return jsonify(
        cursor=_time(changes.cursor),
        complete=changes.complete,
        attendees=[
            {
                "id": row.id, "party": row.party_id, "name": row.name,
                "ticket_code": row.ticket_code,
                "status": "cancelled" if row.cancelled else "valid",
                "cancelled_at": _time(row.cancelled_at),
                "checked_in_at": _time(row.checked_in_at),
                "checked_in_door": row.checked_in_door,
                "left_at": _time(row.left_at),
                "no_photos": row.no_photos,
                "age_group": row.age_group,
                "note": row.door_note,
                "scans": _scans_json(row.scans),
                "activities": [
                    {"id": state.activity_id, "checked_in_at": _time(state.checked_in_at),
                     "left_at": _time(state.left_at), "scans": _scans_json(state.scans),
                     "pickup_code": state.pickup_code}
                    for state in row.activities
                ],
            }
            for row in changes.attendees
        ],
    )


@blueprint.post("/checkins")
def create_checkin():
    """Check a ticket in (or out) at this door; answers at once with the outcome.

    The busiest request at the door: the door is read as the columns a scan needs, in
    the scan's own transaction (one connection, one transaction per scan)."""
    token = _door_token()
    with unit_of_work(db.session):
        door = door_view_for_token(db.session, token, settings=_door_settings())
        body = _scan_body("CheckinCreate")
        checkin_request = _checkin_request(body, door.event_timezone)
        refuse_at_kiosk(door, action=checkin_request.action,
                        by_hand=checkin_request.attendee_id is not None,
                        overriding=checkin_request.reason is not None)
        refuse_check_out_without_pickup(db.session, door, checkin_request)
        result = check_in(db.session, door, checkin_request)
        answer = answer_json(result, checkin_request, door)
        _note_contact(door)
    return jsonify(answer)


def _door_settings() -> DoorSettings:
    """The door's time rules, from the app's settings."""
    return DoorSettings.from_config(current_app.config)


def _upload_grace() -> timedelta:
    """How long after its link expired a door may still upload (DOOR_UPLOAD_GRACE_DAYS)."""
    return timedelta(days=current_app.config["DOOR_UPLOAD_GRACE_DAYS"])


@blueprint.post("/checkins/undo")
def undo_checkin():
    """Undo a check-in made by mistake (from another door or later, with a reason; never
    at a kiosk)."""
    token = _door_token()
    with unit_of_work(db.session):
        door = door_view_for_token(db.session, token, settings=_door_settings())
        body = _scan_body("CheckinUndo")
        checkin_request = _checkin_request(body, door.event_timezone, action=UNDO)
        refuse_at_kiosk(door, action=checkin_request.action,
                        by_hand=checkin_request.attendee_id is not None,
                        overriding=checkin_request.reason is not None)
        result = check_in(db.session, door, checkin_request)
        answer = answer_json(result, checkin_request, door)  # an undo takes a code back
        _note_contact(door)
    return jsonify(answer)


@blueprint.post("/checkins/batch")
def create_checkin_batch():
    """Upload scans made offline; the earliest scan of a ticket wins. Answers in order.

    A door switched off meanwhile still hands in what it scanned before (later scans come
    back `door_revoked`); so does an expired link for DOOR_UPLOAD_GRACE_DAYS (later scans
    come back `door_expired`)."""
    token = _door_token()
    with unit_of_work(db.session):
        door = door_view_for_token(db.session, token, settings=_door_settings(),
                                   for_uploads=True, upload_grace=_upload_grace())
        body = json_body("CheckinBatch")
        requests = [_checkin_request(item, door.event_timezone, path=f"checkins.{index}.")
                    for index, item in enumerate(body["checkins"])]
        for checkin_request in requests:  # a kiosk never makes these: nothing is recorded
            refuse_at_kiosk(door, action=checkin_request.action,
                            by_hand=checkin_request.attendee_id is not None,
                            overriding=checkin_request.reason is not None)
        results = check_in_uploads(db.session, door, requests)
        now = utcnow()
        door_state.note_upload(db.session, door.id, now)
        if (held := door_state.scans_held(request.headers.get(door_state.HELD_HEADER))) \
                is not None:
            door_state.note_contact(db.session, door.id, held, now)
        answers = [answer_json(result, checkin_request, door)
                   for result, checkin_request in zip(results, requests, strict=True)]
        if not _link_works(door, now):
            answers = [_without_people(answer) for answer in answers]
    return jsonify(results=answers)


def _link_works(door: DoorView, now: datetime) -> bool:
    """Whether the door's link still reads names: not switched off, not expired."""
    return door.revoked_at is None and (door.expires_at is None or now < door.expires_at)


def _without_people(answer: dict) -> dict:
    """An upload's answer to a link switched off or past its expiry (late uploads): what
    became of the scan, and nothing of the person (a lost phone learns no names)."""
    answer = {**answer, "attendee": None, "checked_in_at": None, "checked_in_door": None,
              "left_at": None, "note": "", "pickup_code": None}
    answer.pop("party_members", None)
    answer.pop("ticket_event", None)
    return answer


@blueprint.post("/door/walk-ins")
@door_required
def create_walk_in():
    """Register people at the door and check them in at once (capacity permitting)."""
    refuse_at_kiosk(g.door, action="walk_in", by_hand=True, overriding=False)
    body = json_body("WalkInCreate")
    registration_request = RegistrationRequest(
        attendees=[AttendeeRequest.from_json(p) for p in body["attendees"]],
        consent=body.get("consent", False),
        phone=body.get("phone") or "",
        language=body.get("language")
        or request.accept_languages.best_match(LANGUAGE_CODES, default=LANGUAGE_CODES[0]),
        client_id=body.get("client_id"),
    )
    with unit_of_work(db.session):
        walk_in = register_walk_in(
            db.session, g.door, registration_request,
            phone_region=current_app.config["DEFAULT_PHONE_REGION"],
        )
        answers = [answer_json(result, None, DoorView.of(g.door, NO_TIME_RULES))
                   for result in walk_in.results]
    return jsonify(registration=walk_in.registration.id, results=answers), 201


def pickup_json(result: PickupResult) -> dict:
    return {
        "client_id": result.client_id,
        "status": result.status,
        "attendee": result.attendee_id,
        "activity": result.activity_id,
        "method": result.method,
        "checked_at": _time(result.checked_at),
        "replayed": result.replayed,
        "checkout": result_json(result.checkout) if result.checkout is not None else None,
    }


@blueprint.post("/door/pickups")
@door_required
def create_pickup():
    """Hand a child over at a workshop's door against the parent's ticket or the code."""
    refuse_at_kiosk(g.door, action="pickup", by_hand=True, overriding=False)  # a volunteer's, never a kiosk's
    body = json_body("PickupCreate")
    pickup_request = PickupRequest(
        client_id=body["client_id"], attendee_id=body["attendee_id"],
        activity_id=body.get("activity"), qr=body.get("qr"), code=body.get("code"))
    with unit_of_work(db.session):
        answer = pickup_json(pick_up(db.session, g.door, pickup_request))
    return jsonify(answer)
