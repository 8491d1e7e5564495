"""The scan history of an event for its organisers: every scan in the log (`Checkin`),
refusals included, with its door, its time, the answer the door was given and what the
scan comes to now; and the doubles among them (welcomes that a scan made earlier at
another door, uploaded later, turned into duplicates), for the dashboard and for the door
that was told "Welcome".
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from eventreg.checkin import reasons, rules
from eventreg.checkin.models import Checkin, DoorAccess
from eventreg.checkin.reasons import SCAN_OUTCOMES
from eventreg.checkin.rules import ACTIONS, ScanStatus
from eventreg.checkin.sign_in_sheets import door_name
from eventreg.errors import ValidationFailed
from eventreg.events.models import Activity, Event
from eventreg.exports.service import spreadsheet_safe
from eventreg.registrations.models import Attendee, Registration, attendee_activities
from eventreg.registrations.search import MAX_SEARCH_LENGTH, finds, search_words, spelling

#: Scans on a page of the history (the API's default and largest `per_page`).
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The most doubles the dashboard lists (their count per door is always whole).
MAX_DOUBLES_LISTED = 50
#: The most doubles a door is told of at once (the newest).
MAX_DOUBLES_TOLD = 50

#: What each answer is called on the organisers' pages and in the download (the audit
#: log's words for them).
STATUS_NAMES = SCAN_OUTCOMES
ACTION_NAMES = {"check_in": _l("Check in"), "check_out": _l("Check out"), "undo": _l("Undo")}
assert set(STATUS_NAMES) == set(ScanStatus) and set(ACTION_NAMES) == set(ACTIONS)


@dataclass(frozen=True)
class ScanQuery:
    """Which scans to show: all filters optional, each narrowing the others."""

    #: Words of the person's name or ticket code (in either alphabet).
    person: str | None = None
    door_id: int | None = None
    #: The answer the door was given (a ScanStatus value).
    status: str | None = None
    offset: int = 0
    #: None: every scan (the download).
    limit: int | None = PAGE_SIZE


@dataclass(frozen=True)
class ScanLine:
    """One scan as organisers see it."""

    id: int
    scanned_at: datetime
    received_at: datetime
    door_id: int
    door: str
    action: str
    #: The answer the door was given.
    status: str
    #: What the scan comes to now (a welcome may have become a duplicate).
    outcome: str
    flag: str | None
    #: For an override, the refusal the volunteer overrode (rules.OVERRIDABLE).
    overrode: str | None
    #: An override's or an undo's reason code (rules.OVERRIDE_REASONS, UNDO_REASONS).
    reason: str | None
    attendee_id: int | None
    #: None when the code named nobody of this event (or their data was anonymised).
    name: str | None
    ticket_code: str | None
    activity_id: int | None
    #: The activity's titles per language, or None for the event's entrance.
    activity_title: dict | None

    @property
    def outcome_changed(self) -> bool:
        return self.outcome != self.status

    @property
    def flag_words(self) -> str:
        return flag_words(self.flag, self.action, self.overrode, self.reason)


def flag_words(flag: str | None, action: str, overrode: str | None,
               reason: str | None) -> str:
    """What a scan's flag (rules.CANCELLED_AFTER_SCAN, ...) tells organisers, with the
    refusal an override let through and the volunteer's reason ("" for no flag)."""
    if flag == rules.CANCELLED_AFTER_SCAN:
        return _("ticket cancelled after the scan")
    if flag == rules.EVENT_CANCELLED_AFTER_SCAN:
        return _("event cancelled after the scan")
    if flag == rules.OVERRIDDEN:
        said = _("let in despite: %(refusal)s",
                 refusal=reasons.OVERRODE_LABELS.get(overrode, overrode or ""))
    elif flag == rules.UNDONE_WITH_REASON:
        said = _("check-in undone")
    else:
        return flag or ""
    label = reasons.reason_label(action, reason)
    return f"{said} – {label}" if label else said


@dataclass(frozen=True)
class ScanPage:
    lines: list[ScanLine]
    #: Scans the filters choose, on every page.
    total: int
    has_more: bool


