"""The door part of the OpenAPI document: scans, undo, offline uploads, walk-ins, the door's
attendee list, and their schemas.

Check-in statuses come from the door's rule (`eventreg.checkin.rules.STATUS_MEANINGS`); walk-ins send the
same party as online registration (eventreg/registrations/api_spec.py).
"""

from eventreg.api.spec import (
    ANSWERED_TEXTS,
    DATE_TIME,
    DOOR,
    ID,
    NO_CONTROL,
    NULLABLE_DATE_TIME,
    NULLABLE_TIME,
    REAL_TIME_RULE,
    TIME_PATTERN,
    closed_object,
    error_response,
    ok,
    operation,
    schema_ref,
    text,
)
from eventreg.checkin import pickup, rules
from eventreg.checkin.rules import STATUS_MEANINGS
from eventreg.database import MAX_CLIENT_ID_LENGTH
from eventreg.events.api_spec import CAPACITY, PLACES_LEFT
from eventreg.events.models import AGE_MODES, STATUSES
from eventreg.i18n import LANGUAGE_CODES
from eventreg.registrations.api_spec import (
    CLIENT_ID,
    CONSENT,
    PERSON_RULES,
    PHONE_RULE,
    attendees_schema,
)

# --- requests ------------------------------------------------------------------------------

#: What a door sends for one scan.
CHECKIN_ITEM = {
    "client_id": {
        "type": "string", "minLength": 1, "maxLength": MAX_CLIENT_ID_LENGTH, "pattern": NO_CONTROL,
        "description": "An id the door makes for this scan (e.g. a UUID); the same id again "
        "from the same door returns the first answer and changes nothing.",
    },
    "qr": {"type": "string", "minLength": 1, "maxLength": 300, "pattern": NO_CONTROL,
           "description": "The text the QR code holds."},
    "attendee_id": {**ID, "description": "Instead of `qr`, for a look-up by hand."},
    "activity": {**ID, "type": ["integer", "null"],
                 "description": "The activity whose door this is; defaults to the door's only "
                 "activity, else the event's entrance."},
    "scanned_at": {**NULLABLE_TIME, "description": "When the door scanned it (default: now). "
                   "A time in the future (a phone's clock ahead) counts as now, and none is older than the door."},
    "override": {
        "enum": [*rules.OVERRIDE_REASONS, None],
        "description": "A check-in only: let the person in despite a refusal that allows it "
        f"({', '.join(f'`{s}`' for s in sorted(rules.OVERRIDABLE))}), for this reason: "
        "`organiser_agreed` (an organiser said so), `identity_checked` (the person is on the "
        "list, identity checked), `family_mix_up` (a family's tickets mixed up), `other`. "
        "Answered `checked_in` with `flag` `overridden` and `overrode` the refusal; shown "
        "to organisers. Never for `invalid`, `wrong_event`, `unknown`, `event_cancelled`, "
        "`door_revoked`, `door_expired` (nobody of this event to admit, or a door that "
        "decides nothing): those stand. Not needed (a first arrival): not recorded. Someone "
        "with no ticket is registered as a walk-in instead (POST /door/walk-ins).",
    },
    "reason": {
        "enum": [*rules.UNDO_REASONS, None],
        "description": "An undo only: needed to undo an admission made at another door or "
        "longer ago than the undo window (CHECKIN_UNDO_WINDOW_MINUTES, default 15; without "
        "it the answer is `undo_needs_reason`): `wrong_person` (the wrong ticket was "
        "scanned), `did_not_come_in`, `scanned_by_mistake`, `other`. Flagged "
        "`undone_with_reason` and shown to organisers.",
    },
}
CHECKIN_RULES = {
    "activity": "One this door serves; a door of several activities must say which.",
    "scanned_at": REAL_TIME_RULE,
    "override": "Only with action check_in.",
    "reason": "Only with action undo.",
}
#: A scan names a ticket by its QR code or, typed by hand, by the attendee's id.
QR_OR_ATTENDEE = [{"required": ["qr"]}, {"required": ["attendee_id"]}]


