"""A party's own request from its private ticket link (/t/<secret>/erase): its data erased,
after a confirmation that says what will happen (eventreg/privacy/erasure.py)."""

from flask import Blueprint, render_template, request

from eventreg.database import unit_of_work
from eventreg.errors import Conflict
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.privacy.erasure import erase_by_participant, erasure_preview
from eventreg.registrations.service import get_registration_by_secret, party_options

blueprint = Blueprint("privacy", __name__, url_prefix="/t")


@blueprint.route("/<secret>/erase", methods=["GET", "POST"])
def erase_page(secret: str):
    """Ask once more, then erase the whole party's data."""
    registration = get_registration_by_secret(db.session, secret)
    event = registration.event
    error, status = None, 200
    if ActionForm().validate_on_submit():
        if request.form.get("confirm") != "yes":
            error, status = "confirm", 422
        else:
            try:
                with unit_of_work(db.session):
                    erase_by_participant(db.session, registration)
            except Conflict as refused:
                error, status = str(refused.message), 409
            else:
                return render_template("privacy/erased.html", event=event)
    return render_template(
        "privacy/erase_own.html", registration=registration, event=event, error=error,
        options=party_options(registration), preview=erasure_preview(registration),
    ), status
