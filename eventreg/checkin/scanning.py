"""Checking people in at the door, out again, and undoing a mistake: the door's rule
(eventreg/checkin/rules.py) applied to what is stored, in the caller's unit of work.

`check_in` is the one way a scan is recorded; the scanner page, the API, offline uploads,
walk-ins and sign-in sheets all call it. It never raises for a refused scan: every scan
gets an answer and a row in the log, so a retry, and the organisers, see what happened.
The log keeps the answer each door was given (`Checkin.status`, the same again for a
retry) and, beside it, what the scan comes to now (`Checkin.outcome`): a late upload of an
earlier offline scan may turn a "Welcome" into a duplicate, but never rewrites the answer.

Races are decided by the database. The client's id is claimed first (INSERT ... ON
CONFLICT DO NOTHING), so a scan sent twice at once is recorded once. A valid ticket's
first live scan at the entrance is then one conditional UPDATE (its conditions are the
rule's FIRST_ARRIVAL); a repeated live scan at the entrance of someone inside locks the
attendee's row, reads what the answer shows in the same statement and writes only its log
row (the rule's ALREADY_INSIDE); anything else locks the attendee's row (SELECT ... FOR
UPDATE; SQLite's unit already holds the write lock), replays the place's scans and writes
the state they leave. A live scan is timed by the server once it holds that lock, so of two
doors at the same instant the first to lock admits.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, and_, bindparam, cast, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from eventreg.checkin import rules
from eventreg.checkin.models import VALID_AFTER_EVENT, Checkin, DoorAccess
from eventreg.checkin.rules import CHECK_IN, ScanStatus
from eventreg.consents import service as consents
from eventreg.database import MAX_CLIENT_ID_LENGTH, UTCDateTime, execute_core, utcnow
from eventreg.errors import ValidationFailed
from eventreg.events.models import PHOTOS
from eventreg.registrations.models import Attendee, attendee_activities
from eventreg.tickets.service import verify_ticket_token
from eventreg.tickets.signing import InvalidTicketToken

#: A scan sent to POST /checkins this long after it was made counts as an offline upload.
LIVE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class DoorSettings:
    """The door's time rules: the app's settings for a volunteer's door (`from_config`),
    NO_TIME_RULES for check-ins the app makes itself; the caller passes them."""

    #: An undo at the door that admitted, this soon after, needs no reason (None: no undo
    #: needs one).
    undo_window: timedelta | None
    #: At an activity's door, a check-in earlier than this before the session starts is
    #: too early (asks the volunteer; None: none is).
    early_warning: timedelta | None

    @classmethod
    def from_config(cls, config) -> "DoorSettings":
        return cls(undo_window=timedelta(minutes=config["CHECKIN_UNDO_WINDOW_MINUTES"]),
                   early_warning=timedelta(minutes=config["CHECKIN_EARLY_WARNING_MINUTES"]))


#: For check-ins the app makes itself, never a volunteer's scan: walk-ins checked in as
#: they register at the door, everyone out, a pick-up's check-out, sample data. No
#: check-in is too early and no undo needs a reason.
NO_TIME_RULES = DoorSettings(undo_window=None, early_warning=None)


@dataclass
class CheckinRequest:
    """One scan or manual check-in, as a door sends it."""

    #: Id the door made for this scan; sending it again returns the first answer.
    client_id: str
    action: str = CHECK_IN
    #: The ticket's QR token, or, for a look-up by hand, `attendee_id`.
    qr: str | None = None
    attendee_id: int | None = None
    #: The activity whose door this is; None for the event's entrance.
    activity_id: int | None = None
    #: When the door scanned it; None means now.
    scanned_at: datetime | None = None
    #: For a check-in, the reason of an override (rules.OVERRIDE_REASONS): let the
    #: person in despite a refusal that allows it. For an undo, its reason
    #: (rules.UNDO_REASONS), needed from another door or after the undo window.
    reason: str | None = None


@dataclass(frozen=True)
class AttendeeSummary:
    """What a door may see of an attendee: the least needed to welcome them."""

    id: int
    name: str
    ticket_code: str
    #: The registration the attendee came with, and how many in it hold valid tickets.
    party_id: int
    party_size: int
    activity_ids: list[int]
    cancelled: bool
    #: Mark them "no photos" (eventreg/consents/service.py's `no_photos`).
    no_photos: bool = False
    #: The note for the door (Attendee.door_note), empty for none.
    door_note: str = ""


@dataclass(frozen=True)
class CheckinResult:
    client_id: str
    action: str
    status: str
    scanned_at: datetime
    activity_id: int | None = None
    attendee: AttendeeSummary | None = None
    #: The place's state: when the person first came in and through which door, and when
    #: they last went out (None while inside or never in).
    checked_in_at: datetime | None = None
    checked_in_door: str | None = None
    left_at: datetime | None = None
    #: An admission the organiser should see (rules.CANCELLED_AFTER_SCAN, ...), or None.
    flag: str | None = None
    #: True when this answer repeats the first answer to the same client_id.
    replayed: bool = False
    #: The refusal an override overrode (rules.OVERRIDABLE), or None.
    overrode: str | None = None
    #: The override's or undo's reason, where one was needed and given; else None.
    reason: str | None = None


@dataclass(frozen=True)
class DoorView:
    """What scanning needs of a door, read once (rows loaded before expire on commit); the
    API's check-ins read it in one statement (eventreg/checkin/doors.py's
    `door_view_for_token`), every other caller from its DoorAccess (`of`)."""

    id: int
    event_id: int
    name: str
    #: The activities this door checks people in to; empty for the event's entrance.
    activity_ids: tuple[int, ...]
    #: No scan of this door can be older than the door itself (a phone's slow clock).
    created_at: datetime
    event_cancelled_at: datetime | None
    #: When its link was switched off: later scans decide nothing. A sign-in sheets' door
    #: is switched off as a link only; organisers enter its sheets.
    revoked_at: datetime | None
    #: The door's time rules.
    settings: DoorSettings
    #: The event asks photo consent: answers say whom to mark "no photos".
    asks_photo_consent: bool = False
    #: Every activity of the event (a scan may name only one of them).
    event_activity_ids: frozenset[int] = frozenset()
    #: The event's time zone: a `scanned_at` sent without an offset is wall-clock time there.
    event_timezone: str = "UTC"
    #: A self check-in kiosk (eventreg/checkin/doors.py `refuse_at_kiosk`).
    kiosk: bool = False
    #: The door's contact as last written (eventreg/checkin/door_state.py `contact_due`).
    last_contact_at: datetime | None = None
    scans_held: int | None = None
    #: When its link expired: scans made later decide nothing (None for a sign-in
    #: sheets' door, typed in afterwards).
    expires_at: datetime | None = None
    #: When each activity this door serves starts (None: not said).
    activity_starts: tuple[tuple[int, datetime | None], ...] = ()

    @classmethod
    def of(cls, door: DoorAccess, settings: DoorSettings) -> "DoorView":
        return cls(id=door.id, event_id=door.event_id, name=door.name,
                   activity_ids=tuple(activity.id for activity in door.activities),
                   created_at=door.created_at, event_cancelled_at=door.event.cancelled_at,
                   revoked_at=None if door.for_sign_in_sheets else door.revoked_at,
                   asks_photo_consent=PHOTOS in door.event.optional_consents,
                   event_activity_ids=frozenset(a.id for a in door.event.activities),
                   event_timezone=door.event.timezone, kiosk=door.kiosk,
                   last_contact_at=door.last_contact_at, scans_held=door.scans_held,
                   expires_at=(None if door.for_sign_in_sheets
                               else door.event.ends_at + VALID_AFTER_EVENT),
                   activity_starts=tuple((activity.id, activity.starts_at)
                                         for activity in door.activities),
                   settings=settings)

    def for_rule(self, activity_id: int | None, *, upload: bool = False) -> rules.Door:
        """The door as the rule sees it. Its link's expiry counts for an `upload` only:
        a live scan through an expired link never reaches here from the API (401
        door_expired), only from the app's own tools (sample data, tests' seeds)."""
        starts_at = dict(self.activity_starts).get(activity_id)
        early_warning = self.settings.early_warning
        return rules.Door(
            activity_id=activity_id, event_cancelled_at=self.event_cancelled_at,
            revoked_at=self.revoked_at, id=self.id,
            expires_at=self.expires_at if upload else None,
            opens_at=(starts_at - early_warning
                      if early_warning is not None and starts_at is not None else None),
            undo_window=self.settings.undo_window)


# --- checking in -----------------------------------------------------------------------------


def check_in(session: Session, view: DoorView, request: CheckinRequest, *,
             earliest_wins: bool = False, now: datetime | None = None) -> CheckinResult:
    """Do what the door asked (check in, check out or undo) and return the answer; its
    meaning and every status are the rule's (eventreg/checkin/rules.py).

    A live scan is timed by the server when it holds the attendee's lock. With
    `earliest_wins` (scans uploaded after being offline, or sent more than LIVE_WINDOW
    after their `scanned_at`) the scan keeps the door's time, no later than now and no
    earlier than the door's creation, and takes its place among the attendee's scans.
    The same `client_id` from the same door has the effect of once and gets the first
    answer again. Raises ValidationFailed only for a malformed request (no ticket, an
    activity this door does not serve, an unknown action, a reason not in the list).

    The door's time rules are the view's settings: the API reads the door with the app's
    (`door_view_for_token`); the app's own check-ins pass NO_TIME_RULES
    (`DoorView.of(door, NO_TIME_RULES)`).
    """
    fixed_now = now
    now = now or utcnow()
    activity_id = _door_activity(view, request)
    live = _is_live(request, now, earliest_wins=earliest_wins)
    scanned_at = decided_at(view, request, now, earliest_wins=earliest_wins)
    recognised, attendee_id = _identify(session, view, request)
    log_id = _claim(session, view, request, attendee_id, activity_id, scanned_at, now)
    if log_id is None:
        return _answer_again(session, view, request.client_id)
    door_rule = view.for_rule(activity_id)
    if live and recognised == "valid" and request.action == CHECK_IN and _door_admits_at_once(
            door_rule, scanned_at):
        admitted = _admit_first_arrival(session, view, request, attendee_id, scanned_at)
        if admitted is not None:
            return admitted  # an override it did not need is not recorded
        if request.reason is None:  # an override of "already checked in" asks the rule
            again = _answer_already_inside(session, view, request, log_id, attendee_id, now,
                                           fixed_now)
            if again is not None:
                return again
    if live:
        scanned_at = None  # timed once the attendee's lock is held
    return _decide(session, view, request, log_id, recognised, attendee_id, activity_id,
                   scanned_at, now, fixed_now)


def check_in_many(session: Session, view: DoorView, requests: list[CheckinRequest], *,
                  now: datetime | None = None) -> list[CheckinResult]:
    """Record scans a door made while offline, in the order they were made, answered in
    the order sent; the earliest scan of a ticket wins (see `check_in`). Malformed items
    come back as `invalid`, recorded nowhere."""
    ordered = sorted(range(len(requests)), key=lambda i: _sort_time(requests[i], now))
    results: dict[int, CheckinResult] = {}
    for index in ordered:
        request = requests[index]
        try:
            results[index] = check_in(session, view, request, earliest_wins=True, now=now)
        except ValidationFailed:
            results[index] = CheckinResult(
                client_id=request.client_id, action=request.action,
                status=ScanStatus.INVALID, scanned_at=_sort_time(request, now))
    return [results[index] for index in range(len(requests))]


def _claim(session: Session, view: DoorView, request: CheckinRequest, attendee_id: int | None,
           activity_id: int | None, scanned_at: datetime, now: datetime) -> int | None:
    """Log the scan under its client id, first answered as a welcome (the common case, as
    the fast path answers it; `_decide` writes any other answer); None when the door sent
    this client id before."""
    return execute_core(session, _claim_statement(session.get_bind(Checkin).dialect.name), {
        "claim_door": view.id, "claim_event": view.event_id, "claim_status": str(ScanStatus.CHECKED_IN),
        "claim_client_id": request.client_id, "claim_action": request.action,
        "claim_attendee": attendee_id, "claim_activity": activity_id,
        "claim_scanned_at": scanned_at, "claim_received_at": now,
    }, writes=True).scalar()


@cache
def _claim_statement(dialect_name: str):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id of a scan's log row, as text compiled
    once per dialect: SQLAlchemy 2.0 gives its dialects' ON CONFLICT inserts no cache key,
    so the construct would be compiled again on every scan (about half a scan's CPU)."""
    log, attendees = Checkin.__table__, Attendee.__table__
    # The attendee only if it is one of this event's (a typed-in id may name nobody).
    of_this_event = (select(attendees.c.id)
                     .where(attendees.c.id == bindparam("claim_attendee"),
                            attendees.c.event_id == bindparam("claim_event"))
                     .scalar_subquery())
    dialect, insert = ((postgresql.dialect, postgresql_insert) if dialect_name == "postgresql"
                       else (sqlite.dialect, sqlite_insert))
    statement = (
        insert(log).values(
            door_access_id=bindparam("claim_door"), event_id=bindparam("claim_event"),
            client_id=bindparam("claim_client_id"), action=bindparam("claim_action"),
            attendee_id=of_this_event, activity_id=bindparam("claim_activity"),
            status=bindparam("claim_status"), outcome=bindparam("claim_status"),
            scanned_at=bindparam("claim_scanned_at"), received_at=bindparam("claim_received_at"))
        .on_conflict_do_nothing(index_elements=["door_access_id", "client_id"])
        .returning(log.c.id)
    )
    sql = str(statement.compile(dialect=dialect(paramstyle="named"),
                                compile_kwargs={"literal_binds": False}))
    times = UTCDateTime()
    return text(sql).bindparams(
        bindparam("claim_scanned_at", type_=times), bindparam("claim_received_at", type_=times),
        bindparam("claim_attendee", type_=Integer()), bindparam("claim_activity", type_=Integer()),
    ).columns(log.c.id)