def scan_schema(action: dict | None = None) -> dict:
    """One scan as sent: CHECKIN_ITEM, and the `action` property's schema if it has one."""
    properties = {**CHECKIN_ITEM, "action": action} if action else CHECKIN_ITEM
    return {"type": "object", "additionalProperties": False, "required": ["client_id"],
            "oneOf": QR_OR_ATTENDEE, "properties": properties}


# --- answers' bodies -----------------------------------------------------------------------

DOOR_NOTE = {"type": "string", "description": "The note for the door (\"needs an "
             "interpreter\"), typed by the party or an organiser; empty for none. Show it "
             "with the welcome. Personal data: only this event's doors get it (a kiosk none)."}
NO_PHOTOS = {"type": "boolean", "description": "True at an event that asks photo consent "
             "for each person without one that holds (every box starts unticked: a child "
             "unless a parent ticked it, a walk-in, anyone who withdrew it): show \"No "
             "photos\" beside them, so the photographer can be told. Always false where "
             "the event does not ask."}
CHECKIN_ATTENDEE = closed_object({
    "id": {"type": "integer"}, "name": {"type": "string"}, "ticket_code": {"type": "string"},
    "party": {"type": "integer", "description": "The registration's id."},
    "party_size": {"type": "integer", "minimum": 0,
                   "description": "Valid tickets of the registration."},
    "activities": {"type": "array", "items": {"type": "integer"}},
    "cancelled": {"type": "boolean"},
    "no_photos": NO_PHOTOS,
})
PLACE_COUNTS = {"registered": {"type": "integer", "minimum": 0},
                "checked_in": {"type": "integer", "minimum": 0},
                "inside": {"type": "integer", "minimum": 0}}
CHECKIN_RESULT = closed_object({
    "client_id": {"type": "string"},
    "action": {"enum": ["check_in", "check_out", "undo"]},
    "status": {
        "enum": [str(status) for status in STATUS_MEANINGS],
        "description": "; ".join(f"`{code}`: {meaning}"
                                 for code, meaning in STATUS_MEANINGS.items()),
    },
    "scanned_at": DATE_TIME,
    "activity": {"type": ["integer", "null"]},
    "replayed": {"type": "boolean", "description": "True when repeating the first answer."},
    "attendee": {"oneOf": [CHECKIN_ATTENDEE, {"type": "null"}],
                 "description": "Null when the code named nobody of this event."},
    "checked_in_at": NULLABLE_DATE_TIME,
    "checked_in_door": {"type": ["string", "null"]},
    "left_at": {**NULLABLE_DATE_TIME, "description": "When they last went out (None while "
                "inside or never in): `already_checked_out` says since when."},
    "note": DOOR_NOTE,
    "pickup_code": {
        "type": ["string", "null"],
        "pattern": f"^[{pickup.PICKUP_CODE_ALPHABET}]{{{pickup.PICKUP_CODE_LENGTH}}}$",
        "description": "At a workshop that asks pick-up codes (`asks_pickup_codes`), the "
        "child's code, made when they were let in: tell it to the parent (it is on their "
        "ticket page too, with a QR). The child goes out only through POST /door/pickups. "
        "Null elsewhere, for adults, and once picked up."},
    "flag": {"enum": [rules.CANCELLED_AFTER_SCAN, rules.EVENT_CANCELLED_AFTER_SCAN,
                      rules.OVERRIDDEN, rules.UNDONE_WITH_REASON, None],
             "description": "A scan the organiser should know of: `cancelled_after_scan`, "
             "`event_cancelled_after_scan` (the ticket or the event was cancelled after this "
             "offline scan admitted the person), `overridden` (let in despite a refusal), "
             "`undone_with_reason` (an undo from another door or after the window)."},
    "overrode": {"enum": [*sorted(rules.OVERRIDABLE), None],
                 "description": "For `overridden`: the refusal the volunteer overrode."},
    "reason": {"enum": [*rules.OVERRIDE_REASONS, *[r for r in rules.UNDO_REASONS
                                                    if r not in rules.OVERRIDE_REASONS], None],
               "description": "The override's or undo's reason, where one was needed and "
               "given (else null)."},
    "ticket_event": {**closed_object({
        "title": ANSWERED_TEXTS, "starts_at": DATE_TIME, "timezone": {"type": "string"},
    }), "description": "With `wrong_event` only, for a genuine ticket of another event "
        "of the same organisation: which one (say it to the person). Never sent for an "
        "event of another organisation."},
    "party_members": {"type": "array", "items": closed_object({
        "id": {"type": "integer"}, "name": {"type": "string"},
        "age_group": {"enum": ["child", "adult", None]},
        "checked_in_at": {**NULLABLE_DATE_TIME, "description": "Set while inside at this "
                          "door's place."},
    }), "description": "At a self check-in kiosk only (whose list has no names), for a "
        "ticket of the event: the scanned ticket's party, people with a valid ticket."},
}, optional=("ticket_event", "party_members"))
PLACE_SCANS = {"type": "array", "items": closed_object({
    "action": {"enum": list(rules.ACTIONS)}, "at": DATE_TIME,
    "door": {"type": "string", "description": "The name of the door that made it."},
    "door_id": {"type": "integer", "description": "Its id: doors may share a name."},
    "implied": {"type": "boolean", "description": "A check-in at an activity's door, "
                "counted at the entrance."},
    "reason": {"type": ["string", "null"], "description": "An override's or an undo's "
               "reason (an overridden check-in is an admission of its own)."},
}), "description": "The scans the door's rule replays at this place, in the order they "
   "were made: what a phone needs to decide offline as the server does."}
