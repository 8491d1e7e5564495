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
from eventreg.checkin.counts import CheckinCounts, PlaceCounts, count_checkins
from eventreg.checkin.door_list import attendee_changes
from eventreg.checkin.doors import (
    DoorAccessRefused,
    door_expires_at,
    door_for_token,
    refuse_at_kiosk,
)
from eventreg.checkin.history import door_doubles
from eventreg.checkin.rules import CHECK_IN, UNDO
from eventreg.checkin.scanning import (
    CheckinRequest,
    CheckinResult,
    DoorSettings,
    check_in,
    check_in_many,
)
from eventreg.checkin.walk_ins import register_walk_in
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import ValidationFailed
from eventreg.extensions import db
from eventreg.i18n import LANGUAGE_CODES
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest
from eventreg.tickets.service import event_public_key


def door_required(view=None, *, for_uploads: bool = False):
    """Refuse the request with 401 unless it carries a live door access token; with
    `for_uploads`, also a switched-off door's, to hand in what it scanned before, and an
    expired one's for DOOR_UPLOAD_GRACE_DAYS after (late uploads)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise DoorAccessRefused(
                    _l("Send the door's token: 'Authorization: Bearer door_...'."),
                    reason="door_unknown",
                )
            grace = timedelta(days=current_app.config["DOOR_UPLOAD_GRACE_DAYS"])
            g.door = door_for_token(db.session, token.strip(), for_uploads=for_uploads,
                                    upload_grace=grace if for_uploads else None)
            contact = _door_contact(g.door)
            response = view(*args, **kwargs)
            if contact is not None:
                with unit_of_work(db.session):
                    door_state.note_contact(db.session, *contact)
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def _door_contact(door) -> tuple | None:
    """The contact to write for this call, if one is due (eventreg/checkin/door_state.py):
    decided from the loaded door before the view, written after it."""
    now = utcnow()
    held = door_state.scans_held(request.headers.get(door_state.HELD_HEADER))
    return (door.id, held, now) if door_state.contact_due(door, held, now) else None


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def result_json(result: CheckinResult) -> dict:
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
        "overrode": result.overrode,
        "reason": result.reason,
    }


def answer_json(result: CheckinResult, request: CheckinRequest) -> dict:
    """`result_json`, plus what the door is told beside the status: which event a ticket
    of another event is for (`ticket_event`, same organisation only) and, at a kiosk, the
    scanned party's names (`party_members`)."""
    body = result_json(result)
    if result.status == "wrong_event":
        other = ticket_event(db.session, g.door, request.qr)
        if other is not None:
            body["ticket_event"] = {"title": other.title, "starts_at": _time(other.starts_at),
                                    "timezone": other.timezone}
    members = kiosk_party(db.session, g.door, result.attendee.id if result.attendee else None,
                          result.activity_id)
    if members is not None:
        body["party_members"] = [
            {"id": member.id, "name": member.name, "age_group": member.age_group,
             "checked_in_at": _time(member.checked_in_at)} for member in members]
    return body


def _refuse_at_kiosk(request: CheckinRequest) -> None:
    refuse_at_kiosk(g.door, action=request.action, by_hand=request.attendee_id is not None)


def _scans_json(scans) -> list[dict]:
    return [{"action": scan.action, "at": _time(scan.at), "door": scan.door,
             "implied": scan.implied} for scan in scans]


def _checkin_request(item: dict, *, action: str | None = None,
                     path: str = "") -> CheckinRequest:
    """The scan a body (or an item of a batch, at `path`) asks for: a check-in's reason
    is its `override`, an undo's its `reason`."""
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
        scanned_at=parse_datetime(item.get("scanned_at"), f"{path}scanned_at",
                                  g.door.event.timezone),
    )


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
                "scans": _scans_json(row.scans),
                "activities": [
                    {"id": state.activity_id, "checked_in_at": _time(state.checked_in_at),
                     "left_at": _time(state.left_at), "scans": _scans_json(state.scans)}
                    for state in row.activities
                ],
            }
            for row in changes.attendees
        ],
    )


@blueprint.post("/checkins")
@door_required
def create_checkin():
    """Check a ticket in (or out) at this door; answers at once with the outcome."""
    body = json_body("CheckinCreate")
    checkin_request = _checkin_request(body)
    _refuse_at_kiosk(checkin_request)
    with unit_of_work(db.session):
        result = check_in(db.session, g.door, checkin_request, settings=_door_settings())
        answer = answer_json(result, checkin_request)
    return jsonify(answer)


def _door_settings() -> DoorSettings:
    return DoorSettings.from_config(current_app.config)


@blueprint.post("/checkins/undo")
@door_required
def undo_checkin():
    """Undo a check-in made by mistake (from another door or later, with a reason; never
    at a kiosk)."""
    body = json_body("CheckinUndo")
    checkin_request = _checkin_request(body, action=UNDO)
    _refuse_at_kiosk(checkin_request)
    with unit_of_work(db.session):
        result = check_in(db.session, g.door, checkin_request, settings=_door_settings())
    return jsonify(result_json(result))


@blueprint.post("/checkins/batch")
@door_required(for_uploads=True)
def create_checkin_batch():
    """Upload scans made offline; the earliest scan of a ticket wins. Answers in order.

    A door switched off meanwhile still hands in what it scanned before (later scans come
    back `door_revoked`); so does an expired link for DOOR_UPLOAD_GRACE_DAYS (later scans
    come back `door_expired`)."""
    body = json_body("CheckinBatch")
    requests = [_checkin_request(item, path=f"checkins.{index}.")
                for index, item in enumerate(body["checkins"])]
    for checkin_request in requests:
        _refuse_at_kiosk(checkin_request)  # a kiosk never makes these: nothing is recorded
    with unit_of_work(db.session):
        results = check_in_many(db.session, g.door, requests, settings=_door_settings())
        door_state.note_upload(db.session, g.door.id, utcnow())
        answers = [answer_json(result, checkin_request)
                   for result, checkin_request in zip(results, requests, strict=True)]
    return jsonify(results=answers)


@blueprint.post("/door/walk-ins")
@door_required
def create_walk_in():
    """Register people at the door and check them in at once (capacity permitting)."""
    refuse_at_kiosk(g.door, action="walk_in", by_hand=True)
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
    return jsonify(
        registration=walk_in.registration.id,
        results=[result_json(result) for result in walk_in.results],
    ), 201