def _door_admits_at_once(door: rules.Door, at: datetime) -> bool:
    """The rule's first-arrival conditions on the door itself (the rest are in the SQL)."""
    return all(rules.FIRST_ARRIVAL[name](door, rules.Ticket(), rules.PlaceState(), at)
               for name in DOOR_CONDITIONS)


#: The rule's FIRST_ARRIVAL conditions decided from the door before the statement, and
#: those decided by the attendee's row, as SQL (tests/checkin/test_scan_cases.py holds
#: both to the rule on every case).
DOOR_CONDITIONS = ("door_not_revoked", "door_not_expired", "event_not_cancelled",
                   "at_the_entrance")
_attendee = Attendee.__table__.c
ROW_CONDITIONS = {
    "ticket_of_this_event": _attendee.event_id == bindparam("admit_event"),
    "ticket_not_cancelled": _attendee.cancelled_at.is_(None),
    "not_yet_admitted": _attendee.checked_in_at.is_(None),
}
assert set(DOOR_CONDITIONS) | set(ROW_CONDITIONS) == set(rules.FIRST_ARRIVAL)


def _admit_first_arrival(session: Session, view: DoorView, request: CheckinRequest,
                         attendee_id: int, scanned_at: datetime) -> CheckinResult | None:
    """A valid ticket's first live scan at the entrance, in one conditional UPDATE (the
    scan's log row already says "checked_in"); None when it is anything else."""
    admitted = execute_core(session, _first_arrival_update(), {
        "admit_attendee": attendee_id, "admit_event": view.event_id,
        "admit_door": view.id, "admit_time": scanned_at,
    }, writes=True).one_or_none()
    if admitted is None:
        return None
    return CheckinResult(
        client_id=request.client_id, action=CHECK_IN, status=ScanStatus.CHECKED_IN,
        scanned_at=scanned_at,
        attendee=AttendeeSummary(
            id=attendee_id, name=admitted.name, ticket_code=admitted.ticket_code,
            party_id=admitted.registration_id, party_size=admitted.party_size,
            activity_ids=sorted(int(i) for i in (admitted.activity_ids or "").split(",") if i),
            cancelled=False,
            no_photos=consents.no_photos(view.asks_photo_consent,
                                         bool(admitted.photo_consent)),
            door_note=admitted.door_note),
        checked_in_at=scanned_at, checked_in_door=view.name,
    )


