"""The waiting list for participants (their private link) and for organisers."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eventreg.database import unit_of_work
from eventreg.errors import Conflict
from eventreg.events.service import get_organiser_event
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.waitlist import service

blueprint = Blueprint("waitlist", __name__)


@blueprint.get("/w/<secret>")
def page(secret: str):
    """Show a waiting party its place in line; once promoted, its tickets."""
    entry = service.get_entry_by_secret(db.session, secret)
    if entry.registration is not None:
        return redirect(url_for("tickets.page", secret=entry.registration.ticket_secret))
    return render_template(
        "waitlist/page.html", entry=entry, event=entry.event, people=service.people_of(entry),
        place=service.place_in_line(db.session, entry) if entry.is_waiting else None,
    ), 200, {"Cache-Control": "private, no-store"}


@blueprint.post("/w/<secret>/leave")
def leave(secret: str):
    """Leave the waiting list."""
    entry = service.get_entry_by_secret(db.session, secret)
    if ActionForm().validate_on_submit():
        with unit_of_work(db.session):
            service.remove_from_waitlist(db.session, entry)
        flash(_("You left the waiting list."), "success")
    return redirect(url_for(".page", secret=secret))


@blueprint.post("/manage/events/<slug>/waitlist/<int:entry_id>/promote")
@login_required
def promote(slug: str, entry_id: int):
    """Give a waiting party places out of turn, if there are enough."""
    event = get_organiser_event(db.session, current_user, slug)
    entry = service.get_event_entry(db.session, event, entry_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.promote_by_hand(db.session, entry, by=current_user)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            flash(_("Registered from the waiting list."), "success")
    return redirect(url_for("manage_registrations.index", slug=slug))


@blueprint.post("/manage/events/<slug>/waitlist/<int:entry_id>/remove")
@login_required
def remove(slug: str, entry_id: int):
    """Take a party off the waiting list."""
    event = get_organiser_event(db.session, current_user, slug)
    entry = service.get_event_entry(db.session, event, entry_id)
    if ActionForm().validate_on_submit():
        with unit_of_work(db.session):
            service.remove_from_waitlist(db.session, entry, by=current_user)
        flash(_("Taken off the waiting list."), "success")
    return redirect(url_for("manage_registrations.index", slug=slug))
