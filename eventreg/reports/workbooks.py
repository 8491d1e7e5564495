"""Programme reports as XLSX workbooks.

A summary sheet, then one sheet per breakdown; headers in bold, text cells written as text
(never a formula) and made safe as in eventreg/exports/service.py.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from eventreg.exports.service import spreadsheet_safe
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


def _summary(sheet: Worksheet, report: ProgrammeReport, timezone: str) -> None:
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
