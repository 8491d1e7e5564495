"""Notes for the door: typed on the form, through the API or by an organiser; shown at
that event's doors only (scan answers and the door's list); personal data."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import NotFound, ValidationFailed
from eventreg.privacy.access import personal_data
from eventreg.privacy.anonymise import anonymise_registrations
from eventreg.privacy.erasure import erase
from eventreg.registrations import service
from eventreg.registrations.models import Attendee
from eventreg.registrations.service import MAX_DOOR_NOTE_LENGTH, AttendeeRequest
from tests.checkin.conftest import bearer

NOTE = "Needs an interpreter (Dari)"


def person(name, note="", **values):
    return AttendeeRequest(name=name, age_group=values.pop("age_group", "adult"),
                           door_note=note, **values)


def test_a_note_typed_at_registration_is_stored_per_person(make_event, make_registration):
    event = make_event()
    party = make_registration(event, [person("Olena Kovalenko", f"  {NOTE}  "),
                                      person("Mykola Kovalenko")])
    assert [a.door_note for a in party.attendees] == [NOTE, ""]


def test_a_note_longer_than_the_limit_is_refused_with_a_message(make_event, make_registration):
    event = make_event()
    with pytest.raises(ValidationFailed) as refused:
        make_registration(event, [person("Olena", "x" * (MAX_DOOR_NOTE_LENGTH + 1))])
    assert "attendees.0.door_note" in refused.value.fields
    assert "200" in str(refused.value.fields["attendees.0.door_note"])


def test_a_note_of_invisible_characters_only_is_no_note(make_event, make_registration):
    party = make_registration(make_event(), [person("Olena", "\u200b \u2060")])
    assert party.attendees[0].door_note == ""


def test_the_form_says_who_sees_the_note_and_stores_it(client, make_event, db_session):
    event = make_event()
    page = client.get(f"/e/{event.slug}/register")
    assert "volunteers at its doors" in page.text
    assert 'name="attendees.0.door_note"' in page.text
    answer = client.post(f"/e/{event.slug}/register", data={
        "party_size": "1", "attendees.0.name": "Olena Kovalenko",
        "attendees.0.age_group": "adult", "attendees.0.door_note": "Wheelchair",
        "consent": "yes", "client_id": uuid.uuid4().hex})
    assert answer.status_code == 302
    assert db_session.scalar(select(Attendee.door_note)) == "Wheelchair"


def test_the_form_refuses_a_note_with_a_control_character(client, make_event, db_session):
    event = make_event()
    answer = client.post(f"/e/{event.slug}/register", data={
        "party_size": "1", "attendees.0.name": "Olena Kovalenko",
        "attendees.0.age_group": "adult", "attendees.0.door_note": "Wheel\x07chair",
        "consent": "yes", "client_id": uuid.uuid4().hex})
    assert answer.status_code == 422
    assert db_session.scalar(select(Attendee.id)) is None


def test_the_form_shows_a_too_long_note_back_with_its_message(client, make_event):
    event = make_event()
    answer = client.post(f"/e/{event.slug}/register", data={
        "party_size": "1", "attendees.0.name": "Olena Kovalenko",
        "attendees.0.age_group": "adult", "attendees.0.door_note": "x" * 201,
        "consent": "yes", "client_id": uuid.uuid4().hex})
    assert answer.status_code == 422
    assert "Keep the note for the door under 200 characters." in answer.text


def test_the_public_api_takes_a_note_and_answers_it_only_to_the_new_registration(
        client, make_event):
    event = make_event()
    body = {"client_id": uuid.uuid4().hex, "consent": True,
            "attendees": [{"name": "Olena Kovalenko", "age_group": "adult",
                           "door_note": NOTE}]}
    first = client.post(f"/api/v1/events/{event.slug}/registrations", json=body)
    again = client.post(f"/api/v1/events/{event.slug}/registrations", json=body)
    assert first.status_code == 201, first.json
    assert first.json["attendees"][0]["door_note"] == NOTE
    assert "door_note" not in again.json["attendees"][0]


def test_the_public_api_refuses_a_too_long_note_naming_the_field(client, make_event):
    event = make_event()
    answer = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "attendees": [{"name": "Olena", "age_group": "adult",
                                        "door_note": "x" * 201}]})
    assert answer.status_code == 422
    assert "attendees.0.door_note" in answer.json["fields"]


def test_an_organiser_sets_and_removes_a_note_audited_without_its_words(
        db_session, make_event, make_registration, organiser):
    party = make_registration(make_event(), ["Olena Kovalenko", "Mykola Kovalenko"])
    mykola = party.attendees[1]
    with unit_of_work(db_session):
        assert service.set_door_note(db_session, party, mykola.id, "Comes with a guardian",
                                     by=organiser)
    assert mykola.door_note == "Comes with a guardian"
    assert party.attendees[0].door_note == ""
    with unit_of_work(db_session):
        assert service.set_door_note(db_session, party, mykola.id, "  ", by=organiser)
    assert mykola.door_note == ""
    entries = db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "registration.door_note_changed")).all()
    assert len(entries) == 2
    assert all("guardian" not in str(entry.details) + entry.target for entry in entries)


def test_an_organiser_cannot_set_a_note_on_another_partys_person(
        db_session, make_event, make_registration, organiser):
    event = make_event()
    party, other = make_registration(event), make_registration(event, ["Ivan Petrov"])
    with pytest.raises(NotFound), unit_of_work(db_session):
        service.set_door_note(db_session, party, other.attendees[0].id, NOTE, by=organiser)


def test_the_registrations_page_edits_a_note(client, auth, organiser, make_event,
                                             make_registration, db_session):
    event = make_event()
    party = make_registration(event)
    auth.login(organiser)
    olena = party.attendees[0]
    answer = client.post(f"/manage/events/{event.slug}/registrations/{party.id}/attendees/"
                         f"{olena.id}/door-note", data={"door_note": "Wheelchair"},
                         follow_redirects=True)
    assert answer.status_code == 200
    assert "Wheelchair" in answer.text
    db_session.expire_all()
    assert db_session.get(Attendee, olena.id).door_note == "Wheelchair"
    too_long = client.post(f"/manage/events/{event.slug}/registrations/{party.id}/attendees/"
                           f"{olena.id}/door-note", data={"door_note": "x" * 201},
                           follow_redirects=True)
    assert "Keep the note for the door under 200 characters." in too_long.text
    db_session.expire_all()
    assert db_session.get(Attendee, olena.id).door_note == "Wheelchair"


def test_scan_answers_and_the_door_list_carry_the_note_only_at_its_own_events_doors(
        client, make_event, make_registration, make_door, qr_of):
    event, other_event = make_event(), make_event()
    olena = make_registration(event, [person("Olena Kovalenko", NOTE),
                                      person("Mykola Kovalenko")]).attendees[0]
    make_registration(other_event, [person("Ivan Petrov", "Hard of hearing")])
    _, token = make_door(event)
    _, other_token = make_door(other_event, "Other gate")
    first = client.post("/api/v1/checkins", headers=bearer(token),
                        json={"client_id": uuid.uuid4().hex, "qr": qr_of(olena)})
    again = client.post("/api/v1/checkins", headers=bearer(token),
                        json={"client_id": uuid.uuid4().hex, "qr": qr_of(olena)})
    assert first.json["status"] == "checked_in" and first.json["note"] == NOTE
    assert again.json["status"] == "already_checked_in" and again.json["note"] == NOTE
    elsewhere = client.post("/api/v1/checkins", headers=bearer(other_token),
                            json={"client_id": uuid.uuid4().hex, "qr": qr_of(olena)})
    assert elsewhere.json["status"] == "wrong_event"
    assert elsewhere.json["note"] == "" and elsewhere.json["attendee"] is None
    listed = client.get("/api/v1/door/attendees", headers=bearer(token)).json["attendees"]
    assert {row["name"]: row["note"] for row in listed} == {
        "Olena Kovalenko": NOTE, "Mykola Kovalenko": ""}
    other_list = client.get("/api/v1/door/attendees", headers=bearer(other_token)).json
    assert NOTE not in str(other_list)


def test_the_ticket_page_and_public_pages_never_show_the_note(
        client, db_session, make_event, make_registration, organiser):
    event = make_event()
    party = make_registration(event)
    with unit_of_work(db_session):
        service.set_door_note(db_session, party, party.attendees[0].id, "Was aggressive",
                              by=organiser)
    assert "Was aggressive" not in client.get(f"/t/{party.ticket_secret}").text
    assert "Was aggressive" not in client.get(f"/e/{event.slug}").text


def test_retention_and_erasure_empty_the_note_and_access_shows_it(
        db_session, make_event, make_registration, organiser):
    event = make_event()
    kept = make_registration(event, [person("Olena Kovalenko", NOTE)])
    erased = make_registration(event, [person("Ivan Petrov", "Wheelchair")])
    held = personal_data(db_session, kept, by=organiser, channel="json")
    assert held["attendees"][0]["door_note"] == NOTE
    with unit_of_work(db_session):
        erase(db_session, erased, by=organiser)
    assert erased.attendees[0].door_note == ""
    assert kept.attendees[0].door_note == NOTE
    with unit_of_work(db_session):
        anonymise_registrations(db_session, [kept.id], utcnow() + timedelta(days=400),
                                reason="retention")
    db_session.expire_all()
    assert set(db_session.scalars(select(Attendee.door_note))) == {""}


def test_the_printed_personal_data_shows_the_note(client, auth, organiser, make_event,
                                                  make_registration):
    event = make_event()
    party = make_registration(event, [person("Olena Kovalenko", NOTE)])
    make_registration(event, [person("Ivan Petrov", "Hard of hearing")])
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations/{party.id}/personal-data")
    assert page.status_code == 200
    assert NOTE in page.text and "Hard of hearing" not in page.text


def test_a_kiosk_is_told_no_note_and_no_pickup_code(client, make_event, make_registration,
                                                     make_door, qr_of):
    event = make_event(activities=[{"title": {"en": "Doll-making"}, "asks_pickup_codes": True}])
    dolls = event.activities[0]
    mykola = make_registration(event, [person("Mykola Kovalenko", NOTE, age_group="child",
                                              activity_ids=[dolls.id])]).attendees[0]
    _, kiosk = make_door(event, "Tablet", kiosk=True, activity_ids=[dolls.id])
    answer = client.post("/api/v1/checkins", headers=bearer(kiosk),
                         json={"client_id": uuid.uuid4().hex, "qr": qr_of(mykola)}).json
    assert answer["status"] == "checked_in"
    assert (answer["note"], answer["pickup_code"]) == ("", None)
    listed = client.get("/api/v1/door/attendees", headers=bearer(kiosk)).json
    assert NOTE not in str(listed)
    assert all(state["pickup_code"] is None for row in listed["attendees"]
               for state in row["activities"])
    refused = client.post("/api/v1/door/pickups", headers=bearer(kiosk), json={
        "client_id": uuid.uuid4().hex, "attendee_id": mykola.id, "code": "AAAA"})
    assert refused.status_code == 403 and refused.json["error"] == "kiosk_door"
    # The code was made all the same: the parent's ticket page has it.
    page = client.get(f"/t/{mykola.registration.ticket_secret}").text
    assert "data-pickup-code=" in page
