"""The scan history part of the OpenAPI document (eventreg/checkin/history_api.py)."""

from eventreg.api.spec import (
    DATE_TIME,
    ORGANISER,
    closed_object,
    error_response,
    ok,
    operation,
    text,
)
from eventreg.checkin import rules
from eventreg.checkin.history import MAX_PAGE_SIZE, PAGE_SIZE
from eventreg.checkin.rules import STATUS_MEANINGS
from eventreg.events.api_spec import EVENT_NOT_FOUND, SLUG_PARAMETER
from eventreg.exports.api_spec import download
from eventreg.registrations.search import MAX_SEARCH_LENGTH

STATUSES = [str(status) for status in STATUS_MEANINGS]


def _number(name: str, description: str) -> dict:
    """A whole number from 1 in the query."""
    return {"name": name, "in": "query", "required": False,
            "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,8}$"},
            "description": description}


FILTERS = [
    {"name": "person", "in": "query", "required": False, "schema": text(MAX_SEARCH_LENGTH),
     "description": "Words of the scanned person's name (in either alphabet) or ticket "
     "code, every word."},
    _number("door", "A door's id (of this event)."),
    {"name": "status", "in": "query", "required": False, "schema": {"enum": STATUSES},
     "description": "The answer the door was given."},
]
PAGE_PARAMETERS = [
    _number("page", "The page, from 1 (default 1)."),
    _number("per_page", f"Scans a page, at most {MAX_PAGE_SIZE} (default {PAGE_SIZE})."),
]
FILTER_RULES = {
    "door": "A door of this event.",
    "per_page": f"At most {MAX_PAGE_SIZE}.",
}

SCAN = closed_object({
    "id": {"type": "integer"},
    "scanned_at": {**DATE_TIME, "description": "When the door scanned it."},
    "received_at": {**DATE_TIME, "description": "When the server got it: later for a scan "
                    "made offline and uploaded."},
    "door": closed_object({"id": {"type": "integer"}, "name": {"type": "string"}}),
    "activity": {"type": ["integer", "null"], "description": "The activity whose door it "
                 "was, or null for the event's entrance."},
    "action": {"enum": list(rules.ACTIONS)},
    "status": {"enum": STATUSES, "description": "The answer the door was given (see "
               "CheckinResult)."},
    "outcome": {"enum": STATUSES, "description": "What the scan comes to now: the same as "
                "`status`, unless a scan made earlier and uploaded later changed it (a "
                "`checked_in` that became `already_checked_in`: a double)."},
    "flag": {"enum": [rules.CANCELLED_AFTER_SCAN, rules.EVENT_CANCELLED_AFTER_SCAN,
                      rules.OVERRIDDEN, rules.UNDONE_WITH_REASON, None]},
    "overrode": {"enum": [*sorted(map(str, rules.OVERRIDABLE)), None], "description": "For an "
                 "`overridden` check-in, the refusal the volunteer overrode."},
    "reason": {"enum": [*dict.fromkeys(rules.OVERRIDE_REASONS + rules.UNDO_REASONS), None],
               "description":
               "The volunteer's reason for an override or an undo that needed one."},
    "attendee": {"oneOf": [closed_object({
        "id": {"type": "integer"},
        "name": {"type": ["string", "null"], "description": "Null once anonymised."},
        "ticket_code": {"type": ["string", "null"]},
    }), {"type": "null"}], "description": "Null when the code named nobody of this event."},
})

SCHEMAS = {
    "ScanList": closed_object({
        "scans": {"type": "array", "items": SCAN},
        "total": {"type": "integer", "minimum": 0,
                  "description": "Scans the filters choose, on all pages."},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        "has_more": {"type": "boolean"},
    }, description="Every scan of the event, refusals included, newest first (by the "
       "time it was made)."),
}

INVALID_QUERY = error_response("Invalid query: `fields` says which.", "validation_failed",
                               rules=FILTER_RULES)

PATHS = {
    "/events/{slug}/scans": {
        "parameters": [SLUG_PARAMETER],
        "get": operation(
            "listScans", "The event's scans at its doors, a page at a time.",
            security=ORGANISER,
            parameters=[*FILTERS, *PAGE_PARAMETERS],
            responses={"200": ok("ScanList"), "404": EVENT_NOT_FOUND, "422": INVALID_QUERY},
        ),
    },
    "/events/{slug}/scans.csv": {
        "parameters": [SLUG_PARAMETER],
        "get": operation(
            "exportScansCsv", "Every scan the filters choose, as UTF-8 CSV.",
            description="Times in the event's time zone; cells a spreadsheet would run as "
            "a formula get a leading apostrophe. Headers follow Accept-Language.",
            security=ORGANISER,
            parameters=FILTERS,
            responses={
                "200": download("text/csv", "The CSV file (UTF-8).", {"type": "string"}),
                "404": EVENT_NOT_FOUND, "422": INVALID_QUERY,
            },
        ),
    },
}
