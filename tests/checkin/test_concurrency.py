"""Scans under real concurrent requests: the database admits a ticket once, whoever is first."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.checkin.models import Checkin
from eventreg.database import utcnow
from eventreg.registrations.models import Attendee
from tests.checkin.conftest import bearer


def _post_all_at_once(app, requests):
    """POST each (url, door token, body) from its own thread and test client, released together."""
    barrier = threading.Barrier(len(requests))

    def post(request):
        url, token, body = request
        client = app.test_client()
        barrier.wait()
        response = client.post(url, headers=bearer(token), json=body)
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(post, requests))


@pytest.mark.parametrize("door_count", [2, 8], ids=["2-doors", "8-doors"])
def test_doors_scanning_one_ticket_at_the_same_instant_admit_it_exactly_once(
    app, db_session, make_event, make_registration, make_door, qr_of, door_count
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    qr = qr_of(olena)
    doors = [make_door(event, f"Door {number}") for number in range(door_count)]
    answers = _post_all_at_once(app, [
        ("/api/v1/checkins", token, {"client_id": uuid.uuid4().hex, "qr": qr})
        for _, token in doors
    ])
    assert {status for status, _ in answers} == {200}
    statuses = sorted(body["status"] for _, body in answers)
    assert statuses == ["already_checked_in"] * (door_count - 1) + ["checked_in"]
    [winner] = [body for _, body in answers if body["status"] == "checked_in"]
    # Every refused door is told the same first arrival: when, and through which door.
    assert {(body["checked_in_at"], body["checked_in_door"]) for _, body in answers} == {
        (winner["checked_in_at"], winner["checked_in_door"])}
    db_session.rollback()  # end the read snapshot taken before the requests
    stored = db_session.get(Attendee, olena.id)
    winning_door = next(door for door, _ in doors if door.name == winner["checked_in_door"])
    assert stored.checked_in_door_id == winning_door.id
    logged = db_session.scalars(select(Checkin.status)).all()
    assert sorted(logged) == statuses


def test_same_scan_sent_six_times_at_once_is_recorded_once(app, db_session, make_event,
                                                           make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    door, token = make_door(event)
    body = {"client_id": "scan-once", "qr": qr_of(olena)}
    answers = _post_all_at_once(app, [("/api/v1/checkins", token, body)] * 6)
    assert {status for status, _ in answers} == {200}
    assert [body["status"] for _, body in answers] == ["checked_in"] * 6
    assert sorted(body["replayed"] for _, body in answers) == [False] + [True] * 5
    db_session.rollback()  # end the read snapshot taken before the requests
    assert db_session.scalars(select(Checkin.client_id)).all() == ["scan-once"]
    assert db_session.get(Attendee, olena.id).checked_in_door_id == door.id


def test_offline_uploads_from_two_doors_at_once_keep_each_tickets_earliest_scan(
    app, db_session, make_event, make_registration, make_door, qr_of
):
    event = make_event(capacity=50)
    people = [make_registration(event, [f"Person {i}"]).attendees[0] for i in range(10)]
    gate, gate_token = make_door(event, "Main gate")
    park, park_token = make_door(event, "Park entrance")
    start = utcnow() - timedelta(hours=1)
    # Both doors scanned everyone while offline, half a minute apart; the gate was first
    # for the even-numbered people, the park entrance for the others.
    earliest, gate_scans, park_scans = {}, [], []
    for i, person in enumerate(people):
        minute = start + timedelta(minutes=i)
        gate_time, park_time = (minute, minute + timedelta(seconds=30)) if i % 2 == 0 else (
            minute + timedelta(seconds=30), minute)
        earliest[person.id] = (minute, gate.id if i % 2 == 0 else park.id)
        qr = qr_of(person)
        gate_scans.append({"client_id": f"gate-{i}", "qr": qr, "scanned_at": gate_time.isoformat()})
        park_scans.append({"client_id": f"park-{i}", "qr": qr, "scanned_at": park_time.isoformat()})
    answers = _post_all_at_once(app, [
        ("/api/v1/checkins/batch", gate_token, {"checkins": gate_scans}),
        ("/api/v1/checkins/batch", park_token, {"checkins": park_scans}),
    ])
    assert [status for status, _ in answers] == [200, 200]
    db_session.rollback()  # end the read snapshot taken before the requests
    stored = {
        attendee.id: (attendee.checked_in_at, attendee.checked_in_door_id)
        for attendee in db_session.scalars(select(Attendee))
    }
    assert stored == earliest
    admitting = db_session.execute(
        select(Checkin.attendee_id, Checkin.door_access_id).where(Checkin.outcome == "checked_in")
    ).all()
    assert sorted(admitting) == sorted((id_, door_id) for id_, (_, door_id) in earliest.items())
