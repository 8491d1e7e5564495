"""Programme report pages for organisers: on screen, printable, and as a workbook."""

import io
from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.styles import Font

from eventreg.exports.service import neutralise
from eventreg.exports.views import XLSX_TYPE, download
from eventreg.extensions import db
from eventreg.reports.service import ProgrammeReport, programme_report

blueprint = Blueprint("reports", __name__, url_prefix="/manage/programmes/<int:programme_id>")


@blueprint.before_request
@login_required
def _require_login():
    """Reports are for signed-in organisers only."""


def _period() -> tuple[date, date]:
    today = date.today()
    try:
        start = date.fromisoformat(request.args.get("from") or f"{today.year}-01-01")
        end = date.fromisoformat(request.args.get("to") or f"{today.year}-12-31")
    except ValueError:
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    return (start, end) if start <= end else (end, start)


def _report(programme_id: int) -> ProgrammeReport:
    start, end = _period()
    return programme_report(db.session, current_user, programme_id, start, end,
                            timezone=current_app.config["DEFAULT_TIMEZONE"])


@blueprint.get("/report")
def report(programme_id: int):
    """Show a programme's figures for a period, ready to print for a donor report."""
    return render_template("reports/programme.html", report=_report(programme_id))


@blueprint.get("/report.xlsx")
def report_xlsx(programme_id: int):
    """Download a programme's figures for a period as an XLSX workbook."""
    figures = _report(programme_id)
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    rows = [
        (_("Programme"), figures.programme.name),
        (_("Funder"), figures.programme.funder or ""),
        (_("From"), figures.period_start.isoformat()),
        (_("Until"), figures.period_end.isoformat()),
        (_("Events held"), figures.events_held),
        (_("Registered"), figures.registered),
        (_("Attendance"), figures.attended),
        (_("Individuals reached"), figures.individuals),
    ]
    for row in rows:
        summary.append([neutralise(cell) for cell in row])
    sheet = workbook.create_sheet(_("Events")[:31])
    sheet.append([_("Event"), _("Date"), _("Place"), _("Registered"), _("Attendance"),
                  _("Walk-ins")])
    for event in figures.events:
        sheet.append([neutralise(event.title), event.starts_at.date().isoformat(),
                      neutralise(event.venue), event.registered, event.attended,
                      event.walk_ins])
    for title, values in ((_("By age group"), figures.by_age_group),
                          (_("By month"), figures.by_month), (_("By place"), figures.by_place)):
        sheet = workbook.create_sheet(title[:31])
        sheet.append([title, _("Attendance")])
        for key, count in values.items():
            sheet.append([neutralise(key), count])
    for worksheet in workbook.worksheets:
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for cells in worksheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return download(buffer.getvalue(), XLSX_TYPE,
                    f"programme-{programme_id}-{figures.period_start}-{figures.period_end}.xlsx")