def check_scan_query(session: Session, event: Event, query: ScanQuery) -> ScanQuery:
    """Refuse filters that cannot choose anything (ValidationFailed, a message per field):
    a door of another event, an answer that does not exist, an over-long name, a page of
    more than MAX_PAGE_SIZE scans."""
    errors = {}
    if query.door_id is not None and session.scalar(select(DoorAccess.id).where(
            DoorAccess.id == query.door_id, DoorAccess.event_id == event.id)) is None:
        errors["door"] = _l("No such door at this event.")
    if query.status is not None and query.status not in set(ScanStatus):
        errors["status"] = _l("Choose one of the answers listed.")
    if query.person is not None and len(query.person) > MAX_SEARCH_LENGTH:
        errors["person"] = _l("Keep the name under 200 characters.")
    if query.limit is not None and not 1 <= query.limit <= MAX_PAGE_SIZE:
        errors["per_page"] = _l("Ask for 1 to 200 scans a page.")
    if errors:
        raise ValidationFailed(_l("The filters cannot be used."), fields=errors)
    return query


def scan_history(session: Session, event: Event, query: ScanQuery) -> ScanPage:
    """The event's scans the filters choose, newest first (by the time they were made).

    Refuses what `check_scan_query` refuses. The person filter matches every word of it
    against the scanned person's name (in either alphabet) or ticket code.
    """
    check_scan_query(session, event, query)
    statement = _lines_query(event).where(*_conditions(event, query))
    if not query.person:
        total = session.scalar(select(func.count(Checkin.id)).where(*_conditions(event, query)))
        paged = statement.offset(query.offset)
        if query.limit is not None:
            paged = paged.limit(query.limit)
        lines = [_line(row) for row in session.execute(paged)]
        return ScanPage(lines, total, query.offset + len(lines) < total)
    # The party's search text narrows the scans in SQL; the person's own name decides.
    words = search_words(query.person)
    lines = [_line(row) for row in session.execute(statement)
             if _names_person(row, words)]
    end = None if query.limit is None else query.offset + query.limit
    return ScanPage(lines[query.offset:end], len(lines), end is not None and end < len(lines))


def _conditions(event: Event, query: ScanQuery) -> list:
    conditions = [Checkin.event_id == event.id]
    if query.door_id is not None:
        conditions.append(Checkin.door_access_id == query.door_id)
    if query.status is not None:
        conditions.append(Checkin.status == query.status)
    if query.person:
        words = search_words(query.person)
        party_text = (select(Registration.search_text).join(
            Attendee, Attendee.registration_id == Registration.id)
            .where(Attendee.id == Checkin.attendee_id).scalar_subquery())
        conditions.append(Checkin.attendee_id.is_not(None))
        conditions.extend(or_(*(party_text.contains(form, autoescape=True) for form in forms))
                          for forms in words)
    return conditions


def _lines_query(event: Event):
    return (
        select(Checkin.id, Checkin.scanned_at, Checkin.received_at, Checkin.door_access_id,
               DoorAccess.name.label("door"), Checkin.action, Checkin.status, Checkin.outcome,
               Checkin.flag, Checkin.overrode, Checkin.reason, Checkin.attendee_id,
               Attendee.name, Attendee.ticket_code,
               Attendee.anonymised_at, Checkin.activity_id, Activity.title.label("activity"))
        .join(DoorAccess, DoorAccess.id == Checkin.door_access_id)
        .outerjoin(Attendee, Attendee.id == Checkin.attendee_id)
        .outerjoin(Activity, Activity.id == Checkin.activity_id)
        .order_by(Checkin.scanned_at.desc(), Checkin.id.desc())
    )


def _names_person(row, words: list[tuple[str, ...]]) -> bool:
    if row.name is None or row.anonymised_at is not None:
        return False
    return finds(f"{spelling(row.name)} {spelling(row.ticket_code or '')}", words)


def _line(row) -> ScanLine:
    hidden = row.anonymised_at is not None
    return ScanLine(
        id=row.id, scanned_at=row.scanned_at, received_at=row.received_at,
        door_id=row.door_access_id, door=row.door, action=row.action, status=row.status,
        outcome=row.outcome, flag=row.flag, overrode=row.overrode, reason=row.reason,
        attendee_id=row.attendee_id,
        name=None if hidden else row.name, ticket_code=None if hidden else row.ticket_code,
        activity_id=row.activity_id, activity_title=row.activity,
    )


