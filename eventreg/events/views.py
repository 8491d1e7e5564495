"""Public event pages: the list of open events and one event's page."""

from flask import Blueprint, render_template

from eventreg.events import service
from eventreg.extensions import db

blueprint = Blueprint("events", __name__)


@blueprint.get("/")
def index():
    """List the published events people can still attend."""
    return render_template("events/index.html", events=service.list_published_events(db.session))


@blueprint.get("/e/<slug>")
def detail(slug: str):
    """Show an event: what, when, where, its activities and whether registration is open."""
    event = service.get_published_event(db.session, slug)
    return render_template(
        "events/detail.html", event=event, registration_open=service.registration_is_open(event)
    )