@cache
def _first_arrival_update():
    """UPDATE admitting a first arrival, answering who it is (built once: the busiest
    statement at the door)."""
    attendees = Attendee.__table__
    return (
        update(attendees)
        .where(attendees.c.id == bindparam("admit_attendee"), and_(*ROW_CONDITIONS.values()))
        .values(checked_in_at=bindparam("admit_time"), checked_in_door_id=bindparam("admit_door"),
                left_at=None, changed_at=bindparam("admit_time"))
        .returning(attendees.c.name, attendees.c.ticket_code, attendees.c.registration_id,
                   attendees.c.door_note, *_answer_columns("admit_attendee"))
    )


def _answer_columns(attendee_parameter: str) -> list:
    """What an answer says of the attendee whose id is the parameter, as columns: the
    party's size, the chosen activities and a live photo consent."""
    attendees = Attendee.__table__
    party, same = attendees.alias("party"), attendees.alias("same")
    choice = attendee_activities.c
    # The party's size: a subquery by the scanned attendee's id (a reference to the row
    # being updated would not reach inside the subquery of SQLite's RETURNING).
    registration_of_scanned = (select(same.c.registration_id)
                               .where(same.c.id == bindparam(attendee_parameter))
                               .scalar_subquery())
    return [
        select(func.count(party.c.id)).where(
            party.c.registration_id == registration_of_scanned,
            party.c.cancelled_at.is_(None),
        ).scalar_subquery().label("party_size"),
        select(func.aggregate_strings(cast(choice.activity_id, String), ","))
        .where(choice.attendee_id == bindparam(attendee_parameter))
        .scalar_subquery().label("activity_ids"),
        consents.live_photo_consent(bindparam(attendee_parameter)).label("photo_consent"),
    ]


