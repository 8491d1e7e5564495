"""A self check-in kiosk: families scan their own tickets; the server gives its link no
names to look up and refuses look-ups by hand, undo and walk-ins with `kiosk_door`."""

import uuid
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from eventreg.checkin import doors
from eventreg.checkin.answers import kiosk_party
from eventreg.checkin.door_list import attendee_changes, party_of
from eventreg.checkin.models import Checkin
from eventreg.database import utcnow
from eventreg.openapi import openapi_document
from eventreg.registrations.models import Attendee
from eventreg.registrations.service import AttendeeRequest
from tests.checkin.conftest import bearer


def matches_schema(body: dict, name: str) -> None:
    """The body is what the API document says (raises if not)."""
    Draft202012Validator({**openapi_document(), "$ref": f"#/components/schemas/{name}"}
                         ).validate(body)


@pytest.fixture
def families(make_event, make_registration):
    """One event with two families, and another event of the same organiser."""
    event = make_event(capacity=50)
    kovalenko = make_registration(event, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult"),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child")])
    petrova = make_registration(event, [AttendeeRequest(name="Ivana Petrova", age_group="adult")])
    other = make_event()
    make_registration(other, ["Someone Else"])
    return event, kovalenko, petrova


def post(client, token, path, **body):
    return client.post(f"/api/v1/{path}", headers=bearer(token),
                       json={"client_id": uuid.uuid4().hex, **body})


# --- the service ----------------------------------------------------------------------------


def test_a_kiosk_door_is_made_as_asked_and_an_ordinary_one_is_not(db_session, make_event, make_door):
    event = make_event()
    kiosk, _ = make_door(event, "Entrance tablet", kiosk=True)
    volunteer, _ = make_door(event, "Main gate")
    assert (kiosk.kiosk, volunteer.kiosk) == (True, False)


@pytest.mark.parametrize(("action", "by_hand", "overriding"), [
    ("check_in", True, False), ("check_out", True, False), ("undo", False, False),
    ("undo", True, False), ("walk_in", True, False), ("check_in", False, True)])
def test_a_kiosk_refuses_all_but_a_scanned_ticket(families, make_door, action, by_hand,
                                                  overriding):
    event = families[0]
    kiosk, _ = make_door(event, "Tablet", kiosk=True)
    volunteer, _ = make_door(event, "Main gate")
    with pytest.raises(doors.KioskRefused) as refused:
        doors.refuse_at_kiosk(kiosk, action=action, by_hand=by_hand, overriding=overriding)
    assert refused.value.reason == "kiosk_door"
    # a volunteer may
    doors.refuse_at_kiosk(volunteer, action=action, by_hand=by_hand, overriding=overriding)
    # a scanned ticket
    doors.refuse_at_kiosk(kiosk, action="check_in", by_hand=False, overriding=False)


def test_a_kiosk_lets_nobody_in_by_an_override(client, db_session, families, make_door, qr_of):
    """The 'let in anyway' of a volunteer is no family's to give itself (seen from the API:
    a cancelled ticket with an override, live and in an upload)."""
    event, _, petrova = families
    _, kiosk_token = make_door(event, "Tablet", kiosk=True)
    ivana = petrova.attendees[0]
    code = qr_of(ivana)
    db_session.get(Attendee, ivana.id).cancelled_at = utcnow()
    db_session.commit()
    live = post(client, kiosk_token, "checkins", qr=code, override="organiser_agreed")
    assert (live.status_code, live.json["error"]) == (403, "kiosk_door")
    upload = client.post("/api/v1/checkins/batch", headers=bearer(kiosk_token), json={
        "checkins": [{"client_id": "k1", "qr": code, "override": "organiser_agreed"}]})
    assert (upload.status_code, upload.json["error"]) == (403, "kiosk_door")
    db_session.rollback()
    assert db_session.scalar(select(func.count(Checkin.id)).where(
        Checkin.attendee_id == ivana.id)) == 0


def test_a_kiosks_list_has_no_names_nor_codes_and_a_volunteers_has(db_session, families, make_door):
    event, kovalenko, petrova = families
    kiosk, _ = make_door(event, "Tablet", kiosk=True)
    volunteer, _ = make_door(event, "Main gate")
    kiosk_rows = attendee_changes(db_session, kiosk).attendees
    volunteer_rows = attendee_changes(db_session, volunteer).attendees
    assert len(kiosk_rows) == len(volunteer_rows) == 3
    assert {(row.name, row.ticket_code) for row in kiosk_rows} == {("", "")}
    assert {row.name for row in volunteer_rows} == {
        "Olena Kovalenko", "Mykola Kovalenko", "Ivana Petrova"}
    # What deciding a scan needs is still there.
    assert [row.party_id for row in kiosk_rows] == [row.party_id for row in volunteer_rows]


