"""Organiser pages of the right of access: everything held about one party, as a page to
print in the party's language and as a JSON download (eventreg/privacy/access.py)."""

import json

from flask import Blueprint, render_template
from flask_babel import force_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from eventreg.database import unit_of_work
from eventreg.events.service import get_organiser_event
from eventreg.exports.views import download
from eventreg.extensions import db
from eventreg.privacy import access
from eventreg.registrations.service import get_event_registration

blueprint = Blueprint("manage_privacy", __name__,
                      url_prefix="/manage/events/<slug>/registrations/<int:registration_id>")


@blueprint.before_request
@login_required
def _require_login():
    """Every page here is for signed-in organisers only."""


def _party(slug: str, registration_id: int):
    """The registration, of an event of the organiser's organisation (else NotFound)."""
    event = get_organiser_event(db.session, current_user, slug)
    return get_event_registration(db.session, event, registration_id)


@blueprint.get("/personal-data")
def page(slug: str, registration_id: int):
    """Show everything held about one party, in its language, ready to print."""
    registration = _party(slug, registration_id)
    with unit_of_work(db.session):
        held = access.personal_data(db.session, registration, by=current_user, channel="page")
    language = held["registration"]["language"]
    with force_locale(language):
        document = render_template("privacy/access_document.html", held=held)
    return render_template("privacy/access.html", event=registration.event, held=held,
                           document=Markup(document), document_language=language)


@blueprint.get("/personal-data.json")
def download_json(slug: str, registration_id: int):
    """Download everything held about one party as a JSON file."""
    registration = _party(slug, registration_id)
    with unit_of_work(db.session):
        held = access.personal_data(db.session, registration, by=current_user, channel="json")
    body = json.dumps(access.as_json(held), ensure_ascii=False, indent=2)
    return download(body.encode("utf-8"), "application/json",
                    f"registration-{registration_id}-personal-data.json")
