"""JSON API v1: the blueprint, bearer-token sign-in and request checks.

Each feature keeps its endpoints in its own `api.py`, on this blueprint, and its part of the
OpenAPI document in its own `api_spec.py`; `create_app` imports both, and eventreg/openapi.py
serves the document. Requests are checked against the document's own schemas and
parameters (`spec.SCHEMAS`, `spec.PATHS`), so the document and the checks cannot drift
apart. This package imports none of the features it carries (only the API token look-up of
eventreg.accounts), so they can import it. The rules themselves are the services'.
"""

import re
from datetime import datetime
from functools import wraps

from flask import Blueprint, g, request
from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator

from eventreg.accounts.service import organiser_for_api_token
from eventreg.api.spec import PATHS, SCHEMAS
from eventreg.database import NonexistentLocalTime, local_to_utc
from eventreg.errors import DomainError, ValidationFailed
from eventreg.extensions import db

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
_validators: dict[str, Draft202012Validator] = {}


class Unauthorized(DomainError):
    status_code = 401
    default_reason = "unauthorized"


class UnsupportedMediaType(DomainError):
    status_code = 415
    default_reason = "unsupported_media_type"


def bearer_organiser():
    """Return the organiser whose API token the request carries, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return organiser_for_api_token(db.session, token.strip())


def organiser_required(view):
    """Refuse the request with 401 unless it carries a live organiser API token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        organiser = bearer_organiser()
        if organiser is None:
            raise Unauthorized(
                _l("Send a live organiser API token: 'Authorization: Bearer erg_...'."),
                reason="unauthorized",
            )
        g.api_organiser = organiser
        return view(*args, **kwargs)

    return wrapper


def json_body(schema_name: str) -> dict:
    """Return the request's JSON object if it matches the named schema.

    Refuses a body not sent as JSON (UnsupportedMediaType), one that does not parse
    (ValidationFailed `invalid_json`) and one the schema refuses (`validation_failed`, with
    a message per field).
    """
    if not request.is_json:
        raise UnsupportedMediaType(
            _l("Send a JSON object with 'Content-Type: application/json'."))
    body = request.get_json(silent=True)
    if body is None:
        raise ValidationFailed(_l("The body is not valid JSON."), reason="invalid_json")
    validator = _validators.get(schema_name)
    if validator is None:
        assert schema_name in SCHEMAS, f"no component schema {schema_name} in the document"
        validator = Draft202012Validator(
            {"$ref": f"#/components/schemas/{schema_name}", "components": {"schemas": SCHEMAS}}
        )
        _validators[schema_name] = validator
    fields = {}
    for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(part) for part in error.absolute_path) or "body"
        fields.setdefault(path, error.message)
    if fields:
        raise ValidationFailed(_l("The request body does not match the schema."), fields=fields)
    return body


def query_args() -> dict[str, str]:
    """The query parameters the document names for this request's operation, checked
    against their schemas (ValidationFailed, a message per parameter); others are ignored."""
    path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", request.url_rule.rule)
    path = path.removeprefix(blueprint.url_prefix)
    operation = PATHS[path][request.method.lower()]
    values, fields = {}, {}
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] != "query" or name not in request.args:
            continue
        value = request.args[name]
        error = next(Draft202012Validator(parameter["schema"]).iter_errors(value), None)
        if error is not None:
            fields[name] = error.message
        values[name] = value
    if fields:
        raise ValidationFailed(_l("The query does not match the schema."), fields=fields)
    return values


def parse_datetime(value: str | None, field: str, timezone: str) -> datetime | None:
    """Read an ISO 8601 time; one without an offset is wall-clock time in `timezone`."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise ValidationFailed(
            _l("Fix the marked fields."),
            fields={field: _l("Use an ISO 8601 date and time, e.g. 2026-06-20T10:00:00+03:00.")},
        ) from error
    try:
        return local_to_utc(parsed, timezone)
    except OverflowError as error:  # a time near year 1 or 9999 that UTC cannot hold
        raise ValidationFailed(
            _l("Fix the marked fields."),
            fields={field: _l("Use an ISO 8601 date and time, e.g. 2026-06-20T10:00:00+03:00.")},
        ) from error
    except NonexistentLocalTime as error:
        raise ValidationFailed(
            _l("Fix the marked fields."),
            fields={field: _l("This time does not exist there: the clocks jump forward then.")},
        ) from error
    except (ValueError, KeyError) as error:  # an unknown or malformed time zone name
        raise ValidationFailed(
            _l("Fix the marked fields."),
            fields={"timezone": _l("Use an IANA time zone name, e.g. Europe/Sofia.")},
        ) from error

