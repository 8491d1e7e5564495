"""What a scan's answer tells beyond its status: which event a ticket of another event is
for (never another organisation's), and child or adult in the door's list."""

import uuid

import pytest

from eventreg.checkin.answers import ticket_event
from eventreg.checkin.door_list import age_group_of, attendee_changes
from eventreg.registrations.service import AttendeeRequest
from tests.checkin.conftest import bearer
from tests.checkin.test_kiosk import matches_schema

SUMMER = {"en": "Summer camp", "bg": "Лятен лагер", "uk": "Літній табір"}


@pytest.fixture
def events(make_event, make_organiser, make_registration):
    """This door's event, another of the same organisation, and one of another
    organisation; a ticket holder in each."""
    ours = make_event()
    sibling = make_event(title=SUMMER, timezone="Europe/Sofia")
    stranger = make_event(by=make_organiser("Another charity"), title={"en": "Secret retreat"})
    holders = {name: make_registration(event, [f"Holder of {name}"]).attendees[0]
               for name, event in (("ours", ours), ("sibling", sibling), ("stranger", stranger))}
    return ours, sibling, stranger, holders


def test_a_ticket_of_another_event_of_the_organisation_says_which(
    db_session, events, make_door, qr_of
):
    ours, sibling, _, holders = events
    door, _ = make_door(ours)
    told = ticket_event(db_session, door, qr_of(holders["sibling"]))
    assert (told.title, told.starts_at, told.timezone) == (SUMMER, sibling.starts_at,
                                                           "Europe/Sofia")


def test_nothing_is_told_of_another_organisations_event_nor_of_this_one(
    db_session, events, make_door, qr_of
):
    ours, _, _, holders = events
    door, _ = make_door(ours)
    assert ticket_event(db_session, door, qr_of(holders["stranger"])) is None
    assert ticket_event(db_session, door, qr_of(holders["ours"])) is None
    assert ticket_event(db_session, door, "NOT-A-TICKET") is None
    assert ticket_event(db_session, door, None) is None


def test_a_forged_ticket_naming_a_sibling_event_tells_nothing(app, db_session, events, make_door):
    from eventreg.tickets.signing import generate_key_pair, load_private_key, sign_ticket

    ours, sibling, _, holders = events
    door, _ = make_door(ours)
    secret = app.config["TICKET_KEY_SECRET"]
    _, encrypted = generate_key_pair(secret)
    forged = sign_ticket(load_private_key(encrypted, secret), sibling.id, holders["sibling"].id)
    assert ticket_event(db_session, door, forged) is None


def scan(client, token, qr):
    return client.post("/api/v1/checkins", headers=bearer(token),
                       json={"client_id": uuid.uuid4().hex, "qr": qr}).get_json()


def test_the_api_says_which_event_a_ticket_is_for_within_the_organisation_only(
    client, events, make_door, qr_of
):
    ours, sibling, _, holders = events
    _, token = make_door(ours)
    body = scan(client, token, qr_of(holders["sibling"]))
    matches_schema(body, "CheckinResult")
    assert body["status"] == "wrong_event"
    assert body["ticket_event"] == {"title": SUMMER, "starts_at": sibling.starts_at.isoformat(),
                                    "timezone": "Europe/Sofia"}
    other = scan(client, token, qr_of(holders["stranger"]))
    assert other["status"] == "wrong_event"
    assert "ticket_event" not in other
    assert "Secret retreat" not in str(other)


def test_an_uploaded_scan_of_a_sibling_events_ticket_says_which_too(client, events, make_door,
                                                                   qr_of):
    ours, _, _, holders = events
    _, token = make_door(ours)
    answer = client.post("/api/v1/checkins/batch", headers=bearer(token), json={"checkins": [
        {"client_id": "1", "qr": qr_of(holders["sibling"])},
        {"client_id": "2", "qr": qr_of(holders["stranger"])}]}).get_json()["results"]
    assert answer[0]["ticket_event"]["title"] == SUMMER
    assert "ticket_event" not in answer[1]


@pytest.mark.parametrize(("age_group", "birth_year", "expected"), [
    ("child", None, "child"), ("adult", None, "adult"), (None, 2015, "child"),
    (None, 2009, "adult"), (None, 2010, "child"), (None, None, None)])
def test_age_group_comes_from_the_registration_or_the_year_of_birth(age_group, birth_year,
                                                                    expected):
    assert age_group_of(age_group, birth_year, 2027) == expected


def test_the_door_list_says_child_or_adult(client, db_session, make_event, make_registration,
                                          make_door):
    event = make_event()
    make_registration(event, [AttendeeRequest(name="Olena", age_group="adult"),
                              AttendeeRequest(name="Mykola", age_group="child")])
    by_year = make_event(age_mode="birth_year")
    make_registration(by_year, [
        AttendeeRequest(name="Daryna", birth_year=by_year.starts_at.year - 7),
        AttendeeRequest(name="Taras", birth_year=by_year.starts_at.year - 40)])
    door, token = make_door(event)
    assert {row.name: row.age_group for row in attendee_changes(db_session, door).attendees} == {
        "Olena": "adult", "Mykola": "child"}
    _, year_token = make_door(by_year)
    listed = client.get("/api/v1/door/attendees", headers=bearer(year_token)).get_json()
    matches_schema(listed, "DoorAttendees")
    assert {row["name"]: row["age_group"] for row in listed["attendees"]} == {
        "Daryna": "child", "Taras": "adult"}
