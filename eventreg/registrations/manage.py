"""Organiser pages for an event's registrations: search, counts and cancelling."""

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.service import get_organiser_event
from eventreg.extensions import db
from eventreg.forms import ActionForm, ConfirmForm
from eventreg.messages.service import messages_by_registration
from eventreg.registrations import bursts, recovery, service
from eventreg.registrations.bursts import find_bursts
from eventreg.registrations.notifications import (
    estimate_party_message,
    people_to_tell,
    ticket_link,
)
from eventreg.registrations.service import as_int

blueprint = Blueprint("manage_registrations", __name__, url_prefix="/manage/events/<slug>")


@blueprint.before_request
@login_required
def _require_login():
    """Every page here is for signed-in organisers only."""


@blueprint.get("/registrations")
def index(slug: str):
    """List an event's registrations, searchable, with counts per activity."""
    event = get_organiser_event(db.session, current_user, slug)
    search = request.args.get("q", "").strip()
    registrations = service.list_registrations(db.session, event, search)
    return render_template(
        "registrations/manage_index.html",
        event=event,
        registrations=registrations,
        messages=messages_by_registration(db.session, [r.id for r in registrations]),
        # What cancelling each registration will send, and each party's private link.
        cancel_estimates={r.id: estimate_party_message(
            r, "cancellation", cancelled_names=[a.name for a in r.active_attendees])
            for r in registrations if not r.cancelled_at},
        ticket_links={r.id: ticket_link(r) for r in registrations
                      if not r.cancelled_at and r.anonymised_at is None},
        counts=service.count_registrations(db.session, event),
        search=search,
        bursts=find_bursts(
            db.session, event,
            min_registrations=current_app.config["BURST_MIN_REGISTRATIONS"],
            window=timedelta(minutes=current_app.config["BURST_WINDOW_MINUTES"]),
        ),
    )


@blueprint.get("/registrations/bursts/cancel")
def confirm_cancel_burst(slug: str):
    """Ask once more before cancelling a burst, naming whom it cancels."""
    event = get_organiser_event(db.session, current_user, slug)
    ids = [as_int(value) for value in request.args.getlist("registration_id")]
    try:
        burst = bursts.get_burst(db.session, event, ids)
    except ValidationFailed as error:
        flash(str(error.message), "error")
        return redirect(url_for(".index", slug=slug))
    names = ", ".join(registration.contact_display_name for registration in burst.registrations)
    return render_template(
        "confirm.html",
        heading=ngettext("Cancel %(num)d registration from one address?",
                         "Cancel %(num)d registrations from one address?",
                         len(burst.registrations)),
        consequences=[
            ngettext("The ticket of %(num)d person is cancelled and the place is free again:",
                     "The tickets of %(num)d people are cancelled and their places are free "
                     "again:", burst.people) + " " + names,
            _("The addresses they gave are not told: they may be anybody's."),
        ],
        told=people_to_tell([]),
        action_url=url_for(".cancel_burst", slug=slug), hidden={"registration_id": ids},
        confirm_label=_("Yes, cancel them"), back_url=url_for(".index", slug=slug),
        breadcrumb=_("Registrations"),
    )