DOOR_EVENT = closed_object({
    "id": {"type": "integer"}, "slug": {"type": "string"},
    "title": ANSWERED_TEXTS, "status": {"enum": list(STATUSES)},
    "timezone": {"type": "string"}, "starts_at": DATE_TIME,
    "ends_at": DATE_TIME, "age_mode": {"enum": list(AGE_MODES)},
    "asks_sex": {"type": "boolean"}, "capacity": CAPACITY,
    "places_left": PLACES_LEFT,
    "public_key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$"},
    "activities": {"type": "array", "items": closed_object({
        "id": {"type": "integer"}, "title": ANSWERED_TEXTS,
        "place": ANSWERED_TEXTS, "capacity": CAPACITY,
        "places_left": PLACES_LEFT,
        "asks_pickup_codes": {"type": "boolean", "description": "A children's workshop: "
                              "children let in get a pick-up code, and go out only against "
                              "it (POST /door/pickups)."},
        "starts_at": {**NULLABLE_DATE_TIME, "description": "When its session starts: an "
                      "arrival at its door more than the door's `early_warning_minutes` "
                      "before is `too_early`."},
    })},
})
DOOR_COUNTS = closed_object(
    {**PLACE_COUNTS, "walk_ins": {"type": "integer", "minimum": 0},
     "activities": {"type": "object", "additionalProperties": closed_object(PLACE_COUNTS)}},
    description="registered, checked_in, inside (now), walk_ins, and the same per activity id.",
)
DOOR_ATTENDEE = closed_object({
    "id": {"type": "integer"},
    "party": {"type": "integer", "description": "The registration's id: attendees with the "
              "same one came together."},
    "name": {"type": "string", "description": "Empty at a self check-in kiosk."},
    "ticket_code": {"type": "string", "description": "Empty at a self check-in kiosk."},
    "age_group": {"enum": ["child", "adult", None], "description": "As registered, or by "
                  "the year of birth in the event's year (under 18: child); null when the "
                  "event asks neither."},
    "status": {"enum": ["valid", "cancelled"]},
    "cancelled_at": {**NULLABLE_DATE_TIME, "description": "A scan made before it still "
                     "counts."},
    "checked_in_at": NULLABLE_DATE_TIME,
    "checked_in_door": {"type": ["string", "null"]},
    "left_at": {**NULLABLE_DATE_TIME, "description": "Set while they are out."},
    "no_photos": NO_PHOTOS,
    "note": DOOR_NOTE,
    "scans": PLACE_SCANS,
    "activities": {"type": "array", "items": closed_object({
        "id": {"type": "integer"},
        "checked_in_at": NULLABLE_DATE_TIME,
        "left_at": NULLABLE_DATE_TIME,
        "scans": PLACE_SCANS,
        "pickup_code": {"type": ["string", "null"],
                        "description": "The child's open pick-up code here, if any."},
    })},
})

