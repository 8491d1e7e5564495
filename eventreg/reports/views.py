"""Programme report pages for organisers: on screen, printable, and as a workbook; each also
in its donor version (no names, small figures hidden: eventreg/reports/donor.py)."""

from datetime import date

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

from eventreg.database import unit_of_work
from eventreg.errors import NotFound, ValidationFailed
from eventreg.events.service import get_programme
from eventreg.exports.views import XLSX_TYPE, download
from eventreg.extensions import db
from eventreg.forms import ActionForm
from eventreg.i18n import format_month
from eventreg.registrations.service import as_int
from eventreg.reports.donor import (
    DonorReport,
    donor_version,
    hidden_note,
    shown_value,
    withheld_note,
)
from eventreg.reports.people import decide_same_person, undo_decision
from eventreg.reports.service import AGE_LABELS, SEX_LABELS, ProgrammeReport, programme_report
from eventreg.reports.workbooks import donor_workbook, programme_workbook

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
    figures = _report(programme_id)
    return render_template("reports/programme.html", report=figures,
                           month_names={key: format_month(key) for key in figures.by_month},
                           sex_labels=SEX_LABELS, age_labels=AGE_LABELS)


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
    return download(programme_workbook(figures, timezone=current_app.config["DEFAULT_TIMEZONE"]),
                    XLSX_TYPE,
                    f"programme-{programme_id}-{figures.period_start}-{figures.period_end}.xlsx")


def _donor_report(programme_id: int) -> DonorReport:
    return donor_version(_report(programme_id),
                         threshold=current_user.organisation.small_cell_threshold)


@blueprint.get("/report/donor")
def donor_report(programme_id: int):
    """Show the donor version of a programme's figures: no names, small figures hidden."""
    figures = _donor_report(programme_id)
    return render_template(
        "reports/donor.html", report=figures, sex_labels=SEX_LABELS, age_labels=AGE_LABELS,
        shown=lambda cell: shown_value(cell, figures.threshold),
        hidden_note=hidden_note(figures.threshold),
        withheld_note=withheld_note(figures.threshold))


@blueprint.get("/report/donor.xlsx")
def donor_report_xlsx(programme_id: int):
    """Download the donor version of a programme's figures as an XLSX workbook."""
    figures = _donor_report(programme_id)
    return download(donor_workbook(figures, timezone=current_app.config["DEFAULT_TIMEZONE"]),
                    XLSX_TYPE, f"programme-{programme_id}-donor-{figures.period_start}-"
                               f"{figures.period_end}.xlsx")
