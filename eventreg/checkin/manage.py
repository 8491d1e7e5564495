"""Organiser pages for an event's doors (make a volunteer's link, show it again, revoke
it), the event day's live dashboard, typing in a paper sign-in sheet, the scan history and
checking everyone out."""

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from eventreg.checkin import doors, everyone_out, history
from eventreg.checkin.counts import count_checkins
from eventreg.checkin.dashboard import event_dashboard
from eventreg.checkin.forms import DoorAccessForm, parse_sign_in_sheet
from eventreg.checkin.sign_in_sheets import door_name, enter_sign_in_sheet
from eventreg.database import NonexistentLocalTime, local_to_utc, unit_of_work, utcnow
from eventreg.errors import Conflict, NotFound, ValidationFailed
from eventreg.events.service import get_organiser_event
from eventreg.exports.views import CSV_TYPE, download
from eventreg.extensions import db
from eventreg.forms import ActionForm, ConfirmForm, show_service_errors
from eventreg.i18n import current_language, format_local, localized
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


# --- the scan history --------------------------------------------------------------------------


def _scan_query(event, *, paged: bool) -> history.ScanQuery:
    """The filters of the scans page; one that cannot be used is left out (and said)."""
    args = request.args
    page = max(args.get("page", 1, type=int) or 1, 1)
    status = args.get("status") or None
    return history.ScanQuery(
        person=(args.get("person") or "").strip()[:history.MAX_SEARCH_LENGTH] or None,
        door_id=args.get("door", type=int),
        status=status if status in history.STATUS_NAMES else None,
        offset=(page - 1) * history.PAGE_SIZE if paged else 0,
        limit=history.PAGE_SIZE if paged else None,
    )


def _scan_filters(query: history.ScanQuery) -> dict:
    return {key: value for key, value in (("person", query.person), ("door", query.door_id),
                                          ("status", query.status)) if value}


@blueprint.get("/scans")
def scans(slug: str):
    """Show every scan of the event, refusals included, filtered by person, door or answer."""
    event = get_organiser_event(db.session, current_user, slug)
    query = _scan_query(event, paged=True)
    try:
        found = history.scan_history(db.session, event, query)
    except ValidationFailed:
        query = history.ScanQuery(offset=query.offset)  # a door of another event: none
        found = history.scan_history(db.session, event, query)
    return render_template(
        "checkin/scans.html", event=event, query=query, found=found,
        filters=_scan_filters(query), page=query.offset // history.PAGE_SIZE + 1,
        doors=doors.list_door_accesses(db.session, event),
        status_names=history.STATUS_NAMES, action_names=history.ACTION_NAMES,
    )


@blueprint.get("/scans.csv")
def scans_download(slug: str):
    """Download every scan the filters choose, as CSV."""
    event = get_organiser_event(db.session, current_user, slug)
    query = _scan_query(event, paged=False)
    try:
        found = history.scan_history(db.session, event, query)
    except ValidationFailed:
        found = history.scan_history(db.session, event, history.ScanQuery(limit=None))
    return download(history.scan_history_csv(found.lines, ZoneInfo(event.timezone), localized),
                    CSV_TYPE, f"scans-{event.slug}.csv")


# --- everyone out ------------------------------------------------------------------------------


def _everyone_out_choice(event):
    """The place and time the everyone-out form asks for: (activity id, "now" or a UTC
    time); raises ValidationFailed for a time that cannot be read."""
    values = request.form
    activity_id = values.get("activity", type=int) or None
    if values.get("when", "now") == "now":
        return activity_id, "now"
    text = values.get("at", "")
    try:
        local = datetime.strptime(text, "%Y-%m-%dT%H:%M")
        at = local_to_utc(local, event.timezone)
    except NonexistentLocalTime as error:
        raise ValidationFailed(_("This time does not exist there: the clocks jump forward then."),
                               fields={"at": _("Choose another time.")}) from error
    except ValueError as error:
        raise ValidationFailed(_("Give the day and time, e.g. 2027-06-20 18:00."),
                               fields={"at": _("Give the day and time.")}) from error
    return activity_id, at


