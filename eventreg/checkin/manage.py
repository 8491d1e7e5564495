"""Organiser pages for an event's doors (make a volunteer's link, show it again, revoke
it) and the event day's live dashboard."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eventreg.checkin import doors
from eventreg.checkin.dashboard import event_dashboard
from eventreg.checkin.forms import DoorAccessForm
from eventreg.checkin.service import count_checkins
from eventreg.errors import ValidationFailed
from eventreg.events.service import get_organiser_event
from eventreg.extensions import db
from eventreg.forms import ActionForm, show_service_errors
from eventreg.tickets.qr import qr_svg

blueprint = Blueprint("manage_checkin", __name__, url_prefix="/manage/events/<slug>")


@blueprint.before_request
@login_required
def _require_login():
    """Every page here is for signed-in organisers only."""


@blueprint.route("/doors", methods=["GET", "POST"])
def index(slug: str):
    """List the event's doors with check-in counts, and make a new door link."""
    event = get_organiser_event(db.session, current_user, slug)
    form = DoorAccessForm(event)
    if form.validate_on_submit():
        try:
            door, _token = doors.create_door_access(
                db.session, event, form.name.data, activity_ids=form.activities.data,
                records_exits=form.records_exits.data, by=current_user,
            )
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("Door link made. Open it on the volunteer's phone."), "success")
            return redirect(url_for(".show", slug=slug, door_id=door.id))
    return render_template(
        "checkin/manage_doors.html",
        event=event,
        form=form,
        doors=doors.list_door_accesses(db.session, event),
        scans=doors.count_scans_by_door(db.session, event),
        counts=count_checkins(db.session, event),
        is_live=doors.door_is_live,
        expires_at=doors.door_expires_at,
    )


@blueprint.get("/doors/<int:door_id>")
def show(slug: str, door_id: int):
    """Show a door's link and its QR code, for the volunteer's phone to open."""
    event = get_organiser_event(db.session, current_user, slug)
    door = doors.get_door_access(db.session, event, door_id)
    link = None
    if doors.door_is_live(door):
        link = url_for("checkin.scanner", token=doors.door_token(door), _external=True)
    response = render_template(
        "checkin/manage_door.html", event=event, door=door, link=link,
        link_qr=qr_svg(link) if link else None, expires_at=doors.door_expires_at(door),
    )
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blueprint.post("/doors/<int:door_id>/revoke")
def revoke(slug: str, door_id: int):
    """Switch a door link off at once."""
    event = get_organiser_event(db.session, current_user, slug)
    door = doors.get_door_access(db.session, event, door_id)
    if ActionForm().validate_on_submit():
        doors.revoke_door_access(db.session, door, by=current_user)
        flash(_("The door link %(name)s no longer works.", name=door.name), "success")
    return redirect(url_for(".index", slug=slug))


@blueprint.get("/dashboard")
def dashboard(slug: str):
    """Show the event day live: arrivals, walk-ins, activities, doors, arrivals over time."""
    event = get_organiser_event(db.session, current_user, slug)
    return render_template("checkin/dashboard.html", event=event,
                           figures=event_dashboard(db.session, event))


@blueprint.get("/dashboard/live")
def dashboard_live(slug: str):
    """The dashboard's figures alone, which its page fetches again every few seconds."""
    event = get_organiser_event(db.session, current_user, slug)
    return render_template("checkin/dashboard_figures.html", event=event,
                           figures=event_dashboard(db.session, event))
