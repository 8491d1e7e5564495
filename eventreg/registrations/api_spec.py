"""The registrations part of the OpenAPI document: the party as sent and as answered, and
the registrations path of an event.

The limits come from the service (`MAX_PARTY_SIZE`, ...); the door's walk-ins
(eventreg/checkin/api_spec.py) send the same party.
"""

from eventreg.api.spec import (
    DATE_TIME,
    ID,
    NO_CONTROL,
    NULLABLE_DATE_TIME,
    ORGANISER,
    closed_object,
    error_response,
    not_blank_text,
    ok,
    operation,
    schema_ref,
    text,
)
from eventreg.database import MAX_CLIENT_ID_LENGTH
from eventreg.events.api_spec import EVENT_NOT_FOUND, SLUG_PARAMETER
from eventreg.events.models import AGE_GROUPS, CONSENT_KINDS, SEXES
from eventreg.i18n import LANGUAGE_CODES
from eventreg.registrations.search import MAX_SEARCH_LENGTH
from eventreg.registrations.service import (
    MAX_DOOR_NOTE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_PARTY_SIZE,
    MAX_TEXT_ANSWER_LENGTH,
)

# --- requests ------------------------------------------------------------------------------

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
PHONE_RULE = "A phone number, with its country code unless it is of the server's region."
PERSON_RULES = {
    "attendees.*.name": NAME_RULE,
    "consent": "Must be true.",
    "attendees.*.age_group": "Required (child or adult) where the event's `age_mode` is "
                             "age_group.",
    "attendees.*.birth_year": "Required where the event's `age_mode` is birth_year: a year of "
                              "the last 120.",
    "attendees.*.sex": "Required where the event's `asks_sex` is true.",
    "attendees.*.activities": "Activities of this event.",
    "attendees.*.consents": "Consents this event asks (its `optional_consents`).",
    "attendees.*.door_note": f"At most {MAX_DOOR_NOTE_LENGTH} characters (a longer note is "
                             "refused with a message, not cut).",
}
DOOR_NOTE = {
    "type": ["string", "null"], "pattern": NO_CONTROL,
    "description": "Optional: a short note for the volunteers at this event's doors "
    "(\"needs an interpreter\", \"uses a wheelchair\", \"comes with a guardian\"). "
    "Shown when this person's ticket is scanned, online and offline, only at this event's "
    "doors and to its organisers; personal data, anonymised with the rest after the "
    "event's retention, erased on erasure. Tell the person so where you ask it.",
}
CONSENTS = {
    "type": "array", "uniqueItems": True, "maxItems": len(CONSENT_KINDS),
    "items": {"enum": list(CONSENT_KINDS)},
    "description": "The optional consents this person gives, of those the event asks "
    "(`optional_consents`; their words in `consent_texts`), stored with the words in "
    "`language`. Left out or empty: none, which never refuses admission. For a child, a "
    "parent or guardian decides.",
}
WAITLIST_RULE = ("Activities of this event. A person waits only for activities not among "
                 "their `activities`; one also chosen there is left out here.")


def attendees_schema(*, with_answers: bool) -> dict:
    """The party as sent to register (with answers) or at the door (names and choices)."""
    person = {
        "name": not_blank_text(MAX_NAME_LENGTH),
        "age_group": {"enum": [*AGE_GROUPS, None]},
        "birth_year": {"type": ["integer", "null"], "minimum": 1800, "maximum": 2200},
        "sex": {"enum": [*SEXES, None],
                "description": "Required where the event's `asks_sex` is true."},
        "activities": {"type": "array", "maxItems": 50, "items": ID},
        "consents": CONSENTS,
        "door_note": DOOR_NOTE,
    }
    if with_answers:
        person["answers"] = ANSWERS
        person["waitlist_activities"] = {
            "type": "array", "maxItems": 50, "items": ID,
            "description": "Full activities this person waits for while the party registers "
            "now: the tickets are made at once, and the person joins each activity's waiting "
            "list (strictly first come, first served); when a place frees up it is theirs, "
            "and the party is told. An activity with a place free is theirs at once.",
        }
    return {
        "type": "array", "minItems": 1, "maxItems": MAX_PARTY_SIZE,
        "items": {"type": "object", "additionalProperties": False, "required": ["name"],
                  "properties": person},
    }