DOOR_DOUBLES = {"type": "array", "items": closed_object({
    "client_id": {"type": "string", "description": "The id the door made for its scan."},
    "name": {"type": ["string", "null"]},
    "scanned_at": DATE_TIME,
    "activity": {"type": ["integer", "null"]},
    "first_in_at": NULLABLE_DATE_TIME,
    "first_door": {"type": ["string", "null"]},
}), "description": "This door's scans answered `checked_in` that became duplicates: "
   "another door had let the person in earlier while offline and uploaded it later. The "
   "newest 50; a phone tells the volunteer of each client_id once."}

SCHEMAS = {
    "WalkInCreate": {
        "type": "object", "additionalProperties": False,
        "required": ["attendees", "consent"],
        "properties": {
            "client_id": CLIENT_ID,
            "language": {"enum": list(LANGUAGE_CODES)},
            "phone": {**text(40), "type": ["string", "null"]},
            "consent": CONSENT,
            "attendees": attendees_schema(with_answers=False),
        },
    },
    "CheckinCreate": scan_schema({"enum": ["check_in", "check_out"],
                                  "description": "Default check_in."}),
    "CheckinUndo": scan_schema(),
    "CheckinBatch": {
        "type": "object", "additionalProperties": False, "required": ["checkins"],
        "properties": {"checkins": {
            "type": "array", "minItems": 1, "maxItems": 500,
            "items": scan_schema({"enum": ["check_in", "check_out", "undo"]}),
        }},
    },
    "CheckinResult": CHECKIN_RESULT,
    "PickupCreate": {
        "type": "object", "additionalProperties": False,
        "required": ["client_id", "attendee_id"],
        "oneOf": [{"required": ["qr"]}, {"required": ["code"]}],
        "properties": {
            "client_id": CHECKIN_ITEM["client_id"],
            "attendee_id": {**ID, "description": "The child to be handed over."},
            "activity": CHECKIN_ITEM["activity"],
            "qr": {**CHECKIN_ITEM["qr"], "description": "The QR scanned from the parent: "
                   "a ticket of the child's party, or the pick-up code's QR "
                   f"(`{pickup.PICKUP_QR_PREFIX}` and the code)."},
            "code": {**text(20), "minLength": 1,
                     "description": "The pick-up code as typed (spaces and case do not "
                     "matter)."},
        },
    },
    "PickupResult": closed_object({
        "client_id": {"type": "string"},
        "status": {"enum": [str(status) for status in pickup.STATUS_MEANINGS],
                   "description": "; ".join(f"`{code}`: {meaning}" for code, meaning
                                            in pickup.STATUS_MEANINGS.items())},
        "attendee": {"type": "integer", "description": "The child."},
        "activity": {"type": "integer"},
        "method": {"enum": list(pickup.METHODS)},
        "checked_at": DATE_TIME,
        "replayed": {"type": "boolean", "description": "True when repeating the first answer "
                     "to this client_id."},
        "checkout": {"oneOf": [schema_ref("CheckinResult"), {"type": "null"}],
                     "description": "The child's check-out, when handed over."},
    }),
    "CheckinBatchResult": closed_object({
        "results": {"type": "array", "items": schema_ref("CheckinResult")},
    }),
    "WalkInCreated": closed_object({
        "registration": {"type": "integer"},
        "results": {"type": "array", "items": schema_ref("CheckinResult")},
    }),
    "Door": closed_object({
        "door": closed_object({
            "id": {"type": "integer"}, "name": {"type": "string"},
            "activities": {"type": "array", "items": {"type": "integer"}},
            "records_exits": {"type": "boolean"},
            "kiosk": {"type": "boolean", "description": "A self check-in kiosk: scans of "
                      "tickets only (look-up by hand, undo and walk-ins answer 403 "
                      "`kiosk_door`), and a list without names."},
            "expires_at": {**DATE_TIME, "description": "From then the link reads and decides "
                           "nothing (401 door_expired); for DOOR_UPLOAD_GRACE_DAYS (default "
                           "14) after, it still uploads scans made before (POST "
                           "/checkins/batch)."},
            "undo_window_minutes": {"type": "number", "minimum": 0, "description": "An undo "
                                    "at the door that admitted, this soon after, needs no "
                                    "`reason`."},
            "early_warning_minutes": {"type": "number", "minimum": 0, "description": "At an "
                                      "activity's door, an arrival earlier than this before "
                                      "its `starts_at` is `too_early`."},
        }),
        "event": DOOR_EVENT,
        "counts": DOOR_COUNTS,
        "doubles": DOOR_DOUBLES,
    }),
    "DoorAttendees": closed_object({
        "cursor": {**DATE_TIME, "description": "Send it back as `since` next time."},
        "complete": {"type": "boolean", "description": "True for the whole list (no `since`)."},
        "attendees": {"type": "array", "items": DOOR_ATTENDEE},
    }, description="An activity's door gets only the attendees who chose (one of) its "
       "activities. Names, codes and check-in state only: no contact details, no answers."),
}

