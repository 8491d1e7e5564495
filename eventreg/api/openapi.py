"""The OpenAPI 3.1 document of API v1: paths, schemas and a working example per request.

The request schemas here are also what `eventreg.api.json_body` and `query_args` check
requests against, and their limits come from the services (`EVENT_TEXT_LIMITS`, ...), so
the document, the checks and the rules cannot drift apart. Reasons come from
`eventreg.errors.REASONS` and check-in statuses from `eventreg.checkin.service`.

Every operation documents each status it can answer, with the reasons it can carry.
What JSON Schema cannot say (a rule that depends on the event, or on the calendar) is listed
in the operation's 422 answer under `x-rules-beyond-schema`: a field path (`*` for any one
segment) and the rule. A schema-valid request is refused with 422 only for those fields;
tests/api/test_conformance.py holds the API to that.
"""

import sys
from functools import cache

from eventreg.checkin.service import CHECKIN_STATUSES, MAX_CLIENT_ID_LENGTH
from eventreg.database import MAX_ID
from eventreg.errors import REASONS
from eventreg.events.models import (
    AGE_GROUPS,
    AGE_MODES,
    QUESTION_KINDS,
    QUESTION_SCOPES,
    SEXES,
    STATUSES,
)
from eventreg.events.service import (
    ACTIVITY_TEXT_LIMITS,
    EVENT_TEXT_LIMITS,
    MAX_CAPACITY,
    MAX_POSITION,
    MAX_SLUG_LENGTH,
    SLUG_PATTERN,
)
from eventreg.i18n import LANGUAGE_CODES
from eventreg.registrations.search import MAX_SEARCH_LENGTH
from eventreg.registrations.service import (
    MAX_NAME_LENGTH,
    MAX_PARTY_SIZE,
    MAX_TEXT_ANSWER_LENGTH,
)
from eventreg.text import CONTROL_CHARACTERS

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
#: The services strip exactly Python's whitespace (str.isspace); these patterns spell those
#: characters out, so that every regular expression engine reads them alike.
_BLANKS = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
#: No control character anywhere: the server refuses them in every text (eventreg/text.py).
_CONTROL = CONTROL_CHARACTERS.pattern[1:-1]  # the class's inside: \x00-\x08...
NO_CONTROL = f"^[^{_CONTROL}]*$"
#: No control character, and something besides blanks.
NOT_BLANK = f"^[^{_CONTROL}]*[^{_BLANKS}{_CONTROL}][^{_CONTROL}]*$"


def text(max_length: int, **extra) -> dict:
    """A string of at most `max_length` characters (without control characters)."""
    return {"type": "string", "maxLength": max_length, "pattern": NO_CONTROL, **extra}


def not_blank_text(max_length: int, **extra) -> dict:
    """A string that holds something besides blanks."""
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": NOT_BLANK,
            **extra}


def language_texts(max_length: int, *, required: bool = False) -> dict:
    """A text per language code; `required`: not blank in one language at least."""
    schema = {
        "type": "object",
        "description": "A text per language code (" + ", ".join(LANGUAGE_CODES) + "), at most "
        f"{max_length} characters each" + (", not blank in one at least." if required else "."),
        "propertyNames": {"enum": list(LANGUAGE_CODES)},
        "additionalProperties": text(max_length),
    }
    if required:
        schema["anyOf"] = [
            {"required": [code], "properties": {code: {"pattern": NOT_BLANK}}}
            for code in LANGUAGE_CODES
        ]
    return schema


#: A time as sent: ISO 8601 from 1900 to 2099, with or without an offset.
TIME_PATTERN = (
    "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    "T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?"
    "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)
TIME_DESCRIPTION = ("ISO 8601, e.g. 2027-06-20T10:00:00+03:00; without an offset it is "
                    "wall-clock time in the event's time zone.")
TIME = {"type": "string", "pattern": TIME_PATTERN, "description": TIME_DESCRIPTION}
NULLABLE_TIME = {"type": ["string", "null"], "pattern": TIME_PATTERN,
                 "description": TIME_DESCRIPTION + " Null for none."}
#: A time as answered: always in UTC, with its offset.
DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
CAPACITY = {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_CAPACITY,
            "description": "Places in all; null for no limit."}
PLACES_LEFT = {"type": ["integer", "null"], "minimum": 0,
               "description": "Places still free; null when there is no limit."}
#: What the time rules beyond the schema say, for each time field that has them.
REAL_TIME_RULE = ("A date that exists (not 2027-02-30); without an offset, a time that "
                  "exists in the event's time zone (not in the hour the clocks skip).")
ANSWER_VALUE = {
    "anyOf": [
        text(MAX_TEXT_ANSWER_LENGTH),
        {"type": "boolean"},
        {"type": "array", "items": text(100), "maxItems": 50},
    ]
}
ANSWERS = {
    "type": "object",
    "description": "Answers keyed by question id: text, a choice's value, a list of values, "
    "or true/false by the question's kind.",
    "propertyNames": {"pattern": "^[1-9][0-9]{0,8}$"},
    "additionalProperties": ANSWER_VALUE,
}
ANSWERS_RULE = ("An answer of the question's kind (text, yes/no, one or several of its "
                "options) to a question of this event asked this way (per party or per "
                "person); a required question answered.")


# --- answers -------------------------------------------------------------------------------

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}


