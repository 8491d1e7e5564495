"""Optional consents through the API: set on the event, given per attendee, refused with a
clear 422 when unknown, and the door's "no photos" mark in its list and scan answers."""

import uuid

import pytest
from sqlalchemy import select

from eventreg.accounts.service import create_api_token
from eventreg.consents.models import Consent
from eventreg.consents.service import withdraw_consent
from eventreg.database import unit_of_work
from eventreg.events.models import Event
from eventreg.registrations.models import Registration
from eventreg.registrations.service import AttendeeRequest
from tests.checkin.conftest import bearer

ALL_THREE = ["photos", "future_contact", "partner_sharing"]


@pytest.fixture
def token(db_session, organiser):
    with unit_of_work(db_session):
        _, token = create_api_token(db_session, organiser, "tests")
    return token


def new_event(**changes) -> dict:
    return {"title": {"en": "Summer picnic"}, "starts_at": "2027-06-20T10:00:00",
            "ends_at": "2027-06-20T18:00:00", "privacy_notice": {"en": "We keep names."},
            **changes}


def test_an_event_asks_consents_and_says_their_words_in_every_language(client, token):
    made = client.post("/api/v1/events", headers=bearer(token), json=new_event(
        optional_consents=["partner_sharing", "photos"], consent_partner="Caritas Sofia"))
    assert made.status_code == 201
    body = made.json
    assert body["optional_consents"] == ["photos", "partner_sharing"]
    assert body["consent_partner"] == "Caritas Sofia"
    assert set(body["consent_texts"]) == {"photos", "partner_sharing"}
    assert set(body["consent_texts"]["photos"]) == {"en", "bg", "uk", "ar", "fa"}
    assert "Caritas Sofia" in body["consent_texts"]["partner_sharing"]["uk"]
    changed = client.patch(f"/api/v1/events/{body['slug']}", headers=bearer(token),
                           json={"optional_consents": []})
    assert changed.json["optional_consents"] == [] and changed.json["consent_texts"] == {}


@pytest.mark.parametrize("changes,field", [
    ({"optional_consents": ["photos", "marketing"]}, "optional_consents.1"),
    ({"optional_consents": ["partner_sharing"]}, "consent_partner"),
    ({"optional_consents": ["partner_sharing"], "consent_partner": "   "}, "consent_partner"),
])
def test_an_unknown_consent_or_a_partner_without_a_name_is_a_clear_422(
        client, db_session, token, changes, field):
    refused = client.post("/api/v1/events", headers=bearer(token), json=new_event(**changes))
    assert refused.status_code == 422
    assert refused.json["error"] == "validation_failed"
    assert set(refused.json["fields"]) == {field}
    assert refused.json["fields"][field]
    db_session.rollback()
    assert db_session.scalar(select(Event.id)) is None


def test_each_attendee_gives_consents_and_the_answer_lists_those_that_hold(
        client, db_session, make_event):
    event = make_event(optional_consents=ALL_THREE, consent_partner="Caritas Sofia")
    answer = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "language": "bg", "attendees": [
            {"name": "Олена Коваленко", "age_group": "adult",
             "consents": ["photos", "future_contact"]},
            {"name": "Миколка Коваленко", "age_group": "child"}]})
    assert answer.status_code == 201
    assert [a["consents"] for a in answer.json["attendees"]] == [["photos", "future_contact"],
                                                                 []]
    db_session.rollback()
    stored = db_session.scalars(select(Consent).order_by(Consent.id)).all()
    assert [(c.kind, c.language) for c in stored] == [("photos", "bg"), ("future_contact", "bg")]
    assert "Снимки" in stored[0].text or "снимки" in stored[0].text


@pytest.mark.parametrize("consents,field", [
    (["marketing"], "attendees.1.consents.0"),  # not a kind at all: the schema refuses it
    (["partner_sharing"], "attendees.1.consents"),  # a kind this event does not ask
])
def test_an_unknown_consent_kind_is_a_clear_422_and_registers_no_one(
        client, db_session, make_event, consents, field):
    event = make_event(optional_consents=["photos"], capacity=10)
    refused = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "attendees": [
            {"name": "Olena Kovalenko", "age_group": "adult", "consents": ["photos"]},
            {"name": "Ivan Petrov", "age_group": "adult", "consents": consents}]})
    assert refused.status_code == 422
    assert set(refused.json["fields"]) == {field}
    assert refused.json["fields"][field]
    db_session.rollback()
    assert db_session.scalar(select(Registration.id)) is None
    assert db_session.get(Event, event.id).places_taken == 0