def _answer_already_inside(session: Session, view: DoorView, request: CheckinRequest,
                           log_id: int, attendee_id: int, now: datetime,
                           fixed_now: datetime | None) -> CheckinResult | None:
    """A live check-in at the entrance of someone inside (a repeated scan), in two
    statements (a third reads the name of another door that let them in): the attendee's
    `changed_at` (the door lists' cursor: its scans change) written, which locks the row
    and reads all the answer shows; the scan timed once the lock is held (as `_decide`
    times it) and the rule's ALREADY_INSIDE asked; then the scan's log row answered.
    None when it is anything else, for `_decide` to replay (the row stays locked for it;
    a cursor moved for nothing only sends the row again)."""
    row = execute_core(session, _already_inside_touch(), {
        "inside_attendee": attendee_id, "inside_event": view.event_id, "touched_at": now,
    }, writes=True).one_or_none()
    if row is None:
        return None
    scanned_at = fixed_now or utcnow()
    if not rules.answers_already_inside(
            view.for_rule(None), rules.Ticket(cancelled_at=row.cancelled_at),
            rules.PlaceState(row.checked_in_at, row.left_at), scanned_at):
        return None
    status = ScanStatus.ALREADY_CHECKED_IN
    execute_core(session, _already_inside_answer(), {
        "log_id": log_id, "log_status": str(status), "log_scanned_at": scanned_at,
    }, writes=True)
    return CheckinResult(
        client_id=request.client_id, action=CHECK_IN, status=status, scanned_at=scanned_at,
        attendee=AttendeeSummary(
            id=attendee_id, name=row.name, ticket_code=row.ticket_code,
            party_id=row.registration_id, party_size=row.party_size,
            activity_ids=sorted(int(i) for i in (row.activity_ids or "").split(",") if i),
            cancelled=False,
            no_photos=consents.no_photos(view.asks_photo_consent, bool(row.photo_consent)),
            door_note=row.door_note),
        checked_in_at=row.checked_in_at,
        checked_in_door=_door_name(session, view, row.checked_in_door_id),
    )


