"""Every case of the door's rule table, against the server: the ticket, the door and the
earlier scans made real in the database, then the scan uploaded (or, for the fast path,
made live), with the answer, the flag, the stored state and the log checked."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from eventreg.checkin import rules, scanning
from eventreg.checkin.doors import VALID_AFTER_EVENT
from eventreg.checkin.models import Checkin, DoorAccess
from eventreg.database import unit_of_work, utcnow
from eventreg.events.models import Activity, Event
from eventreg.registrations.models import Attendee, attendee_activities
from eventreg.registrations.service import AttendeeRequest
from eventreg.tickets.models import EventSigningKey
from eventreg.tickets.signing import load_private_key, sign_ticket
from tests.checkin.scan_cases import (
    EARLY_WARNING,
    OTHER,
    UNDO_WINDOW,
    WORKSHOP,
    load_cases,
    shifted,
)

SETTINGS = scanning.DoorSettings(undo_window=UNDO_WINDOW, early_warning=EARLY_WARNING)

YESTERDAY = utcnow() - timedelta(days=1)
CASES = load_cases(YESTERDAY)


class Setting:
    """One case made real: an event with a workshop, the attendee, the doors."""

    def __init__(self, app, db_session, make_event, make_registration, make_door, qr_of,
                 case):
        self.db, self.case = db_session, case
        # Held from yesterday morning until tomorrow: people may still register.
        event = make_event(starts_in=YESTERDAY.replace(hour=8, minute=0) - utcnow(),
                           ends_at=utcnow() + timedelta(days=1),
                           activities=[{"title": {"en": "Doll-making"}}])
        self.event_id = event.id
        self.workshop_id = event.activities[0].id
        chosen = [self.workshop_id] if WORKSHOP in case.ticket.activity_ids else []
        self.attendee = make_registration(event, [AttendeeRequest(
            name="Maria Ivanova", age_group="adult", activity_ids=chosen)]).attendees[0]
        make_registration(event, ["Someone Else"])  # another party: nothing may count it
        two_days_ago = {"created_at": utcnow() - timedelta(days=2)}
        self.entrance, _ = make_door(event, "Main gate", **two_days_ago)
        self.tent, _ = make_door(event, "Doll-making tent", activity_ids=[self.workshop_id],
                                 **two_days_ago)
        # The same place's other door (the table's "other"), made to be told apart.
        self.side_gate, _ = make_door(event, "Side gate", **two_days_ago)
        self.second_tent, _ = make_door(event, "Second tent", activity_ids=[self.workshop_id],
                                        **two_days_ago)
        at_workshop = case.door.activity_id is not None
        self.door = self.tent if at_workshop else self.entrance
        self.other_door = self.second_tent if at_workshop else self.side_gate
        self.code = self._code(app, make_event, make_registration, qr_of)

    def _code(self, app, make_event, make_registration, qr_of) -> str:
        recognised = self.case.ticket.recognised
        if recognised == "invalid":
            return "AEAAAAAB-not-a-ticket"
        if recognised == "wrong_event":
            other = make_event(slug="another-event")
            return qr_of(make_registration(other, ["Guest"]).attendees[0])
        if recognised == "unknown":
            key = self.db.get(EventSigningKey, self.event_id)
            private = load_private_key(key.private_key_encrypted,
                                       app.config["TICKET_KEY_SECRET"])
            return sign_ticket(private, self.event_id, 999_999)
        return qr_of(self.attendee)

    def upload(self, scan: rules.Scan, *, implied: bool = False, client_id: str):
        door = self.tent if implied else self.other_door if scan.door == OTHER else self.door
        with unit_of_work(self.db):
            view = scanning.DoorView.of(self.db.get(DoorAccess, door.id), SETTINGS)
            [result] = scanning.check_in_many(self.db, view, [
                scanning.CheckinRequest(client_id=client_id, action=scan.action,
                                        qr=self.code, scanned_at=scan.at, reason=scan.reason)])
        return result

    def change_the_ticket_and_the_door(self) -> None:
        """What happened after the earlier scans: cancellations and switching off."""
        case = self.case
        with unit_of_work(self.db):
            if case.ticket.cancelled_at is not None:
                self.db.execute(update(Attendee).where(Attendee.id == self.attendee.id)
                                .values(cancelled_at=case.ticket.cancelled_at))
            if case.door.event_cancelled_at is not None:
                self.db.execute(update(Event).where(Event.id == self.event_id).values(
                    status="cancelled", cancelled_at=case.door.event_cancelled_at))
            if case.session_starts_at is not None:
                self.db.execute(update(Activity).where(Activity.id == self.workshop_id)
                                .values(starts_at=case.session_starts_at))
            if case.door.expires_at is not None:
                ends_at = case.door.expires_at - VALID_AFTER_EVENT
                self.db.execute(update(Event).where(Event.id == self.event_id).values(
                    starts_at=ends_at - timedelta(hours=2), ends_at=ends_at))
            if case.door.revoked_at is not None:
                self.db.execute(update(DoorAccess).where(DoorAccess.id == self.door.id)
                                .values(revoked_at=case.door.revoked_at))

    def place(self) -> rules.PlaceState:
        self.db.rollback()
        if self.case.door.activity_id is None:
            row = self.db.get(Attendee, self.attendee.id)
            return rules.PlaceState(row.checked_in_at, row.left_at)
        choice = attendee_activities.c
        checked_in_at, left_at = self.db.execute(
            select(choice.checked_in_at, choice.left_at).where(
                choice.attendee_id == self.attendee.id,
                choice.activity_id == self.workshop_id)).one()
        return rules.PlaceState(checked_in_at, left_at)


@pytest.fixture
def setting(app, db_session, make_event, make_registration, make_door, qr_of):
    return lambda case: Setting(app, db_session, make_event, make_registration, make_door,
                                qr_of, case)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_server_answers_each_case_of_the_table(setting, db_session, case):
    made = setting(case)
    for number, scan in enumerate(case.earlier):
        made.upload(scan, implied=scan.implied, client_id=f"earlier-{number}")
    made.change_the_ticket_and_the_door()
    result = made.upload(case.scan, client_id="the-scan")
    assert result.status == case.expected
    assert result.flag == case.flag
    assert result.overrode == case.overrode
    db_session.rollback()
    logged = db_session.scalar(select(Checkin).where(Checkin.client_id == "the-scan"))
    assert (logged.status, logged.outcome, logged.flag) == (case.expected, case.expected,
                                                            case.flag)
    assert logged.overrode == case.overrode
    assert logged.reason == (case.scan.reason if case.flag in {
        rules.OVERRIDDEN, rules.UNDONE_WITH_REASON} else None)
    if case.state is not None:
        assert made.place() == case.state
    if case.earlier_now is not None:
        outcomes = [db_session.scalar(select(Checkin.outcome).where(
            Checkin.client_id == f"earlier-{number}")) for number in range(len(case.earlier))]
        assert outcomes == case.earlier_now
    if case.expected == rules.ScanStatus.ALREADY_CHECKED_OUT:
        assert result.left_at == case.state.left_at  # "Already went out at 12:00"


# (A session starting after the scan cannot be moved to today by the hour: its door's
# too_early live is tested in tests/checkin/test_door_rules.py. A live scan through an
# expired link is refused by the API before it is a scan: tested there too.)
LIVE = [case for case in CASES if case.scan.action == rules.CHECK_IN
        and case.ticket.recognised == "valid" and case.session_starts_at is None
        and case.door.expires_at is None
        and all(t <= case.scan.at for t in [s.at for s in case.earlier] + [
            t for t in (case.ticket.cancelled_at, case.door.event_cancelled_at,
                        case.door.revoked_at, case.door.expires_at) if t is not None])]


@pytest.mark.parametrize("case", LIVE, ids=[case.name for case in LIVE])
def test_the_fast_paths_update_admits_exactly_what_the_rule_admits(setting, db_session,
                                                                    monkeypatch, case):
    """The same case made live: everything before it happened a little earlier today."""
    moved = shifted(case, utcnow() - timedelta(seconds=5) - case.scan.at)
    made = setting(moved)
    for number, scan in enumerate(moved.earlier):
        made.upload(scan, implied=scan.implied, client_id=f"earlier-{number}")
    made.change_the_ticket_and_the_door()
    fast, used = scanning._admit_first_arrival, []
    monkeypatch.setattr(scanning, "_admit_first_arrival",
                        lambda *args: used.append(fast(*args)) or used[-1])
    with unit_of_work(db_session):
        view = scanning.DoorView.of(db_session.get(DoorAccess, made.door.id), SETTINGS)
        result = scanning.check_in(db_session, view,
                                   scanning.CheckinRequest(client_id="live", qr=made.code,
                                                           reason=case.scan.reason))
    before = rules.replay(case.earlier).state
    first_arrival = (case.expected == rules.ScanStatus.CHECKED_IN
                     and before.checked_in_at is None and case.door.activity_id is None
                     and case.overrode is None)
    assert result.status == case.expected
    assert bool(used and used[-1] is not None) == first_arrival
    if first_arrival:
        assert result.attendee.party_size == 1  # its own party, not the whole event


@pytest.mark.parametrize("case", LIVE, ids=[case.name for case in LIVE])
def test_the_repeat_fast_path_answers_exactly_where_the_rule_says_already_in(
        setting, db_session, monkeypatch, case):
    """The same case made live, as above: the repeated scan's quick way answers exactly the
    repeats at the entrance, with the log, the state and the earlier answers as the rule
    leaves them."""
    moved = shifted(case, utcnow() - timedelta(seconds=5) - case.scan.at)
    made = setting(moved)
    for number, scan in enumerate(moved.earlier):
        made.upload(scan, implied=scan.implied, client_id=f"earlier-{number}")
    made.change_the_ticket_and_the_door()
    fast, used = scanning._answer_already_inside, []
    monkeypatch.setattr(scanning, "_answer_already_inside",
                        lambda *args: used.append(fast(*args)) or used[-1])
    before_outcomes = [db_session.scalar(select(Checkin.outcome).where(
        Checkin.client_id == f"earlier-{n}")) for n in range(len(case.earlier))]
    with unit_of_work(db_session):
        view = scanning.DoorView.of(db_session.get(DoorAccess, made.door.id), SETTINGS)
        result = scanning.check_in(db_session, view,
                                   scanning.CheckinRequest(client_id="live", qr=made.code,
                                                           reason=case.scan.reason))
    repeat = (case.expected == rules.ScanStatus.ALREADY_CHECKED_IN
              and case.door.activity_id is None and case.scan.reason is None)
    assert result.status == case.expected
    assert bool(used and used[-1] is not None) == repeat
    db_session.rollback()
    logged = db_session.scalar(select(Checkin).where(Checkin.client_id == "live"))
    assert (logged.status, logged.outcome) == (case.expected, case.expected)
    if repeat:
        assert result.checked_in_at is not None and result.left_at is None
        assert [db_session.scalar(select(Checkin.outcome).where(
            Checkin.client_id == f"earlier-{n}")) for n in range(len(case.earlier))
        ] == before_outcomes