@blueprint.route("/everyone-out", methods=["GET", "POST"])
def everyone_out_page(slug: str):
    """Check everyone still inside out, now or at a set time, for the event or an
    activity; asks once more, saying how many people it affects."""
    event = get_organiser_event(db.session, current_user, slug)
    error = None
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            activity_id, when = _everyone_out_choice(event)
            inside = everyone_out.people_inside(db.session, event, activity_id)
            if not form.is_confirmed:
                if when != "now":
                    everyone_out.check_set_time(when, utcnow())
                return _confirm_everyone_out(event, activity_id, when, inside)
            with unit_of_work(db.session):
                if when == "now":
                    done = everyone_out.check_everyone_out(
                        db.session, event, activity_id=activity_id, at=utcnow(),
                        by=current_user)
                else:
                    everyone_out.schedule_everyone_out(db.session, event,
                                                       activity_id=activity_id, at=when,
                                                       by=current_user)
        except ValidationFailed as refusal:
            error = refusal
        else:
            if when == "now":
                flash(ngettext("%(num)d person was checked out.",
                               "%(num)d people were checked out.", done.checked_out),
                      "success")
                if done.kept_for_pickup:
                    flash(_kept_for_pickup(done.kept_for_pickup), "error")
                return redirect(url_for(".dashboard", slug=slug))
            flash(_("Everyone still inside will be checked out at %(time)s.",
                    time=format_local(when, event.timezone)), "success")
            return redirect(url_for(".everyone_out_page", slug=slug))
    elif request.method == "POST":
        flash(_("The form could not be checked; nothing was done. Please send it again."),
              "error")
    counts = count_checkins(db.session, event)
    return render_template(
        "checkin/everyone_out.html", event=event, counts=counts, error=error,
        values=request.form, scheduled=everyone_out.scheduled_check_outs(db.session, event),
        activities={activity.id: activity for activity in event.activities},
    ), 422 if error else 200


def _kept_for_pickup(children: int) -> str:
    return ngettext(
        "%(num)d child holding a pick-up code is still checked in: hand them over at the "
        "workshop's door, with the code or a ticket of their party.",
        "%(num)d children holding a pick-up code are still checked in: hand them over at "
        "the workshop's door, with the code or a ticket of their party.", children)


def _confirm_everyone_out(event, activity_id, when, inside: everyone_out.EveryoneOut):
    """The confirmation step: how many people it checks out, where and when, and how many
    children it leaves for their pick-up."""
    activity = next((a for a in event.activities if a.id == activity_id), None)
    place = localized(activity.title) if activity else localized(event.title)
    at_once = when == "now"  # else a time set, to take back on this page until then
    if at_once:
        consequences = [ngettext(
            "%(num)d person still inside %(place)s is checked out now.",
            "%(num)d people still inside %(place)s are checked out now.", inside.checked_out,
            place=place)]
        label = _("Yes, check them out")
    else:
        consequences = [
            _("Everyone still inside %(place)s at %(time)s is checked out then.", place=place,
              time=format_local(when, event.timezone)),
            _("Until then you can take the time back on this page."),
            ngettext("%(num)d person is inside now.", "%(num)d people are inside now.",
                     inside.checked_out + inside.kept_for_pickup),
        ]
        label = _("Yes, set this time")
    workshops = [activity] if activity is not None else event.activities
    asks_codes = any(workshop.asks_pickup_codes for workshop in workshops)
    if inside.kept_for_pickup or (asks_codes and not at_once):
        consequences.append(ngettext(
            "%(num)d child holding a pick-up code stays checked in: children leave a "
            "workshop only when they are picked up.",
            "%(num)d children holding a pick-up code stay checked in: children leave a "
            "workshop only when they are picked up.", inside.kept_for_pickup)
            if at_once else
            _("Children holding a pick-up code then stay checked in: children leave a "
              "workshop only when they are picked up."))
    if activity is None:
        consequences.append(_("They are checked out of every activity too."))
    consequences.append(_("Anyone who comes back later is welcomed again at the door."))
    hidden = {"activity": [str(activity_id or "")],
              "when": ["now" if when == "now" else "at"],
              "at": [request.form.get("at", "")]}
    return render_template(
        "confirm.html", heading=_("Check everyone out?"), consequences=consequences,
        told=None, action_url=url_for(".everyone_out_page", slug=event.slug), hidden=hidden,
        confirm_label=label, back_url=url_for(".everyone_out_page", slug=event.slug),
        breadcrumb=localized(event.title), can_take_back=not at_once,
    )


@blueprint.post("/everyone-out/<int:schedule_id>/cancel")
def cancel_everyone_out(slug: str, schedule_id: int):
    """Take back a time set to check everyone out."""
    event = get_organiser_event(db.session, current_user, slug)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                everyone_out.cancel_scheduled_check_out(db.session, event, schedule_id,
                                                        by=current_user)
        except NotFound as error:
            flash(str(error.message), "error")
        else:
            flash(_("The set time was taken back."), "success")
    return redirect(url_for(".everyone_out_page", slug=slug))