@cache
def _already_inside_touch():
    """UPDATE of a scanned attendee's `changed_at`, answering what an answer shows (built
    once). It locks the row as SELECT ... FOR NO KEY UPDATE would (no key changes); SQLite
    has no row locks: its unit of work holds the write lock already."""
    attendees = Attendee.__table__
    return (
        update(attendees)
        .where(attendees.c.id == bindparam("inside_attendee"),
               attendees.c.event_id == bindparam("inside_event"))
        .values(changed_at=bindparam("touched_at"))
        .returning(attendees.c.name, attendees.c.ticket_code, attendees.c.registration_id,
                   attendees.c.cancelled_at, attendees.c.door_note, attendees.c.checked_in_at,
                   attendees.c.checked_in_door_id, attendees.c.left_at,
                   *_answer_columns("inside_attendee"))
    )


@cache
def _already_inside_answer():
    """The repeated scan's log row's answer (built once)."""
    log = Checkin.__table__
    return update(log).where(log.c.id == bindparam("log_id")).values(
        status=bindparam("log_status"), outcome=bindparam("log_status"),
        scanned_at=bindparam("log_scanned_at"))


def _door_name(session: Session, view: DoorView, door_id: int | None) -> str | None:
    """The name of the door that checked someone in: this one, another (read), or none."""
    if door_id is None or door_id == view.id:
        return view.name if door_id else None
    return session.scalar(select(DoorAccess.name).where(DoorAccess.id == door_id))