# --- answers' bodies -----------------------------------------------------------------------

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
    "waitlist_activities": {
        "type": "array",
        "items": closed_object({"activity": {"type": "integer"},
                                "place": {"type": "integer", "minimum": 1,
                                          "description": "1 for the first in line."}}),
        "description": "Activities the person waits for, with their place in each line.",
    },
    "answers": STORED_ANSWERS,
    "consents": {"type": "array", "items": {"enum": list(CONSENT_KINDS)},
                 "description": "The optional consents of this person that hold now (given, "
                 "not withdrawn, and for a partner, naming the event's)."},
    "door_note": {"type": "string",
                  "description": "The note for the doors (empty for none). In the answer to "
                  "a new registration (as sent) and in the organisers' list; not in the "
                  "answer to a repeated submission."},
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
COUNTS = closed_object({
    "registrations": {"type": "integer", "minimum": 0},
    "attendees": {"type": "integer", "minimum": 0, "description": "Valid tickets."},
    "cancelled_attendees": {"type": "integer", "minimum": 0},
    "activities": {"type": "object", "additionalProperties": {"type": "integer"},
                   "description": "Places taken per activity id."},
})

SCHEMAS = {
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
    "Attendee": closed_object({**ATTENDEE, **TICKET}, optional=(*TICKET, "door_note")),
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
        "counts": COUNTS,
    }),
}

# --- paths ---------------------------------------------------------------------------------

REGISTRATION_EXAMPLE = {
    "language": "uk",
    "contact": {"name": "Olena Kovalenko", "phone": "+359 88 123 4567"},
    "consent": True,
    "attendees": [
        {"name": "Olena Kovalenko", "age_group": "adult", "sex": "female"},
        {"name": "Mykola Kovalenko", "age_group": "child", "sex": "prefer_not_to_say",
         "consents": []},
    ],
}
SEARCH_PARAMETER = {"name": "q", "in": "query", "required": False,
                    "schema": text(MAX_SEARCH_LENGTH),
                    "description": "Words to find in names (in either alphabet), contact "
                    "details and ticket codes."}

PATHS = {
    "/events/{slug}/registrations": {
        "parameters": [SLUG_PARAMETER],
        "post": operation(
            "createRegistration", "Register a party; the same rules as the web form.",
            description="Send the same `client_id` again to retry safely: the first "
            "registration is returned and nothing is made twice.",
            body=("RegistrationCreate", REGISTRATION_EXAMPLE),
            rules={
                **PERSON_RULES,
                "contact.name": NAME_RULE,
                "contact.email": "An address mail can be sent to, e.g. name@example.org.",
                "contact.phone": PHONE_RULE,
                "answers.*": ANSWERS_RULE,
                "attendees.*.answers.*": ANSWERS_RULE,
                "attendees.*.waitlist_activities": WAITLIST_RULE,
            },
            rate_limited=True,
            responses={
                "201": ok("RegistrationCreated", "Registered"),
                "404": EVENT_NOT_FOUND,
                "409": error_response("Refused: nothing was registered.", "registration_closed",
                                      "event_full", "activity_full", "client_id_reused"),
            },
        ),
        "get": operation(
            "listRegistrations", "The event's registrations, newest first, with counts.",
            security=ORGANISER,
            parameters=[SEARCH_PARAMETER],
            responses={"200": ok("RegistrationList"), "404": EVENT_NOT_FOUND,
                       "422": error_response("Invalid query: `fields` says which.",
                                             "validation_failed")},
        ),
    },
}
