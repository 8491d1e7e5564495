"""The public registration form."""

import uuid

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.service import get_published_event, registration_is_open
from eventreg.extensions import db
from eventreg.i18n import current_language
from eventreg.registrations import limits, recovery, service
from eventreg.registrations.forms import parse_registration_form, party_size_from
from eventreg.text import strip_control_characters
from eventreg.web import (
    answers_control_characters_on_its_form,
    control_character_error,
    form_control_character_paths,
)

blueprint = Blueprint("registrations", __name__)


def form_with_wait_message(limit):
    """The form again, with what was typed, saying how long to wait (the limits reached)."""
    event = get_published_event(db.session, request.view_args["slug"])
    values, _refused = posted_form()
    error = Conflict(limits.wait_message(limit), reason="too_many_requests")
    response = make_response(render_form(event, values, error=error), 429)
    response.headers["Retry-After"] = limits.api_refusal(limit).headers["Retry-After"]
    return response


@blueprint.route("/e/<slug>/register", methods=["GET", "POST"])
@limits.limit_public_registrations(on_breach=form_with_wait_message)
@answers_control_characters_on_its_form
def register(slug: str):
    """Register a party for this event, then show its tickets."""
    event = get_published_event(db.session, slug)
    if request.method == "GET":
        values = MultiDict({"party_size": request.args.get("party_size", "1")})
        values["client_id"] = uuid.uuid4().hex
        return render_form(event, values)

    values, refused = posted_form()
    if refused:
        return render_form(event, values, error=control_character_error(refused)), 422
    action = values.get("action", "register")
    if action in ("add_person", "remove_person"):
        size = party_size_from(values) + (1 if action == "add_person" else -1)
        values["party_size"] = str(max(1, min(size, service.MAX_PARTY_SIZE)))
        added = action == "add_person" and party_size_from(values) == size
        # On a phone the new person is far down the page: the cursor takes them there.
        return render_form(event, values,
                            focus=f"attendees.{size - 1}.name" if added else None)

    registration_request = parse_registration_form(values, event, current_language())
    registration_request.source_hash = limits.source_hash(event.id)
    try:
        with unit_of_work(db.session):
            outcome = service.register(
                db.session, event, registration_request,
                phone_region=current_app.config["DEFAULT_PHONE_REGION"],
            )
    except ValidationFailed as error:
        return render_form(event, values, error=error), 422
    except Conflict as error:
        return render_form(event, values, error=error), 409
    registration = outcome.registration
    if registration.email:
        flash(_("You are registered. We also sent the link to this page to %(email)s.",
                email=registration.email), "success")
    elif registration.phone and event.sends_text_messages:
        flash(_("You are registered. We also sent the link to this page by text message to "
                "%(phone)s. Keep this page: its address is your ticket.",
                phone=registration.phone), "success")
    else:
        flash(_("You are registered. Keep this page: its address is your ticket."), "success")
    return redirect(url_for("tickets.page", secret=registration.ticket_secret))


def posted_form() -> tuple[MultiDict, list[str]]:
    """What the form sent, without control characters, and the fields that held some
    (shown back without them, so the person can check and send again)."""
    values = MultiDict((key, strip_control_characters(value))
                       for key, value in request.form.items(multi=True))
    return values, form_control_character_paths(request.form)


def render_form(event, values: MultiDict, error=None, focus: str | None = None):
    """The form with what was typed; `focus` names the field the cursor goes to."""
    return render_template(
        "registrations/form.html",
        event=event,
        values=values,
        party_size=party_size_from(values),
        max_party_size=service.MAX_PARTY_SIZE,
        max_door_note_length=service.MAX_DOOR_NOTE_LENGTH,
        error=error,
        field_errors={key: str(message) for key, message in (error.fields if error else {}).items()},
        registration_open=registration_is_open(event),
        focus=focus,
    )


def recovery_wait_page(limit):
    """The page again, with what was typed, saying how long to wait (a limit reached)."""
    response = make_response(render_template(
        "registrations/recovery.html", contact=request.form.get("contact", ""),
        error=limits.recovery_wait_message(limit), sent=False), 429)
    response.headers["Retry-After"] = limits.api_refusal(limit).headers["Retry-After"]
    return response


@blueprint.route("/tickets/again", methods=["GET", "POST"])
@limits.limit_link_recovery(on_breach=recovery_wait_page)
def recover_links():
    """Send a person the private links of their registrations, to the email or phone typed."""
    if request.method == "GET":
        return render_template("registrations/recovery.html", contact="", error=None,
                               sent=False)
    contact = strip_control_characters(request.form.get("contact", ""))
    try:
        with unit_of_work(db.session):
            recovery.send_links_again(
                db.session, contact, phone_region=current_app.config["DEFAULT_PHONE_REGION"],
                language=current_language())
    except ValidationFailed as error:
        return render_template("registrations/recovery.html", contact=contact,
                               error=str(error.message), sent=False), 422
    # The same answer whether the contact is known or not.
    return render_template("registrations/recovery.html", contact="", error=None, sent=True)
