"""The OpenAPI 3.1 document of API v1: paths, schemas and a working example per request.

The request schemas here are also what `eventreg.api.json_body` checks bodies against.
"""

from functools import cache

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
    "unauthorized": "The organiser API token is missing, wrong or revoked.",
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
ORGANISER = [{"organiserToken": []}]
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
                "Events, registration and tickets. Public endpoints need no sign-in; organiser "
                "endpoints need `Authorization: Bearer <token>` from `flask create-api-token "
                "EMAIL` or the API tokens page. Errors are `{\"error\": reason, \"message\": "
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
                            {"name": "Olena Kovalenko", "age_group": "adult"},
                            {"name": "Mykola Kovalenko", "age_group": "child"},
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
        },
        "components": {
            "securitySchemes": {
                "organiserToken": {"type": "http", "scheme": "bearer",
                                   "description": "An organiser's API token (erg_...)."},
            },
            "schemas": {
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
                        "attendees": {
                            "type": "array", "minItems": 1, "maxItems": 20,
                            "items": {
                                "type": "object", "additionalProperties": False,
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string", "maxLength": 200},
                                    "age_group": {"enum": ["child", "adult", None]},
                                    "birth_year": {"type": ["integer", "null"],
                                                   "minimum": 1800, "maximum": 2200},
                                    "activities": {
                                        "type": "array", "maxItems": 50,
                                        "items": {"type": "integer", "minimum": 1,
                                                  "maximum": 2147483647},
                                    },
                                    "answers": ANSWERS,
                                },
                            },
                        },
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