# --- paths ---------------------------------------------------------------------------------

CHECKIN_EXAMPLE_QR = "AEAAAAAB" + "A" * 109
SINCE_PARAMETER = {"name": "since", "in": "query", "required": False,
                   "schema": {"type": "string", "pattern": TIME_PATTERN},
                   "description": "The `cursor` of the previous answer."}
WALK_IN_EXAMPLE = {
    "consent": True, "language": "bg",
    "attendees": [{"name": "Ivana Petrova", "age_group": "adult", "sex": "female"}],
}
BATCH_EXAMPLE = {"checkins": [
    {"qr": CHECKIN_EXAMPLE_QR, "client_id": "7d1e2f3a-offline-1",
     "scanned_at": "2027-06-20T10:42:05+03:00"},
    {"attendee_id": 1, "action": "check_out", "client_id": "7d1e2f3a-offline-2",
     "scanned_at": "2027-06-20T12:15:00+03:00"},
]}

PATHS = {
    "/door": {
        "get": operation(
            "getDoor", "The door, its event and live counts.",
            description="The event's `public_key` (Ed25519, raw, base64url) verifies "
            "ticket QR codes offline: a token is the base32 text of version (1 byte) | "
            "event id (4, big-endian) | attendee id (4) | signature of those 9 bytes.",
            security=DOOR,
            responses={"200": ok("Door")},
        ),
    },
    "/door/attendees": {
        "get": operation(
            "listDoorAttendees", "The event's attendees as a door may see them, for "
            "offline use.",
            description="Without `since`, all of them; with the `cursor` of the last "
            "answer, those changed since (a few seconds' overlap: merge rows by id).",
            security=DOOR,
            parameters=[SINCE_PARAMETER],
            rules={"since": REAL_TIME_RULE},
            responses={"200": ok("DoorAttendees")},
        ),
    },
    "/door/walk-ins": {
        "post": operation(
            "createWalkIn", "Register people at the door and check them in at once.",
            description="The same capacity rule as online registration; allowed "
            "while the event is published or closed to online registration.",
            security=DOOR,
            body=("WalkInCreate", WALK_IN_EXAMPLE),
            rules={
                **PERSON_RULES,
                "attendees.*.activities": "Activities of this event; at an activity's "
                "door, (one of) its activities.",
                "phone": PHONE_RULE,
            },
            responses={
                "201": ok("WalkInCreated", "Registered and checked in"),
                "403": error_response("A self check-in kiosk's link cannot do this.",
                                      "kiosk_door"),
                "409": error_response("Refused: nobody was registered.",
                                      "registration_closed", "event_full",
                                      "activity_full", "client_id_reused"),
            },
        ),
    },
    "/checkins": {
        "post": operation(
            "createCheckin", "Check a ticket in (or out, with action check_out) at this door.",
            description="Answers 200 with the outcome in `status` for every scan, "
            "refused ones included. Of two doors scanning one ticket at once, exactly "
            "one gets checked_in.",
            security=DOOR,
            body=("CheckinCreate", {
                "qr": CHECKIN_EXAMPLE_QR, "client_id": "3b4f6c1e-8d2a-4f7b-9c1d-5e6f7a8b9c0d",
            }),
            rules=CHECKIN_RULES,
            responses={"200": ok("CheckinResult"),
                       "403": error_response("A self check-in kiosk's link sent a look-up by "
                                             "hand (`attendee_id`) or an undo.", "kiosk_door"),
                       "409": error_response("A child holding a pick-up code cannot simply "
                                             "go out (POST /door/pickups).",
                                             "pickup_code_required")},
        ),
    },
    "/checkins/undo": {
        "post": operation(
            "undoCheckin", "Undo a check-in made by mistake.",
            security=DOOR,
            body=("CheckinUndo", {
                "attendee_id": 1, "client_id": "0c5d8e2f-1a3b-4c6d-8e9f-0a1b2c3d4e5f",
            }),
            rules=CHECKIN_RULES,
            responses={"200": ok("CheckinResult"),
                       "403": error_response("A self check-in kiosk's link sent a look-up by "
                                             "hand (`attendee_id`) or an undo.", "kiosk_door")},
        ),
    },
    "/door/pickups": {
        "post": operation(
            "createPickup", "Hand a child over at a children's workshop's door.",
            description="Against the parent's ticket (any other valid ticket of the "
            "child's party) or the pick-up code. Answers 200 with `status` for every try: "
            "`pickup_mismatch` means do not hand the child over; it is recorded for the "
            "organisers. Needs the network: a phone offline hands nobody over.",
            security=DOOR,
            body=("PickupCreate", {"client_id": "9a8b7c6d-pickup-1", "attendee_id": 2,
                                   "code": "K7M3"}),
            rules={"activity": "A workshop this door serves that asks pick-up codes.",
                   "attendee_id": "An attendee of this event."},
            responses={"200": ok("PickupResult"),
                       "403": error_response("A self check-in kiosk hands no child over.",
                                             "kiosk_door")},
        ),
    },
    "/checkins/batch": {
        "post": operation(
            "createCheckinBatch", "Upload scans made while offline.",
            description="Each item is recorded on its own, in the order scanned; "
            "the earliest scan of a ticket is its check-in and a later one, from any "
            "door, a duplicate (already_checked_in); an item this door cannot take "
            "comes back `invalid`. Answers in the order sent. Late uploads: an expired "
            "link (not switched off) is taken here for DOOR_UPLOAD_GRACE_DAYS (default "
            "14) after its `expires_at`, scans made after it answered `door_expired`; "
            "then 401 door_expired. A switched-off link is taken until its expiry. "
            "Through a link switched off or past its expiry, the answers say what became "
            "of each scan and nothing of the person (`attendee` null, no note, no code). "
            "A check-out of a child holding a pick-up code comes back `invalid`, "
            "recorded nowhere: the child goes out through POST /door/pickups.",
            security=DOOR,
            body=("CheckinBatch", BATCH_EXAMPLE),
            rules={"checkins.*.scanned_at": REAL_TIME_RULE,
                   "checkins.*.override": CHECKIN_RULES["override"],
                   "checkins.*.reason": CHECKIN_RULES["reason"]},
            responses={"200": ok("CheckinBatchResult"),
                       "403": error_response("A self check-in kiosk's link sent a look-up by "
                                             "hand or an undo: nothing was recorded.",
                                             "kiosk_door")},
        ),
    },
}


#: Every door call may say how many scans the phone still holds (the organisers'
#: dashboard shows it, eventreg/checkin/door_state.py). Described, not a parameter: any
#: other value is ignored, never refused.
SCANS_HELD = ("A phone may send `X-Door-Scans-Held: N` with any call: how many scans made "
              "offline it still holds, not yet uploaded (1 to 6 digits; anything else is "
              "ignored). Organisers see it beside the door's last contact and upload.")
for _path in PATHS.values():
    for _operation in _path.values():
        if _operation.get("security") == DOOR:
            _operation["description"] = " ".join(
                filter(None, [_operation.get("description"), SCANS_HELD]))