@blueprint.post("/registrations/bursts/cancel")
def cancel_burst(slug: str):
    """Cancel every registration of a burst from one address, telling none of them."""
    event = get_organiser_event(db.session, current_user, slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        ids = [as_int(value) for value in request.form.getlist("registration_id")]
        if not form.is_confirmed:
            return redirect(url_for(".confirm_cancel_burst", slug=slug, registration_id=ids))
        try:
            with unit_of_work(db.session):
                cancelled = bursts.cancel_burst(db.session, event, ids, by=current_user)
        except ValidationFailed as error:
            flash(str(error.message), "error")
        else:
            flash(_("Cancelled %(count)d tickets of the burst; their places are free again.",
                    count=cancelled), "success")
    return redirect(url_for(".index", slug=slug))


@blueprint.get("/registrations/<int:registration_id>/cancel")
def confirm_cancel(slug: str, registration_id: int):
    """Ask once more before cancelling a registration or one attendee, saying whom it
    tells."""
    event = get_organiser_event(db.session, current_user, slug)
    registration = service.get_event_registration(db.session, event, registration_id)
    attendee_id = request.args.get("attendee_id", type=int)
    preview = service.preview_cancellation(registration, [attendee_id] if attendee_id else None)
    back_url = url_for(".index", slug=slug, q=request.args.get("q") or None)
    if not preview.names:
        flash(_("Nothing to cancel: those tickets were already cancelled."), "info")
        return redirect(back_url)
    hidden = {"attendee_id": [attendee_id]} if attendee_id else {}
    return render_template(
        "confirm.html",
        heading=(_("Cancel the ticket of %(name)s?", name=preview.names[0]) if attendee_id
                 else _("Cancel the whole registration of %(name)s?",
                        name=registration.contact_display_name)),
        consequences=[
            ngettext("%(num)d ticket is no longer valid, and its place goes to others:",
                     "%(num)d tickets are no longer valid, and their places go to others:",
                     len(preview.names)) + " " + ", ".join(preview.names),
        ],
        told=preview.told,
        action_url=url_for(".cancel", slug=slug, registration_id=registration.id,
                           q=request.args.get("q") or None),
        hidden=hidden,
        confirm_label=(_("Yes, cancel this ticket") if attendee_id
                       else _("Yes, cancel the registration")),
        back_url=back_url, breadcrumb=_("Registrations"),
    )


@blueprint.post("/registrations/<int:registration_id>/cancel")
def cancel(slug: str, registration_id: int):
    """Cancel a whole registration, or one attendee when the form names one, once
    confirmed."""
    event = get_organiser_event(db.session, current_user, slug)
    registration = service.get_event_registration(db.session, event, registration_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        attendee_id = request.form.get("attendee_id", type=int)
        if not form.is_confirmed:
            return redirect(url_for(".confirm_cancel", slug=slug, registration_id=registration.id,
                                    attendee_id=attendee_id, q=request.args.get("q") or None))
        with unit_of_work(db.session):
            cancelled = service.cancel_attendees(
                db.session, registration, [attendee_id] if attendee_id else None, by=current_user
            )
        if cancelled:
            flash(_("Cancelled %(count)d ticket(s); their places are free again.",
                    count=cancelled), "success")
        else:
            flash(_("Nothing to cancel: those tickets were already cancelled."), "info")
    return redirect(url_for(".index", slug=slug, q=request.args.get("q") or None))


@blueprint.post("/registrations/<int:registration_id>/resend-link")
def resend_link(slug: str, registration_id: int):
    """Send a party its private ticket link again, by its email or else its phone."""
    event = get_organiser_event(db.session, current_user, slug)
    registration = service.get_event_registration(db.session, event, registration_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                messages = recovery.resend_ticket_link(db.session, registration,
                                                       by=current_user)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            flash(ngettext("The link is being sent again (%(num)d message).",
                           "The link is being sent again (%(num)d messages).",
                           len(messages)), "success")
    return redirect(url_for(".index", slug=slug, q=request.args.get("q") or None))


@blueprint.post("/registrations/<int:registration_id>/attendees/<int:attendee_id>/door-note")
def change_door_note(slug: str, registration_id: int, attendee_id: int):
    """Set or remove the note the doors show for one person."""
    event = get_organiser_event(db.session, current_user, slug)
    registration = service.get_event_registration(db.session, event, registration_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                changed = service.set_door_note(db.session, registration, attendee_id,
                                                request.form.get("door_note", ""),
                                                by=current_user)
        except ValidationFailed as error:
            flash(str(error.fields.get("door_note", error.message)), "error")
        else:
            if changed:
                flash(_("The note for the door is saved; the doors' phones get it at their "
                        "next update."), "success")
    return redirect(url_for(".index", slug=slug, q=request.args.get("q") or None)
                    + f"#r{registration.id}")
