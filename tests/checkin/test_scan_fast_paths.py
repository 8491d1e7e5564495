"""The busiest door requests' quick ways through (eventreg/checkin/api.py, doors.py and
scanning.py) answer exactly as the full ways do: the door read as columns, the plain
two-field body checked by hand, and a repeated scan answered without a replay."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import select

from eventreg.checkin import api as door_api
from eventreg.checkin import doors
from eventreg.checkin.models import Checkin
from eventreg.checkin.scanning import DoorSettings, DoorView
from eventreg.database import unit_of_work, utcnow
from eventreg.extensions import db
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.service import AttendeeRequest
from tests.checkin.conftest import bearer

DOLLS = {"title": {"en": "Doll-making"}}
STAGE = {"title": {"en": "Stage"}}
#: The door's time rules, as the API reads them from the app's settings.
SETTINGS = DoorSettings(undo_window=timedelta(minutes=15), early_warning=timedelta(minutes=60))


def post_scan(client, token, body, url="/api/v1/checkins"):
    return client.post(url, headers=bearer(token), json=body)


# --- the door, read as columns ----------------------------------------------------------------


def test_door_read_as_columns_is_the_door_its_objects_describe(db_session, make_event,
                                                               make_door):
    make_event(activities=[STAGE])  # another event, its doors: nothing of them may show
    event = make_event(activities=[DOLLS, STAGE], optional_consents=["photos"])
    other = make_event(activities=[STAGE])
    make_door(other, "Their gate")
    make_door(event, "Main gate")
    _door, token = make_door(event, "Workshop tent", activity_ids=[event.activities[0].id])
    viewed = doors.door_view_for_token(db_session, token, settings=SETTINGS)
    assert viewed == DoorView.of(doors.door_for_token(db_session, token), SETTINGS)
    assert viewed.activity_ids == (event.activities[0].id,)
    assert viewed.event_activity_ids == {a.id for a in event.activities}
    assert viewed.asks_photo_consent is True
    entrance = doors.door_view_for_token(db_session, make_door(other, "Back gate")[1],
                                         settings=SETTINGS)
    assert (entrance.activity_ids, entrance.asks_photo_consent) == ((), False)


@pytest.mark.parametrize("token", ["", "door_", "door_not-a-real-token", "erg_abc"])
def test_door_read_as_columns_refuses_a_token_that_opens_no_door(db_session, make_event,
                                                                  make_door, token):
    make_door(make_event())
    with pytest.raises(doors.DoorAccessRefused) as refused:
        doors.door_view_for_token(db_session, token, settings=SETTINGS)
    assert refused.value.reason == "door_unknown"


def test_door_switched_off_a_moment_ago_refuses_the_next_scan(client, db_session, make_event,
                                                              make_registration, make_door,
                                                              qr_of):
    event = make_event()
    olena, mykola = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"]).attendees
    door, token = make_door(event)
    first = post_scan(client, token, {"client_id": "one", "qr": qr_of(olena)})
    assert first.json["status"] == "checked_in"
    with unit_of_work(db_session):
        doors.revoke_door_access(db_session, db_session.merge(door))
    refused = post_scan(client, token, {"client_id": "two", "qr": qr_of(mykola)})
    assert (refused.status_code, refused.json["error"]) == (401, "door_revoked")
    again = post_scan(client, token, {"client_id": "three", "qr": qr_of(olena)})
    assert (again.status_code, again.json["error"]) == (401, "door_revoked")
    db_session.rollback()
    assert db_session.get(Attendee, mykola.id).checked_in_at is None
    assert db_session.scalar(select(Checkin.client_id).where(Checkin.client_id != "one")) is None


def test_door_of_an_event_over_a_day_ago_refuses_scans_as_expired(client, make_event,
                                                                  make_door):
    event = make_event(starts_in=timedelta(days=-3))
    _, token = make_door(event, created_at=event.starts_at)
    refused = post_scan(client, token, {"client_id": "one", "qr": "ABC"})
    assert (refused.status_code, refused.json["error"]) == (401, "door_expired")


def test_a_first_scan_uses_one_connection_and_one_transaction(app, client, make_event,
                                                              make_registration, make_door,
                                                              qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    qr = qr_of(olena)
    seen = {"checkout": 0, "begin": 0}
    engine = db.engine

    def checked_out(*_args):
        seen["checkout"] += 1

    def began(*_args):
        seen["begin"] += 1

    sqlalchemy_event.listen(engine.pool, "checkout", checked_out)
    sqlalchemy_event.listen(engine, "begin", began)
    try:
        answer = post_scan(client, token, {"client_id": "one", "qr": qr})
    finally:
        sqlalchemy_event.remove(engine.pool, "checkout", checked_out)
        sqlalchemy_event.remove(engine, "begin", began)
    assert answer.json["status"] == "checked_in"
    assert seen == {"checkout": 1, "begin": 1}


# --- the plain body, checked by hand ----------------------------------------------------------


def test_plain_scan_body_is_taken_without_the_schema(client, make_event, make_registration,
                                                     make_door, qr_of, monkeypatch):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)

    def no_schema(name):
        raise AssertionError(f"the schema was asked ({name})")

    monkeypatch.setattr(door_api, "json_body", no_schema)
    answer = post_scan(client, token, {"qr": qr_of(olena), "client_id": "one"})
    assert answer.json["status"] == "checked_in"


MALFORMED = {
    "qr_not_a_string": {"qr": 12345, "client_id": "one"},
    "qr_null": {"qr": None, "client_id": "one"},
    "qr_empty": {"qr": "", "client_id": "one"},
    "qr_too_long": {"qr": "A" * 301, "client_id": "one"},
    "client_id_not_a_string": {"qr": "ABC", "client_id": 7},
    "client_id_empty": {"qr": "ABC", "client_id": ""},
    "client_id_too_long": {"qr": "ABC", "client_id": "x" * 65},
    "client_id_missing": {"qr": "ABC"},
    "qr_missing": {"client_id": "one"},
    "unknown_field": {"qr": "ABC", "client_id": "one", "colour": "red"},
    "qr_and_attendee": {"qr": "ABC", "client_id": "one", "attendee_id": 3},
    "a_list": [{"qr": "ABC", "client_id": "one"}],
    "a_string": "ABC",
    "bool_client_id": {"qr": "ABC", "client_id": True},
}


@pytest.mark.parametrize("url", ["/api/v1/checkins", "/api/v1/checkins/undo"])
@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_body_gets_the_schemas_own_answer(client, make_event, make_door,
                                                    monkeypatch, body, url):
    _, token = make_door(make_event())
    answer = post_scan(client, token, body, url)
    monkeypatch.setattr(door_api, "_is_plain_scan", lambda body: False)  # the schema only
    schema_answer = post_scan(client, token, body, url)
    assert answer.status_code == schema_answer.status_code == 422
    assert answer.json == schema_answer.json
    assert answer.json["error"] == "validation_failed" and answer.json["fields"]


@pytest.mark.parametrize("body", [{"qr": "AB\u0000C", "client_id": "one"},
                                  {"qr": "ABC", "client_id": "o\u0007ne"}])
def test_plain_body_with_a_control_character_is_refused_naming_the_field(
        client, make_event, make_door, body):
    _, token = make_door(make_event())
    answer = post_scan(client, token, body)
    assert answer.status_code == 422
    assert list(answer.json["fields"]) == [next(k for k, v in body.items() if v != "one"
                                                and v != "ABC")]


def test_bad_token_is_refused_before_a_bad_body_is_looked_at(client, make_event, make_door):
    make_door(make_event())
    answer = post_scan(client, "door_nothing-here", {"qr": 1})
    assert (answer.status_code, answer.json["error"]) == (401, "door_unknown")


def test_hand_check_takes_only_what_the_schema_takes():
    """Every body the hand check takes, the schema takes too (and refuses the rest)."""
    from jsonschema import Draft202012Validator

    from eventreg.api.spec import SCHEMAS
    from eventreg.openapi import openapi_document

    openapi_document()  # every feature's schemas added to SCHEMAS
    for name in ("CheckinCreate", "CheckinUndo"):
        validator = Draft202012Validator({"$ref": f"#/components/schemas/{name}",
                                          "components": {"schemas": SCHEMAS}})
        taken = {"qr": "Q" * 300, "client_id": "c" * 64}
        assert door_api._is_plain_scan(taken) and validator.is_valid(taken)
        for body in MALFORMED.values():
            assert not door_api._is_plain_scan(body)


# --- a repeated scan --------------------------------------------------------------------------


def test_repeated_scan_answers_when_and_where_on_the_quick_way(
        client, db_session, make_event, make_registration, make_door, qr_of, monkeypatch):
    event = make_event(optional_consents=["photos"])
    other = make_event()
    family = make_registration(event, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult", consents=["photos"]),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child")])
    olena, mykola = family.attendees
    make_registration(other, ["Someone Else", "Another One", "A Third"])
    _, gate = make_door(event, "Main gate")
    _, side = make_door(event, "Side gate")
    first = post_scan(client, gate, {"client_id": "one", "qr": qr_of(mykola)})
    db_session.rollback()
    changed_before = db_session.get(Attendee, mykola.id).changed_at

    from eventreg.checkin import scanning

    replayed = []
    full = scanning._decide
    monkeypatch.setattr(scanning, "_decide", lambda *args: replayed.append(1) or full(*args))
    again = post_scan(client, side, {"client_id": "two", "qr": qr_of(mykola)}).json
    assert replayed == []  # no replay
    assert again["status"] == "already_checked_in"
    assert again["checked_in_at"] == first.json["checked_in_at"]
    assert again["checked_in_door"] == "Main gate"
    assert again["attendee"] == {**first.json["attendee"]}
    assert again["attendee"]["party_size"] == 2
    assert again["attendee"]["no_photos"] is True
    assert again["left_at"] is None and again["flag"] is None and again["replayed"] is False
    at_gate = post_scan(client, gate, {"client_id": "three", "qr": qr_of(mykola)}).json
    assert at_gate["checked_in_door"] == "Main gate"
    post_scan(client, gate, {"client_id": "four", "qr": qr_of(olena)})
    olena_again = post_scan(client, side, {"client_id": "five", "qr": qr_of(olena)}).json
    assert olena_again["attendee"]["no_photos"] is False
    db_session.rollback()
    logged = db_session.scalar(select(Checkin).where(Checkin.client_id == "two"))
    assert (logged.status, logged.outcome, logged.attendee_id) == (
        "already_checked_in", "already_checked_in", mykola.id)
    # The door lists learn of the new scan (their cursor is the attendee's changed_at).
    assert db_session.get(Attendee, mykola.id).changed_at > changed_before
    assert db_session.get(Registration, family.id).cancelled_at is None


def test_repeated_scan_of_someone_who_went_out_is_decided_in_full(
        client, db_session, make_event, make_registration, make_door, qr_of):
    event = make_event(activities=[DOLLS])
    olena = make_registration(event).attendees[0]
    _, gate = make_door(event, "Main gate", records_exits=True)
    post_scan(client, gate, {"client_id": "in", "qr": qr_of(olena)})
    out = post_scan(client, gate, {"client_id": "out", "qr": qr_of(olena),
                                   "action": "check_out"}).json
    assert out["status"] == "checked_out"
    back = post_scan(client, gate, {"client_id": "back", "qr": qr_of(olena)}).json
    assert back["status"] == "checked_in" and back["left_at"] is None


def test_repeated_scan_of_a_ticket_cancelled_since_is_refused(
        client, db_session, make_event, make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, gate = make_door(event)
    post_scan(client, gate, {"client_id": "in", "qr": qr_of(olena)})
    with unit_of_work(db_session):
        db_session.get(Attendee, olena.id).cancelled_at = utcnow()
    again = post_scan(client, gate, {"client_id": "again", "qr": qr_of(olena)}).json
    assert again["status"] == "cancelled"


def test_scans_keep_their_client_ids(client, make_event, make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, gate = make_door(event)
    client_id = uuid.uuid4().hex
    first = post_scan(client, gate, {"client_id": client_id, "qr": qr_of(olena)}).json
    again = post_scan(client, gate, {"client_id": client_id, "qr": qr_of(olena)}).json
    assert again["replayed"] is True and again["status"] == first["status"] == "checked_in"


# --- the rate limiter ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "skips"), [
    ("POST", "/api/v1/checkins", True), ("POST", "/api/v1/checkins/undo", True),
    ("POST", "/api/v1/checkins/batch", True), ("GET", "/api/v1/door", False),
    ("POST", "/api/v1/door/walk-ins", False), ("POST", "/api/v1/events/x/registrations", False),
])
def test_only_scans_skip_the_rate_limiter(app, method, path, skips):
    """A venue's phones share one address: no per-address limit is meant for a scan. (The
    limiter itself is one object shared by every app a test makes, so its limits are not
    changed here.)"""
    with app.test_request_context(path, method=method):
        assert door_api._scans_pass_the_limiter() is skips
