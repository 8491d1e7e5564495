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
from eventreg.forms import ActionForm
from eventreg.messages.service import messages_by_registration
from eventreg.registrations import bursts, recovery, service
from eventreg.registrations.bursts import find_bursts
from eventreg.registrations.notifications import estimate_party_message, ticket_link
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


@blueprint.post("/registrations/bursts/cancel")
def cancel_burst(slug: str):
    """Cancel every registration of a burst from one address, telling none of them."""
    event = get_organiser_event(db.session, current_user, slug)
    if ActionForm().validate_on_submit():
        ids = [as_int(value) for value in request.form.getlist("registration_id")]
        try:
            with unit_of_work(db.session):
                cancelled = bursts.cancel_burst(db.session, event, ids, by=current_user)
        except ValidationFailed as error:
            flash(str(error.message), "error")
        else:
            flash(_("Cancelled %(count)d tickets of the burst; their places are free again.",
                    count=cancelled), "success")
    return redirect(url_for(".index", slug=slug))


@blueprint.post("/registrations/<int:registration_id>/cancel")
def cancel(slug: str, registration_id: int):
    """Cancel a whole registration, or one attendee when the form names one."""
    event = get_organiser_event(db.session, current_user, slug)
    registration = service.get_event_registration(db.session, event, registration_id)
    if ActionForm().validate_on_submit():
        attendee_id = request.form.get("attendee_id", type=int)
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
