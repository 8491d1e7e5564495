"""Organiser pages: events of the organiser's organisation, their activities and questions."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events import service
from eventreg.events.forms import (
    ACTIVITY_FIELD_ALIASES,
    EVENT_FIELD_ALIASES,
    QUESTION_FIELD_ALIASES,
    ActivityForm,
    EventForm,
    ProgrammeForm,
    QuestionForm,
)
from eventreg.events.models import STATUS_CLOSED
from eventreg.extensions import db
from eventreg.forms import ActionForm, ConfirmForm, show_service_errors
from eventreg.i18n import localized
from eventreg.registrations.notifications import estimate_event_notices
from eventreg.web import flash_with_undo

blueprint = Blueprint("manage_events", __name__, url_prefix="/manage")

STATUS_ACTIONS = {
    "published": _l("Publish"),
    "closed": _l("Close registration"),
    "cancelled": _l("Cancel the event"),
}


@blueprint.before_request
@login_required
def _require_login():
    """Every page here is for signed-in organisers only."""


@blueprint.get("/")
def index():
    """List the organisation's events with the people registered for each."""
    events = service.list_organiser_events(db.session, current_user)
    return render_template("events/manage_index.html", events=events)


@blueprint.route("/events/new", methods=["GET", "POST"])
def new_event():
    """Create a draft event."""
    form = EventForm(programmes=service.list_programmes(db.session, current_user))
    if form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                event = service.create_event(db.session, current_user, form.to_details())
        except ValidationFailed as error:
            show_service_errors(form, error, EVENT_FIELD_ALIASES)
        else:
            flash(_("Event created as a draft. Add activities and questions, then publish it."),
                  "success")
            return redirect(url_for(".overview", slug=event.slug))
    return _form_page("events/manage_event_form.html", form=form, event=None)


@blueprint.get("/events/<slug>")
def overview(slug: str):
    """Show one event's status, counts, activities and questions, with what can be done next."""
    event = service.get_organiser_event(db.session, current_user, slug)
    return render_template(
        "events/manage_overview.html",
        event=event,
        next_statuses=[s for s in service.STATUS_TRANSITIONS[event.status] if s in STATUS_ACTIONS],
        status_actions=STATUS_ACTIONS, irreversible_statuses=service.IRREVERSIBLE_STATUSES,
        language_gaps=service.language_gaps(event),
        # What cancelling will send, shown beside the button (a draft tells no one).
        cancel_sends=(estimate_event_notices(db.session, event, "event_cancelled")
                      if event.status != service.STATUS_DRAFT else None),
    )


@blueprint.route("/events/<slug>/edit", methods=["GET", "POST"])
def edit_event(slug: str):
    """Change an event's details."""
    event = service.get_organiser_event(db.session, current_user, slug)
    form = EventForm(programmes=service.list_programmes(db.session, current_user))
    if request.method == "GET":
        form.fill_from(event)
    elif form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.update_event(db.session, current_user, event, form.to_details())
        except ValidationFailed as error:
            show_service_errors(form, error, EVENT_FIELD_ALIASES)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for(".overview", slug=event.slug))
    return _form_page("events/manage_event_form.html", form=form, event=event,
                      moving_sends=estimate_event_notices(db.session, event, "event_changed")
                      if event.status in (service.STATUS_PUBLISHED, service.STATUS_CLOSED)
                      else None)


@blueprint.post("/events/<slug>/status/<new_status>")
def change_status(slug: str, new_status: str):
    """Publish, close or cancel an event; one that cannot be undone only once confirmed."""
    event = service.get_organiser_event(db.session, current_user, slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for(".overview", slug=slug))
    if service.is_irreversible(new_status) and not form.is_confirmed:
        return redirect(url_for(".confirm_status", slug=slug, new_status=new_status))
    try:
        with unit_of_work(db.session):
            service.change_event_status(db.session, current_user, event, new_status)
    except Conflict as error:
        flash(str(error.message), "error")
        return redirect(url_for(".overview", slug=slug))
    message = _("The event is now %(status)s.",
                status=service.STATUS_NAMES.get(new_status, new_status))
    if new_status == STATUS_CLOSED:
        flash_with_undo(message, undo_url=url_for(".reopen", slug=slug),
                        undo_label=_("Undo: reopen registration"))
    else:
        flash(message, "success")
    if new_status == service.STATUS_PUBLISHED:
        for gap in service.language_gaps(event):
            flash(gap, "info")
    return redirect(url_for(".overview", slug=slug))