def _decide(session: Session, view: DoorView, request: CheckinRequest, log_id: int,
            recognised: str, attendee_id: int | None, activity_id: int | None,
            scanned_at: datetime | None, now: datetime,
            fixed_now: datetime | None) -> CheckinResult:
    """Decide the scan in full: lock the attendee, replay the place's scans with this one
    among them, and write the answer, the outcomes that changed and the state. A live
    scan (`scanned_at` None) is timed once the lock is held: of two doors at the same
    instant, the one that locked first came first."""
    live = scanned_at is None
    attendee = None
    if recognised == "valid":
        # FOR NO KEY UPDATE: scans of the ticket queue up here, while the FOR KEY SHARE
        # locks their log rows' foreign keys take (when claimed) never block it.
        attendee = session.get(Attendee, attendee_id, with_for_update={"key_share": True},
                               populate_existing=True)
        if attendee is None or attendee.event_id != view.event_id:
            recognised, attendee = "unknown", None  # a door sees only its own event
    scanned_at = scanned_at or fixed_now or utcnow()
    chosen = _chosen_activities(session, attendee.id) if attendee else frozenset()
    ticket = rules.Ticket(recognised=recognised,
                          cancelled_at=attendee.cancelled_at if attendee else None,
                          activity_ids=chosen)
    history = _history(session, attendee.id, activity_id, log_id) if attendee else {}
    decision = rules.decide(view.for_rule(activity_id, upload=not live), ticket,
                            rules.Scan(request.action, scanned_at, door=view.id,
                                       reason=request.reason), list(history))
    session.execute(update(Checkin).where(Checkin.id == log_id).values(
        status=decision.status, outcome=decision.status, flag=decision.flag,
        overrode=decision.overrode, reason=decision.reason,
        scanned_at=scanned_at, attendee_id=attendee.id if attendee else None))
    if decision.replay is not None:
        _write_outcomes(session, history, decision.replay)
        doors = {scan: row.door_access_id for scan, row in history.items()}
        _write_place(session, attendee, activity_id, decision.replay.state, doors, view.id)
        if activity_id is not None and decision.status == ScanStatus.CHECKED_IN:
            _admit_to_the_event_too(attendee, scanned_at, view.id)
        attendee.changed_at = now
    return _result(session, view, request.client_id, request.action, decision.status,
                   scanned_at, activity_id, attendee, flag=decision.flag,
                   overrode=decision.overrode, reason=decision.reason)


