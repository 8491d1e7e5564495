"""The OpenAPI 3.1 document of API v1: paths, schemas and a working example per request.

The request schemas here are also what `eventreg.api.json_body` checks bodies against.
"""

from functools import cache

from eventreg.events.models import SEXES
from eventreg.i18n import LANGUAGE_CODES

LANGUAGE_TEXTS = {
    "type": "object",
    "description": "Text per language code (en, bg, uk); at least one where required.",
    "propertyNames": {"enum": list(LANGUAGE_CODES)},
    "additionalProperties": {"type": "string", "maxLength": 5000},
}
NULLABLE_TIME = {
    "type": ["string", "null"],
    "maxLength": 40,
    "description": "ISO 8601; without an offset it is wall-clock time in the event's time zone.",
}
TIME = {"type": "string", "maxLength": 40, "description": NULLABLE_TIME["description"]}
CAPACITY = {"type": ["integer", "null"], "minimum": 1, "maximum": 100000}
ANSWERS = {
    "type": "object",
    "description": "Answers keyed by question id: text, a choice's value, a list of values, "
    "or true/false by the question's kind.",
    "propertyNames": {"pattern": "^[0-9]{1,9}$"},
    "additionalProperties": {
        "anyOf": [
            {"type": "string", "maxLength": 1000},
            {"type": "boolean"},
            {"type": "array", "items": {"type": "string", "maxLength": 100}, "maxItems": 50},
        ]
    },
}

EVENT_FIELDS = {
    "title": LANGUAGE_TEXTS,
    "description": LANGUAGE_TEXTS,
    "privacy_notice": LANGUAGE_TEXTS,
    "venue": {"type": "string", "maxLength": 200},
    "address": {"type": "string", "maxLength": 300},
    "timezone": {"type": "string", "maxLength": 64, "examples": ["Europe/Sofia"]},
    "starts_at": TIME,
    "ends_at": TIME,
    "registration_opens_at": NULLABLE_TIME,
    "registration_closes_at": NULLABLE_TIME,
    "capacity": CAPACITY,
    "age_mode": {"enum": ["age_group", "birth_year"]},
    "asks_sex": {"type": "boolean",
                 "description": "Whether each attendee is asked their sex (see Attendee.sex)."},
    "delete_sex_answers": {
        "type": "boolean", "writeOnly": True,
        "description": "Set true with `asks_sex: false` to delete the answers already given; "
                       "without it that change is refused (`sex_answers_would_be_deleted`).",
    },
    "programme_id": {"type": ["integer", "null"], "minimum": 1, "maximum": 2147483647},
    "slug": {"type": "string", "maxLength": 80, "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
}
ACTIVITY_FIELDS = {
    "title": LANGUAGE_TEXTS,
    "place": {"type": "string", "maxLength": 200},
    "starts_at": NULLABLE_TIME,
    "ends_at": NULLABLE_TIME,
    "capacity": CAPACITY,
    "position": {"type": "integer", "minimum": -1000, "maximum": 1000},
}

#: Every `error` reason code the API answers with, and what it means.
ERROR_REASONS = {
    "validation_failed": "Some fields are missing or malformed; `fields` says which and why.",
    "invalid_json": "The body is not a JSON object.",
    "registration_closed": "The event is not open for registration now.",
    "event_full": "Not enough places left in the event for the whole party.",
    "activity_full": "An activity chosen has not enough places left; `fields` says whose.",
    "client_id_reused": "This client_id came before with a different body; make a new one.",
    "event_not_found": "No such event (or not one the caller may see).",
    "activity_not_found": "No such activity in this event.",
    "invalid_status_change": "The event's status cannot change that way.",
    "privacy_notice_missing": "An event needs a privacy notice before it is published.",
    "sex_answers_would_be_deleted": "Turning `asks_sex` off would delete answers given; "
                                    "send `delete_sex_answers: true` to go on.",
    "unauthorized": "The organiser API token is missing, wrong or revoked.",
    "door_unknown": "The door token is missing or wrong.",
    "door_revoked": "An organiser switched this door link off.",
    "door_expired": "The door link expired (a day after the event ended).",
    "not_found": "No such resource.",
    "method_not_allowed": "The path does not take that method.",
    "request_too_large": "The body is larger than 1 MiB.",
    "server_error": "Something failed on the server; nothing was changed.",
}


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json_body(schema: str, example: dict) -> dict:
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "example": example,
            }
        },
    }