@blueprint.get("/events/<slug>/status/<new_status>")
def confirm_status(slug: str, new_status: str):
    """Ask once more before a status change that cannot be undone, saying whom it tells."""
    event = service.get_organiser_event(db.session, current_user, slug)
    if (not service.is_irreversible(new_status)
            or new_status not in service.STATUS_TRANSITIONS[event.status]):
        return redirect(url_for(".overview", slug=slug))
    return render_template(
        "confirm.html",
        heading=_("Cancel “%(title)s”?", title=localized(event.title)),
        consequences=[
            _("Registration closes for good and the waiting list stops."),
            ngettext("The ticket of %(num)d person is no longer valid at the door.",
                     "The tickets of %(num)d people are no longer valid at the door.",
                     event.places_taken),
        ],
        told=service.people_told_of_status_change(db.session, event, new_status),
        action_url=url_for(".change_status", slug=slug, new_status=new_status),
        hidden={}, confirm_label=_("Yes, cancel the event"),
        back_url=url_for(".overview", slug=slug), breadcrumb=localized(event.title),
    )


@blueprint.post("/events/<slug>/reopen")
def reopen(slug: str):
    """Undo closing registration: publish the event again."""
    event = service.get_organiser_event(db.session, current_user, slug)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.reopen_registration(db.session, current_user, event)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            flash(_("Registration is open again."), "success")
    return redirect(url_for(".overview", slug=slug))


@blueprint.route("/events/<slug>/activities/new", methods=["GET", "POST"])
def new_activity(slug: str):
    """Add an activity (workshop, session, transport run) to an event."""
    event = service.get_organiser_event(db.session, current_user, slug)
    form = ActivityForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.add_activity(db.session, current_user, event, form.to_details(event.timezone))
        except ValidationFailed as error:
            show_service_errors(form, error, ACTIVITY_FIELD_ALIASES)
        else:
            flash(_("Activity added."), "success")
            return redirect(url_for(".overview", slug=slug))
    return _form_page("events/manage_activity_form.html", form=form, event=event, activity=None)


@blueprint.route("/events/<slug>/activities/<int:activity_id>/edit", methods=["GET", "POST"])
def edit_activity(slug: str, activity_id: int):
    """Change an activity."""
    event = service.get_organiser_event(db.session, current_user, slug)
    activity = service.get_activity(db.session, event, activity_id)
    form = ActivityForm()
    if request.method == "GET":
        form.fill_from(activity, event.timezone)
    elif form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.update_activity(db.session, current_user, activity,
                                        form.to_details(event.timezone))
        except ValidationFailed as error:
            show_service_errors(form, error, ACTIVITY_FIELD_ALIASES)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for(".overview", slug=slug))
    return _form_page("events/manage_activity_form.html", form=form, event=event,
                      activity=activity)


@blueprint.post("/events/<slug>/activities/<int:activity_id>/remove")
def remove_activity(slug: str, activity_id: int):
    """Remove an activity nobody has chosen."""
    event = service.get_organiser_event(db.session, current_user, slug)
    activity = service.get_activity(db.session, event, activity_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.remove_activity(db.session, current_user, activity)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            flash(_("Activity removed."), "success")
    return redirect(url_for(".overview", slug=slug))


@blueprint.route("/events/<slug>/questions/new", methods=["GET", "POST"])
def new_question(slug: str):
    """Add a question to an event's registration form."""
    event = service.get_organiser_event(db.session, current_user, slug)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.add_question(db.session, current_user, event, form.to_details())
        except ValidationFailed as error:
            show_service_errors(form, error, QUESTION_FIELD_ALIASES)
        else:
            flash(_("Question added."), "success")
            return redirect(url_for(".overview", slug=slug))
    return _form_page("events/manage_question_form.html", form=form, event=event, question=None)


@blueprint.route("/events/<slug>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(slug: str, question_id: int):
    """Change a question."""
    event = service.get_organiser_event(db.session, current_user, slug)
    question = service.get_question(db.session, event, question_id)
    form = QuestionForm()
    if request.method == "GET":
        form.fill_from(question)
    elif form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.update_question(db.session, current_user, question, form.to_details())
        except ValidationFailed as error:
            show_service_errors(form, error, QUESTION_FIELD_ALIASES)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for(".overview", slug=slug))
    return _form_page("events/manage_question_form.html", form=form, event=event,
                      question=question)


@blueprint.post("/events/<slug>/questions/<int:question_id>/remove")
def remove_question(slug: str, question_id: int):
    """Remove a question nobody has answered."""
    event = service.get_organiser_event(db.session, current_user, slug)
    question = service.get_question(db.session, event, question_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.remove_question(db.session, current_user, question)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            flash(_("Question removed."), "success")
    return redirect(url_for(".overview", slug=slug))


@blueprint.route("/programmes", methods=["GET", "POST"])
def programmes():
    """List the organisation's programmes and add one."""
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                service.create_programme(db.session, current_user, form.name.data, form.funder.data)
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("Programme added."), "success")
            return redirect(url_for(".programmes"))
    return _form_page("events/manage_programmes.html", form=form,
                      programmes=service.list_programmes(db.session, current_user))


def _form_page(template: str, **context):
    form = context["form"]
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template(template, **context), status

