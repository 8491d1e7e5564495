"""What organisers take away about an event's attendees: CSV and XLSX downloads, and
printable lists for a door without phones."""

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from eventreg.consents.service import without_photo_consent
from eventreg.events.models import PHOTOS
from eventreg.events.service import get_organiser_event
from eventreg.exports.service import attendee_table, attendees_csv, attendees_xlsx
from eventreg.extensions import db
from eventreg.registrations.service import list_registrations

blueprint = Blueprint("exports", __name__, url_prefix="/manage/events/<slug>")

CSV_TYPE = "text/csv"  # Flask adds "; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """A private file download: never cached, never shown inline."""
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


@blueprint.before_request
@login_required
def _require_login():
    """Every download here is for signed-in organisers only."""


def attendees_download(event, file_format: str) -> Response:
    """The event's attendees as a CSV or XLSX download (organisers' page and API alike)."""
    table = attendee_table(db.session, event)
    if file_format == "csv":
        return download(attendees_csv(table), CSV_TYPE, f"{event.slug}-attendees.csv")
    return download(attendees_xlsx(table), XLSX_TYPE, f"{event.slug}-attendees.xlsx")


@blueprint.get("/attendees.csv")
def attendees_as_csv(slug: str):
    """Download the event's attendees, answers and check-in times as CSV."""
    return attendees_download(get_organiser_event(db.session, current_user, slug), "csv")


@blueprint.get("/attendees.xlsx")
def attendees_as_xlsx(slug: str):
    """Download the event's attendees, answers and check-in times as an XLSX workbook."""
    return attendees_download(get_organiser_event(db.session, current_user, slug), "xlsx")


#: Rows that fit one A4 page in the sheet's print style (static/css/app.css).
SIGN_IN_SHEET_ROWS = 22


@blueprint.get("/door-list")
def door_list(slug: str):
    """Print the attendees by party, in large type, to tick off at a door with no phones;
    those not to be photographed are marked."""
    event = get_organiser_event(db.session, current_user, slug)
    parties = [r for r in list_registrations(db.session, event) if r.active_attendees]
    parties.sort(key=lambda r: r.contact_display_name.casefold())
    no_photos = without_photo_consent(
        db.session, event, [a.id for r in parties for a in r.active_attendees])
    return render_template("exports/door_list.html", event=event, parties=parties,
                           people=sum(len(r.active_attendees) for r in parties),
                           asks_photo_consent=PHOTOS in event.optional_consents,
                           no_photos=no_photos)


@blueprint.get("/sign-in-sheet")
def sign_in_sheet(slug: str):
    """Print an empty sign-in sheet (one A4 page), for events people come to without
    registering."""
    event = get_organiser_event(db.session, current_user, slug)
    return render_template("exports/sign_in_sheet.html", event=event,
                           rows=range(1, SIGN_IN_SHEET_ROWS + 1))
