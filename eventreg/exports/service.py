"""Attendee exports: one row per attendee with their party's contact, answers, activity
choices, optional consents and check-in times, as CSV or XLSX that is safe to open in a
spreadsheet.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula, and a name or
answer typed by anyone on the public form could be one ("=HYPERLINK(...)"). Every such
text is neutralised with a leading apostrophe, as OWASP advises; plain numbers (a phone
number in E.164, "+359...") are left as they are. XLSX cells are also written as text, and
control characters, which XLSX cannot hold, are left out.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.checkin.models import DoorAccess
from eventreg.consents.service import consent_name, consents_held
from eventreg.events.models import Event, Question
from eventreg.events.service import SEX_NAMES
from eventreg.i18n import localized
from eventreg.registrations.service import list_registrations
from eventreg.text import strip_control_characters

#: What makes a spreadsheet read a cell as a formula (tab and return start one in some).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d ]*$")


def spreadsheet_safe(value):
    """Return `value` so that no spreadsheet runs it as a formula or refuses it.

    Control characters are refused in what people type (eventreg/text.py), but rows
    stored before that rule, or written by other means, may hold them: they are left out
    here, so that one such name can never break an event's downloads.
    """
    if not isinstance(value, str):
        return value
    value = strip_control_characters(value)
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


@dataclass
class AttendeeTable:
    title: str
    header: list[str]
    #: Cells are text, numbers or naive datetimes in the event's time zone.
    rows: list[list]


def attendee_table(session: Session, event: Event) -> AttendeeTable:
    """Every attendee of the event, cancelled ones too, in the order they registered (but
    those whose data was anonymised).

    Headers, choice labels and yes/no are in the current language; times are wall-clock
    times in the event's time zone. Each optional consent the event asks has a column:
    "yes" where the person's consent holds now (given, not withdrawn), else "no".
    """
    zone = ZoneInfo(event.timezone)
    doors = dict(session.execute(
        select(DoorAccess.id, DoorAccess.name).where(DoorAccess.event_id == event.id)
    ).all())
    questions = list(event.questions)
    by_birth_year = event.age_mode == "birth_year"  # the event asks one or the other
    header = [
        _("Registration"), _("Registered at"), _("Contact name"), _("Email"), _("Phone"),
        _("Language"), _("Walk-in"), _("Name"),
        _("Year of birth") if by_birth_year else _("Age group"),
        *([_("Sex")] if event.asks_sex else []),
        _("Ticket code"), _("Status"), _("Activities"),
        *[localized(question.label) for question in questions],
        *[_("Consent: %(consent)s", consent=consent_name(event, kind))
          for kind in event.optional_consents],
        _("Checked in at"), _("Checked in at door"), _("Went out at"),
    ]
    rows = []
    for registration in sorted(list_registrations(session, event),
                               key=lambda r: (r.created_at, r.id)):
        party_answers = {a.question_id: a.value for a in registration.answers
                         if a.attendee_id is None}
        for attendee in registration.attendees:
            if attendee.anonymised_at is not None:
                continue  # nothing of them is left to list
            own_answers = {a.question_id: a.value for a in registration.answers
                           if a.attendee_id == attendee.id}
            held = consents_held(attendee, event)
            rows.append([
                registration.id,
                _local(registration.created_at, zone),
                registration.contact_name,
                registration.email or "",
                registration.phone or "",
                registration.language,
                _("yes") if registration.walk_in else _("no"),
                attendee.name,
                (attendee.birth_year or "") if by_birth_year else
                {"child": _("child"), "adult": _("adult")}.get(attendee.age_group or "", ""),
                *([str(SEX_NAMES.get(attendee.sex or "", ""))] if event.asks_sex else []),
                attendee.ticket_code,
                _("cancelled") if attendee.is_cancelled else _("valid"),
                "; ".join(localized(activity.title) for activity in attendee.activities),
                *[answer_text(question,
                               (own_answers if question.asked_per == "attendee"
                                else party_answers).get(question.id))
                  for question in questions],
                *[_("yes") if kind in held else _("no") for kind in event.optional_consents],
                _local(attendee.checked_in_at, zone),
                doors.get(attendee.checked_in_door_id, ""),
                _local(attendee.left_at, zone),
            ])
    return AttendeeTable(title=localized(event.title), header=header, rows=rows)


def attendees_csv(table: AttendeeTable) -> bytes:
    """The table as UTF-8 CSV with a byte order mark, so spreadsheets read Cyrillic right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(cell) for cell in table.header])
    for row in table.rows:
        writer.writerow([spreadsheet_safe(_csv_cell(cell)) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def attendees_xlsx(table: AttendeeTable) -> bytes:
    """The table as an XLSX workbook: a header row in bold, frozen; times as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    sheet.append([spreadsheet_safe(cell) for cell in table.header])
    for row in table.rows:
        sheet.append([spreadsheet_safe(cell) for cell in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, title in enumerate(table.header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(title), 10), 40)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _local(value: datetime | None, zone: ZoneInfo):
    if value is None:
        return ""
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _csv_cell(cell):
    return cell.isoformat(sep=" ") if isinstance(cell, datetime) else cell


def answer_text(question: Question, value) -> str:
    """An answer as people read it, in the current language: a choice's label, yes or no,
    or the text; "" when unanswered."""
    if value is None:
        return ""
    if question.kind == "yes_no":
        return _("yes") if value else _("no")
    if question.kind in ("single_choice", "multiple_choice"):
        labels = {option["value"]: localized(option["label"]) for option in question.options}
        values = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(item, item) for item in values)
    return str(value)


def _sheet_title(title: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    title = strip_control_characters(title)
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Attendees"
