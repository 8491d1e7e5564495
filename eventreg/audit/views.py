"""The audit log page, for the organisation's admins."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from eventreg.audit.service import audit_log
from eventreg.extensions import db

blueprint = Blueprint("audit", __name__)


@blueprint.get("/manage/audit")
@login_required
def log():
    """Show who created, changed, cancelled, checked in or undid what, and when."""
    return render_template("audit/log.html", lines=audit_log(db.session, current_user))