def test_the_door_marks_no_photos_in_its_list_and_in_every_scan_answer(
        client, db_session, make_event, make_registration, make_door, qr_of):
    event = make_event(optional_consents=["photos"])
    family = make_registration(event, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult", consents=["photos"]),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child")])
    olena, mykola = family.attendees
    _, door = make_door(event)
    listed = client.get("/api/v1/door/attendees", headers=bearer(door)).json["attendees"]
    assert {row["name"]: row["no_photos"] for row in listed} == {
        "Olena Kovalenko": False, "Mykola Kovalenko": True}

    def scan(attendee, **body):
        answer = client.post("/api/v1/checkins", headers=bearer(door), json={
            "client_id": uuid.uuid4().hex, "qr": qr_of(attendee), **body})
        assert answer.status_code == 200
        return answer.json

    first = [scan(olena), scan(mykola)]  # a first arrival: the quick way in
    assert [a["status"] for a in first] == ["checked_in", "checked_in"]
    assert [a["attendee"]["no_photos"] for a in first] == [False, True]
    again = scan(mykola)  # decided in full
    assert again["status"] == "already_checked_in" and again["attendee"]["no_photos"] is True

    since = client.get("/api/v1/door/attendees", headers=bearer(door)).json["cursor"]
    with unit_of_work(db_session):
        withdraw_consent(db_session, db_session.get(Registration, family.id), olena.id, "photos")
    changed = client.get("/api/v1/door/attendees", headers=bearer(door),
                         query_string={"since": since}).json["attendees"]
    assert {row["name"]: row["no_photos"] for row in changed}["Olena Kovalenko"] is True
    assert scan(olena, action="check_out")["attendee"]["no_photos"] is True


def test_no_one_is_marked_where_the_event_does_not_ask(client, make_event, make_registration,
                                                       make_door, qr_of):
    event = make_event()
    child = make_registration(event, [AttendeeRequest(name="Leyla Karimi",
                                                      age_group="child")]).attendees[0]
    _, door = make_door(event)
    listed = client.get("/api/v1/door/attendees", headers=bearer(door)).json["attendees"]
    assert [row["no_photos"] for row in listed] == [False]
    answer = client.post("/api/v1/checkins", headers=bearer(door),
                         json={"client_id": uuid.uuid4().hex, "qr": qr_of(child)})
    assert answer.json["attendee"]["no_photos"] is False


def test_starting_to_ask_photo_consent_sends_everyone_to_the_doors_again(
        client, db_session, organiser, token, make_event, make_registration, make_door):
    event = make_event()
    make_registration(event, ["Olena Kovalenko", "Ivan Petrov"])
    _, door = make_door(event)
    since = client.get("/api/v1/door/attendees", headers=bearer(door)).json["cursor"]
    client.patch(f"/api/v1/events/{event.slug}", headers=bearer(token),
                 json={"optional_consents": ["photos"]})
    changed = client.get("/api/v1/door/attendees", headers=bearer(door),
                         query_string={"since": since}).json["attendees"]
    assert sorted((row["name"], row["no_photos"]) for row in changed) == [
        ("Ivan Petrov", True), ("Olena Kovalenko", True)]


def test_walk_ins_may_skip_the_consents_or_give_them(client, db_session, make_event, make_door):
    event = make_event(optional_consents=["photos"])
    _, door = make_door(event)
    answer = client.post("/api/v1/door/walk-ins", headers=bearer(door), json={
        "client_id": uuid.uuid4().hex, "consent": True, "attendees": [
            {"name": "Walks In", "age_group": "adult"},
            {"name": "Agrees Too", "age_group": "adult", "consents": ["photos"]}]})
    assert answer.status_code == 201
    assert [r["attendee"]["no_photos"] for r in answer.json["results"]] == [True, False]