def test_a_kiosk_is_told_only_the_scanned_familys_names(db_session, families, make_door, scan):
    event, kovalenko, petrova = families
    kiosk, _ = make_door(event, "Tablet", kiosk=True)
    olena, mykola = kovalenko.attendees
    scan(kiosk, olena)
    members = kiosk_party(db_session, kiosk, olena.id, None)
    assert [(m.name, m.age_group) for m in members] == [
        ("Olena Kovalenko", "adult"), ("Mykola Kovalenko", "child")]
    assert members[0].checked_in_at is not None and members[1].checked_in_at is None
    assert "Ivana Petrova" not in {m.name for m in members}
    volunteer, _ = make_door(event, "Main gate")
    assert kiosk_party(db_session, volunteer, olena.id, None) is None  # it has the list
    assert kiosk_party(db_session, kiosk, None, None) is None


def test_a_party_of_another_event_is_nobodys_at_this_door(db_session, families, make_door,
                                                         make_event, make_registration):
    event = families[0]
    stranger = make_registration(make_event(), ["Stranger Danger"]).attendees[0]
    kiosk, _ = make_door(event, "Tablet", kiosk=True)
    assert party_of(db_session, kiosk, stranger.id) == []


def test_a_cancelled_member_is_not_in_the_kiosks_party(db_session, families, make_door, scan):
    from eventreg.database import unit_of_work, utcnow

    event, kovalenko, _ = families
    olena, mykola = kovalenko.attendees
    with unit_of_work(db_session):
        db_session.get(Attendee, mykola.id).cancelled_at = utcnow()
    kiosk, _ = make_door(event, "Tablet", kiosk=True)
    assert [m.name for m in kiosk_party(db_session, kiosk, olena.id, None)] == ["Olena Kovalenko"]


# --- the API --------------------------------------------------------------------------------


def test_a_kiosks_door_and_list_say_kiosk_and_carry_no_names(client, families, make_door):
    event = families[0]
    _, token = make_door(event, "Tablet", kiosk=True)
    door = client.get("/api/v1/door", headers=bearer(token)).get_json()
    assert door["door"]["kiosk"] is True
    matches_schema(door, "Door")
    listed = client.get("/api/v1/door/attendees", headers=bearer(token)).get_json()
    matches_schema(listed, "DoorAttendees")
    assert len(listed["attendees"]) == 3
    assert {(row["name"], row["ticket_code"]) for row in listed["attendees"]} == {("", "")}
    body = str(listed)
    for name in ("Olena", "Mykola", "Ivana", "Someone"):
        assert name not in body


def test_a_kiosk_welcomes_a_scanned_ticket_with_its_own_party_only(client, families,
                                                                    make_door, qr_of):
    event, kovalenko, _ = families
    olena, _ = kovalenko.attendees
    _, token = make_door(event, "Tablet", kiosk=True)
    answer = post(client, token, "checkins", qr=qr_of(olena))
    assert answer.status_code == 200
    body = answer.get_json()
    matches_schema(body, "CheckinResult")
    assert body["status"] == "checked_in"
    assert [(m["name"], m["age_group"], m["checked_in_at"] is not None)
            for m in body["party_members"]] == [
        ("Olena Kovalenko", "adult", True), ("Mykola Kovalenko", "child", False)]


def test_a_volunteers_door_gets_no_party_members(client, families, make_door, qr_of):
    event, kovalenko, _ = families
    _, token = make_door(event, "Main gate")
    body = post(client, token, "checkins", qr=qr_of(kovalenko.attendees[0])).get_json()
    assert body["status"] == "checked_in" and "party_members" not in body


@pytest.mark.parametrize("path", ["checkins", "checkins/undo"])
def test_a_kiosk_refuses_a_look_up_by_hand_and_an_undo_and_records_nothing(
    client, db_session, families, make_door, qr_of, path
):
    event, kovalenko, petrova = families
    _, token = make_door(event, "Tablet", kiosk=True)
    post(client, token, "checkins", qr=qr_of(kovalenko.attendees[0]))
    refused = post(client, token, path, attendee_id=petrova.attendees[0].id)
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "kiosk_door"
    assert refused.get_json()["message"]
    if path == "checkins/undo":  # an undo of a scanned ticket is refused too
        again = post(client, token, path, qr=qr_of(kovalenko.attendees[0]))
        assert (again.status_code, again.get_json()["error"]) == (403, "kiosk_door")
    db_session.rollback()
    assert db_session.scalar(select(func.count(Checkin.id))) == 1
    assert db_session.get(Attendee, petrova.attendees[0].id).checked_in_at is None
    assert db_session.get(Attendee, kovalenko.attendees[0].id).checked_in_at is not None


