"""The attendee exports through the API, for organiser tokens."""

from flask import g

from eventreg.api import blueprint, organiser_required
from eventreg.events.service import get_organiser_event
from eventreg.exports.service import attendee_table, attendees_csv, attendees_xlsx
from eventreg.exports.views import CSV_TYPE, XLSX_TYPE, download
from eventreg.extensions import db


@blueprint.get("/events/<slug>/attendees.csv")
@organiser_required
def export_attendees_csv(slug: str):
    """The event's attendees with answers, activity choices and check-in times, as CSV."""
    event = get_organiser_event(db.session, g.api_organiser, slug)
    return download(attendees_csv(attendee_table(db.session, event)), CSV_TYPE,
                    f"{event.slug}-attendees.csv")


@blueprint.get("/events/<slug>/attendees.xlsx")
@organiser_required
def export_attendees_xlsx(slug: str):
    """The same as an XLSX workbook."""
    event = get_organiser_event(db.session, g.api_organiser, slug)
    return download(attendees_xlsx(attendee_table(db.session, event)), XLSX_TYPE,
                    f"{event.slug}-attendees.xlsx")
