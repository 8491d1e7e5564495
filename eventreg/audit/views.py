"""The audit log page and its download, for the organisation's admins."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from eventreg.audit.service import PAGE_SIZE, LogQuery, audit_log
from eventreg.audit.wording import KIND_NAMES, log_csv, shown
from eventreg.exports.views import CSV_TYPE, download
from eventreg.extensions import db

blueprint = Blueprint("audit", __name__)


def _query(*, paged: bool) -> LogQuery:
    kind = request.args.get("kind") or None
    page = request.args.get("page", 1, type=int) or 1
    return LogQuery(
        kind=kind if kind in KIND_NAMES else None,
        person=(request.args.get("person") or "").strip()[:200] or None,
        offset=(max(page, 1) - 1) * PAGE_SIZE if paged else 0,
        limit=PAGE_SIZE if paged else None,
    )


def _filters(query: LogQuery) -> dict:
    return {key: value for key, value in (("kind", query.kind), ("person", query.person))
            if value}


@blueprint.get("/manage/audit")
@login_required
def log():
    """Show who created, changed, cancelled, checked in or undid what, and when."""
    query = _query(paged=True)
    found = audit_log(db.session, current_user, query)
    zone = current_app.config["DEFAULT_TIMEZONE"]
    return render_template(
        "audit/log.html", lines=[shown(line, zone) for line in found.lines],
        kinds=KIND_NAMES, query=query, filters=_filters(query),
        page=query.offset // PAGE_SIZE + 1, has_more=found.has_more,
    )


@blueprint.get("/manage/audit.csv")
@login_required
def log_download():
    """Download every line of the log that the filters choose, as CSV."""
    query = _query(paged=False)
    found = audit_log(db.session, current_user, query)
    zone = current_app.config["DEFAULT_TIMEZONE"]
    return download(log_csv([shown(line, zone) for line in found.lines]), CSV_TYPE,
                    "audit-log.csv")
