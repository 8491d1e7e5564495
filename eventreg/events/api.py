"""JSON endpoints for events and their activities (public reading, organiser changes)."""

from flask import current_app, g, jsonify

from eventreg.api import bearer_organiser, blueprint, json_body, organiser_required, parse_datetime
from eventreg.consents.service import consent_statements
from eventreg.database import unit_of_work
from eventreg.errors import NotFound
from eventreg.events import service
from eventreg.events.models import Activity, Event
from eventreg.extensions import db


def activity_json(activity: Activity, *, for_organiser: bool) -> dict:
    """An activity as the API shows it; its capacity only to its event's organisers."""
    body = {
        "id": activity.id,
        "title": activity.title,
        "place": activity.place,
        "starts_at": _iso(activity.starts_at),
        "ends_at": _iso(activity.ends_at),
        "places_left": activity.places_left,
    }
    if for_organiser:
        body["capacity"] = activity.capacity
        body["asks_pickup_codes"] = activity.asks_pickup_codes
    return body


def question_json(question) -> dict:
    return {
        "id": question.id,
        "label": question.label,
        "kind": question.kind,
        "required": question.required,
        "asked_per": question.asked_per,
        "options": question.options,
    }


def event_json(event: Event, *, for_organiser: bool) -> dict:
    """An event as the API shows it.

    Anyone gets what the public event page and its registration form show; an organiser of
    the event's organisation also gets its setup: programme (with the funder), capacities
    and the registration window.
    """
    body = {
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "privacy_notice": event.privacy_notice,
        "venue": event.venue,
        "address": event.address,
        "timezone": event.timezone,
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "status": event.status,
        "registration_open": service.registration_is_open(event),
        "places_left": event.places_left,
        "age_mode": event.age_mode,
        "asks_sex": event.asks_sex,
        "sends_text_messages": event.sends_text_messages,
        "optional_consents": list(event.optional_consents),
        "consent_partner": event.consent_partner,
        "consent_texts": consent_statements(event),
        "activities": [activity_json(activity, for_organiser=for_organiser)
                       for activity in event.activities],
        "questions": [question_json(question) for question in event.questions],
    }
    if for_organiser:
        body.update(
            capacity=event.capacity,
            registration_opens_at=_iso(event.registration_opens_at),
            registration_closes_at=_iso(event.registration_closes_at),
            retention_days=event.retention_days,
            waitlist_order=event.waitlist_order,
            programme=(
                {"id": event.programme.id, "name": event.programme.name,
                 "funder": event.programme.funder} if event.programme else None
            ),
        )
    return body


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@blueprint.get("/events")
def list_events():
    """List published events that have not ended, with activities and places left."""
    events = service.list_published_events(db.session)
    return jsonify(events=[event_json(event, for_organiser=False) for event in events])


@blueprint.get("/events/<slug>")
def get_event(slug: str):
    """Return one public event as its page shows it; to its own organisers, with its setup."""
    organiser = bearer_organiser()
    if organiser is not None:
        try:
            event = service.get_organiser_event(db.session, organiser, slug)
        except NotFound:
            pass
        else:
            return jsonify(event_json(event, for_organiser=True))
    return jsonify(event_json(service.get_published_event(db.session, slug), for_organiser=False))


@blueprint.post("/events")
@organiser_required
def create_event():
    """Create a draft event of the token's organisation."""
    body = json_body("EventCreate")
    details = _event_details(body, base=None)
    with unit_of_work(db.session):
        event = service.create_event(db.session, g.api_organiser, details)
    return jsonify(event_json(event, for_organiser=True)), 201


@blueprint.patch("/events/<slug>")
@organiser_required
def update_event(slug: str):
    """Change some of an event's details; fields left out keep their values."""
    event = service.get_organiser_event(db.session, g.api_organiser, slug)
    body = json_body("EventUpdate")
    with unit_of_work(db.session):
        service.update_event(db.session, g.api_organiser, event, _event_details(body, base=event))
    return jsonify(event_json(event, for_organiser=True))


@blueprint.post("/events/<slug>/publish")
@organiser_required
def publish_event(slug: str):
    """Publish a draft (or closed) event so people can register."""
    event = service.get_organiser_event(db.session, g.api_organiser, slug)
    with unit_of_work(db.session):
        service.publish_event(db.session, g.api_organiser, event)
    return jsonify(event_json(event, for_organiser=True))


@blueprint.post("/events/<slug>/activities")
@organiser_required
def create_activity(slug: str):
    """Add an activity to an event."""
    event = service.get_organiser_event(db.session, g.api_organiser, slug)
    body = json_body("ActivityCreate")
    with unit_of_work(db.session):
        activity = service.add_activity(
            db.session, g.api_organiser, event, _activity_details(body, event, base=None)
        )
    return jsonify(activity_json(activity, for_organiser=True)), 201


@blueprint.patch("/events/<slug>/activities/<int:activity_id>")
@organiser_required
def update_activity(slug: str, activity_id: int):
    """Change some of an activity's details."""
    event = service.get_organiser_event(db.session, g.api_organiser, slug)
    activity = service.get_activity(db.session, event, activity_id)
    body = json_body("ActivityUpdate")
    with unit_of_work(db.session):
        service.update_activity(
            db.session, g.api_organiser, activity, _activity_details(body, event, base=activity)
        )
    return jsonify(activity_json(activity, for_organiser=True))


#: Fields an API body may set, with the value a new row gets when a field is left out.
EVENT_DEFAULTS = {
    "title": {}, "description": {}, "privacy_notice": {}, "venue": {}, "address": "",
    "capacity": None, "age_mode": "age_group", "asks_sex": False,
    "sends_text_messages": True, "optional_consents": [], "consent_partner": "",
    "programme_id": None, "retention_days": None, "waitlist_order": "strict", "starts_at": None,
    "ends_at": None, "registration_opens_at": None, "registration_closes_at": None,
}
ACTIVITY_DEFAULTS = {
    "title": {}, "place": {}, "capacity": None, "position": 0, "starts_at": None,
    "ends_at": None, "asks_pickup_codes": False,
}


def _merged(body: dict, base, defaults: dict, timezone: str) -> dict:
    """Each field from the body, else from the stored row (an update), else its default.

    Times (fields ending in `_at`) are read in `timezone`.
    """
    values = {}
    for name, default in defaults.items():
        if name in body:
            values[name] = (parse_datetime(body[name], name, timezone)
                            if name.endswith("_at") else body[name])
        else:
            values[name] = getattr(base, name) if base is not None else default
    return values


def _event_details(body: dict, base: Event | None) -> service.EventDetails:
    timezone = body.get("timezone") or (
        base.timezone if base is not None else current_app.config["DEFAULT_TIMEZONE"]
    )
    return service.EventDetails(
        **_merged(body, base, EVENT_DEFAULTS, timezone), timezone=timezone,
        slug=body.get("slug"), delete_sex_answers=body.get("delete_sex_answers", False),
    )


def _activity_details(body: dict, event: Event, base: Activity | None) -> service.ActivityDetails:
    return service.ActivityDetails(**_merged(body, base, ACTIVITY_DEFAULTS, event.timezone))
