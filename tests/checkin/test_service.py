"""The check-in rules: what a scan means, retries, exits, undo, offline uploads, walk-ins."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.checkin import scanning as checkin
from eventreg.checkin.counts import count_checkins
from eventreg.checkin.door_list import attendee_changes
from eventreg.checkin.models import Checkin
from eventreg.checkin.walk_ins import register_walk_in
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events import service as events
from eventreg.registrations.models import Attendee
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    cancel_attendees,
)
from eventreg.tickets.signing import generate_key_pair, load_private_key, sign_ticket
from tests.doors import app_door

DOLLS = {"title": {"en": "Doll-making"}, "capacity": 20}
STAGE = {"title": {"en": "Stage"}}


def test_first_scan_of_a_valid_ticket_welcomes_the_attendee(make_event, make_registration,
                                                             make_door, scan):
    event = make_event()
    family = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"])
    door, _ = make_door(event)
    result = scan(door, family.attendees[0])
    assert result.status == "checked_in"
    assert result.attendee.name == "Olena Kovalenko"
    assert result.attendee.party_size == 2
    assert result.checked_in_door == "Main gate"


def test_second_scan_of_same_ticket_says_when_and_where_it_was_first_checked_in(
    make_event, make_registration, make_door, scan
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    gate, _ = make_door(event, "Main gate")
    side, _ = make_door(event, "Side entrance")
    first = scan(gate, olena)
    second = scan(side, olena)
    assert second.status == "already_checked_in"
    assert second.checked_in_at == first.checked_in_at
    assert second.checked_in_door == "Main gate"


def test_same_client_id_twice_has_the_effect_of_once(db_session, make_event, make_registration,
                                                     make_door, scan):
    event = make_event()
    olena = make_registration(event).attendees[0]
    door, _ = make_door(event)
    first = scan(door, olena, client_id="scan-1")
    again = scan(door, olena, client_id="scan-1")
    assert (first.status, again.status) == ("checked_in", "checked_in")
    assert again.replayed and not first.replayed
    assert len(db_session.scalars(select(Checkin)).all()) == 1


def test_forged_altered_and_foreign_codes_are_refused(db_session, make_event, make_registration,
                                                      make_door, scan, qr_of, app):
    event = make_event()
    other_event = make_event(slug="other-event")
    olena = make_registration(event).attendees[0]
    stranger = make_registration(other_event, ["Ivan Petrov"]).attendees[0]
    door, _ = make_door(event)
    _, forged_key = generate_key_pair(app.config["TICKET_KEY_SECRET"])
    forged = sign_ticket(load_private_key(forged_key, app.config["TICKET_KEY_SECRET"]),
                         event.id, olena.id)
    good = qr_of(olena)
    altered = good[:20] + ("A" if good[20] != "A" else "B") + good[21:]
    assert scan(door, forged).status == "invalid"
    assert scan(door, altered).status == "invalid"
    assert scan(door, "hello").status == "invalid"
    assert scan(door, stranger).status == "wrong_event"
    assert scan(door, olena).status == "checked_in"


def test_cancelled_ticket_and_cancelled_event_are_refused(db_session, organiser, make_event,
                                                         make_registration, make_door, scan):
    event = make_event()
    family = make_registration(event, ["Olena", "Mykola"])
    door, _ = make_door(event)
    with unit_of_work(db_session):
        cancel_attendees(db_session, family, [family.attendees[1].id])
    assert scan(door, family.attendees[1]).status == "cancelled"
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "cancelled")
    assert scan(door, family.attendees[0]).status == "event_cancelled"


def test_activity_door_checks_in_to_the_activity_and_to_the_event(
    db_session, make_event, make_registration, make_door, scan
):
    event = make_event(activities=[DOLLS, STAGE])
    dolls = event.activities[0]
    child = make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                                      activity_ids=[dolls.id])]).attendees[0]
    adult = make_registration(event, ["Olena"]).attendees[0]
    tent, _ = make_door(event, "Doll-making tent", activity_ids=[dolls.id])
    assert scan(tent, adult).status == "wrong_activity"
    result = scan(tent, child)
    assert result.status == "checked_in" and result.activity_id == dolls.id
    db_session.rollback()
    assert db_session.get(Attendee, child.id).checked_in_at is not None
    counts = count_checkins(db_session, event)
    assert counts.activities[dolls.id].checked_in == 1
    assert counts.activities[event.activities[1].id].checked_in == 0
    assert (counts.event.checked_in, counts.event.registered) == (1, 2)


def test_exit_and_return_change_who_is_inside(db_session, make_event, make_registration,
                                              make_door, scan):
    event = make_event(activities=[DOLLS])
    dolls = event.activities[0]
    child = make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                                      activity_ids=[dolls.id])]).attendees[0]
    tent, _ = make_door(event, "Doll-making tent", activity_ids=[dolls.id], records_exits=True)
    assert scan(tent, child, action="check_out").status == "not_checked_in"
    scan(tent, child)
    assert count_checkins(db_session, event).activities[dolls.id].inside == 1
    assert scan(tent, child, action="check_out").status == "checked_out"
    assert scan(tent, child, action="check_out").status == "already_checked_out"
    counts = count_checkins(db_session, event).activities[dolls.id]
    assert (counts.checked_in, counts.inside) == (1, 0)
    assert scan(tent, child).status == "checked_in"
    assert count_checkins(db_session, event).activities[dolls.id].inside == 1


def test_undo_clears_the_check_in_so_the_ticket_can_be_scanned_again(
    db_session, make_event, make_registration, make_door, scan
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    door, _ = make_door(event)
    scan(door, olena)
    assert scan(door, olena, action="undo").status == "undone"
    assert scan(door, olena, action="undo").status == "not_checked_in"
    assert count_checkins(db_session, event).event.checked_in == 0
    assert scan(door, olena).status == "checked_in"


def test_family_is_checked_in_by_hand_with_attendee_ids(db_session, make_event,
                                                        make_registration, make_door):
    event = make_event()
    family = make_registration(event, ["Olena", "Mykola", "Daryna"])
    door, _ = make_door(event)
    chosen = [family.attendees[0].id, family.attendees[2].id]
    with unit_of_work(db_session):
        results = [
            checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
                client_id=uuid.uuid4().hex, attendee_id=attendee_id))
            for attendee_id in chosen
        ]
    assert [r.status for r in results] == ["checked_in", "checked_in"]
    db_session.rollback()
    checked = {a.name for a in db_session.scalars(
        select(Attendee).where(Attendee.checked_in_at.is_not(None)))}
    assert checked == {"Olena", "Daryna"}


def test_attendee_id_of_another_event_is_unknown_at_this_door(make_event, make_registration,
                                                              make_door, db_session):
    event = make_event()
    other = make_registration(make_event(slug="other"), ["Ivan"]).attendees[0]
    door, _ = make_door(event)
    with unit_of_work(db_session):
        result = checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
            client_id="x1", attendee_id=other.id))
    assert result.status == "unknown" and result.attendee is None


def test_offline_scans_uploaded_late_keep_the_earliest_as_the_check_in(
    db_session, make_event, make_registration, make_door, scan
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    gate, _ = make_door(event, "Main gate")
    tent, _ = make_door(event, "Park entrance")
    ten = utcnow() - timedelta(minutes=30)
    # The park entrance was online and scanned at 10:01; the gate scanned at 10:00 offline.
    later = scan(tent, olena, scanned_at=ten + timedelta(minutes=1), client_id="park-1")
    assert later.status == "checked_in"
    with unit_of_work(db_session):
        [earlier] = checkin.check_in_many(db_session, app_door(gate), [checkin.CheckinRequest(
            client_id="gate-1", attendee_id=olena.id, scanned_at=ten)])
    assert earlier.status == "checked_in"
    assert earlier.checked_in_at == ten and earlier.checked_in_door == "Main gate"
    db_session.rollback()
    logged = {row.client_id: (row.status, row.outcome)
              for row in db_session.scalars(select(Checkin))}
    # The park entrance's answer stays as given; what it comes to now is beside it.
    assert logged == {"park-1": ("checked_in", "already_checked_in"),
                      "gate-1": ("checked_in", "checked_in")}
    assert count_checkins(db_session, event).event.checked_in == 1


def test_a_later_offline_scan_is_a_duplicate_of_an_earlier_one(db_session, make_event,
                                                              make_registration, make_door):
    event = make_event()
    olena = make_registration(event).attendees[0]
    gate, _ = make_door(event, "Main gate")
    park, _ = make_door(event, "Park entrance")
    ten = utcnow() - timedelta(minutes=30)
    upload = checkin.check_in_many
    with unit_of_work(db_session):
        [first] = upload(db_session, app_door(gate), [checkin.CheckinRequest(
            client_id="g", attendee_id=olena.id, scanned_at=ten)])
    with unit_of_work(db_session):
        [second] = upload(db_session, app_door(park), [checkin.CheckinRequest(
            client_id="p", attendee_id=olena.id, scanned_at=ten + timedelta(seconds=40))])
    assert (first.status, second.status) == ("checked_in", "already_checked_in")
    assert second.checked_in_door == "Main gate"


def test_batch_answers_in_the_order_sent_and_a_bad_item_loses_nothing(
    db_session, make_event, make_registration, make_door, qr_of
):
    event = make_event()
    family = make_registration(event, ["Olena", "Mykola"])
    door, _ = make_door(event)
    now = utcnow()
    with unit_of_work(db_session):
        results = checkin.check_in_many(db_session, app_door(door), [
            checkin.CheckinRequest(client_id="b", qr=qr_of(family.attendees[1]),
                                   scanned_at=now - timedelta(minutes=1)),
            checkin.CheckinRequest(client_id="bad", action="dance", attendee_id=family.attendees[0].id),
            checkin.CheckinRequest(client_id="a", qr=qr_of(family.attendees[0]),
                                   scanned_at=now - timedelta(minutes=2)),
        ])
    assert [r.client_id for r in results] == ["b", "bad", "a"]
    assert [r.status for r in results] == ["checked_in", "invalid", "checked_in"]


def test_scan_time_from_a_fast_phone_clock_counts_as_now(db_session, make_event,
                                                         make_registration, make_door, scan):
    event = make_event()
    olena = make_registration(event).attendees[0]
    door, _ = make_door(event)
    now = utcnow()
    result = scan(door, olena, scanned_at=now + timedelta(hours=2), now=now)
    assert result.scanned_at == now


def test_door_serving_several_activities_must_be_told_which(make_event, make_registration,
                                                            make_door, scan):
    event = make_event(activities=[DOLLS, STAGE])
    olena = make_registration(event).attendees[0]
    door, _ = make_door(event, "Tents", activity_ids=[a.id for a in event.activities])
    with pytest.raises(ValidationFailed) as refused:
        scan(door, olena)
    assert "activity" in refused.value.fields


def test_walk_in_is_registered_and_checked_in_at_once(db_session, make_event, make_door):
    event = make_event(capacity=3, registration_closes_at=utcnow() - timedelta(minutes=1))
    door, _ = make_door(event)
    with unit_of_work(db_session):
        walk_in = register_walk_in(db_session, door, RegistrationRequest(
            attendees=[AttendeeRequest(name="Ivana", age_group="adult"),
                       AttendeeRequest(name="Petar", age_group="child")], consent=True), phone_region="BG")
    assert [r.status for r in walk_in.results] == ["checked_in", "checked_in"]
    assert walk_in.registration.walk_in
    counts = count_checkins(db_session, event)
    assert (counts.event.checked_in, counts.walk_ins) == (2, 2)


def test_walk_in_at_a_full_event_is_refused_and_leaves_nothing(db_session, make_event,
                                                              make_registration, make_door):
    event = make_event(capacity=2)
    make_registration(event, ["Olena", "Mykola"])
    door, _ = make_door(event)
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        register_walk_in(db_session, door, RegistrationRequest(
            attendees=[AttendeeRequest(name="Ivana", age_group="adult")], consent=True),
            phone_region="BG")
    assert refused.value.reason == "event_full"
    db_session.rollback()
    assert len(db_session.scalars(select(Attendee)).all()) == 2


def test_door_list_holds_only_what_a_door_needs_and_changes_since_a_cursor(
    db_session, make_event, make_registration, make_door, scan
):
    event = make_event()
    family = make_registration(event, ["Olena", "Mykola"], email="olena@example.org")
    door, _ = make_door(event)
    full = attendee_changes(db_session, door)
    assert full.complete and [a.name for a in full.attendees] == ["Olena", "Mykola"]
    # A minute after that list, Mykola comes in; a door asking since then gets only him.
    cursor = full.cursor + timedelta(minutes=1)
    scan(door, family.attendees[1], now=cursor + timedelta(minutes=1))
    changes = attendee_changes(db_session, door, since=cursor)
    assert not changes.complete
    assert [(a.name, a.checked_in_door) for a in changes.attendees] == [("Mykola", "Main gate")]


def test_undoing_a_return_puts_them_back_outside_and_keeps_the_first_arrival(
    db_session, make_event, make_registration, make_door, scan
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    door, _ = make_door(event, records_exits=True)
    first = scan(door, olena)
    scan(door, olena, action="check_out")
    assert scan(door, olena).status == "checked_in"  # back in
    assert scan(door, olena, action="undo").status == "undone"
    db_session.rollback()
    attendee = db_session.get(Attendee, olena.id)
    assert attendee.checked_in_at == first.checked_in_at
    assert attendee.left_at is not None
    assert count_checkins(db_session, event).event.inside == 0


def test_offline_check_in_and_undo_uploaded_late_leave_another_doors_check_in_standing(
    db_session, make_event, make_registration, make_door, scan
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    gate, _ = make_door(event, "Main gate")
    park, _ = make_door(event, "Park entrance")
    live = scan(gate, olena)
    ten = live.scanned_at - timedelta(minutes=20)
    with unit_of_work(db_session):
        park_uploads = checkin.check_in_many(db_session, app_door(park), [
            checkin.CheckinRequest(client_id="p1", attendee_id=olena.id, scanned_at=ten),
            checkin.CheckinRequest(client_id="p2", attendee_id=olena.id, action="undo",
                                   scanned_at=ten + timedelta(minutes=1)),
        ])
    assert [r.status for r in park_uploads] == ["checked_in", "undone"]
    db_session.rollback()
    attendee = db_session.get(Attendee, olena.id)
    assert (attendee.checked_in_at, attendee.checked_in_door_id) == (live.scanned_at, gate.id)
    statuses = dict(db_session.execute(select(Checkin.client_id, Checkin.status)).all())
    assert statuses[live.client_id] == "checked_in"


def test_live_scan_is_timed_by_the_server_not_the_phone(db_session, make_event,
                                                         make_registration, make_door, scan):
    event = make_event()
    olena = make_registration(event).attendees[0]
    door, _ = make_door(event)
    now = utcnow()
    result = scan(door, olena, scanned_at=now - timedelta(seconds=30), now=now)
    assert result.scanned_at == now


def test_scan_sent_long_after_it_was_made_counts_as_an_offline_upload(
    db_session, make_event, make_registration, make_door, scan
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    gate, _ = make_door(event, "Main gate")
    park, _ = make_door(event, "Park entrance")
    scan(gate, olena)
    late = scan(park, olena, scanned_at=utcnow() - timedelta(minutes=10))
    assert late.status == "checked_in" and late.checked_in_door == "Park entrance"


def test_uploaded_scan_older_than_its_door_counts_from_the_doors_creation(
    db_session, make_event, make_registration, make_door
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    door, _ = make_door(event)
    with unit_of_work(db_session):
        [result] = checkin.check_in_many(db_session, app_door(door), [checkin.CheckinRequest(
            client_id="slow-clock", attendee_id=olena.id,
            scanned_at=door.created_at - timedelta(days=30))])
    assert result.scanned_at == door.created_at


def test_activity_door_list_holds_only_those_who_chose_its_activity(
    db_session, make_event, make_registration, make_door
):
    event = make_event(activities=[DOLLS, STAGE])
    dolls, stage = event.activities
    make_registration(event, [
        AttendeeRequest(name="Mykola", age_group="child", activity_ids=[dolls.id]),
        AttendeeRequest(name="Olena", age_group="adult", activity_ids=[stage.id]),
    ])
    tent, _ = make_door(event, "Doll-making tent", activity_ids=[dolls.id])
    gate, _ = make_door(event, "Main gate")
    assert [a.name for a in attendee_changes(db_session, tent).attendees] == ["Mykola"]
    assert len(attendee_changes(db_session, gate).attendees) == 2


def test_welcome_at_the_entrance_names_the_party_and_the_activities_chosen(
    make_event, make_registration, make_door, scan
):
    event = make_event(activities=[DOLLS, STAGE])
    dolls, stage = event.activities
    family = make_registration(event, [
        AttendeeRequest(name="Mykola", age_group="child", activity_ids=[stage.id, dolls.id]),
        AttendeeRequest(name="Olena", age_group="adult"),
        AttendeeRequest(name="Daryna", age_group="child"),
    ])
    gate, _ = make_door(event)
    result = scan(gate, family.attendees[0])
    assert result.status == "checked_in"
    assert result.attendee.party_size == 3
    assert result.attendee.activity_ids == sorted([dolls.id, stage.id])


def test_an_upload_with_a_time_in_the_future_is_recorded_when_it_arrived(
        db_session, make_event, make_registration, make_door):
    """A phone whose clock runs an hour ahead: its scan cannot come before later ones."""
    event = make_event()
    olena, mykola = make_registration(event, ["Olena", "Mykola"]).attendees
    door, _ = make_door(event)
    now = utcnow()
    with unit_of_work(db_session):
        [ahead] = checkin.check_in_many(db_session, app_door(door), [checkin.CheckinRequest(
            client_id="ahead", attendee_id=olena.id, scanned_at=now + timedelta(hours=1))],
            now=now)
    assert ahead.status == "checked_in" and ahead.scanned_at == now
    db_session.rollback()
    assert db_session.get(Attendee, olena.id).checked_in_at == now
    with unit_of_work(db_session):  # a scan made after it, a minute later, is a duplicate
        later = checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
            client_id="later", attendee_id=olena.id), now=now + timedelta(minutes=1))
    assert later.status == "already_checked_in"
