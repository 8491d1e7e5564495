"""The one family of errors the services raise.

Each carries a machine-readable `reason` (a public contract, listed in the API document), a
message for people and, for invalid input, a message per field keyed by the field's path
(`attendees.0.name`, `contact.email`, `answers.12`). Views show the message; the API answers
`{"error": reason, "message": ..., "fields": {...}}`.

`REASONS` is the one table of every reason code the application answers with, and what it
means; the API document is built from it, and a test checks it against the reasons the code
raises (tests/api/test_reasons.py).
"""

#: Every reason code, with its meaning for the people who write API clients. The API answers
#: those it can reach; the ones marked "(pages)" refuse actions on the organiser's and the
#: participant's pages, and carry the same meaning there.
REASONS = {
    # Input
    "validation_failed": "Some fields are missing or malformed; `fields` says which and why.",
    "invalid_json": "The body is not a JSON object (or not valid JSON).",
    "unsupported_media_type": "The body is not sent as `Content-Type: application/json`.",
    "request_too_large": "The body is larger than the server takes (1 MiB).",
    "bad_request": "The request could not be read as HTTP.",
    "invalid_retention": "A retention period is out of bounds: `fields` says which, the "
                         "message says between how many days.",
    "sex_answers_would_be_deleted": "Turning `asks_sex` off would delete answers given; "
                                    "send `delete_sex_answers: true` to go on.",
    # Who is asking
    "unauthorized": "The organiser API token is missing, wrong or revoked.",
    "door_unknown": "The door token is missing or wrong.",
    "door_revoked": "An organiser switched this door link off.",
    "door_expired": "The door link expired (a day after the event ended).",
    "kiosk_door": "This door link is a self check-in kiosk: it only checks in the ticket "
                  "scanned, so it cannot look people up by hand, undo or register walk-ins.",
    "forbidden": "The signed-in person may not do this.",
    "admin_only": "Only an admin of the organisation may do this (pages: team, audit log).",
    "too_many_requests": "Too many requests from this address; try again after `Retry-After` "
                         "seconds.",
    # What is asked for
    "not_found": "No such resource (or path).",
    "method_not_allowed": "The path does not take that method; `Allow` lists those it takes.",
    "event_not_found": "No such event (or not one the caller may see).",
    "activity_not_found": "No such activity in this event.",
    "question_not_found": "No such question in this event (pages).",
    "programme_not_found": "No such programme of the organisation (pages).",
    "registration_not_found": "No such registration (or not one of the caller's "
                              "organisation; pages: a ticket link that is wrong).",
    "attendee_not_found": "No such attendee in this registration (pages).",
    "consent_not_found": "This person did not give that consent, so it cannot be withdrawn "
                         "(pages).",
    "waitlist_entry_not_found": "No such place on a waiting list (pages).",
    "door_not_found": "No such door of this event (pages).",
    "schedule_not_found": "No such time set to check everyone out at this event, or it was "
    "applied already (pages).",
    "decision_not_found": "That same-person decision was already taken back (pages).",
    "token_not_found": "No such API token of this organiser (pages).",
    "organiser_not_found": "No organiser with this email (command line).",
    # The state refuses it
    "refused": "A rule refused the request; nothing was changed.",
    "conflict": "The current state refuses the request; nothing was changed.",
    "registration_closed": "The event is not open for registration now.",
    "event_full": "Not enough places left in the event for the whole party.",
    "activity_full": "An activity chosen has not enough places left; `fields` says whose.",
    "client_id_reused": "This client_id came before with a different body; make a new one.",
    "invalid_status_change": "The event's status cannot change that way.",
    "privacy_notice_missing": "An event needs a privacy notice before it is published.",
    "registration_cancelled": "The registration is cancelled: its link is not sent again "
                              "(pages).",
    "no_contact": "The party gave no email, and no phone the event may text (pages).",
    "activity_in_use": "People chose this activity, or a door checks people in to it (pages).",
    "question_in_use": "People answered this question: it may be reworded, not removed or "
                       "changed in kind (pages).",
    "event_in_progress": "The event is on now: a party's data can be erased from its ticket "
                         "link before it starts or once it is over (pages).",
    "too_late_to_cancel": "The event has started: tickets, choices and names stay as they "
                          "are (pages).",
    "not_waiting": "This party is no longer on the waiting list (pages).",
    "not_removed": "This party was not taken off the waiting list, or can no longer be put "
                   "back: it was registered, its data erased or the event cancelled (pages).",
    "not_closed": "The event's registration is not closed, so it cannot be reopened (pages).",
    "activity_already_chosen": "The person already has a place in this activity, so they "
                               "cannot wait for it (pages).",
    "email_taken": "An account with this email already exists (pages).",
    "wrong_password": "The current password given is not the organiser's (pages).",
    "cannot_switch_off_yourself": "An admin cannot switch their own access off (pages).",
    "event_over": "The event has ended: no new door links (pages, command line).",
    "not_a_burst": "The registrations named are not one burst from one address (pages).",
    # The server
    "server_error": "Something failed on the server; nothing was changed.",
    "database_unavailable": "The database cannot be reached now; try again after `Retry-After` "
                            "seconds. Nothing was changed.",
}


class DomainError(Exception):
    """A rule refused the request; nothing was changed."""

    #: HTTP status the API answers with for this kind of refusal.
    status_code = 400
    default_reason = "refused"

    def __init__(self, message: str, *, reason: str | None = None, fields=None):
        super().__init__(str(message))
        self.message = message
        self.reason = reason or self.default_reason
        self.fields = dict(fields or {})


class ValidationFailed(DomainError):
    """Some input values are missing or malformed; `fields` says which and why."""

    status_code = 422
    default_reason = "validation_failed"


class NotFound(DomainError):
    status_code = 404
    default_reason = "not_found"


class Conflict(DomainError):
    """The request is well-formed but the current state refuses it (full, closed, ...)."""

    status_code = 409
    default_reason = "conflict"


class PermissionDenied(DomainError):
    status_code = 403
    default_reason = "forbidden"
