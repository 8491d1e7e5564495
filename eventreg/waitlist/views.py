"""The waiting list for participants (joining it, their private link) and for organisers."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.service import get_organiser_event, get_published_event
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.i18n import current_language, localized
from eventreg.registrations import limits
from eventreg.registrations.forms import parse_registration_form
from eventreg.registrations.service import get_registration_by_secret
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
    """List the parties waiting for the event and the people waiting for each activity,
    first in line first, to promote or remove by hand."""
    event = get_organiser_event(db.session, current_user, slug)
    return render_template("waitlist/manage.html", event=event,
                           waiting=line.list_waiting(db.session, event),
                           activity_lines=line.activity_lines(db.session, event),
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


@blueprint.post("/t/<secret>/activities/<int:attendee_id>/wait/<int:activity_id>")
def join_activity_line(secret: str, attendee_id: int, activity_id: int):
    """Put one person of the party in the line of a full activity."""
    registration = get_registration_by_secret(db.session, secret)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work(db.session):
            wait = service.join_activity_line(db.session, registration, attendee_id,
                                              activity_id)
            name, title = wait.attendee.name, localized(wait.activity.title)
            place = (line.activity_places_in_line(db.session, [attendee_id])
                     .get(attendee_id, []))
            place = next((p for a, p in place if a == activity_id), None)
    except (ValidationFailed, Conflict) as error:
        flash(str(error.message), "error")
    else:
        if place is None:
            flash(_("%(name)s has a place in %(activity)s.", name=name, activity=title),
                  "success")
        else:
            flash(_("%(name)s is number %(place)d in line for %(activity)s. When a place "
                    "frees up, the first in line gets it.", name=name, place=place,
                    activity=title), "success")
    return redirect(url_for("tickets.page", secret=secret))


@blueprint.post("/t/<secret>/activities/<int:attendee_id>/wait/<int:activity_id>/leave")
def leave_activity_line(secret: str, attendee_id: int, activity_id: int):
    """Take one person of the party off an activity's line."""
    registration = get_registration_by_secret(db.session, secret)
    if not ActionForm().validate_on_submit():
        abort(400)
    with unit_of_work(db.session):
        service.leave_activity_line(db.session, registration, attendee_id, activity_id)
    flash(_("You left the waiting list."), "success")
    return redirect(url_for("tickets.page", secret=secret))


@blueprint.post("/manage/events/<slug>/waitlist/activities/<int:wait_id>/promote")
@login_required
def promote_activity_wait(slug: str, wait_id: int):
    """Give a person waiting for an activity its place out of turn, if one is free."""
    event = get_organiser_event(db.session, current_user, slug)
    wait = service.get_event_wait(db.session, event, wait_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.promote_from_activity_line_by_hand(db.session, wait, by=current_user)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            flash(_("The place in the activity was given."), "success")
    return redirect(url_for(".manage", slug=slug))


@blueprint.post("/manage/events/<slug>/waitlist/activities/<int:wait_id>/remove")
@login_required
def remove_activity_wait(slug: str, wait_id: int):
    """Take a person off an activity's waiting list."""
    event = get_organiser_event(db.session, current_user, slug)
    wait = service.get_event_wait(db.session, event, wait_id)
    if ActionForm().validate_on_submit():
        with unit_of_work(db.session):
            service.remove_from_activity_line(db.session, wait, by=current_user)
        flash(_("Taken off the waiting list."), "success")
    return redirect(url_for(".manage", slug=slug))
