"""The organisation's data-protection page (/manage/data-protection): how long its people's
data is kept, and when each event's is deleted. Admins change the periods."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from eventreg.database import unit_of_work
from eventreg.errors import PermissionDenied, ValidationFailed
from eventreg.events.models import Event
from eventreg.events.retention import deletion_due_at
from eventreg.extensions import db
from eventreg.forms import show_service_errors
from eventreg.privacy.forms import RetentionForm
from eventreg.privacy.retention import set_periods

blueprint = Blueprint("privacy_settings", __name__)


@blueprint.route("/manage/data-protection", methods=["GET", "POST"])
@login_required
def page():
    """Show the periods and each event's deletion date; an admin sets the periods."""
    organisation = current_user.organisation
    form = RetentionForm(obj=organisation)
    if form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                set_periods(db.session, current_user, after_event=form.retention_days.data,
                            after_cancellation=form.cancelled_retention_days.data)
        except PermissionDenied as error:
            flash(str(error.message), "error")
            return redirect(url_for(".page"))
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("Saved. Privacy notices now state these periods."), "success")
            return redirect(url_for(".page"))
    events = db.session.scalars(
        select(Event).where(Event.organisation_id == organisation.id)
        .order_by(Event.ends_at.desc()))
    deletions = [(event, deletion_due_at(event, organisation)) for event in events]
    status = 422 if form.errors else 200
    return render_template("privacy/settings.html", form=form, deletions=deletions), status