def scan_history_csv(lines: list[ScanLine], zone: ZoneInfo, activity_name) -> bytes:
    """The scans as UTF-8 CSV with a byte order mark, headed in the page's language, times
    in the event's time zone; no cell can start a formula. `activity_name` turns an
    activity's titles into the text shown."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Scanned at"), _("Received at"), _("Door"), _("Place"), _("Person"),
                     _("Ticket code"), _("Action"), _("Answer given"), _("Outcome now"),
                     _("Flag"), _("Answer code"), _("Outcome code"), _("Flag code")])
    for line in lines:
        writer.writerow([spreadsheet_safe(cell) for cell in (
            _local(line.scanned_at, zone), _local(line.received_at, zone), door_name(line.door),
            activity_name(line.activity_title) if line.activity_title else _("Entrance"),
            line.name or "", line.ticket_code or "", str(ACTION_NAMES[line.action]),
            str(STATUS_NAMES[line.status]), str(STATUS_NAMES[line.outcome]), line.flag_words,
            line.status, line.outcome, line.flag or "")])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _local(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0).isoformat(sep=" ")


# --- doubles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Double:
    """A scan a door answered "Welcome" that came to a duplicate: another door had let the
    person in earlier, while offline, and uploaded it later."""

    checkin_id: int
    client_id: str
    door: str
    name: str | None
    scanned_at: datetime
    activity_id: int | None
    #: When the person came in first, and through which door (as the place holds it now).
    first_in_at: datetime | None
    first_door: str | None


@dataclass(frozen=True)
class Doubles:
    #: (door name, doubles), most first.
    by_door: list[tuple[str, int]]
    #: The newest MAX_DOUBLES_LISTED.
    listed: list[Double]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_door)


def _with_doubles(statement, first_door):
    """`statement` narrowed to doubles, joined to the attendee, their place's state and the
    door of its first arrival (`first_door`, an alias of DoorAccess): a welcome that became
    a duplicate because another door let the person in first (this door's own queued scan
    uploaded late is no double)."""
    choice = attendee_activities.c
    entrance = Checkin.activity_id.is_(None)
    return (
        statement
        .join(DoorAccess, DoorAccess.id == Checkin.door_access_id)
        .join(Attendee, Attendee.id == Checkin.attendee_id)
        .outerjoin(attendee_activities, and_(choice.attendee_id == Attendee.id,
                                             choice.activity_id == Checkin.activity_id))
        # The door of the place's first arrival: the entrance's, or the activity's.
        .join(first_door, or_(
            and_(entrance, first_door.id == Attendee.checked_in_door_id),
            and_(~entrance, first_door.id == choice.checked_in_door_id)))
        .where(Checkin.status == ScanStatus.CHECKED_IN,
               Checkin.outcome == ScanStatus.ALREADY_CHECKED_IN,
               first_door.id != Checkin.door_access_id)
    )


def _doubles_query(*conditions, limit: int):
    first_door = aliased(DoorAccess)
    choice = attendee_activities.c
    return (
        _with_doubles(select(
            Checkin.id, Checkin.client_id, DoorAccess.name.label("door"), Attendee.name,
            Attendee.anonymised_at, Checkin.scanned_at, Checkin.activity_id,
            Attendee.checked_in_at, choice.checked_in_at.label("activity_in_at"),
            first_door.name.label("first_door")), first_door)
        .where(*conditions)
        .order_by(Checkin.scanned_at.desc(), Checkin.id.desc())
        .limit(limit)
    )


def _double(row) -> Double:
    first_in_at = row.checked_in_at if row.activity_id is None else row.activity_in_at
    return Double(checkin_id=row.id, client_id=row.client_id, door=row.door,
                  name=None if row.anonymised_at is not None else row.name,
                  scanned_at=row.scanned_at, activity_id=row.activity_id,
                  first_in_at=first_in_at, first_door=row.first_door)


def event_doubles(session: Session, event: Event) -> Doubles:
    """The event's doubles: how many each door had, and the newest of them."""
    by_door = session.execute(
        _with_doubles(select(DoorAccess.name, func.count(Checkin.id)), aliased(DoorAccess))
        .where(Checkin.event_id == event.id)
        .group_by(DoorAccess.id, DoorAccess.name)
        .order_by(func.count(Checkin.id).desc(), DoorAccess.name)
    ).all()
    listed = session.execute(_doubles_query(Checkin.event_id == event.id,
                                            limit=MAX_DOUBLES_LISTED)).all()
    return Doubles(by_door=[(name, count) for name, count in by_door],
                   listed=[_double(row) for row in listed])


def door_doubles(session: Session, door_id: int) -> list[Double]:
    """The newest of the door's own scans that became doubles, to tell its phone: it
    answered "Welcome" and another door turned out to have let the person in first."""
    rows = session.execute(_doubles_query(Checkin.door_access_id == door_id,
                                          limit=MAX_DOUBLES_TOLD)).all()
    return [_double(row) for row in rows]