def error_response(description: str, *reasons: str, headers: dict | None = None,
                   rules: dict[str, str] | None = None) -> dict:
    """An error answer: the usual body, with `error` one of `reasons`.

    `rules` are the field rules beyond the schema a 422 may name (see the module's docstring).
    """
    unknown = set(reasons) - set(REASONS)
    assert not unknown, f"reasons missing from eventreg.errors.REASONS: {unknown}"
    listed = ", ".join(f"`{reason}`" for reason in reasons)
    response = {
        "description": f"{description} Reason: {listed}.",
        "content": {"application/json": {"schema": {"allOf": [
            {"$ref": "#/components/schemas/Error"},
            {"properties": {"error": {"enum": list(reasons)}}},
        ]}}},
    }
    if rules:
        response["description"] += " Beyond the schema: " + " ".join(
            f"`{path}`: {rule}" for path, rule in rules.items())
        response["x-rules-beyond-schema"] = rules
    if headers:
        response["headers"] = headers
    return response


def _ok(schema: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
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


ORGANISER = [{"organiserToken": []}]
DOOR = [{"doorToken": []}]
#: Anyone; an organiser token of the event's organisation shows more.
ANYONE_OR_ORGANISER = [{}, {"organiserToken": []}]


def operation(operation_id: str, summary: str, *, responses: dict, security: list | None = None,
              body: tuple[str, dict] | None = None, rules: dict[str, str] | None = None,
              rate_limited: bool = False, invalid_reasons: tuple[str, ...] = (),
              **details) -> dict:
    """An operation with the answers every operation of its kind can give.

    Any operation may answer 503 while the database is down; one with a body 413, 415 and
    422 (with `rules` beyond the schema, and `invalid_reasons` besides validation_failed
    and invalid_json); one that needs a token 401; a `rate_limited` one 429.
    """
    answers = dict(responses)
    if security == ORGANISER:
        answers["401"] = error_response("No live organiser API token.", "unauthorized")
    elif security == DOOR:
        answers["401"] = error_response(
            "No live door token: the phone should forget the names it kept.",
            "door_unknown", "door_revoked", "door_expired")
    if body is not None:
        details["requestBody"] = _json_body(*body)
        answers["413"] = error_response("The body is too large.", "request_too_large")
        answers["415"] = error_response("The body is not sent as JSON.", "unsupported_media_type")
    if body is not None or rules:
        answers["422"] = error_response(
            "Invalid input: `fields` says which and why.", "validation_failed",
            *(("invalid_json",) if body is not None else ()),
            *invalid_reasons, rules=rules)
    if rate_limited:
        answers["429"] = error_response("Too many requests from this address.",
                                        "too_many_requests", headers=RETRY_AFTER)
    answers["503"] = error_response("The database cannot be reached now; nothing was done.",
                                    "database_unavailable", headers=RETRY_AFTER)
    result = {"operationId": operation_id, "summary": summary, **details,
              "responses": dict(sorted(answers.items()))}
    if security is not None:
        result["security"] = security
    return result


# --- requests ------------------------------------------------------------------------------

SLUG = {"type": "string", "minLength": 1, "maxLength": MAX_SLUG_LENGTH,
        "pattern": SLUG_PATTERN.pattern}
EVENT_FIELDS = {
    "title": language_texts(EVENT_TEXT_LIMITS["title"], required=True),
    "description": language_texts(EVENT_TEXT_LIMITS["description"]),
    "privacy_notice": language_texts(EVENT_TEXT_LIMITS["privacy_notice"]),
    "venue": text(EVENT_TEXT_LIMITS["venue"]),
    "address": text(EVENT_TEXT_LIMITS["address"]),
    "timezone": {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$",
                 "examples": ["Europe/Sofia"]},
    "starts_at": TIME,
    "ends_at": TIME,
    "registration_opens_at": NULLABLE_TIME,
    "registration_closes_at": NULLABLE_TIME,
    "capacity": CAPACITY,
    "age_mode": {"enum": list(AGE_MODES)},
    "asks_sex": {"type": "boolean",
                 "description": "Whether each attendee is asked their sex (see Attendee.sex)."},
    "delete_sex_answers": {
        "type": "boolean",
        "description": "Set true with `asks_sex: false` to delete the answers already given; "
                       "without it that change is refused (`sex_answers_would_be_deleted`).",
    },
    "programme_id": {**ID, "type": ["integer", "null"]},
    "slug": SLUG,
}
EVENT_RULES = {
    "starts_at": REAL_TIME_RULE,
    "ends_at": REAL_TIME_RULE + " After `starts_at`.",
    "registration_opens_at": REAL_TIME_RULE,
    "registration_closes_at": REAL_TIME_RULE + " After `registration_opens_at`.",
    "timezone": "An IANA time zone name this server knows, e.g. Europe/Sofia.",
    "programme_id": "One of the organisation's programmes.",
    "slug": "Not the address of another event.",
}
EVENT_UPDATE_RULES = {
    **EVENT_RULES,
    "capacity": "Not below the places already taken.",
    "asks_sex": "Turning it off when people answered is refused "
                "(`sex_answers_would_be_deleted`) unless `delete_sex_answers` is true.",
}
ACTIVITY_FIELDS = {
    "title": language_texts(ACTIVITY_TEXT_LIMITS["title"], required=True),
    "place": text(ACTIVITY_TEXT_LIMITS["place"]),
    "starts_at": NULLABLE_TIME,
    "ends_at": NULLABLE_TIME,
    "capacity": CAPACITY,
    "position": {"type": "integer", "minimum": -MAX_POSITION, "maximum": MAX_POSITION},
}
ACTIVITY_RULES = {"starts_at": REAL_TIME_RULE, "ends_at": REAL_TIME_RULE + " After `starts_at`."}
ACTIVITY_UPDATE_RULES = {**ACTIVITY_RULES, "capacity": "Not below the places already taken."}
CLIENT_ID = {
    "type": "string", "minLength": 16, "maxLength": MAX_CLIENT_ID_LENGTH, "pattern": NO_CONTROL,
    "description": "A random id you make for this submission (e.g. a UUID). Sending it again "
    "with the same body returns the first registration; with another body it is refused "
    "(client_id_reused).",
}
CONSENT = {"type": "boolean",
           "description": "The person agreed to the event's privacy notice: must be true."}
#: A name of invisible characters only (U+200B, U+202E, ...) is no name (eventreg/text.py).
NAME_RULE = "Must show something: a name of invisible characters only is refused."
PERSON_RULES = {
    "attendees.*.name": NAME_RULE,
    "consent": "Must be true.",
    "attendees.*.age_group": "Required (child or adult) where the event's `age_mode` is "
                             "age_group.",
    "attendees.*.birth_year": "Required where the event's `age_mode` is birth_year: a year of "
                              "the last 120.",
    "attendees.*.sex": "Required where the event's `asks_sex` is true.",
    "attendees.*.activities": "Activities of this event.",
}


def attendees_schema(*, with_answers: bool) -> dict:
    """The party as sent to register (with answers) or at the door (names and choices)."""
    person = {
        "name": not_blank_text(MAX_NAME_LENGTH),
        "age_group": {"enum": [*AGE_GROUPS, None]},
        "birth_year": {"type": ["integer", "null"], "minimum": 1800, "maximum": 2200},
        "sex": {"enum": [*SEXES, None],
                "description": "Required where the event's `asks_sex` is true."},
        "activities": {"type": "array", "maxItems": 50, "items": ID},
    }
    if with_answers:
        person["answers"] = ANSWERS
    return {
        "type": "array", "minItems": 1, "maxItems": MAX_PARTY_SIZE,
        "items": {"type": "object", "additionalProperties": False, "required": ["name"],
                  "properties": person},
    }


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
                   "More than 5 minutes in the future counts as now."},
}
CHECKIN_RULES = {
    "activity": "One this door serves; a door of several activities must say which.",
    "scanned_at": REAL_TIME_RULE,
}
CHECKIN_EXAMPLE_QR = "AEAAAAAB" + "A" * 109


