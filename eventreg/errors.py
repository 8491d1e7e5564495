"""The one family of errors the services raise.

Each carries a machine-readable `reason` (a public contract, listed in the API document), a
message for people and, for invalid input, a message per field keyed by the field's path
(`attendees.0.name`, `contact.email`, `answers.12`). Views show the message; the API answers
`{"error": reason, "message": ..., "fields": {...}}`.
"""


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
