"""The private ticket page of a registration (/t/<secret>): its tickets with their QR codes,
the QR images and the calendar file, and what the party may still change there."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.i18n import current_language
from eventreg.registrations import service as registration_service
from eventreg.registrations.service import cancel_by_participant, get_registration_by_secret
from eventreg.tickets.calendar import event_calendar
from eventreg.tickets.qr import qr_png, qr_svg
from eventreg.tickets.service import ticket_tokens

blueprint = Blueprint("tickets", __name__, url_prefix="/t")


@blueprint.get("/<secret>")
def page(secret: str):
    """Show every ticket of the party, ready to show at the door, save or print."""
    registration = get_registration_by_secret(db.session, secret)
    tokens = ticket_tokens(db.session, registration.active_attendees)
    return render_template(
        "tickets/page.html",
        registration=registration,
        event=registration.event,
        qr_svgs={attendee_id: qr_svg(token) for attendee_id, token in tokens.items()},
        options=registration_service.party_options(registration),
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