def _history(session: Session, attendee_id: int, activity_id: int | None,
             this_scan: int) -> dict[rules.Scan, Checkin]:
    """The place's earlier scans that the rule replays (those not refused), each with its
    log row; at the entrance also the check-ins at activities' doors (implied)."""
    place = (Checkin.activity_id.is_(None) if activity_id is None
             else Checkin.activity_id == activity_id)
    rows = session.scalars(select(Checkin).where(
        Checkin.attendee_id == attendee_id, Checkin.id != this_scan, place,
        Checkin.status.in_(rules.REPLAYED)))
    history = {rules.Scan(row.action, row.scanned_at, order=row.id, door=row.door_access_id,
                          reason=row.reason): row for row in rows}
    if activity_id is None:
        implied = session.scalars(select(Checkin).where(
            Checkin.attendee_id == attendee_id, Checkin.activity_id.is_not(None),
            Checkin.action == CHECK_IN, Checkin.outcome == ScanStatus.CHECKED_IN))
        history.update({rules.Scan(CHECK_IN, row.scanned_at, order=row.id, implied=True,
                                   door=row.door_access_id): row
                        for row in implied})
    return history


def _write_outcomes(session: Session, history: dict[rules.Scan, Checkin],
                    replay: rules.Replay) -> None:
    """Note what each earlier scan comes to now (the answer it was given stays)."""
    for scan, row in history.items():
        outcome = replay.answers.get(scan)
        if outcome is not None and row.outcome != outcome:
            row.outcome = outcome


def _write_place(session: Session, attendee: Attendee, activity_id: int | None,
                 state: rules.PlaceState, doors: dict[rules.Scan, int], this_door: int) -> None:
    """Store the state the replay left (written only here)."""
    admitted_by = state.admitted_by
    door_id = None if admitted_by is None else doors.get(admitted_by, this_door)
    values = {"checked_in_at": state.checked_in_at, "checked_in_door_id": door_id,
              "left_at": state.left_at}
    if activity_id is None:
        for name, value in values.items():
            setattr(attendee, name, value)
        return
    choice = attendee_activities.c
    session.execute(update(attendee_activities).where(
        choice.attendee_id == attendee.id, choice.activity_id == activity_id).values(**values))


def _admit_to_the_event_too(attendee: Attendee, at: datetime, door_id: int) -> None:
    """Coming in at an activity's door is coming to the event: its earliest arrival."""
    if attendee.checked_in_at is None or at < attendee.checked_in_at:
        attendee.checked_in_at, attendee.checked_in_door_id = at, door_id


def _chosen_activities(session: Session, attendee_id: int) -> frozenset[int]:
    return frozenset(session.scalars(select(attendee_activities.c.activity_id).where(
        attendee_activities.c.attendee_id == attendee_id)))


# --- the request, and the answers ------------------------------------------------------------


def _door_activity(view: DoorView, request: CheckinRequest) -> int | None:
    """The activity a scan is for: the one asked, or the door's only one; else the event."""
    errors = {}
    if request.action not in rules.ACTIONS:
        errors["action"] = _l("Use check_in, check_out or undo.")
    if not request.client_id or len(request.client_id) > MAX_CLIENT_ID_LENGTH:
        errors["client_id"] = _l("Send an id of 1 to 64 characters made for this scan.")
    if not request.qr and request.attendee_id is None:
        errors["qr"] = _l("Send the scanned code or the attendee's id.")
    if request.reason is not None:
        if request.action == rules.CHECK_IN and request.reason not in rules.OVERRIDE_REASONS:
            errors["override"] = _l("Choose the override's reason from the list.")
        elif request.action == rules.UNDO and request.reason not in rules.UNDO_REASONS:
            errors["reason"] = _l("Choose the undo's reason from the list.")
        elif request.action == rules.CHECK_OUT:
            errors["reason"] = _l("Going out takes no reason.")
    door_activity_ids = view.activity_ids
    activity_id = request.activity_id
    if activity_id is None and len(door_activity_ids) == 1:
        activity_id = door_activity_ids[0]
    if activity_id is None and len(door_activity_ids) > 1:
        errors["activity"] = _l("This door serves several activities: say which one.")
    elif activity_id is not None and door_activity_ids and activity_id not in door_activity_ids:
        errors["activity"] = _l("This door does not check people in to that activity.")
    elif activity_id is not None and activity_id not in view.event_activity_ids:
        errors["activity"] = _l("No such activity at this event.")
    if errors:
        raise ValidationFailed(_l("The check-in request is incomplete."), fields=errors)
    return activity_id