# --- answers' bodies -----------------------------------------------------------------------


def closed_object(properties: dict, *, optional: tuple[str, ...] = (), **extra) -> dict:
    """An object with exactly these properties, all present but the `optional` ones."""
    return {"type": "object", "additionalProperties": False,
            "required": [name for name in properties if name not in optional],
            "properties": properties, **extra}


def schema_ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


ANSWERED_TEXTS = {"type": "object", "propertyNames": {"enum": list(LANGUAGE_CODES)},
                  "additionalProperties": {"type": "string"}}
PUBLIC_ACTIVITY = {
    "id": {"type": "integer"}, "title": ANSWERED_TEXTS, "place": {"type": "string"},
    "starts_at": NULLABLE_DATE_TIME, "ends_at": NULLABLE_DATE_TIME, "places_left": PLACES_LEFT,
}
QUESTION = closed_object({
    "id": {"type": "integer"},
    "label": ANSWERED_TEXTS,
    "kind": {"enum": list(QUESTION_KINDS)},
    "required": {"type": "boolean"},
    "asked_per": {"enum": list(QUESTION_SCOPES)},
    "options": {"type": "array", "items": closed_object(
        {"value": {"type": "string"}, "label": ANSWERED_TEXTS})},
})
PUBLIC_EVENT = {
    "slug": {"type": "string"},
    "title": ANSWERED_TEXTS,
    "description": ANSWERED_TEXTS,
    "privacy_notice": ANSWERED_TEXTS,
    "venue": {"type": "string"},
    "address": {"type": "string"},
    "timezone": {"type": "string"},
    "starts_at": DATE_TIME,
    "ends_at": DATE_TIME,
    "status": {"enum": list(STATUSES)},
    "registration_open": {"type": "boolean"},
    "places_left": PLACES_LEFT,
    "age_mode": {"enum": list(AGE_MODES)},
    "asks_sex": {"type": "boolean"},
    "activities": {"type": "array", "items": schema_ref("PublicActivity")},
    "questions": {"type": "array", "items": schema_ref("Question")},
}
ORGANISERS_EVENT = {
    **PUBLIC_EVENT,
    "activities": {"type": "array", "items": schema_ref("Activity")},
    "capacity": CAPACITY,
    "registration_opens_at": NULLABLE_DATE_TIME,
    "registration_closes_at": NULLABLE_DATE_TIME,
    "programme": {
        "oneOf": [
            closed_object({"id": {"type": "integer"}, "name": {"type": "string"},
                           "funder": {"type": ["string", "null"]}}),
            {"type": "null"},
        ],
        "description": "The programme or project the event belongs to, with its funder.",
    },
}
ANSWER = {"anyOf": [{"type": "string"}, {"type": "boolean"},
                    {"type": "array", "items": {"type": "string"}}]}
