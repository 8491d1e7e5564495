"""Programme reports as XLSX workbooks: the organisers' report and its donor version.

A summary sheet, then one sheet per breakdown; headers in bold, text cells written as text
(never a formula) and made safe as in eventreg/exports/service.py. In the donor version a
hidden cell holds its mark ("<5" or "hidden") as text, never its figure.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from eventreg.exports.service import spreadsheet_safe
from eventreg.reports.donor import DonorReport, hidden_note, shown_value, withheld_note
from eventreg.reports.service import AGE_LABELS, SEX_LABELS, ProgrammeReport


def programme_workbook(report: ProgrammeReport, *, timezone: str) -> bytes:
    """The organisers' report: every figure as counted."""
    workbook = Workbook()
    _summary(workbook.active, report, timezone)
    sheet = workbook.create_sheet(_("Events")[:31])
    sheet.append([_("Event"), _("Date"), _("Place"), _("Registered"), _("Attendance"),
                  _("Walk-ins")])
    for event in report.events:
        sheet.append([event.title, event.starts_at.date().isoformat(), event.venue,
                      event.registered, event.attended, event.walk_ins])
    breakdowns = []
    if report.events_asking_sex:
        breakdowns.append((_("Individuals by sex"), _("Individuals reached"),
                           report.individuals_by_sex, SEX_LABELS))
    breakdowns += [(_("Individuals by age"), _("Individuals reached"),
                    report.individuals_by_age, AGE_LABELS),
                   (_("By month"), _("Attendance"), report.by_month, {}),
                   (_("By age group"), _("Attendance"), report.by_age_group, AGE_LABELS)]
    if report.events_asking_sex:
        breakdowns.append((_("By sex"), _("Attendance"), report.by_sex, SEX_LABELS))
    breakdowns.append((_("By place"), _("Attendance"), report.by_place, {}))
    for title, counted, values, labels in breakdowns:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([title, counted])
        for key, count in values.items():
            sheet.append([str(labels.get(key, key)), count])
    return _saved(workbook)


def donor_workbook(report: DonorReport, *, timezone: str) -> bytes:
    """The donor version: no people, small cells hidden (eventreg/reports/donor.py)."""
    workbook = Workbook()
    summary = workbook.active
    _summary(summary, report, timezone)
    summary.append([_("Hidden figures"), hidden_note(report.threshold)])
    sheet = workbook.create_sheet(_("Events")[:31])
    sheet.append([_("Event"), _("Date"), _("Place"), _("Attendance")])
    for event in report.events:
        sheet.append([event.title, event.starts_at.date().isoformat(), event.venue,
                      shown_value(report.attended_by_event.cell(event.id), report.threshold)])
    breakdowns = []
    if report.individuals_by_sex is not None:
        breakdowns.append((_("Individuals by sex"), _("Individuals reached"),
                           report.individuals_by_sex, SEX_LABELS))
    breakdowns += [(_("Individuals by age"), _("Individuals reached"),
                    report.individuals_by_age, AGE_LABELS),
                   (_("By age group"), _("Attendance"), report.by_age_group, AGE_LABELS)]
    if report.by_sex is not None:
        breakdowns.append((_("By sex"), _("Attendance"), report.by_sex, SEX_LABELS))
    for title, counted, breakdown, labels in breakdowns:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([title, counted])
        if breakdown.withheld:
            sheet.append([withheld_note(report.threshold)])
        for cell in breakdown.cells:
            sheet.append([str(labels.get(cell.key, cell.key)),
                          shown_value(cell, report.threshold)])
    return _saved(workbook)


def _summary(sheet: Worksheet, report: ProgrammeReport | DonorReport, timezone: str) -> None:
    sheet.title = _("Summary")[:31]
    for row in [
        (_("Programme"), report.programme.name),
        (_("Funder"), report.programme.funder or ""),
        (_("From"), report.period_start.isoformat()),
        (_("Until"), report.period_end.isoformat()),
        (_("Figures as of"), _local(report.generated_at, timezone)),
        (_("Events held"), report.events_held),
        (_("Registered"), report.registered),
        (_("Attendance"), report.attended),
        (_("Individuals reached"), report.individuals),
    ]:
        sheet.append(row)


def _saved(workbook: Workbook) -> bytes:
    for worksheet in workbook.worksheets:
        for cells in worksheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.value = spreadsheet_safe(cell.value)
                    cell.data_type = "s"
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _local(moment: datetime, timezone: str) -> datetime:
    """A naive wall-clock time in the organisation's zone, as a spreadsheet cell takes it."""
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)
