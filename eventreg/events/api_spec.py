"""The events part of the OpenAPI document: event and activity schemas and their paths.

The limits come from the service (`EVENT_TEXT_LIMITS`, ...), so the document, the request
checks and the rules cannot drift apart.
"""

from eventreg.api.spec import (
    ANSWERED_TEXTS,
    ANYONE_OR_ORGANISER,
    DATE_TIME,
    ID,
    NULLABLE_DATE_TIME,
    NULLABLE_TIME,
    ORGANISER,
    REAL_TIME_RULE,
    TIME,
    closed_object,
    error_response,
    language_texts,
    ok,
    operation,
    schema_ref,
    text,
)
from eventreg.events.models import (
    AGE_MODES,
    CONSENT_KINDS,
    QUESTION_KINDS,
    QUESTION_SCOPES,
    STATUSES,
    WAITLIST_ORDERS,
)
from eventreg.events.retention import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from eventreg.events.service import (
    ACTIVITY_TEXT_LIMITS,
    EVENT_TEXT_LIMITS,
    MAX_CAPACITY,
    MAX_POSITION,
    MAX_SLUG_LENGTH,
    SLUG_PATTERN,
)

CAPACITY = {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_CAPACITY,
            "description": "Places in all; null for no limit."}
PLACES_LEFT = {"type": ["integer", "null"], "minimum": 0,
               "description": "Places still free; null when there is no limit."}
SLUG = {"type": "string", "minLength": 1, "maxLength": MAX_SLUG_LENGTH,
        "pattern": SLUG_PATTERN.pattern}
SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True, "schema": SLUG,
                  "example": "world-refugee-day-2026"}
ACTIVITY_PARAMETER = {"name": "activity_id", "in": "path", "required": True, "schema": ID,
                      "example": 1}
EVENT_NOT_FOUND = error_response("No such event (or not one of the caller's organisation).",
                                 "event_not_found")

# --- requests ------------------------------------------------------------------------------

WAITLIST_ORDER = {
    "enum": list(WAITLIST_ORDERS),
    "description": "How the event's waiting list of whole parties moves when places free up. "
    "`strict` (the default): first come, first served; a party at the head that does not fit "
    "yet keeps everyone behind it waiting, so a family is not passed for ever by single people "
    "who each fit one freed place. `fit`: smaller parties behind it that fit go first, the "
    "bigger one keeping its place at the head. People waiting for a full activity are always "
    "served strictly in order (one person, one place).",
}

def texts_or_one_text(max_length: int) -> dict:
    """A text per language code, or one string as clients sent before venues and places had
    languages: that string is then the text of every language the event offers (those its
    title is written in). Answers always give a text per language code."""
    return {"oneOf": [language_texts(max_length),
                      text(max_length, description="One text for every language the event "
                           "offers (what clients sent before this had languages).")]}