STORED_ANSWERS = {"type": "object", "propertyNames": {"pattern": "^[0-9]+$"},
                  "additionalProperties": ANSWER,
                  "description": "Answers keyed by question id."}
ATTENDEE = {
    "id": {"type": "integer"},
    "name": {"type": "string"},
    "age_group": {"enum": [*AGE_GROUPS, None]},
    "birth_year": {"type": ["integer", "null"]},
    "sex": {"enum": [*SEXES, None]},
    "ticket_code": {"type": "string", "pattern": "^[A-Z2-9]{5}-[A-Z2-9]{5}$"},
    "status": {"enum": ["valid", "cancelled"]},
    "activities": {"type": "array", "items": {"type": "integer"}},
    "answers": STORED_ANSWERS,
}
TICKET = {
    "qr": {"type": "string", "description": "The signed token the QR code carries (valid "
           "tickets only)."},
    "qr_png_url": {"type": "string", "format": "uri"},
}
REGISTRATION = {
    "id": {"type": "integer"},
    "event": {"type": "string", "description": "The event's slug."},
    "created_at": DATE_TIME,
    "cancelled_at": NULLABLE_DATE_TIME,
    "language": {"enum": list(LANGUAGE_CODES)},
    "contact": closed_object({"name": {"type": "string"},
                              "email": {"type": ["string", "null"], "format": "email"},
                              "phone": {"type": ["string", "null"],
                                        "description": "E.164, e.g. +359881234567."}}),
    "answers": STORED_ANSWERS,
    "attendees": {"type": "array", "items": schema_ref("Attendee")},
}
CHECKIN_ATTENDEE = closed_object({
    "id": {"type": "integer"}, "name": {"type": "string"}, "ticket_code": {"type": "string"},
    "party": {"type": "integer", "description": "The registration's id."},
    "party_size": {"type": "integer", "minimum": 0,
                   "description": "Valid tickets of the registration."},
    "activities": {"type": "array", "items": {"type": "integer"}},
    "cancelled": {"type": "boolean"},
})
PLACE_COUNTS = {"registered": {"type": "integer", "minimum": 0},
                "checked_in": {"type": "integer", "minimum": 0},
                "inside": {"type": "integer", "minimum": 0}}

SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True, "schema": SLUG,
                  "example": "world-refugee-day-2026"}
ACTIVITY_PARAMETER = {"name": "activity_id", "in": "path", "required": True, "schema": ID,
                      "example": 1}
EVENT_NOT_FOUND = error_response("No such event (or not one of the caller's organisation).",
                                 "event_not_found")
EXPORT_HEADERS = {
    "Content-Disposition": {"required": True, "description": "attachment, with a file name.",
                            "schema": {"type": "string", "pattern": "^attachment; filename="}},
    "Cache-Control": {"required": True, "schema": {"const": "private, no-store"}},
}


def _download(media_type: str, description: str, schema: dict) -> dict:
    return {"description": description, "headers": EXPORT_HEADERS,
            "content": {media_type: {"schema": schema}}}


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
                "page or `flask create-door-access EVENT_SLUG NAME`. Bodies are JSON "
                "(`Content-Type: application/json`, at most 1 MiB, no NUL character in any "
                "text). Errors are `{\"error\": reason, \"message\": text, \"fields\": "
                "{path: text}}`; each answer below lists the reasons it can carry, and "
                "`message` and `fields` follow Accept-Language. Every reason: "
                + "; ".join(f"`{code}`: {meaning}" for code, meaning in REASONS.items())
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/events": {
                "get": operation(
                    "listEvents", "Published events that have not ended, soonest first.",
                    description="As their public pages show them, to anyone.",
                    responses={"200": _ok("EventList")},
                ),
                "post": operation(
                    "createEvent", "Create a draft event of the token's organisation.",
                    security=ORGANISER,
                    body=("EventCreate", {
                        "title": {"en": "Info session: safe travel and work abroad",
                                  "bg": "Информационна среща: безопасно пътуване и работа в "
                                        "чужбина"},
                        "description": {"en": "An hour of questions and answers."},
                        "privacy_notice": {"en": "We keep your name to count attendance and "
                                                 "delete it 6 months after the event."},
                        "venue": "Community centre", "address": "Fakulteta, Sofia",
                        "timezone": "Europe/Sofia",
                        "starts_at": "2027-03-12T17:00:00", "ends_at": "2027-03-12T18:30:00",
                        "capacity": 40,
                    }),
                    rules=EVENT_RULES,
                    responses={"201": _ok("Event", "Created")},
                ),
            },
            "/events/{slug}": {
                "parameters": [SLUG_PARAMETER],
                "get": operation(
                    "getEvent", "One public event (or one of the caller's organisation).",
                    description="Anyone gets the event as its public page shows it "
                    "(PublicEvent; drafts are not found); an organiser token of the event's "
                    "organisation gets its setup too (Event), drafts included.",
                    security=ANYONE_OR_ORGANISER,
                    responses={
                        "200": {"description": "OK", "content": {"application/json": {
                            "schema": {"anyOf": [schema_ref("PublicEvent"), schema_ref("Event")]},
                        }}},
                        "404": EVENT_NOT_FOUND,
                    },
                ),
                "patch": operation(
                    "updateEvent", "Change some of an event's details; fields left out keep "
                    "theirs.",
                    security=ORGANISER,
                    body=("EventUpdate", {
                        "venue": "Borisova Gradina, the meadow by the Ariana lake",
                    }),
                    rules=EVENT_UPDATE_RULES, invalid_reasons=("sex_answers_would_be_deleted",),
                    responses={"200": _ok("Event"), "404": EVENT_NOT_FOUND},
                ),
            },
            "/events/{slug}/publish": {
                "parameters": [SLUG_PARAMETER],
                "post": operation(
                    "publishEvent", "Publish the event so people can register.",
                    security=ORGANISER,
                    responses={
                        "200": _ok("Event"), "404": EVENT_NOT_FOUND,
                        "409": error_response("Cannot be published now (a cancelled or "
                                              "published event; no privacy notice).",
                                              "invalid_status_change",
                                              "privacy_notice_missing"),
                    },
                ),
            },
            "/events/{slug}/activities": {
                "parameters": [SLUG_PARAMETER],
                "post": operation(
                    "createActivity", "Add an activity (workshop, session, transport run).",
                    security=ORGANISER,
                    body=("ActivityCreate", {
                        "title": {"en": "Face painting", "uk": "Аквагрим"},
                        "place": "Children's corner", "capacity": 25,
                    }),
                    rules=ACTIVITY_RULES,
                    responses={"201": _ok("Activity", "Created"), "404": EVENT_NOT_FOUND},
                ),
            },
            "/events/{slug}/activities/{activity_id}": {
                "parameters": [SLUG_PARAMETER, ACTIVITY_PARAMETER],
                "patch": operation(
                    "updateActivity", "Change some of an activity's details.",
                    security=ORGANISER,
                    body=("ActivityUpdate", {"place": "Tent 2"}),
                    rules=ACTIVITY_UPDATE_RULES,
                    responses={
                        "200": _ok("Activity"),
                        "404": error_response("No such event of the caller's organisation, "
                                              "no such activity in it, or an activity_id "
                                              "that is not a number (no such path).",
                                              "event_not_found", "activity_not_found",
                                              "not_found"),
                    },
                ),
            },
            "/events/{slug}/registrations": {
                "parameters": [SLUG_PARAMETER],
                "post": operation(
                    "createRegistration", "Register a party; the same rules as the web form.",
                    description="Send the same `client_id` again to retry safely: the first "
                    "registration is returned and nothing is made twice.",
                    body=("RegistrationCreate", {
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
                    rules={
                        **PERSON_RULES,
                        "contact.name": NAME_RULE,
                        "contact.email": "An address mail can be sent to, e.g. "
                                         "name@example.org.",
                        "contact.phone": "A phone number, with its country code unless it is "
                                         "of the server's region.",
                        "answers.*": ANSWERS_RULE,
                        "attendees.*.answers.*": ANSWERS_RULE,
                    },
                    rate_limited=True,
                    responses={
                        "201": _ok("RegistrationCreated", "Registered"),
                        "404": EVENT_NOT_FOUND,
                        "409": error_response(
                            "Refused: nothing was registered.", "registration_closed",
                            "event_full", "activity_full", "client_id_reused"),
                    },
                ),
                "get": operation(
                    "listRegistrations", "The event's registrations, newest first, with counts.",
                    security=ORGANISER,
                    parameters=[{"name": "q", "in": "query", "required": False,
                                 "schema": text(MAX_SEARCH_LENGTH),
                                 "description": "Words to find in names (in either "
                                 "alphabet), contact details and ticket codes."}],
                    responses={"200": _ok("RegistrationList"), "404": EVENT_NOT_FOUND,
                               "422": error_response("Invalid query: `fields` says which.",
                                                     "validation_failed")},
                ),
            },
            "/events/{slug}/attendees.csv": {
                "parameters": [SLUG_PARAMETER],
                "get": operation(
                    "exportAttendeesCsv", "The event's attendees with answers, activity choices "
                    "and check-in times, one row each, as UTF-8 CSV.",
                    description="Cells that a spreadsheet would run as a formula (starting "
                    "with =, +, -, @) get a leading apostrophe; phone numbers stay as they are. "
                    "Headers follow Accept-Language.",
                    security=ORGANISER,
                    responses={
                        "200": _download("text/csv", "The CSV file (UTF-8).", {"type": "string"}),
                        "404": EVENT_NOT_FOUND,
                    },
                ),
            },
            "/events/{slug}/attendees.xlsx": {
                "parameters": [SLUG_PARAMETER],
                "get": operation(
                    "exportAttendeesXlsx", "The same as an XLSX workbook (text cells, never "
                    "formulas).",
                    security=ORGANISER,
                    responses={
                        "200": _download(
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            "The XLSX file.", {"type": "string", "contentMediaType":
                                               "application/vnd.openxmlformats-officedocument"
                                               ".spreadsheetml.sheet"}),
                        "404": EVENT_NOT_FOUND,
                    },
                ),
            },
            "/door": {
                "get": operation(
                    "getDoor", "The door, its event and live counts.",
                    description="The event's `public_key` (Ed25519, raw, base64url) verifies "
                    "ticket QR codes offline: a token is the base32 text of version (1 byte) | "
                    "event id (4, big-endian) | attendee id (4) | signature of those 9 bytes.",
                    security=DOOR,
                    responses={"200": _ok("Door")},
                ),
            },
            "/door/attendees": {
                "get": operation(
                    "listDoorAttendees", "The event's attendees as a door may see them, for "
                    "offline use.",
                    description="Without `since`, all of them; with the `cursor` of the last "
                    "answer, those changed since (a few seconds' overlap: merge rows by id).",
                    security=DOOR,
                    parameters=[{"name": "since", "in": "query", "required": False,
                                 "schema": {"type": "string", "pattern": TIME_PATTERN},
                                 "description": "The `cursor` of the previous answer."}],
                    rules={"since": REAL_TIME_RULE},
                    responses={"200": _ok("DoorAttendees")},
                ),
            },
            "/door/walk-ins": {
                "post": operation(
                    "createWalkIn", "Register people at the door and check them in at once.",
                    description="The same capacity rule as online registration; allowed "
                    "while the event is published or closed to online registration.",
                    security=DOOR,
                    body=("WalkInCreate", {
                        "consent": True, "language": "bg",
                        "attendees": [{"name": "Ivana Petrova", "age_group": "adult",
                                       "sex": "female"}],
                    }),
                    rules={
                        **PERSON_RULES,
                        "attendees.*.activities": "Activities of this event; at an activity's "
                        "door, (one of) its activities.",
                        "phone": "A phone number, with its country code unless it is of the "
                                 "server's region.",
                    },
                    responses={
                        "201": _ok("WalkInCreated", "Registered and checked in"),
                        "409": error_response("Refused: nobody was registered.",
                                              "registration_closed", "event_full",
                                              "activity_full", "client_id_reused"),
                    },
                ),
            },
            "/checkins": {
                "post": operation(
                    "createCheckin", "Check a ticket in (or out, with action check_out) at "
                    "this door.",
                    description="Answers 200 with the outcome in `status` for every scan, "
                    "refused ones included. Of two doors scanning one ticket at once, exactly "
                    "one gets checked_in.",
                    security=DOOR,
                    body=("CheckinCreate", {
                        "qr": CHECKIN_EXAMPLE_QR,
                        "client_id": "3b4f6c1e-8d2a-4f7b-9c1d-5e6f7a8b9c0d",
                    }),
                    rules=CHECKIN_RULES,
                    responses={"200": _ok("CheckinResult")},
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
                    responses={"200": _ok("CheckinResult")},
                ),
            },
            "/checkins/batch": {
                "post": operation(
                    "createCheckinBatch", "Upload scans made while offline.",
                    description="Each item is recorded on its own, in the order scanned; "
                    "the earliest scan of a ticket is its check-in and a later one, from any "
                    "door, a duplicate (already_checked_in); an item this door cannot take "
                    "comes back `invalid`. Answers in the order sent.",
                    security=DOOR,
                    body=("CheckinBatch", {"checkins": [
                        {"qr": CHECKIN_EXAMPLE_QR, "client_id": "7d1e2f3a-offline-1",
                         "scanned_at": "2027-06-20T10:42:05+03:00"},
                        {"attendee_id": 1, "action": "check_out",
                         "client_id": "7d1e2f3a-offline-2",
                         "scanned_at": "2027-06-20T12:15:00+03:00"},
                    ]}),
                    rules={"checkins.*.scanned_at": REAL_TIME_RULE},
                    responses={"200": _ok("CheckinBatchResult")},
                ),
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
                "Error": closed_object({
                    "error": {"enum": list(REASONS), "description": "; ".join(
                        f"`{code}`: {meaning}" for code, meaning in REASONS.items())},
                    "message": {"type": "string", "description": "For people, in the "
                                "language Accept-Language asks."},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"},
                               "description": "A message per field at fault, keyed by its "
                               "path in the request (`attendees.0.name`)."},
                }),
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
                        "client_id": CLIENT_ID,
                        "language": {"enum": list(LANGUAGE_CODES)},
                        "contact": {
                            "type": "object", "additionalProperties": False,
                            "description": "Email, phone, both or neither.",
                            "properties": {
                                "name": {**text(MAX_NAME_LENGTH), "type": ["string", "null"]},
                                "email": {**text(254), "type": ["string", "null"]},
                                "phone": {**text(40), "type": ["string", "null"]},
                            },
                        },
                        "consent": CONSENT,
                        "answers": ANSWERS,
                        "attendees": attendees_schema(with_answers=True),
                    },
                },
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
                "PublicActivity": closed_object(PUBLIC_ACTIVITY),
                "Activity": closed_object({**PUBLIC_ACTIVITY, "capacity": CAPACITY}),
                "Question": QUESTION,
                "PublicEvent": closed_object(
                    PUBLIC_EVENT, description="An event as its public page shows it."),
                "Event": closed_object(
                    ORGANISERS_EVENT, description="An event as its organisers see it."),
                "EventList": closed_object({"events": {
                    "type": "array", "items": schema_ref("PublicEvent")}}),
                "Attendee": closed_object({**ATTENDEE, **TICKET}, optional=tuple(TICKET)),
                "RegistrationCreated": closed_object({
                    **REGISTRATION,
                    "ticket_page_url": {"type": "string", "format": "uri",
                                        "description": "Private link to every ticket."},
                }),
                "Registration": closed_object({
                    **REGISTRATION,
                    "attendees": {"type": "array", "items": closed_object(ATTENDEE)},
                }),
                "RegistrationList": closed_object({
                    "registrations": {"type": "array", "items": schema_ref("Registration")},
                    "counts": closed_object({
                        "registrations": {"type": "integer", "minimum": 0},
                        "attendees": {"type": "integer", "minimum": 0,
                                      "description": "Valid tickets."},
                        "cancelled_attendees": {"type": "integer", "minimum": 0},
                        "activities": {"type": "object",
                                       "additionalProperties": {"type": "integer"},
                                       "description": "Places taken per activity id."},
                    }),
                }),
                "CheckinResult": closed_object({
                    "client_id": {"type": "string"},
                    "action": {"enum": ["check_in", "check_out", "undo"]},
                    "status": {
                        "enum": list(CHECKIN_STATUSES),
                        "description": "; ".join(
                            f"`{code}`: {text}" for code, text in CHECKIN_STATUSES.items()),
                    },
                    "scanned_at": DATE_TIME,
                    "activity": {"type": ["integer", "null"]},
                    "replayed": {"type": "boolean",
                                 "description": "True when repeating the first answer."},
                    "attendee": {"oneOf": [CHECKIN_ATTENDEE, {"type": "null"}],
                                 "description": "Null when the code named nobody of this "
                                 "event."},
                    "checked_in_at": NULLABLE_DATE_TIME,
                    "checked_in_door": {"type": ["string", "null"]},
                }),
                "CheckinBatchResult": closed_object({"results": {
                    "type": "array", "items": schema_ref("CheckinResult"),
                }}),
                "WalkInCreated": closed_object({
                    "registration": {"type": "integer"},
                    "results": {"type": "array", "items": schema_ref("CheckinResult")},
                }),
                "Door": closed_object({
                    "door": closed_object({
                        "id": {"type": "integer"}, "name": {"type": "string"},
                        "activities": {"type": "array", "items": {"type": "integer"}},
                        "records_exits": {"type": "boolean"},
                        "expires_at": DATE_TIME,
                    }),
                    "event": closed_object({
                        "id": {"type": "integer"}, "slug": {"type": "string"},
                        "title": ANSWERED_TEXTS, "status": {"enum": list(STATUSES)},
                        "timezone": {"type": "string"}, "starts_at": DATE_TIME,
                        "ends_at": DATE_TIME, "age_mode": {"enum": list(AGE_MODES)},
                        "asks_sex": {"type": "boolean"}, "capacity": CAPACITY,
                        "places_left": PLACES_LEFT,
                        "public_key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$"},
                        "activities": {"type": "array", "items": closed_object({
                            "id": {"type": "integer"}, "title": ANSWERED_TEXTS,
                            "place": {"type": "string"}, "capacity": CAPACITY,
                            "places_left": PLACES_LEFT,
                        })},
                    }),
                    "counts": closed_object(
                        {**PLACE_COUNTS, "walk_ins": {"type": "integer", "minimum": 0},
                         "activities": {"type": "object",
                                        "additionalProperties": closed_object(PLACE_COUNTS)}},
                        description="registered, checked_in, inside (now), walk_ins, and the "
                        "same per activity id."),
                }),
                "DoorAttendees": closed_object({
                    "cursor": {**DATE_TIME, "description": "Send it back as `since` next time."},
                    "complete": {"type": "boolean",
                                 "description": "True for the whole list (no `since`)."},
                    "attendees": {"type": "array", "items": closed_object({
                        "id": {"type": "integer"},
                        "party": {"type": "integer", "description": "The registration's id: "
                                  "attendees with the same one came together."},
                        "name": {"type": "string"},
                        "ticket_code": {"type": "string"},
                        "status": {"enum": ["valid", "cancelled"]},
                        "checked_in_at": NULLABLE_DATE_TIME,
                        "checked_in_door": {"type": ["string", "null"]},
                        "left_at": {**NULLABLE_DATE_TIME, "description": "Set while they are "
                                    "out."},
                        "activities": {"type": "array", "items": closed_object({
                            "id": {"type": "integer"},
                            "checked_in_at": NULLABLE_DATE_TIME,
                            "left_at": NULLABLE_DATE_TIME,
                        })},
                    })},
                }, description="An activity's door gets only the attendees who chose (one of) "
                   "its activities. Names, codes and check-in state only: no contact details, "
                   "no answers."),
            },
        },
    }
