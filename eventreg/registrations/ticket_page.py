"""The private ticket page of a registration (/t/<secret>): its tickets with their QR codes,
the QR images and the calendar file, and what the party may still change there."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventreg import hooks
from eventreg.checkin.pickup import PICKUP_QR_PREFIX, party_pickup_codes
from eventreg.consents.service import given_consent_name, withdraw_consent
from eventreg.database import unit_of_work
from eventreg.errors import Conflict, DomainError, NotFound, ValidationFailed
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.i18n import current_language
from eventreg.registrations import service as registration_service
from eventreg.registrations.models import Registration
from eventreg.registrations.service import (
    as_int,
    cancel_by_participant,
    get_registration_by_secret,
)
from eventreg.text import strip_control_characters
from eventreg.tickets.calendar import event_calendar
from eventreg.tickets.qr import qr_png, qr_svg
from eventreg.tickets.service import ticket_tokens
from eventreg.web import (
    answers_control_characters_on_its_form,
    control_character_error,
    form_control_character_paths,
)

blueprint = Blueprint("tickets", __name__, url_prefix="/t")

#: The names form's fields are `names.<attendee id>`.
NAME_FIELD_PREFIX = "names."


@blueprint.get("/<secret>")
def page(secret: str):
    """Show every ticket of the party, ready to show at the door, save or print."""
    return render_page(get_registration_by_secret(db.session, secret))


def render_page(registration: Registration, *, typed_names: dict[str, str] | None = None,
                error: DomainError | None = None):
    """The ticket page; after a refused name correction, with the names as typed and the
    refusal beside its fields."""
    tokens = ticket_tokens(db.session, registration.active_attendees)
    names = {f"{NAME_FIELD_PREFIX}{a.id}": a.name for a in registration.active_attendees}
    names.update(typed_names or {})
    waits = hooks.activity_waits_of(db.session, [a.id for a in registration.active_attendees])
    pickup_codes = party_pickup_codes(db.session, registration.id)
    return render_template(
        "tickets/page.html",
        registration=registration,
        event=registration.event,
        qr_svgs={attendee_id: qr_svg(token) for attendee_id, token in tokens.items()},
        options=registration_service.party_options(registration),
        # {attendee id: {activity id: place in its waiting list}}
        places_in_line={attendee_id: dict(lines) for attendee_id, lines in waits.items()},
        names=names,
        names_error=error,
        name_errors={key: str(message) for key, message in (error.fields if error else {}).items()},
        consenting=[a for a in registration.attendees if a.consents and a.anonymised_at is None],
        pickup_codes=pickup_codes,
        pickup_qr_svgs={code.id: qr_svg(PICKUP_QR_PREFIX + code.code)
                        for codes in pickup_codes.values() for code in codes},
        activities={activity.id: activity for activity in registration.event.activities},
    )


@blueprint.post("/<secret>/cancel")
def cancel(secret: str):
    """Cancel some or all of the party's tickets, freeing their places for others."""
    registration = get_registration_by_secret(db.session, secret)
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen = request.form.getlist("attendee_ids", type=int)
    names = [a.name for a in registration.active_attendees if a.id in chosen]
    try:
        with unit_of_work(db.session):
            cancelled = cancel_by_participant(db.session, registration, chosen)
    except (ValidationFailed, Conflict) as error:
        flash(str(error.message), "error")
        return redirect(url_for(".page", secret=secret))
    if cancelled:
        flash(_("Cancelled: %(names)s. Their places are free again.", names=", ".join(names)),
              "success")
    return redirect(url_for(".page", secret=secret))


@blueprint.post("/<secret>/activities/<int:attendee_id>")
def change_activities(secret: str, attendee_id: int):
    """Change one person's activity choices where places are left."""
    registration = get_registration_by_secret(db.session, secret)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work(db.session):
            registration_service.change_activities(
                db.session, registration, attendee_id,
                request.form.getlist("activities", type=int))
    except (ValidationFailed, Conflict) as error:
        flash(str(error.message), "error")
    else:
        flash(_("Choices saved."), "success")
    return redirect(url_for(".page", secret=secret))


@blueprint.post("/<secret>/names")
@answers_control_characters_on_its_form
def correct_names(secret: str):
    """Correct misspelled names of the party's people, until the event starts."""
    registration = get_registration_by_secret(db.session, secret)
    if not ActionForm().validate_on_submit():
        abort(400)
    typed = {key: strip_control_characters(value) for key, value in request.form.items()
             if key.startswith(NAME_FIELD_PREFIX)}
    refused = form_control_character_paths(request.form)
    if refused:
        return render_page(registration, typed_names=typed,
                           error=control_character_error(refused)), 422
    names = {as_int(key.removeprefix(NAME_FIELD_PREFIX)): value for key, value in typed.items()}
    try:
        with unit_of_work(db.session):
            changed = registration_service.correct_names(db.session, registration, names)
    except ValidationFailed as error:
        return render_page(registration, typed_names=typed, error=error), 422
    except Conflict as error:
        flash(str(error.message), "error")
        return redirect(url_for(".page", secret=secret))
    if changed:
        flash(_("Names saved. The tickets and the list at the door show them now."), "success")
    else:
        flash(_("The names were already written like this: nothing changed."), "info")
    return redirect(url_for(".page", secret=secret))


@blueprint.post("/<secret>/consents/withdraw")
def withdraw(secret: str):
    """Withdraw one person's optional consent (photos, contact, sharing), at any time."""
    registration = get_registration_by_secret(db.session, secret)
    if not ActionForm().validate_on_submit():
        abort(400)
    attendee_id, kind = as_int(request.form.get("attendee_id")), request.form.get("kind", "")
    try:
        with unit_of_work(db.session):
            withdrawn = withdraw_consent(db.session, registration, attendee_id, kind)
    except NotFound as error:
        flash(str(error.message), "error")
        return redirect(url_for(".page", secret=secret))
    attendee = next(a for a in registration.attendees if a.id == attendee_id)
    consent = next(c for c in attendee.consents if c.kind == kind)
    if withdrawn:
        flash(_("Withdrawn: %(consent)s, for %(name)s. The organisers and the door see it now.",
                consent=given_consent_name(consent), name=attendee.name), "success")
    else:
        flash(_("This consent was already withdrawn."), "info")
    return redirect(url_for(".page", secret=secret))


@blueprint.get("/<secret>/qr/<int:attendee_id>.png")
def qr_image(secret: str, attendee_id: int):
    """Download one attendee's QR code as a PNG image."""
    registration = get_registration_by_secret(db.session, secret)
    attendee = next((a for a in registration.active_attendees if a.id == attendee_id), None)
    if attendee is None:
        abort(404)
    token = ticket_tokens(db.session, [attendee])[attendee.id]
    filename = f"ticket-{attendee.ticket_code}.png"
    return Response(
        qr_png(token), mimetype="image/png",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@blueprint.get("/<secret>/event.ics")
def calendar_file(secret: str):
    """Download the event as a calendar entry."""
    registration = get_registration_by_secret(db.session, secret)
    event = registration.event
    ticket_url = url_for("tickets.page", secret=secret, _external=True)
    body = event_calendar(event, current_language(), ticket_url)
    filename = f"{event.slug}.ics"
    return Response(
        body, mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
