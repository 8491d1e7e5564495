"""Programme report pages for organisers: on screen, printable, and as a workbook."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.styles import Font

from eventreg.database import unit_of_work
from eventreg.errors import NotFound, ValidationFailed
from eventreg.events.service import AGE_GROUP_NAMES, SEX_NAMES, get_programme
from eventreg.exports.service import spreadsheet_safe
from eventreg.exports.views import XLSX_TYPE, download
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.i18n import format_month
from eventreg.registrations.service import as_int
from eventreg.reports.people import decide_same_person, undo_decision
from eventreg.reports.service import NOT_RECORDED, ProgrammeReport, programme_report

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


def _local(moment: datetime) -> datetime:
    """A naive wall-clock time in the organisation's zone, as a spreadsheet cell takes it."""
    zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


@blueprint.get("/report")
def report(programme_id: int):
    """Show a programme's figures for a period, ready to print for a donor report."""
    figures = _report(programme_id)
    return render_template("reports/programme.html", report=figures,
                           month_names={key: format_month(key) for key in figures.by_month})


@blueprint.post("/report/same-person")
def same_person(programme_id: int):
    """Say whether the people ticked under a possible duplicate are one person or several."""
    get_programme(db.session, current_user, programme_id)
    decision = request.form.get("decision")
    if decision not in ("same", "different"):
        abort(400)
    if ActionForm().validate_on_submit():
        # Each ticked person comes as the ids of their attendances, "12,45".
        people = [[i for i in map(as_int, value.split(",")) if i]
                  for value in request.form.getlist("person")]
        try:
            with unit_of_work(db.session):
                decide_same_person(db.session, current_user, people,
                                   same_person=decision == "same")
        except (ValidationFailed, NotFound) as error:
            flash(str(error.message), "error")
        else:
            flash(_("Counted as one person.") if decision == "same"
                  else _("Counted as different people."), "success")
    return redirect(_back_to_report(programme_id))


@blueprint.post("/report/decisions/<int:decision_id>/undo")
def undo(programme_id: int, decision_id: int):
    """Take back a same-person decision."""
    get_programme(db.session, current_user, programme_id)
    if ActionForm().validate_on_submit():
        try:
            with unit_of_work(db.session):
                undo_decision(db.session, current_user, decision_id)
        except NotFound as error:
            flash(str(error.message), "info")  # a second click: it is already taken back
        else:
            flash(_("Decision taken back."), "success")
    return redirect(_back_to_report(programme_id))


def _back_to_report(programme_id: int) -> str:
    start, end = _period()
    # To the top, where the message and the figures it changed are.
    return url_for(".report", programme_id=programme_id, **{"from": start.isoformat(),
                                                              "to": end.isoformat()})


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
        (_("Figures as of"), _local(figures.generated_at)),
        (_("Events held"), figures.events_held),
        (_("Registered"), figures.registered),
        (_("Attendance"), figures.attended),
        (_("Individuals reached"), figures.individuals),
    ]
    for row in rows:
        summary.append([spreadsheet_safe(cell) for cell in row])
    sheet = workbook.create_sheet(_("Events")[:31])
    sheet.append([_("Event"), _("Date"), _("Place"), _("Registered"), _("Attendance"),
                  _("Walk-ins")])
    for event in figures.events:
        sheet.append([spreadsheet_safe(event.title), event.starts_at.date().isoformat(),
                      spreadsheet_safe(event.venue), event.registered, event.attended,
                      event.walk_ins])
    breakdowns = [(_("By month"), figures.by_month, {}),
                  (_("By age group"), figures.by_age_group, AGE_GROUP_NAMES)]
    if figures.events_asking_sex:
        breakdowns.append((_("By sex"), figures.by_sex,
                           {**SEX_NAMES, NOT_RECORDED: _("Not recorded")}))
    breakdowns.append((_("By place"), figures.by_place, {}))
    for title, values, labels in breakdowns:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([title, _("Attendance")])
        for key, count in values.items():
            sheet.append([spreadsheet_safe(str(labels.get(key, key))), count])
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
