"""Pick-up codes under real concurrent requests: a child is handed over once, and codes
made at the same instant stay unique among the children there."""

import itertools
import threading
import uuid

from sqlalchemy import select

from eventreg.checkin import pickup
from eventreg.checkin.models import PickupCheck, PickupCode
from eventreg.registrations.service import AttendeeRequest
from tests.checkin.test_concurrency import _post_all_at_once

WORKSHOP = {"title": {"en": "Doll-making"}, "asks_pickup_codes": True}


def test_two_workshop_doors_handing_one_child_over_at_once_hand_over_once(
        app, client, db_session, make_event, make_registration, make_door, qr_of):
    event = make_event(activities=[WORKSHOP])
    dolls = event.activities[0]
    family = make_registration(event, [
        AttendeeRequest(name="Olena", age_group="adult"),
        AttendeeRequest(name="Mykola", age_group="child", activity_ids=[dolls.id])])
    olena, mykola = family.attendees
    doors = [make_door(event, f"Tent {n}", activity_ids=[dolls.id]) for n in range(4)]
    code = client.post("/api/v1/checkins", headers={"Authorization": f"Bearer {doors[0][1]}"},
                       json={"client_id": uuid.uuid4().hex, "qr": qr_of(mykola)}
                       ).get_json()["pickup_code"]
    bodies = [{"client_id": uuid.uuid4().hex, "attendee_id": mykola.id, "code": code},
              {"client_id": uuid.uuid4().hex, "attendee_id": mykola.id, "qr": qr_of(olena)}] * 2
    answers = _post_all_at_once(app, [("/api/v1/door/pickups", token, body)
                                      for (_, token), body in zip(doors, bodies, strict=True)])
    assert {status for status, _ in answers} == {200}
    assert sorted(body["status"] for _, body in answers) == (
        ["no_pickup_code"] * 3 + ["picked_up"])
    db_session.rollback()
    assert db_session.scalar(select(PickupCode.picked_up_at)) is not None
    assert len(db_session.scalars(select(PickupCheck)).all()) == 4


def test_children_let_in_at_once_get_codes_unique_among_them(
        app, db_session, make_event, make_registration, make_door, qr_of, monkeypatch):
    event = make_event(activities=[WORKSHOP])
    dolls = event.activities[0]
    children = [make_registration(event, [AttendeeRequest(
        name=f"Child {n}", age_group="child", activity_ids=[dolls.id])]).attendees[0]
        for n in range(8)]
    doors = [make_door(event, f"Tent {n}", activity_ids=[dolls.id]) for n in range(2)]
    # Few codes to draw from, so that doors at the same instant draw the same ones.
    lock = threading.Lock()
    drawn = itertools.cycle(["AAAA", "CCCC", "AAAA", "DDDD", "EEEE", "AAAA", "FFFF", "HHHH",
                             "JJJJ", "KKKK", "MMMM", "NNNN"])

    def few_codes():
        with lock:
            return next(drawn)

    monkeypatch.setattr(pickup, "new_pickup_code", few_codes)
    answers = _post_all_at_once(app, [
        ("/api/v1/checkins", doors[index % 2][1],
         {"client_id": uuid.uuid4().hex, "qr": qr_of(child)})
        for index, child in enumerate(children)])
    assert {status for status, _ in answers} == {200}
    codes = [body["pickup_code"] for _, body in answers]
    assert all(codes) and len(set(codes)) == 8
    db_session.rollback()
    assert sorted(db_session.scalars(select(PickupCode.code))) == sorted(codes)