EVENT_FIELDS = {
    "title": language_texts(EVENT_TEXT_LIMITS["title"], required=True),
    "description": language_texts(EVENT_TEXT_LIMITS["description"]),
    "privacy_notice": language_texts(EVENT_TEXT_LIMITS["privacy_notice"]),
    "venue": texts_or_one_text(EVENT_TEXT_LIMITS["venue"]),
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
    "sends_text_messages": {
        "type": "boolean",
        "description": "Whether parties with a phone are sent text messages (default true): "
                       "a party without an email is told everything by text, one with both "
                       "only of promotions and of the event moved or cancelled. False: "
                       "emails only.",
    },
    "delete_sex_answers": {
        "type": "boolean",
        "description": "Set true with `asks_sex: false` to delete the answers already given; "
                       "without it that change is refused (`sex_answers_would_be_deleted`).",
    },
    "optional_consents": {
        "type": "array", "uniqueItems": True, "maxItems": len(CONSENT_KINDS),
        "items": {"enum": list(CONSENT_KINDS)},
        "description": "Optional consents each attendee is asked (photos and video, contact "
                       "about future events, sharing with the partner `consent_partner` "
                       "names); every box starts unticked, and admission never depends on "
                       "them. See Attendee.consents.",
    },
    "consent_partner": text(EVENT_TEXT_LIMITS["consent_partner"], description=(
        "The partner a `partner_sharing` consent names. A consent counts for the partner "
        "it named: after a rename, nobody has agreed to share with the new name.")),
    "programme_id": {**ID, "type": ["integer", "null"]},
    "slug": SLUG,
    "waitlist_order": WAITLIST_ORDER,
    "retention_days": {
        "type": ["integer", "null"], "minimum": MIN_RETENTION_DAYS,
        "maximum": MAX_RETENTION_DAYS,
        "description": "Days after the event ends that its people's personal data is kept, "
                       "when shorter than the organisation's period; null keeps that period.",
    },
}
EVENT_RULES = {
    "starts_at": REAL_TIME_RULE,
    "ends_at": REAL_TIME_RULE + " After `starts_at`.",
    "registration_opens_at": REAL_TIME_RULE,
    "registration_closes_at": REAL_TIME_RULE + " After `registration_opens_at`.",
    "timezone": "An IANA time zone name this server knows, e.g. Europe/Sofia.",
    "programme_id": "One of the organisation's programmes.",
    "slug": "Not the address of another event.",
    "retention_days": "Not longer than the organisation's period (`validation_failed`, naming "
                      "`retention_days`).",
    "privacy_notice": "States no period of its own (`validation_failed`, naming "
                      "`privacy_notice`): the period configured is added to the notice people "
                      "see.",
    "consent_partner": "Not blank where `optional_consents` holds partner_sharing.",
}
EVENT_UPDATE_RULES = {
    **EVENT_RULES,
    "capacity": "Not below the places already taken.",
    "asks_sex": "Turning it off when people answered is refused "
                "(`sex_answers_would_be_deleted`) unless `delete_sex_answers` is true.",
}
ACTIVITY_FIELDS = {
    "title": language_texts(ACTIVITY_TEXT_LIMITS["title"], required=True),
    "place": texts_or_one_text(ACTIVITY_TEXT_LIMITS["place"]),
    "starts_at": NULLABLE_TIME,
    "ends_at": NULLABLE_TIME,
    "capacity": CAPACITY,
    "position": {"type": "integer", "minimum": -MAX_POSITION, "maximum": MAX_POSITION},
}
ASKS_PICKUP_CODES = {
    "type": "boolean", "description": "A children's workshop: each child checked in at the "
    "activity's own door gets a pick-up code (on the parent's ticket page too), and goes "
    "out only against it or a ticket of the same party. Default false."}
ACTIVITY_FIELDS["asks_pickup_codes"] = ASKS_PICKUP_CODES
ACTIVITY_RULES = {"starts_at": REAL_TIME_RULE, "ends_at": REAL_TIME_RULE + " After `starts_at`."}
ACTIVITY_UPDATE_RULES = {**ACTIVITY_RULES, "capacity": "Not below the places already taken."}

# --- answers' bodies -----------------------------------------------------------------------

PUBLIC_ACTIVITY = {
    "id": {"type": "integer"}, "title": ANSWERED_TEXTS, "place": ANSWERED_TEXTS,
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
    "venue": ANSWERED_TEXTS,
    "address": {"type": "string"},
    "timezone": {"type": "string"},
    "starts_at": DATE_TIME,
    "ends_at": DATE_TIME,
    "status": {"enum": list(STATUSES)},
    "registration_open": {"type": "boolean"},
    "places_left": PLACES_LEFT,
    "age_mode": {"enum": list(AGE_MODES)},
    "asks_sex": {"type": "boolean"},
    "sends_text_messages": {"type": "boolean"},
    "optional_consents": {"type": "array", "items": {"enum": list(CONSENT_KINDS)}},
    "consent_partner": {"type": "string"},
    "consent_texts": {
        "type": "object", "propertyNames": {"enum": list(CONSENT_KINDS)},
        "additionalProperties": ANSWERED_TEXTS,
        "description": "What ticking each consent asked agrees to, per language: the words "
                       "stored with a consent given in that language.",
    },
    "activities": {"type": "array", "items": schema_ref("PublicActivity")},
    "questions": {"type": "array", "items": schema_ref("Question")},
}
ORGANISERS_EVENT = {
    **PUBLIC_EVENT,
    "activities": {"type": "array", "items": schema_ref("Activity")},
    "capacity": CAPACITY,
    "registration_opens_at": NULLABLE_DATE_TIME,
    "registration_closes_at": NULLABLE_DATE_TIME,
    "retention_days": {"type": ["integer", "null"]},
    "waitlist_order": {"enum": list(WAITLIST_ORDERS)},
    "programme": {
        "oneOf": [
            closed_object({"id": {"type": "integer"}, "name": {"type": "string"},
                           "funder": {"type": ["string", "null"]}}),
            {"type": "null"},
        ],
        "description": "The programme or project the event belongs to, with its funder.",
    },
}

