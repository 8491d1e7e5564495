"""A party's rights through the API, for organiser tokens of its event's organisation:
everything held about it (access), and its data erased on request (erasure)."""

from flask import g, jsonify

from eventreg.api import blueprint, json_body, organiser_required
from eventreg.database import unit_of_work
from eventreg.extensions import db
from eventreg.privacy import access
from eventreg.privacy.erasure import erase
from eventreg.registrations.service import get_organiser_registration


@blueprint.get("/registrations/<int:registration_id>/personal-data")
@organiser_required
def registration_personal_data(registration_id: int):
    """Everything held about one party, as the organisers' JSON download; audited."""
    registration = get_organiser_registration(db.session, g.api_organiser, registration_id)
    with unit_of_work(db.session):
        held = access.personal_data(db.session, registration, by=g.api_organiser,
                                    channel="api")
    return jsonify(access.as_json(held))


@blueprint.post("/registrations/<int:registration_id>/erase")
@organiser_required
def erase_registration(registration_id: int):
    """Erase the party's data now, or some of its people's; audited without a name."""
    registration = get_organiser_registration(db.session, g.api_organiser, registration_id)
    body = json_body("ErasureRequest")
    with unit_of_work(db.session):
        done = erase(db.session, registration, body.get("attendee_ids"), by=g.api_organiser)
    return jsonify(erased_people=done.people, cancelled_tickets=done.cancelled)
