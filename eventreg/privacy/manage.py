"""Organiser pages of a party's rights: everything held about it, as a page to print in the
party's language and as a JSON download (eventreg/privacy/access.py), and erasing its data
on request, after a confirmation that says what will happen (eventreg/privacy/erasure.py)."""

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from eventreg.checkin.reasons import SCAN_OUTCOMES
from eventreg.database import unit_of_work
from eventreg.errors import ValidationFailed
from eventreg.events.service import get_organiser_event
from eventreg.exports.views import download
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.privacy import access
from eventreg.privacy.erasure import erase, erasure_preview
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
        document = render_template("privacy/access_document.html", held=held,
                                   scan_outcomes=SCAN_OUTCOMES)
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


@blueprint.route("/erase", methods=["GET", "POST"])
def erase_page(slug: str, registration_id: int):
    """Erase the party's data, or some of its people's, once the organiser confirms."""
    registration = _party(slug, registration_id)
    form = ActionForm()
    chosen = request.form.getlist("attendee_ids", type=int) if request.method == "POST" else None
    error = None
    if form.validate_on_submit():
        if request.form.get("confirm") != "yes":
            error = _("Tick the box to confirm: erased data cannot be brought back.")
        else:
            try:
                with unit_of_work(db.session):
                    done = erase(db.session, registration, chosen, by=current_user)
            except ValidationFailed as refused:
                error = str(refused.message)
            else:
                flash(ngettext("Erased the personal data of %(num)d person; the figures stay.",
                               "Erased the personal data of %(num)d people; the figures stay.",
                               done.people), "success")
                return redirect(url_for("manage_registrations.index", slug=slug))
    return render_template(
        "privacy/erase.html", event=registration.event, registration=registration,
        chosen=chosen, preview=erasure_preview(registration, chosen), error=error,
    ), 422 if error else 200
