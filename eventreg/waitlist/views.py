"""The waiting list for participants (joining it, their private link) and for organisers."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.service import get_organiser_event, get_published_event
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.i18n import current_language
from eventreg.registrations import limits
from eventreg.registrations.forms import parse_registration_form
from eventreg.registrations.views import form_with_wait_message, posted_form, render_form
from eventreg.waitlist import line, service
from eventreg.web import (
    answers_control_characters_on_its_form,
    control_character_error,
    flash_with_undo,
)

blueprint = Blueprint("waitlist", __name__)


@blueprint.post("/e/<slug>/waitlist")
@limits.limit_public_registrations(on_breach=form_with_wait_message)
@answers_control_characters_on_its_form
def join(slug: str):
    """Put the party of the registration form on the event's waiting list."""
    event = get_published_event(db.session, slug)
    values, refused = posted_form()
    if refused:
        return render_form(event, values, error=control_character_error(refused)), 422
    registration_request = parse_registration_form(values, event, current_language())
    try:
        with unit_of_work(db.session):
            entry = service.join_waitlist(
                db.session, event, registration_request,
                phone_region=current_app.config["DEFAULT_PHONE_REGION"],
            )
    except ValidationFailed as error:
        return render_form(event, values, error=error), 422
    except Conflict as error:
        return render_form(event, values, error=error), 409
    return redirect(url_for(".page", secret=entry.secret))


@blueprint.get("/manage/events/<slug>/waitlist")
@login_required
def manage(slug: str):
    """List the parties waiting, first in line first, to register or remove by hand."""
    event = get_organiser_event(db.session, current_user, slug)
    return render_template("waitlist/manage.html", event=event,
                           waiting=line.list_waiting(db.session, event),
                           names_of=line.names_of)


@blueprint.get("/w/<secret>")
def page(secret: str):
    """Show a waiting party its place in line; once promoted, its tickets."""
    entry = service.get_entry_by_secret(db.session, secret)
    if entry.registration is not None:
        return redirect(url_for("tickets.page", secret=entry.registration.ticket_secret))
    return render_template(
        "waitlist/page.html", entry=entry, event=entry.event, people=line.people_of(entry),
        place=line.place_in_line(db.session, entry) if entry.is_waiting else None,
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
    return redirect(url_for(".manage", slug=slug))


@blueprint.post("/manage/events/<slug>/waitlist/<int:entry_id>/remove")
@login_required
def remove(slug: str, entry_id: int):
    """Take a party off the waiting list."""
    event = get_organiser_event(db.session, current_user, slug)
    entry = service.get_event_entry(db.session, event, entry_id)
    if ActionForm().validate_on_submit():
        with unit_of_work(db.session):
            service.remove_from_waitlist(db.session, entry, by=current_user)
        flash_with_undo(
            _("%(names)s taken off the waiting list.", names=", ".join(line.names_of(entry))),
            undo_url=url_for(".put_back", slug=slug, entry_id=entry_id),
            undo_label=_("Undo: put back in the same place"))
    return redirect(url_for(".manage", slug=slug))


@blueprint.post("/manage/events/<slug>/waitlist/<int:entry_id>/put-back")
@login_required
def put_back(slug: str, entry_id: int):
    """Undo taking a party off the waiting list: it waits again in its old place."""
    event = get_organiser_event(db.session, current_user, slug)
    entry = service.get_event_entry(db.session, event, entry_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                entry = service.put_back_on_waitlist(db.session, entry, by=current_user)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            if entry.is_waiting:
                flash(_("Back on the waiting list, in place %(place)d.",
                        place=line.place_in_line(db.session, entry)), "success")
            else:
                flash(_("Back on the waiting list, and registered at once: places were free."),
                      "success")
    return redirect(url_for(".manage", slug=slug))
