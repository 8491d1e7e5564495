"""Downloads of an event's attendees for organisers: CSV and XLSX."""

from flask import Blueprint, Response
from flask_login import current_user, login_required

from eventreg.events.service import get_organiser_event
from eventreg.exports.service import attendee_table, attendees_csv, attendees_xlsx
from eventreg.extensions import db

blueprint = Blueprint("exports", __name__, url_prefix="/manage/events/<slug>")

CSV_TYPE = "text/csv; charset=utf-8"
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


@blueprint.get("/attendees.csv")
def attendees_as_csv(slug: str):
    """Download the event's attendees, answers and check-in times as CSV."""
    event = get_organiser_event(db.session, current_user, slug)
    return download(attendees_csv(attendee_table(db.session, event)), CSV_TYPE,
                    f"{event.slug}-attendees.csv")


@blueprint.get("/attendees.xlsx")
def attendees_as_xlsx(slug: str):
    """Download the event's attendees, answers and check-in times as an XLSX workbook."""
    event = get_organiser_event(db.session, current_user, slug)
    return download(attendees_xlsx(attendee_table(db.session, event)), XLSX_TYPE,
                    f"{event.slug}-attendees.xlsx")
