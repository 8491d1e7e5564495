"""The attendee exports through the API, for organiser tokens."""

from flask import g

from eventreg.api import blueprint, organiser_required
from eventreg.events.service import get_organiser_event
from eventreg.exports.views import attendees_download
from eventreg.extensions import db


@blueprint.get("/events/<slug>/attendees.csv")
@organiser_required
def export_attendees_csv(slug: str):
    """The event's attendees with answers, activity choices and check-in times, as CSV."""
    return attendees_download(get_organiser_event(db.session, g.api_organiser, slug), "csv")


@blueprint.get("/events/<slug>/attendees.xlsx")
@organiser_required
def export_attendees_xlsx(slug: str):
    """The same as an XLSX workbook."""
    return attendees_download(get_organiser_event(db.session, g.api_organiser, slug), "xlsx")
