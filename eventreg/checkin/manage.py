"""Organiser pages for an event's doors (make a volunteer's link, show it again, revoke
it), the event day's live dashboard, and typing in a paper sign-in sheet."""

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from eventreg.checkin import doors
from eventreg.checkin.counts import count_checkins
from eventreg.checkin.dashboard import event_dashboard
from eventreg.checkin.forms import DoorAccessForm, parse_sign_in_sheet
from eventreg.checkin.sign_in_sheets import door_name, enter_sign_in_sheet
from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events.service import get_organiser_event
from eventreg.extensions import db
from eventreg.forms import ActionForm, show_service_errors
from eventreg.i18n import current_language
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
            with unit_of_work(db.session):
                door, _token = doors.create_door_access(
                    db.session, event, form.name.data, activity_ids=form.activities.data,
                    records_exits=form.records_exits.data, kiosk=form.kiosk.data,
                    by=current_user,
                )
        except (ValidationFailed, Conflict) as error:
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
        with unit_of_work(db.session):
            doors.revoke_door_access(db.session, door, by=current_user)
        flash(_("The door link %(name)s no longer works.", name=door_name(door.name)), "success")
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


#: Rows the page for typing in a sign-in sheet starts with, adds at a time, and allows.
SHEET_ROWS_STEP = 10
MAX_SHEET_ROWS = 100


@blueprint.route("/sign-in-sheet/enter", methods=["GET", "POST"])
def enter_sheet(slug: str):
    """Type in the people of a filled-in paper sign-in sheet, who then count as attendance."""
    event = get_organiser_event(db.session, current_user, slug)
    values = request.form
    rows = min(max(values.get("row_count", type=int) or SHEET_ROWS_STEP, 1), MAX_SHEET_ROWS)
    error = None
    if request.method == "POST" and ActionForm().validate_on_submit():
        if values.get("action") == "more_rows":
            rows = min(rows + SHEET_ROWS_STEP, MAX_SHEET_ROWS)
        else:
            try:
                with unit_of_work(db.session):
                    entered = enter_sign_in_sheet(db.session, current_user, event,
                                                  parse_sign_in_sheet(values, rows),
                                                  sheet_id=values.get("sheet_id", ""),
                                                  language=current_language())
            except (ValidationFailed, Conflict) as refusal:
                error = refusal
            else:
                flash(ngettext("%(num)d person from the sign-in sheet now counts as attendance.",
                               "%(num)d people from the sign-in sheet now count as attendance.",
                               entered), "success")
                return redirect(url_for(".dashboard", slug=slug))
    elif request.method == "POST":
        flash(_("The form could not be checked; nothing was saved. Please send it again."),
              "error")
    return render_template(
        "checkin/enter_sign_in_sheet.html", event=event, values=values, rows=rows,
        sheet_id=values.get("sheet_id") or secrets.token_urlsafe(12),
        error=error, field_errors={k: str(v) for k, v in (error.fields if error else {}).items()},
        max_rows=MAX_SHEET_ROWS,
    ), 422 if error else 200