def test_a_kiosk_refuses_walk_ins(client, db_session, families, make_door):
    event = families[0]
    _, token = make_door(event, "Tablet", kiosk=True)
    refused = client.post("/api/v1/door/walk-ins", headers=bearer(token), json={
        "consent": True, "attendees": [{"name": "Petar Ivanov", "age_group": "adult"}]})
    assert (refused.status_code, refused.get_json()["error"]) == (403, "kiosk_door")
    db_session.rollback()
    assert db_session.scalar(select(Attendee.id).where(Attendee.name == "Petar Ivanov")) is None


def test_a_kiosk_uploads_scanned_tickets_but_refuses_a_batch_with_a_look_up_by_hand(
    client, db_session, families, make_door, qr_of
):
    event, kovalenko, petrova = families
    _, token = make_door(event, "Tablet", kiosk=True)
    batch = [{"client_id": "a", "qr": qr_of(kovalenko.attendees[0])},
             {"client_id": "b", "attendee_id": petrova.attendees[0].id}]
    refused = client.post("/api/v1/checkins/batch", headers=bearer(token),
                          json={"checkins": batch})
    assert (refused.status_code, refused.get_json()["error"]) == (403, "kiosk_door")
    db_session.rollback()
    assert db_session.scalar(select(func.count(Checkin.id))) == 0  # all or nothing
    accepted = client.post("/api/v1/checkins/batch", headers=bearer(token),
                           json={"checkins": batch[:1]})
    assert accepted.status_code == 200
    result = accepted.get_json()["results"][0]
    assert result["status"] == "checked_in"
    assert [m["name"] for m in result["party_members"]] == ["Olena Kovalenko", "Mykola Kovalenko"]


def test_a_volunteers_door_still_looks_up_undoes_and_registers(client, families, make_door):
    event, _, petrova = families
    _, token = make_door(event, "Main gate")
    ivana = petrova.attendees[0].id
    assert post(client, token, "checkins", attendee_id=ivana).get_json()["status"] == "checked_in"
    assert post(client, token, "checkins/undo", attendee_id=ivana).get_json()["status"] == "undone"
    walk_in = client.post("/api/v1/door/walk-ins", headers=bearer(token), json={
        "consent": True, "attendees": [{"name": "Petar Ivanov", "age_group": "adult"}]})
    assert walk_in.status_code == 201


# --- the organiser's pages -----------------------------------------------------------------


def test_an_organiser_makes_a_kiosk_door_and_the_pages_say_so(client, auth, organiser,
                                                               db_session, make_event):
    from eventreg.checkin.models import DoorAccess

    event = make_event()
    auth.login(organiser)
    url = f"/manage/events/{event.slug}/doors"
    form = client.get(url).get_data(as_text=True)
    assert 'name="kiosk"' in form and "Self check-in kiosk" in form
    made = client.post(url, data={"name": "Entrance tablet", "kiosk": "y"})
    client.post(url, data={"name": "Main gate"})
    assert made.status_code == 302
    by_name = {door.name: door.kiosk for door in db_session.scalars(select(DoorAccess))}
    assert by_name == {"Entrance tablet": True, "Main gate": False}
    listed = client.get(url).get_data(as_text=True)
    assert listed.count("self check-in kiosk") == 1
    shown = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "A self check-in kiosk" in shown


def test_the_kiosk_page_has_no_search_walk_ins_or_names(client, families, make_door):
    event = families[0]
    _, token = make_door(event, "Tablet", kiosk=True)
    page = client.get(f"/door/{token}").get_data(as_text=True)
    assert 'data-kiosk="true"' in page
    for absent in ('id="lookup-query"', 'id="walk-in-form"', 'id="recent-scans"',
                   "Kovalenko", "Petrova"):
        assert absent not in page
    _, volunteer = make_door(event, "Main gate")
    ordinary = client.get(f"/door/{volunteer}").get_data(as_text=True)
    assert 'data-kiosk="false"' in ordinary and 'id="lookup-query"' in ordinary


def test_a_kiosk_is_never_told_whose_welcome_became_a_double(client, db_session, families,
                                                             make_door, qr_of):
    """A volunteer's door hears of its doubles by name; a kiosk, seen by every family, not."""
    event, kovalenko, _ = families
    _, kiosk_token = make_door(event, "Kiosk", kiosk=True)
    _, park_token = make_door(event, "Park entrance")
    olena = kovalenko.attendees[0]
    assert post(client, kiosk_token, "checkins", qr=qr_of(olena)).json["status"] == "checked_in"
    earlier = (utcnow() - timedelta(minutes=10)).isoformat()
    upload = client.post("/api/v1/checkins/batch", headers=bearer(park_token), json={
        "checkins": [{"client_id": "park-1", "qr": qr_of(olena), "scanned_at": earlier}]})
    assert upload.json["results"][0]["status"] == "checked_in"
    db_session.rollback()
    assert client.get("/api/v1/door", headers=bearer(kiosk_token)).json["doubles"] == []