SCHEMAS = {
    "EventCreate": {
        "type": "object", "additionalProperties": False,
        "required": ["title", "starts_at", "ends_at"],
        "properties": EVENT_FIELDS,
    },
    "EventUpdate": {"type": "object", "additionalProperties": False, "properties": EVENT_FIELDS},
    "ActivityCreate": {
        "type": "object", "additionalProperties": False, "required": ["title"],
        "properties": ACTIVITY_FIELDS,
    },
    "ActivityUpdate": {
        "type": "object", "additionalProperties": False, "properties": ACTIVITY_FIELDS,
    },
    "PublicActivity": closed_object(PUBLIC_ACTIVITY),
    "Activity": closed_object({**PUBLIC_ACTIVITY, "capacity": CAPACITY,
                               "asks_pickup_codes": ASKS_PICKUP_CODES}),
    "Question": QUESTION,
    "PublicEvent": closed_object(PUBLIC_EVENT, description="An event as its public page shows it."),
    "Event": closed_object(ORGANISERS_EVENT, description="An event as its organisers see it."),
    "EventList": closed_object({"events": {"type": "array", "items": schema_ref("PublicEvent")}}),
}

# --- paths ---------------------------------------------------------------------------------

EVENT_EXAMPLE = {
    "title": {"en": "Info session: safe travel and work abroad",
              "bg": "Информационна среща: безопасно пътуване и работа в чужбина"},
    "description": {"en": "An hour of questions and answers."},
    "privacy_notice": {"en": "We keep your name to count attendance; only the organisers "
                             "see it."},
    "venue": {"en": "Community centre", "bg": "Читалище"}, "address": "Fakulteta, Sofia",
    "timezone": "Europe/Sofia",
    "starts_at": "2027-03-12T17:00:00", "ends_at": "2027-03-12T18:30:00",
    "capacity": 40,
}

PATHS = {
    "/events": {
        "get": operation(
            "listEvents", "Published events that have not ended, soonest first.",
            description="As their public pages show them, to anyone.",
            responses={"200": ok("EventList")},
        ),
        "post": operation(
            "createEvent", "Create a draft event of the token's organisation.",
            security=ORGANISER,
            body=("EventCreate", EVENT_EXAMPLE),
            rules=EVENT_RULES,
            responses={"201": ok("Event", "Created")},
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
            "updateEvent", "Change some of an event's details; fields left out keep theirs.",
            security=ORGANISER,
            body=("EventUpdate", {"venue": "Borisova Gradina, the meadow by the Ariana lake"}),
            rules=EVENT_UPDATE_RULES, invalid_reasons=("sex_answers_would_be_deleted",),
            responses={"200": ok("Event"), "404": EVENT_NOT_FOUND},
        ),
    },
    "/events/{slug}/publish": {
        "parameters": [SLUG_PARAMETER],
        "post": operation(
            "publishEvent", "Publish the event so people can register.",
            security=ORGANISER,
            responses={
                "200": ok("Event"), "404": EVENT_NOT_FOUND,
                "409": error_response("Cannot be published now (a cancelled or published "
                                      "event; no privacy notice).",
                                      "invalid_status_change", "privacy_notice_missing"),
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
            responses={"201": ok("Activity", "Created"), "404": EVENT_NOT_FOUND},
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
                "200": ok("Activity"),
                "404": error_response("No such event of the caller's organisation, no such "
                                      "activity in it, or an activity_id that is not a number "
                                      "(no such path).",
                                      "event_not_found", "activity_not_found", "not_found"),
            },
        ),
    },
}
