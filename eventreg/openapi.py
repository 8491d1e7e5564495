"""The OpenAPI 3.1 document of API v1, made of each feature's part, served at /api/v1/openapi.json.

Each feature writes its own part next to its endpoints (`eventreg/<feature>/api_spec.py`:
component schemas and paths); this module, above the features, adds every part to the
schemas and paths that `eventreg.api` checks requests against (eventreg/api/spec.py) and
serves the document made of them. Reasons come from `eventreg.errors.REASONS`.
"""

from functools import cache

from flask import jsonify

from eventreg.api import blueprint
from eventreg.api.spec import PATHS, SCHEMAS, SECURITY_SCHEMES, add_to_document
from eventreg.checkin import api_spec as checkin_spec
from eventreg.checkin import history_api_spec
from eventreg.errors import REASONS
from eventreg.events import api_spec as events_spec
from eventreg.exports import api_spec as exports_spec
from eventreg.privacy import api_spec as privacy_spec
from eventreg.registrations import api_spec as registrations_spec

#: Each feature's part, in the order the document lists its paths.
FEATURE_PARTS = (events_spec, registrations_spec, privacy_spec, exports_spec, checkin_spec,
                 history_api_spec)
for _part in FEATURE_PARTS:
    add_to_document(_part.SCHEMAS, _part.PATHS)

INFO = {
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
}


@cache
def openapi_document() -> dict:
    """Return the whole document (built once)."""
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": SCHEMAS},
    }


@blueprint.get("/openapi.json")
def openapi():
    """Serve the OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())
