"""The right of access through the API: everything held about one party, for organiser
tokens of its event's organisation."""

from flask import g, jsonify

from eventreg.api import blueprint, organiser_required
from eventreg.database import unit_of_work
from eventreg.extensions import db
from eventreg.privacy import access
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