def _is_live(request: CheckinRequest, now: datetime, *, earliest_wins: bool) -> bool:
    return not earliest_wins and not (
        request.scanned_at is not None and request.scanned_at < now - LIVE_WINDOW)


def decided_at(view: DoorView, request: CheckinRequest, now: datetime, *,
               earliest_wins: bool) -> datetime:
    """The time `check_in` decides a scan at: now for a live one (the server times it);
    an uploaded one keeps the door's time, but a time in the future (a phone's clock
    ahead) is now, and none is older than the door."""
    made = request.scanned_at
    if _is_live(request, now, earliest_wins=earliest_wins) or made is None or made > now:
        return now
    return max(made, view.created_at)


def _sort_time(request: CheckinRequest, now: datetime | None) -> datetime:
    return min(request.scanned_at or now or utcnow(), now or utcnow())


def _identify(session: Session, view: DoorView, request: CheckinRequest) -> tuple[str, int | None]:
    """What the code is (rules.Ticket.recognised) and whose: a hand-typed attendee id, or
    the attendee a ticket of this event names."""
    if not request.qr:
        return "valid", request.attendee_id
    try:
        claims = verify_ticket_token(session, request.qr)
    except InvalidTicketToken:
        return "invalid", None
    if claims.event_id != view.event_id:
        return "wrong_event", None
    return "valid", claims.attendee_id


def _answer_again(session: Session, view: DoorView, client_id: str) -> CheckinResult:
    """The answer first given to this client id, with the place as it is now."""
    earlier = session.scalar(select(Checkin).where(Checkin.door_access_id == view.id,
                                                   Checkin.client_id == client_id))
    attendee = session.get(Attendee, earlier.attendee_id) if earlier.attendee_id else None
    return _result(session, view, earlier.client_id, earlier.action, earlier.status,
                   earlier.scanned_at, earlier.activity_id, attendee, flag=earlier.flag,
                   overrode=earlier.overrode, reason=earlier.reason, replayed=True)


def _result(session: Session, view: DoorView, client_id: str, action: str, status: str,
            scanned_at: datetime, activity_id: int | None, attendee: Attendee | None, *,
            flag: str | None = None, overrode: str | None = None, reason: str | None = None,
            replayed: bool = False) -> CheckinResult:
    answer = CheckinResult(client_id=client_id, action=action, status=status,
                           scanned_at=scanned_at, activity_id=activity_id, flag=flag,
                           replayed=replayed, overrode=overrode, reason=reason)
    if attendee is None:
        return answer
    checked_in_at, door_id, left_at = (attendee.checked_in_at, attendee.checked_in_door_id,
                                       attendee.left_at)
    if activity_id is not None:
        choice = attendee_activities.c
        state = session.execute(
            select(choice.checked_in_at, choice.checked_in_door_id, choice.left_at).where(
                choice.attendee_id == attendee.id, choice.activity_id == activity_id)
        ).one_or_none()
        checked_in_at, door_id, left_at = state if state is not None else (None, None, None)
    party_size = session.scalar(select(func.count(Attendee.id)).where(
        Attendee.registration_id == attendee.registration_id, Attendee.cancelled_at.is_(None)))
    photo_consent = view.asks_photo_consent and bool(
        session.scalar(select(consents.live_photo_consent(attendee.id))))
    door_name = _door_name(session, view, door_id)
    return CheckinResult(
        client_id=client_id, action=action, status=status, scanned_at=scanned_at,
        activity_id=activity_id, flag=flag, replayed=replayed, overrode=overrode,
        reason=reason,
        attendee=AttendeeSummary(
            id=attendee.id, name=attendee.name, ticket_code=attendee.ticket_code,
            party_id=attendee.registration_id, party_size=party_size,
            activity_ids=sorted(_chosen_activities(session, attendee.id)),
            cancelled=attendee.cancelled_at is not None,
            no_photos=consents.no_photos(view.asks_photo_consent, photo_consent),
            door_note=attendee.door_note),
        checked_in_at=checked_in_at, checked_in_door=door_name, left_at=left_at,
    )
