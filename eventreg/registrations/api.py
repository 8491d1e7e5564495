"""JSON endpoints for registering (public) and listing registrations (organisers)."""

from flask import current_app, g, jsonify, request, url_for

from eventreg import hooks
from eventreg.api import blueprint, json_body, organiser_required, query_args
from eventreg.consents.service import consents_held
from eventreg.database import unit_of_work
from eventreg.errors import ValidationFailed
from eventreg.events.service import get_organiser_event
from eventreg.extensions import db
from eventreg.i18n import LANGUAGE_CODES
from eventreg.registrations import limits, service
from eventreg.registrations.models import Registration
from eventreg.tickets.service import ticket_tokens

#: The service's name of each contact field, and its path in an API body.
CONTACT_FIELDS = {"contact_name": "contact.name", "email": "contact.email",
                  "phone": "contact.phone"}


def registration_json(registration: Registration, *, with_tickets: bool,
                      with_door_notes: bool) -> dict:
    tokens = ticket_tokens(db.session, registration.active_attendees) if with_tickets else {}
    waits = hooks.activity_waits_of(db.session, [a.id for a in registration.attendees])
    body = {
        "id": registration.id,
        "event": registration.event.slug,
        "created_at": registration.created_at.isoformat(),
        "cancelled_at": registration.cancelled_at.isoformat() if registration.cancelled_at else None,
        "language": registration.language,
        "contact": {
            "name": registration.contact_name,
            "email": registration.email,
            "phone": registration.phone,
        },
        "answers": {
            str(answer.question_id): answer.value
            for answer in registration.answers
            if answer.attendee_id is None
        },
        "attendees": [],
    }
    if with_tickets:
        body["ticket_page_url"] = url_for(
            "tickets.page", secret=registration.ticket_secret, _external=True
        )
    for attendee in registration.attendees:
        entry = {
            "id": attendee.id,
            "name": attendee.name,
            "age_group": attendee.age_group,
            "birth_year": attendee.birth_year,
            "sex": attendee.sex,
            "ticket_code": attendee.ticket_code,
            "status": "cancelled" if attendee.is_cancelled else "valid",
            "activities": [activity.id for activity in attendee.activities],
            "waitlist_activities": [{"activity": activity_id, "place": place}
                                    for activity_id, place in waits.get(attendee.id, [])],
            "answers": {
                str(answer.question_id): answer.value
                for answer in registration.answers
                if answer.attendee_id == attendee.id
            },
            "consents": consents_held(attendee, registration.event),
        }
        if with_door_notes:
            entry["door_note"] = attendee.door_note
        if with_tickets and attendee.id in tokens:
            entry["qr"] = tokens[attendee.id]
            entry["qr_png_url"] = url_for(
                "tickets.qr_image", secret=registration.ticket_secret, attendee_id=attendee.id,
                _external=True,
            )
        body["attendees"].append(entry)
    return body


@blueprint.post("/events/<slug>/registrations")
@limits.limit_public_registrations(on_breach=limits.api_refusal)
def create_registration(slug: str):
    """Register a party: the same rules as the form; 201 with the tickets.

    The event is read with an earlier send of the same form, in the registration's own
    unit of work (one transaction), so a surge for the last places costs each refused
    request one statement; the answer is made after it from the rows as written, none
    read again."""
    body = json_body("RegistrationCreate")
    contact = body.get("contact") or {}
    try:
        with unit_of_work(db.session, keep_loaded=True):
            event, earlier = service.find_event_and_earlier_send(
                db.session, slug, body.get("client_id"))
            registration_request = service.RegistrationRequest(
                attendees=[service.AttendeeRequest.from_json(p) for p in body["attendees"]],
                consent=body.get("consent", False),
                contact_name=contact.get("name") or "",
                email=contact.get("email") or "",
                phone=contact.get("phone") or "",
                answers=body.get("answers", {}),
                language=body.get("language")
                or request.accept_languages.best_match(LANGUAGE_CODES,
                                                       default=LANGUAGE_CODES[0]),
                client_id=body.get("client_id"),
                source_hash=limits.source_hash(event.id),
            )
            outcome = service.register(
                db.session, event, registration_request,
                phone_region=current_app.config["DEFAULT_PHONE_REGION"], earlier=earlier,
            )
    except ValidationFailed as error:
        # The service names the contact fields as the form does; the body holds them in
        # `contact`.
        error.fields = {CONTACT_FIELDS.get(path, path): message
                        for path, message in error.fields.items()}
        raise
    return jsonify(registration_json(outcome.registration, with_tickets=True,
                                     with_door_notes=outcome.is_new)), 201


@blueprint.get("/events/<slug>/registrations")
@organiser_required
def list_registrations(slug: str):
    """List an event's registrations (organisers of its organisation only)."""
    event = get_organiser_event(db.session, g.api_organiser, slug)
    registrations = service.list_registrations(db.session, event, query_args().get("q"))
    counts = service.count_registrations(db.session, event)
    return jsonify(
        registrations=[registration_json(r, with_tickets=False, with_door_notes=True)
                       for r in registrations],
        counts={
            "registrations": counts.registrations,
            "attendees": counts.attendees,
            "cancelled_attendees": counts.cancelled_attendees,
            "activities": {
                str(activity.id): activity.places_taken for activity in event.activities
            },
        },
    )