def _ok(schema: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


SLUG_PARAMETER = {
    "name": "slug", "in": "path", "required": True,
    "schema": {"type": "string", "maxLength": 80}, "example": "world-refugee-day-2026",
}
ACTIVITY_PARAMETER = {
    "name": "activity_id", "in": "path", "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}, "example": 1,
}
def attendees_schema(*, with_answers: bool) -> dict:
    """The party as sent to register (with answers) or at the door (names and choices)."""
    person = {
        "name": {"type": "string", "maxLength": 200},
        "age_group": {"enum": ["child", "adult", None]},
        "birth_year": {"type": ["integer", "null"], "minimum": 1800, "maximum": 2200},
        "sex": {"enum": [*SEXES, None],
                "description": "Required where the event's `asks_sex` is true."},
        "activities": {
            "type": "array", "maxItems": 50,
            "items": {"type": "integer", "minimum": 1, "maximum": 2147483647},
        },
    }
    if with_answers:
        person["answers"] = ANSWERS
    return {
        "type": "array", "minItems": 1, "maxItems": 20,
        "items": {"type": "object", "additionalProperties": False, "required": ["name"],
                  "properties": person},
    }


ORGANISER = [{"organiserToken": []}]
DOOR = [{"doorToken": []}]
DOOR_UNAUTHORIZED = _error_response("No live door token (door_unknown, door_revoked, door_expired).")

#: What a scan can come to (CheckinResult.status), and what the door should show.
CHECKIN_STATUSES = {
    "checked_in": "Welcome: admitted now (also when coming back after going out).",
    "already_checked_in": "Came in before: `checked_in_at` and `checked_in_door` say when and "
    "where. In a batch upload, also a later duplicate of another door's earlier scan.",
    "checked_out": "Went out (doors that record exits).",
    "already_checked_out": "Was already out.",
    "not_checked_in": "Cannot go out or be undone: not checked in.",
    "undone": "The check-in was undone.",
    "cancelled": "The ticket was cancelled.",
    "event_cancelled": "The event was cancelled.",
    "wrong_event": "A real ticket of another event.",
    "wrong_activity": "The attendee did not choose this door's activity.",
    "invalid": "Not a ticket: unreadable, forged or altered.",
    "unknown": "No such attendee at this event.",
}
CHECKIN_ITEM = {
    "client_id": {
        "type": "string", "minLength": 1, "maxLength": 64,
        "description": "An id the door makes for this scan (e.g. a UUID); the same id again "
        "from the same door returns the first answer and changes nothing.",
    },
    "qr": {"type": "string", "maxLength": 300, "description": "The text the QR code holds."},
    "attendee_id": {"type": "integer", "minimum": 1, "maximum": 2147483647,
                    "description": "Instead of `qr`, for a look-up by hand."},
    "activity": {"type": ["integer", "null"], "minimum": 1, "maximum": 2147483647,
                 "description": "The activity whose door this is; defaults to the door's only "
                 "activity, else the event's entrance."},
    "scanned_at": {**NULLABLE_TIME, "description": "When the door scanned it (default: now). "
                   "More than 5 minutes in the future counts as now."},
}
CHECKIN_EXAMPLE_QR = "AEAAAAAB" + "A" * 109
UNAUTHORIZED = _error_response("No live organiser API token.")
NOT_FOUND = _error_response("No such event (or not one of the caller's organisation).")
INVALID = _error_response("Invalid input (reason validation_failed or invalid_json).")


@cache
def openapi_document() -> dict:
    """Return the whole document (built once)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "eventreg API",
            "version": "1",
            "description": (
                "Events, registration, tickets and door check-in. Public endpoints need no "
                "sign-in; organiser endpoints need `Authorization: Bearer <token>` from `flask "
                "create-api-token EMAIL` or the API tokens page; door endpoints (`/door...`, "
                "`/checkins...`) need a door access token (`door_...`) from the event's Doors "
                "page or `flask create-door-access EVENT_SLUG NAME`. Errors are `{\"error\": reason, \"message\": "
                "text, \"fields\": {path: text}}` with a 4xx status. Reasons: "
                + "; ".join(f"`{code}`: {text}" for code, text in ERROR_REASONS.items())
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/events": {
                "get": {
                    "operationId": "listEvents",
                    "summary": "Published events that have not ended, soonest first.",
                    "responses": {"200": _ok("EventList")},
                },
                "post": {
                    "operationId": "createEvent",
                    "summary": "Create a draft event of the token's organisation.",
                    "security": ORGANISER,
                    "requestBody": _json_body("EventCreate", {
                        "title": {"en": "Info session: safe travel and work abroad",
                                  "bg": "Информационна среща: безопасно пътуване и работа в чужбина"},
                        "description": {"en": "An hour of questions and answers."},
                        "privacy_notice": {"en": "We keep your name to count attendance and "
                                                 "delete it 6 months after the event."},
                        "venue": "Community centre", "address": "Fakulteta, Sofia",
                        "timezone": "Europe/Sofia",
                        "starts_at": "2027-03-12T17:00:00", "ends_at": "2027-03-12T18:30:00",
                        "capacity": 40,
                    }),
                    "responses": {"201": _ok("Event", "Created"), "401": UNAUTHORIZED,
                                  "422": INVALID},
                },
            },
            "/events/{slug}": {
                "parameters": [SLUG_PARAMETER],
                "get": {
                    "operationId": "getEvent",
                    "summary": "One published event (or one of the caller's organisation).",
                    "responses": {"200": _ok("Event"), "404": NOT_FOUND},
                },
                "patch": {
                    "operationId": "updateEvent",
                    "summary": "Change some of an event's details; fields left out keep theirs.",
                    "security": ORGANISER,
                    "requestBody": _json_body("EventUpdate", {
                        "venue": "Borisova Gradina, the meadow by the Ariana lake",
                    }),
                    "responses": {"200": _ok("Event"), "401": UNAUTHORIZED, "404": NOT_FOUND,
                                  "422": INVALID},
                },
            },
            "/events/{slug}/publish": {
                "parameters": [SLUG_PARAMETER],
                "post": {
                    "operationId": "publishEvent",
                    "summary": "Publish the event so people can register.",
                    "security": ORGANISER,
                    "responses": {"200": _ok("Event"), "401": UNAUTHORIZED, "404": NOT_FOUND,
                                  "409": _error_response("Cannot be published now.")},
                },
            },
            "/events/{slug}/activities": {
                "parameters": [SLUG_PARAMETER],
                "post": {
                    "operationId": "createActivity",
                    "summary": "Add an activity (workshop, session, transport run).",
                    "security": ORGANISER,
                    "requestBody": _json_body("ActivityCreate", {
                        "title": {"en": "Face painting", "uk": "Аквагрим"},
                        "place": "Children's corner", "capacity": 25,
                    }),
                    "responses": {"201": _ok("Activity", "Created"), "401": UNAUTHORIZED,
                                  "404": NOT_FOUND, "422": INVALID},
                },
            },
            "/events/{slug}/activities/{activity_id}": {
                "parameters": [SLUG_PARAMETER, ACTIVITY_PARAMETER],
                "patch": {
                    "operationId": "updateActivity",
                    "summary": "Change some of an activity's details.",
                    "security": ORGANISER,
                    "requestBody": _json_body("ActivityUpdate", {"place": "Tent 2"}),
                    "responses": {"200": _ok("Activity"), "401": UNAUTHORIZED, "404": NOT_FOUND,
                                  "422": INVALID},
                },
            },
            "/events/{slug}/registrations": {
                "parameters": [SLUG_PARAMETER],
                "post": {
                    "operationId": "createRegistration",
                    "summary": "Register a party; the same rules as the web form.",
                    "description": "Send the same `client_id` again to retry safely: the first "
                    "registration is returned and nothing is made twice.",
                    "requestBody": _json_body("RegistrationCreate", {
                        "language": "uk",
                        "contact": {"name": "Olena Kovalenko", "phone": "+359 88 123 4567"},
                        "consent": True,
                        "attendees": [
                            {"name": "Olena Kovalenko", "age_group": "adult",
                             "sex": "female"},
                            {"name": "Mykola Kovalenko", "age_group": "child",
                             "sex": "prefer_not_to_say"},
                        ],
                    }),
                    "responses": {
                        "201": _ok("RegistrationCreated", "Registered"),
                        "404": NOT_FOUND,
                        "409": _error_response(
                            "Refused: registration_closed, event_full or activity_full."),
                        "422": INVALID,
                    },
                },
                "get": {
                    "operationId": "listRegistrations",
                    "summary": "The event's registrations, newest first, with counts.",
                    "security": ORGANISER,
                    "parameters": [{"name": "q", "in": "query", "required": False,
                                    "schema": {"type": "string", "maxLength": 200},
                                    "description": "Search names, contact details, codes."}],
                    "responses": {"200": _ok("RegistrationList"), "401": UNAUTHORIZED,
                                  "404": NOT_FOUND},
                },
            },
            "/events/{slug}/attendees.csv": {
                "parameters": [SLUG_PARAMETER],
                "get": {
                    "operationId": "exportAttendeesCsv",
                    "summary": "The event's attendees with answers, activity choices and "
                    "check-in times, one row each, as UTF-8 CSV.",
                    "description": "Cells that a spreadsheet would run as a formula (starting "
                    "with =, +, -, @) get a leading apostrophe; phone numbers stay as they are. "
                    "Headers follow Accept-Language.",
                    "security": ORGANISER,
                    "responses": {
                        "200": {"description": "The CSV file",
                                "content": {"text/csv": {"schema": {"type": "string"}}}},
                        "401": UNAUTHORIZED, "404": NOT_FOUND,
                    },
                },
            },
            "/events/{slug}/attendees.xlsx": {
                "parameters": [SLUG_PARAMETER],
                "get": {
                    "operationId": "exportAttendeesXlsx",
                    "summary": "The same as an XLSX workbook (text cells, never formulas).",
                    "security": ORGANISER,
                    "responses": {
                        "200": {"description": "The XLSX file", "content": {
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                                {"schema": {"type": "string", "format": "binary"}}}},
                        "401": UNAUTHORIZED, "404": NOT_FOUND,
                    },
                },
            },
            "/door": {
                "get": {
                    "operationId": "getDoor",
                    "summary": "The door, its event and live counts.",
                    "description": "The event's `public_key` (Ed25519, raw, base64url) verifies "
                    "ticket QR codes offline: a token is the base32 text of version (1 byte) | "
                    "event id (4, big-endian) | attendee id (4) | signature of those 9 bytes.",
                    "security": DOOR,
                    "responses": {"200": _ok("Door"), "401": DOOR_UNAUTHORIZED},
                },
            },
            "/door/attendees": {
                "get": {
                    "operationId": "listDoorAttendees",
                    "summary": "The event's attendees as a door may see them, for offline use.",
                    "description": "Without `since`, all of them; with the `cursor` of the last "
                    "answer, those changed since (a few seconds' overlap: merge rows by id).",
                    "security": DOOR,
                    "parameters": [{"name": "since", "in": "query", "required": False,
                                    "schema": {"type": "string", "maxLength": 40},
                                    "description": "The `cursor` of the previous answer."}],
                    "responses": {"200": _ok("DoorAttendees"), "401": DOOR_UNAUTHORIZED,
                                  "422": INVALID},
                },
            },
            "/door/walk-ins": {
                "post": {
                    "operationId": "createWalkIn",
                    "summary": "Register people at the door and check them in at once.",
                    "description": "The same capacity rule as online registration; allowed "
                    "while the event is published or closed to online registration.",
                    "security": DOOR,
                    "requestBody": _json_body("WalkInCreate", {
                        "consent": True, "language": "bg",
                        "attendees": [{"name": "Ivana Petrova", "age_group": "adult",
                                       "sex": "female"}],
                    }),
                    "responses": {
                        "201": _ok("WalkInCreated", "Registered and checked in"),
                        "401": DOOR_UNAUTHORIZED,
                        "409": _error_response("Refused: registration_closed, event_full, "
                                               "activity_full or client_id_reused."),
                        "422": INVALID,
                    },
                },
            },
            "/checkins": {
                "post": {
                    "operationId": "createCheckin",
                    "summary": "Check a ticket in (or out, with action check_out) at this door.",
                    "description": "Answers 200 with the outcome in `status` for every scan, "
                    "refused ones included. Of two doors scanning one ticket at once, exactly "
                    "one gets checked_in.",
                    "security": DOOR,
                    "requestBody": _json_body("CheckinCreate", {
                        "qr": CHECKIN_EXAMPLE_QR,
                        "client_id": "3b4f6c1e-8d2a-4f7b-9c1d-5e6f7a8b9c0d",
                    }),
                    "responses": {"200": _ok("CheckinResult"), "401": DOOR_UNAUTHORIZED,
                                  "422": INVALID},
                },
            },
            "/checkins/undo": {
                "post": {
                    "operationId": "undoCheckin",
                    "summary": "Undo a check-in made by mistake.",
                    "security": DOOR,
                    "requestBody": _json_body("CheckinUndo", {
                        "attendee_id": 1, "client_id": "0c5d8e2f-1a3b-4c6d-8e9f-0a1b2c3d4e5f",
                    }),
                    "responses": {"200": _ok("CheckinResult"), "401": DOOR_UNAUTHORIZED,
                                  "422": INVALID},
                },
            },
            "/checkins/batch": {
                "post": {
                    "operationId": "createCheckinBatch",
                    "summary": "Upload scans made while offline.",
                    "description": "Each item is recorded on its own, in the order scanned; "
                    "the earliest scan of a ticket is its check-in and a later one, from any "
                    "door, a duplicate (already_checked_in). Answers in the order sent.",
                    "security": DOOR,
                    "requestBody": _json_body("CheckinBatch", {"checkins": [
                        {"qr": CHECKIN_EXAMPLE_QR, "client_id": "7d1e2f3a-offline-1",
                         "scanned_at": "2027-06-20T10:42:05+03:00"},
                        {"attendee_id": 1, "action": "check_out",
                         "client_id": "7d1e2f3a-offline-2",
                         "scanned_at": "2027-06-20T12:15:00+03:00"},
                    ]}),
                    "responses": {"200": _ok("CheckinBatchResult"), "401": DOOR_UNAUTHORIZED,
                                  "422": INVALID},
                },
            },
        },
        "components": {
            "securitySchemes": {
                "organiserToken": {"type": "http", "scheme": "bearer",
                                   "description": "An organiser's API token (erg_...)."},
                "doorToken": {"type": "http", "scheme": "bearer",
                              "description": "A door access token (door_...), from the "
                              "event's Doors page or `flask create-door-access`."},
            },
            "schemas": {
                "CheckinCreate": {
                    "type": "object", "additionalProperties": False,
                    "required": ["client_id"],
                    "oneOf": [{"required": ["qr"]}, {"required": ["attendee_id"]}],
                    "properties": {
                        **CHECKIN_ITEM,
                        "action": {"enum": ["check_in", "check_out"],
                                   "description": "Default check_in."},
                    },
                },
                "CheckinUndo": {
                    "type": "object", "additionalProperties": False,
                    "required": ["client_id"],
                    "oneOf": [{"required": ["qr"]}, {"required": ["attendee_id"]}],
                    "properties": CHECKIN_ITEM,
                },
                "CheckinBatch": {
                    "type": "object", "additionalProperties": False, "required": ["checkins"],
                    "properties": {"checkins": {
                        "type": "array", "minItems": 1, "maxItems": 500,
                        "items": {
                            "type": "object", "additionalProperties": False,
                            "required": ["client_id"],
                            "oneOf": [{"required": ["qr"]}, {"required": ["attendee_id"]}],
                            "properties": {
                                **CHECKIN_ITEM,
                                "action": {"enum": ["check_in", "check_out", "undo"]},
                            },
                        },
                    }},
                },
                "CheckinResult": {
                    "type": "object",
                    "required": ["client_id", "action", "status", "scanned_at", "attendee"],
                    "properties": {
                        "client_id": {"type": "string"},
                        "action": {"enum": ["check_in", "check_out", "undo"]},
                        "status": {
                            "enum": list(CHECKIN_STATUSES),
                            "description": "; ".join(
                                f"`{code}`: {text}" for code, text in CHECKIN_STATUSES.items()),
                        },
                        "scanned_at": {"type": "string"},
                        "activity": {"type": ["integer", "null"]},
                        "replayed": {"type": "boolean",
                                     "description": "True when repeating the first answer."},
                        "attendee": {
                            "type": ["object", "null"],
                            "description": "Null when the code named nobody of this event.",
                            "properties": {
                                "id": {"type": "integer"}, "name": {"type": "string"},
                                "ticket_code": {"type": "string"},
                                "party": {"type": "integer",
                                          "description": "The registration's id."},
                                "party_size": {"type": "integer"},
                                "activities": {"type": "array", "items": {"type": "integer"}},
                                "cancelled": {"type": "boolean"},
                            },
                        },
                        "checked_in_at": {"type": ["string", "null"]},
                        "checked_in_door": {"type": ["string", "null"]},
                    },
                },
                "CheckinBatchResult": {
                    "type": "object",
                    "properties": {"results": {
                        "type": "array", "items": {"$ref": "#/components/schemas/CheckinResult"},
                    }},
                },
                "WalkInCreate": {
                    "type": "object", "additionalProperties": False,
                    "required": ["attendees", "consent"],
                    "properties": {
                        "client_id": {"type": "string", "minLength": 16, "maxLength": 64},
                        "language": {"enum": list(LANGUAGE_CODES)},
                        "phone": {"type": ["string", "null"], "maxLength": 40},
                        "consent": {"type": "boolean",
                                    "description": "The person agreed to the privacy notice."},
                        "attendees": attendees_schema(with_answers=False),
                    },
                },
                "WalkInCreated": {
                    "type": "object",
                    "properties": {
                        "registration": {"type": "integer"},
                        "results": {"type": "array",
                                    "items": {"$ref": "#/components/schemas/CheckinResult"}},
                    },
                },
                "Door": {
                    "type": "object",
                    "properties": {
                        "door": {"type": "object"},
                        "event": {"type": "object"},
                        "counts": {"type": "object",
                                   "description": "registered, checked_in, inside (now), "
                                   "walk_ins, and the same per activity id."},
                    },
                },
                "DoorAttendees": {
                    "type": "object",
                    "description": "An activity's door gets only the attendees who chose "
                    "(one of) its activities. Names, codes and check-in state only: no "
                    "contact details, no answers.",
                    "properties": {
                        "cursor": {"type": "string",
                                   "description": "Send it back as `since` next time."},
                        "complete": {"type": "boolean",
                                     "description": "True for the whole list (no `since`)."},
                        "attendees": {"type": "array", "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "party": {"type": "integer",
                                          "description": "The registration's id: "
                                          "attendees with the same one came together."},
                                "name": {"type": "string"},
                                "ticket_code": {"type": "string"},
                                "status": {"enum": ["valid", "cancelled"]},
                                "checked_in_at": {"type": ["string", "null"]},
                                "checked_in_door": {"type": ["string", "null"]},
                                "left_at": {"type": ["string", "null"],
                                            "description": "Set while they are out."},
                                "activities": {"type": "array", "items": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "checked_in_at": {"type": ["string", "null"]},
                                        "left_at": {"type": ["string", "null"]},
                                    },
                                }},
                            },
                        }},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message", "fields"],
                    "properties": {
                        "error": {"type": "string", "enum": sorted(ERROR_REASONS)},
                        "message": {"type": "string"},
                        "fields": {"type": "object",
                                   "additionalProperties": {"type": "string"}},
                    },
                },
                "EventCreate": {
                    "type": "object", "additionalProperties": False,
                    "required": ["title", "starts_at", "ends_at"],
                    "properties": EVENT_FIELDS,
                },
                "EventUpdate": {
                    "type": "object", "additionalProperties": False,
                    "properties": EVENT_FIELDS,
                },
                "ActivityCreate": {
                    "type": "object", "additionalProperties": False, "required": ["title"],
                    "properties": ACTIVITY_FIELDS,
                },
                "ActivityUpdate": {
                    "type": "object", "additionalProperties": False,
                    "properties": ACTIVITY_FIELDS,
                },
                "RegistrationCreate": {
                    "type": "object", "additionalProperties": False,
                    "required": ["attendees", "consent"],
                    "properties": {
                        "client_id": {
                            "type": "string", "minLength": 16, "maxLength": 64,
                            "description": "A random id you make for this submission (e.g. a "
                            "UUID). Sending it again with the same body returns the first "
                            "registration; with another body it is refused (client_id_reused).",
                        },
                        "language": {"enum": list(LANGUAGE_CODES)},
                        "contact": {
                            "type": "object", "additionalProperties": False,
                            "description": "Email, phone, both or neither.",
                            "properties": {
                                "name": {"type": ["string", "null"], "maxLength": 200},
                                "email": {"type": ["string", "null"], "maxLength": 254},
                                "phone": {"type": ["string", "null"], "maxLength": 40},
                            },
                        },
                        "consent": {"type": "boolean",
                                    "description": "Agreement to the event's privacy notice."},
                        "answers": ANSWERS,
                        "attendees": attendees_schema(with_answers=True),
                    },
                },
                "Activity": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"}, "title": LANGUAGE_TEXTS,
                        "place": {"type": "string"}, "starts_at": NULLABLE_TIME,
                        "ends_at": NULLABLE_TIME, "capacity": CAPACITY,
                        "places_left": {"type": ["integer", "null"]},
                    },
                },
                "Event": {
                    "type": "object",
                    "properties": {
                        **EVENT_FIELDS,
                        "status": {"enum": ["draft", "published", "closed", "cancelled"]},
                        "registration_open": {"type": "boolean"},
                        "places_left": {"type": ["integer", "null"]},
                        "activities": {"type": "array",
                                       "items": {"$ref": "#/components/schemas/Activity"}},
                        "questions": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "EventList": {
                    "type": "object",
                    "properties": {"events": {"type": "array",
                                              "items": {"$ref": "#/components/schemas/Event"}}},
                },
                "Attendee": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"}, "name": {"type": "string"},
                        "age_group": {"type": ["string", "null"]},
                        "birth_year": {"type": ["integer", "null"]},
                        "sex": {"enum": [*SEXES, None]},
                        "ticket_code": {"type": "string"},
                        "status": {"enum": ["valid", "cancelled"]},
                        "activities": {"type": "array", "items": {"type": "integer"}},
                        "answers": {"type": "object"},
                        "qr": {"type": "string",
                               "description": "The signed token the QR code carries."},
                        "qr_png_url": {"type": "string"},
                    },
                },
                "RegistrationCreated": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"}, "event": {"type": "string"},
                        "ticket_page_url": {"type": "string",
                                            "description": "Private link to every ticket."},
                        "contact": {"type": "object"},
                        "attendees": {"type": "array",
                                      "items": {"$ref": "#/components/schemas/Attendee"}},
                    },
                },
                "RegistrationList": {
                    "type": "object",
                    "properties": {
                        "registrations": {"type": "array", "items": {"type": "object"}},
                        "counts": {"type": "object"},
                    },
                },
            },
        },
    }
