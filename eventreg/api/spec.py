"""The building blocks of the OpenAPI document, and the schemas requests are checked against.

Each feature's `api_spec.py` writes its part of the document (its component schemas and
paths) with these blocks; `eventreg/openapi.py` adds every part to `SCHEMAS` and `PATHS`
here and serves the document made of them, and `eventreg.api.json_body` and `query_args`
check requests against the same two, so the document and the checks cannot drift apart.
This module imports no feature package.

Every operation documents each status it can answer, with the reasons it can carry.
What JSON Schema cannot say (a rule that depends on the event, or on the calendar) is listed
in the operation's 422 answer under `x-rules-beyond-schema`: a field path (`*` for any one
segment) and the rule. A schema-valid request is refused with 422 only for those fields;
tests/api/test_conformance.py holds the API to that.
"""

import sys

from eventreg.database import MAX_ID
from eventreg.errors import REASONS
from eventreg.i18n import LANGUAGE_CODES
from eventreg.text import CONTROL_CHARACTERS

# --- texts, times and ids ------------------------------------------------------------------

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


#: A text per language as answered.
ANSWERED_TEXTS = {"type": "object", "propertyNames": {"enum": list(LANGUAGE_CODES)},
                  "additionalProperties": {"type": "string"}}

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
#: What the time rules beyond the schema say, for each time field that has them.
REAL_TIME_RULE = ("A date that exists (not 2027-02-30); without an offset, a time that "
                  "exists in the event's time zone (not in the hour the clocks skip).")


# --- objects and references ----------------------------------------------------------------


def closed_object(properties: dict, *, optional: tuple[str, ...] = (), **extra) -> dict:
    """An object with exactly these properties, all present but the `optional` ones."""
    return {"type": "object", "additionalProperties": False,
            "required": [name for name in properties if name not in optional],
            "properties": properties, **extra}


def schema_ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


ERROR = closed_object({
    "error": {"enum": list(REASONS), "description": "; ".join(
        f"`{code}`: {meaning}" for code, meaning in REASONS.items())},
    "message": {"type": "string", "description": "For people, in the "
                "language Accept-Language asks."},
    "fields": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "A message per field at fault, keyed by its "
               "path in the request (`attendees.0.name`)."},
})

SECURITY_SCHEMES = {
    "organiserToken": {"type": "http", "scheme": "bearer",
                       "description": "An organiser's API token (erg_...)."},
    "doorToken": {"type": "http", "scheme": "bearer",
                  "description": "A door access token (door_...), from the "
                  "event's Doors page or `flask create-door-access`."},
}
ORGANISER = [{"organiserToken": []}]
DOOR = [{"doorToken": []}]
#: Anyone; an organiser token of the event's organisation shows more.
ANYONE_OR_ORGANISER = [{}, {"organiserToken": []}]


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
            schema_ref("Error"),
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


def ok(schema: str, description: str = "OK") -> dict:
    """A JSON answer with the named component schema."""
    return {"description": description,
            "content": {"application/json": {"schema": schema_ref(schema)}}}


def json_request_body(schema: str, example: dict) -> dict:
    """A required JSON body of the named component schema, with a working example."""
    return {
        "required": True,
        "content": {"application/json": {"schema": schema_ref(schema), "example": example}},
    }


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
        details["requestBody"] = json_request_body(*body)
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


# --- the parts of the document -------------------------------------------------------------

#: Every component schema of the document by name: the Error schema here, the rest added by
#: eventreg/openapi.py from each feature's api_spec.py (add_to_document).
SCHEMAS: dict[str, dict] = {"Error": ERROR}
#: Every path of the document ("/events/{slug}") with its operations, added the same way.
PATHS: dict[str, dict] = {}


def add_to_document(schemas: dict[str, dict], paths: dict[str, dict]) -> None:
    """Add a feature's component schemas and paths to the document.

    Refuses (AssertionError) a schema name or a path already added: each has one definition.
    """
    for name in schemas:
        assert name not in SCHEMAS, f"the schema {name} is defined twice"
    for path in paths:
        assert path not in PATHS, f"the path {path} is defined twice"
    SCHEMAS.update(schemas)
    PATHS.update(paths)
