"""The privacy part of the OpenAPI document: everything held about one party (the right of
access), as eventreg/privacy/access.py gathers it."""

from eventreg.api.spec import (
    DATE_TIME,
    ID,
    NULLABLE_DATE_TIME,
    ORGANISER,
    closed_object,
    error_response,
    ok,
    operation,
)
from eventreg.checkin import rules
from eventreg.checkin.rules import ScanStatus
from eventreg.events.models import AGE_GROUPS, AGE_MODES, CONSENT_KINDS, SEXES
from eventreg.i18n import LANGUAGE_CODES
from eventreg.messages.models import STATUS_FAILED, STATUS_PENDING, STATUS_SENT
from eventreg.registrations.api_spec import ANSWER

NULLABLE_TEXT = {"type": ["string", "null"]}
SCAN_STATUS = {"enum": [status.value for status in ScanStatus],
               "description": "As the check-in API's `status` (CheckinResult)."}

PERSONAL_DATA = closed_object({
    "generated_at": DATE_TIME,
    "event": closed_object({
        "slug": {"type": "string"},
        "title": {"type": "string", "description": "In the party's language, if the event "
                  "has it in it."},
        "starts_at": DATE_TIME,
        "ends_at": DATE_TIME,
        "timezone": {"type": "string"},
        "venue": {"type": "string"},
        "address": {"type": "string"},
        "age_mode": {"enum": list(AGE_MODES)},
        "asks_sex": {"type": "boolean"},
        "organisation": {"type": "string", "description": "Who holds the data."},
    }),
    "registration": closed_object({
        "id": {"type": "integer"},
        "contact_name": {"type": "string"},
        "email": {**NULLABLE_TEXT, "format": "email"},
        "phone": {**NULLABLE_TEXT, "description": "E.164, e.g. +359881234567."},
        "language": {"enum": list(LANGUAGE_CODES)},
        "created_at": DATE_TIME,
        "cancelled_at": NULLABLE_DATE_TIME,
        "walk_in": {"type": "boolean"},
    }),
    "consent": closed_object({
        "given_at": DATE_TIME,
        "notice_text": {"type": "string", "description": "The privacy notice as it was "
                        "shown when the person consented."},
    }),
    "attendees": {"type": "array", "items": closed_object({
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "age_group": {"enum": [*AGE_GROUPS, None]},
        "birth_year": {"type": ["integer", "null"]},
        "sex": {"enum": [*SEXES, None], "description": "Null where the event does not ask it."},
        "ticket_code": {"type": "string"},
        "door_note": {"type": "string", "description": "The note shown at the event's doors "
                      "when this ticket is scanned; empty for none."},
        "pickup_codes": {"type": "array", "description": "A child's pick-up codes at "
                         "children's workshops, and each try at handing them over.",
                         "items": closed_object({
                             "activity": {"type": "string"},
                             "code": {"type": "string"},
                             "issued_at": DATE_TIME,
                             "issued_door": NULLABLE_TEXT,
                             "picked_up_at": NULLABLE_DATE_TIME,
                             "picked_up_door": NULLABLE_TEXT,
                             "tries": {"type": "array", "items": closed_object({
                                 "checked_at": DATE_TIME, "door": {"type": "string"},
                                 "method": {"enum": ["ticket", "code"]},
                                 "status": {"enum": ["picked_up", "pickup_mismatch",
                                                     "no_pickup_code"]},
                             })},
                         })},
        "cancelled_at": NULLABLE_DATE_TIME,
        "checked_in_at": NULLABLE_DATE_TIME,
        "checked_in_door": NULLABLE_TEXT,
        "left_at": NULLABLE_DATE_TIME,
        "activities": {"type": "array", "items": closed_object({
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "checked_in_at": NULLABLE_DATE_TIME,
            "checked_in_door": NULLABLE_TEXT,
            "left_at": NULLABLE_DATE_TIME,
        })},
        "consents": {"type": "array", "description": "The optional consents the person "
                     "gave (photos and video, contact about future events, sharing with a "
                     "partner), withdrawn ones too; none given: empty.",
                     "items": closed_object({
                         "kind": {"enum": list(CONSENT_KINDS)},
                         "partner": {**NULLABLE_TEXT, "description": "The partner a "
                                     "partner_sharing consent named; null for the others."},
                         "text": {"type": "string", "description": "The words agreed to, as "
                                  "the form showed them."},
                         "language": {"enum": list(LANGUAGE_CODES)},
                         "given_at": DATE_TIME,
                         "withdrawn_at": {**NULLABLE_DATE_TIME, "description": "Null while "
                                          "it holds."},
                     })},
    })},
    "answers": {"type": "array", "items": closed_object({
        "question_id": {"type": "integer"},
        "question": {"type": "string", "description": "As the party read it."},
        "attendee_id": {"type": ["integer", "null"],
                        "description": "Null for a question asked once for the party."},
        "value": ANSWER,
        "answer_text": {"type": "string", "description": "The answer as people read it: "
                        "a choice's label, yes or no, or the text."},
    })},
    "messages": {"type": "array", "items": closed_object({
        "id": {"type": "integer"},
        "kind": {"type": "string", "description": "confirmation, cancellation, promotion, "
                 "reminder, event_changed, event_cancelled, waitlist_joined."},
        "to_address": {"type": "string"},
        "status": {"enum": [STATUS_PENDING, STATUS_SENT, STATUS_FAILED]},
        "created_at": DATE_TIME,
        "sent_at": NULLABLE_DATE_TIME,
        "subject": {**NULLABLE_TEXT, "description": "As written; null until it is written "
                    "(at its first delivery attempt)."},
        "text_body": NULLABLE_TEXT,
        "html_body": NULLABLE_TEXT,
        "last_error": {"type": "string", "description": "The mail server's last refusal."},
    })},
    "check_ins": {"type": "array", "items": closed_object({
        "id": {"type": "integer"},
        "attendee_id": {"type": "integer"},
        "action": {"enum": list(rules.ACTIONS)},
        "status": {**SCAN_STATUS, "description": "The answer the door was given."},
        "outcome": {**SCAN_STATUS, "description": "What the scan comes to now."},
        "flag": {"enum": [rules.CANCELLED_AFTER_SCAN, rules.EVENT_CANCELLED_AFTER_SCAN,
                          rules.OVERRIDDEN, rules.UNDONE_WITH_REASON, None]},
        "door": {"type": "string"},
        "activity": {**NULLABLE_TEXT, "description": "The activity whose door it was; null "
                     "for the event's entrance."},
        "scanned_at": DATE_TIME,
        "received_at": DATE_TIME,
    })},
    "waiting_list": {"oneOf": [{"type": "null"}, closed_object({
        "id": {"type": "integer"},
        "joined_at": DATE_TIME,
        "promoted_at": NULLABLE_DATE_TIME,
        "removed_at": NULLABLE_DATE_TIME,
        "party_size": {"type": "integer"},
        "email": NULLABLE_TEXT,
        "form_as_sent": {"type": "object", "description": "The waiting list's form as the "
                         "party sent it (names, contact, choices, answers)."},
    })], "description": "The waiting-list place the party was registered from, or null."},
})

