"""The pick-up rule's table (tests/cases/pickup_checkouts.json) against the server: each
case live (POST /api/v1/checkins or /checkins/undo) and uploaded (POST /checkins/batch).

The phone's offline decision is held to the same table (tests/js/pickup_cases.test.mjs).
"""

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from eventreg.checkin.models import PickupCode
from eventreg.database import unit_of_work, utcnow
from eventreg.events.models import Event
from eventreg.registrations.models import attendee_activities
from eventreg.registrations.service import AttendeeRequest, cancel_attendees
from tests.checkin.conftest import bearer

TABLE = Path(__file__).resolve().parent.parent / "cases" / "pickup_checkouts.json"
CASES = json.loads(TABLE.read_text())["cases"]


@pytest.fixture
def workshop_day(make_event, make_registration, make_door):
    """An event with a pick-up workshop and a stage; two families, each with a child and an
    adult who chose both; a door for each place."""
    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 30,
                                    "asks_pickup_codes": True},
                                   {"title": {"en": "Stage"}}])
    both = [activity.id for activity in event.activities]
    families = [make_registration(event, [
        AttendeeRequest(name=f"{family} adult", age_group="adult", activity_ids=both),
        AttendeeRequest(name=f"{family} child", age_group="child", activity_ids=both),
    ]) for family in ("Kovalenko", "Petrov")]
    tokens = {
        "workshop": make_door(event, "Doll tent", activity_ids=[both[0]])[1],
        "stage": make_door(event, "Stage", activity_ids=[both[1]])[1],
        "entrance": make_door(event, "Main gate")[1],
    }
    return {"event": event, "workshop": event.activities[0], "families": families,
            "tokens": tokens}


def _person(day, case, family=0):
    adult, child = day["families"][family].attendees
    return child if case["person"] == "child" else adult


def _set_up(client, db_session, day, case, qr_of):
    """Both families go through the case's situation; the first is the one scanned."""
    for family in (1, 0):
        person = _person(day, case, family)
        for place in case["let_in"]:
            answer = client.post("/api/v1/checkins", headers=bearer(day["tokens"][place]),
                                 json={"client_id": uuid.uuid4().hex, "qr": qr_of(person)})
            assert answer.json["status"] == "checked_in", answer.json
        if case.get("cancelled"):
            with unit_of_work(db_session):
                cancel_attendees(db_session, day["families"][family], [person.id],
                                 tell_party=False)
    person = _person(day, case)
    if case.get("link_expired"):  # the event is moved three days back: its link expired
        starts_at = utcnow() - timedelta(days=3)
        with unit_of_work(db_session):
            db_session.execute(update(Event).where(Event.id == day["event"].id).values(
                starts_at=starts_at, ends_at=starts_at + timedelta(hours=8)))
    db_session.rollback()
    held = db_session.scalar(select(PickupCode.id).where(
        PickupCode.attendee_id == person.id, PickupCode.activity_id == day["workshop"].id,
        PickupCode.picked_up_at.is_(None)))
    assert (held is not None) == case["holds_code"]
    return person


def _inside_the_workshop(db_session, day, person) -> bool:
    db_session.rollback()
    place = db_session.execute(select(attendee_activities).where(
        attendee_activities.c.attendee_id == person.id,
        attendee_activities.c.activity_id == day["workshop"].id)).one()
    return place.checked_in_at is not None and place.left_at is None


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_live(client, db_session, workshop_day, qr_of, case):
    person = _set_up(client, db_session, workshop_day, case, qr_of)
    scan = case["scan"]
    path = "/api/v1/checkins/undo" if scan["action"] == "undo" else "/api/v1/checkins"
    body = {"client_id": uuid.uuid4().hex, "qr": qr_of(person)}
    if scan["action"] == "check_out":
        body["action"] = "check_out"
    answer = client.post(path, headers=bearer(workshop_day["tokens"][scan["place"]]), json=body)
    if case.get("link_expired"):
        assert answer.status_code == 401 and answer.json["error"] == case["expected"]
    elif case.get("refused"):
        assert answer.status_code == 409 and answer.json["error"] == "pickup_code_required"
        assert _inside_the_workshop(db_session, workshop_day, person)
    else:
        assert answer.status_code == 200 and answer.json["status"] == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_uploaded(client, db_session, workshop_day, qr_of, case):
    person = _set_up(client, db_session, workshop_day, case, qr_of)
    scan = case["scan"]
    uploaded = client.post(
        "/api/v1/checkins/batch", headers=bearer(workshop_day["tokens"][scan["place"]]),
        json={"checkins": [{"client_id": uuid.uuid4().hex, "qr": qr_of(person),
                            "action": scan["action"]}]})
    assert uploaded.status_code == 200, uploaded.json
    status = uploaded.json["results"][0]["status"]
    if case.get("refused"):
        assert status == "invalid"  # recorded nowhere: nobody let out
        assert _inside_the_workshop(db_session, workshop_day, person)
    else:
        assert status == case["expected"]


def test_an_upload_timed_past_the_links_expiry_still_lets_no_child_out(
        client, db_session, workshop_day, qr_of):
    """The server decides an upload at its own time when the phone's is ahead of it (its
    clock, or a made-up time): the pick-up rule is asked at that same time."""
    case = next(case for case in CASES if case.get("refused") and not case.get("cancelled"))
    child = _set_up(client, db_session, workshop_day, case, qr_of)
    uploaded = client.post(
        "/api/v1/checkins/batch", headers=bearer(workshop_day["tokens"]["workshop"]),
        json={"checkins": [{"client_id": uuid.uuid4().hex, "qr": qr_of(child),
                            "action": "check_out", "scanned_at": "2099-01-01T00:00:00Z"}]})
    assert uploaded.json["results"][0]["status"] == "invalid"
    assert _inside_the_workshop(db_session, workshop_day, child)