ERASURE_REQUEST = closed_object({
    "attendee_ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": 100,
                     "uniqueItems": True,
                     "description": "The people to erase; all of the party's when left out."},
}, optional=("attendee_ids",))
ERASURE = closed_object({
    "erased_people": {"type": "integer", "minimum": 0},
    "cancelled_tickets": {"type": "integer", "minimum": 0,
                          "description": "Valid tickets for an event still to come, cancelled "
                          "on the way (their places are free again; nobody is told)."},
})

SCHEMAS = {"PersonalData": PERSONAL_DATA, "ErasureRequest": ERASURE_REQUEST,
           "Erasure": ERASURE}

REGISTRATION_PARAMETER = {"name": "registration_id", "in": "path", "required": True,
                          "schema": ID, "example": 1}

PATHS = {
    "/registrations/{registration_id}/personal-data": {
        "parameters": [REGISTRATION_PARAMETER],
        "get": operation(
            "getRegistrationPersonalData",
            "Everything held about one party (the right of access).",
            description="The registration, its people with their check-in times and doors "
            "and their optional consents (words, given and withdrawn times), its answers "
            "(questions in the party's language), its consent with the notice text "
            "consented to, the messages sent to it as written, its tickets' scans and "
            "its waiting-list place: the same as the organisers' JSON download. Each call "
            "is recorded in the audit log.",
            security=ORGANISER,
            responses={
                "200": ok("PersonalData"),
                "404": error_response("No such registration of the caller's organisation, or "
                                      "a registration_id that is not a number (no such "
                                      "path).", "registration_not_found", "not_found"),
            },
        ),
    },
    "/registrations/{registration_id}/erase": {
        "parameters": [REGISTRATION_PARAMETER],
        "post": operation(
            "eraseRegistrationPersonalData",
            "Erase a party's personal data now, or some of its people's (on request).",
            description="The same anonymisation as retention: names, contacts, free-text "
            "answers, ticket secrets, messages and names in the audit log go; attendance "
            "and every report figure stay. Tickets still valid for an event to come are "
            "cancelled first. Cannot be undone; recorded in the audit log without a name.",
            security=ORGANISER,
            body=("ErasureRequest", {}),
            rules={"attendee_ids": "People of this party whose data is still held; at least "
                   "one."},
            responses={
                "200": ok("Erasure", "Erased"),
                "404": error_response("No such registration of the caller's organisation.",
                                      "registration_not_found", "not_found"),
            },
        ),
    },
}
