"""The door API's HTTP contract: bearer door tokens, scan answers, batches, lists, walk-ins."""

import base64
import struct
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from eventreg.accounts.service import create_api_token
from eventreg.checkin.doors import revoke_door_access
from eventreg.checkin.models import Checkin
from eventreg.database import unit_of_work, utcnow
from eventreg.events.models import Event
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.service import AttendeeRequest
from eventreg.tickets.models import EventSigningKey
from eventreg.tickets.signing import (
    generate_key_pair,
    load_private_key,
    sign_ticket,
    verify_ticket,
)
from tests.checkin.conftest import bearer

DOLLS = {"title": {"en": "Doll-making"}, "capacity": 20}
STAGE = {"title": {"en": "Stage"}}


def post_scan(client, token, url="/api/v1/checkins", **body):
    body.setdefault("client_id", uuid.uuid4().hex)
    return client.post(url, headers=bearer(token), json=body)


def count_checkin_rows(db_session) -> int:
    db_session.rollback()  # see what the requests committed
    return db_session.scalar(select(func.count(Checkin.id)))


# --- scanning -------------------------------------------------------------------------------


def test_first_scan_checks_in_and_second_says_when_and_where(client, make_event,
                                                             make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event, "Main gate")
    first = post_scan(client, token, qr=qr_of(olena))
    second = post_scan(client, token, qr=qr_of(olena))
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json["status"] == "checked_in"
    assert first.json["attendee"]["name"] == "Olena Kovalenko"
    assert second.json["status"] == "already_checked_in"
    assert second.json["checked_in_at"] == first.json["checked_in_at"] is not None
    assert second.json["checked_in_door"] == "Main gate"


def test_same_client_id_sent_twice_is_stored_once_and_replays_the_first_answer(
    client, db_session, make_event, make_registration, make_door, qr_of
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    first = post_scan(client, token, qr=qr_of(olena), client_id="scan-1")
    again = post_scan(client, token, qr=qr_of(olena), client_id="scan-1")
    assert (first.json["status"], first.json["replayed"]) == ("checked_in", False)
    assert (again.json["status"], again.json["replayed"]) == ("checked_in", True)
    assert count_checkin_rows(db_session) == 1


def test_forged_code_is_answered_invalid(client, app, make_event, make_registration, make_door):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    _, other_key = generate_key_pair(app.config["TICKET_KEY_SECRET"])
    forged = sign_ticket(load_private_key(other_key, app.config["TICKET_KEY_SECRET"]),
                         event.id, olena.id)
    response = post_scan(client, token, qr=forged)
    assert response.status_code == 200
    assert response.json["status"] == "invalid"
    assert response.json["attendee"] is None


def test_code_naming_an_event_id_beyond_any_database_id_is_answered_invalid(
    client, db_session, make_event, make_door
):
    _, token = make_door(make_event())
    # Well-formed base32 of a version-1 token naming event 4294967295, unsigned.
    claims = struct.pack(">BII", 1, 2**32 - 1, 1)
    code = base64.b32encode(claims + bytes(64)).decode().rstrip("=")
    response = post_scan(client, token, qr=code)
    assert response.status_code == 200
    assert response.json["status"] == "invalid"


def test_ticket_of_another_event_is_answered_wrong_event(client, make_event, make_registration,
                                                         make_door, qr_of):
    event = make_event()
    stranger = make_registration(make_event(slug="other-event"), ["Ivan Petrov"]).attendees[0]
    _, token = make_door(event)
    response = post_scan(client, token, qr=qr_of(stranger))
    assert response.status_code == 200
    assert response.json["status"] == "wrong_event"


def test_attendee_id_of_another_event_is_unknown_at_this_door(client, make_event,
                                                              make_registration, make_door):
    event = make_event()
    stranger = make_registration(make_event(slug="other-event"), ["Ivan Petrov"]).attendees[0]
    _, token = make_door(event)
    response = post_scan(client, token, attendee_id=stranger.id)
    assert response.json["status"] == "unknown"
    assert response.json["attendee"] is None


def test_undo_clears_a_check_in_so_the_ticket_admits_again(client, make_event, make_registration,
                                                          make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    post_scan(client, token, qr=qr_of(olena))
    undone = post_scan(client, token, "/api/v1/checkins/undo", attendee_id=olena.id)
    assert (undone.status_code, undone.json["status"]) == (200, "undone")
    assert undone.json["action"] == "undo"
    counts = client.get("/api/v1/door", headers=bearer(token)).json["counts"]
    assert counts["checked_in"] == 0
    assert post_scan(client, token, qr=qr_of(olena)).json["status"] == "checked_in"


def test_batch_answers_in_the_order_sent_and_the_earliest_scan_wins(
    client, db_session, make_event, make_registration, make_door, qr_of
):
    event = make_event()
    olena, mykola = make_registration(event, ["Olena", "Mykola"]).attendees
    gate, gate_token = make_door(event, "Main gate")
    _, park_token = make_door(event, "Park entrance")
    # The park entrance, online, let Olena in just now; the gate scanned her 10 minutes
    # earlier while offline and uploads that later, along with a repeat scan of her ticket.
    assert post_scan(client, park_token, qr=qr_of(olena)).json["status"] == "checked_in"
    now = utcnow()
    response = client.post("/api/v1/checkins/batch", headers=bearer(gate_token), json={
        "checkins": [
            {"client_id": "g1", "qr": qr_of(mykola),
             "scanned_at": (now - timedelta(minutes=5)).isoformat()},
            {"client_id": "g2", "qr": qr_of(olena),
             "scanned_at": (now - timedelta(minutes=10)).isoformat()},
            {"client_id": "g3", "attendee_id": olena.id,
             "scanned_at": (now - timedelta(minutes=3)).isoformat()},
        ],
    })
    assert response.status_code == 200
    results = response.json["results"]
    assert [r["client_id"] for r in results] == ["g1", "g2", "g3"]
    assert [r["status"] for r in results] == ["checked_in", "checked_in", "already_checked_in"]
    assert results[2]["checked_in_door"] == "Main gate"
    assert datetime.fromisoformat(results[2]["checked_in_at"]) == now - timedelta(minutes=10)
    db_session.rollback()
    stored = db_session.get(Attendee, olena.id)
    assert stored.checked_in_at == now - timedelta(minutes=10)
    assert stored.checked_in_door_id == gate.id
    admitting = db_session.scalars(select(Checkin.client_id).where(
        Checkin.attendee_id == olena.id, Checkin.outcome == "checked_in")).all()
    assert admitting == ["g2"]
    # The park entrance was told "Welcome" and the log keeps that answer, beside what the
    # scan comes to now.
    park = db_session.scalar(select(Checkin).where(Checkin.attendee_id == olena.id,
                                                   Checkin.client_id.not_in(["g2", "g3"])))
    assert (park.status, park.outcome) == ("checked_in", "already_checked_in")


@pytest.mark.parametrize("body,field", [
    ({"client_id": "c1"}, "body"),
    ({"qr": "AEAAAAAB"}, "body"),
    ({"client_id": "c1", "attendee_id": "{attendee}", "action": "dance"}, "action"),
    ({"client_id": "c1", "attendee_id": "{attendee}", "activity": "{foreign_activity}"},
     "activity"),
    ({"client_id": "c1", "attendee_id": "{attendee}", "scanned_at": "yesterday"}, "scanned_at"),
    ({"client_id": "c1", "attendee_id": "{attendee}", "ticket": "x"}, "body"),
], ids=["no-ticket", "no-client-id", "unknown-action", "activity-of-another-event",
        "unreadable-time", "unknown-property"])
def test_malformed_scan_is_refused_with_the_field_to_fix(client, db_session, make_event,
                                                         make_registration, make_door, body,
                                                         field):
    event = make_event()
    other = make_event(slug="other-event", activities=[DOLLS])
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    values = {"{attendee}": olena.id, "{foreign_activity}": other.activities[0].id}
    body = {key: values.get(value, value) for key, value in body.items()}
    response = client.post("/api/v1/checkins", headers=bearer(token), json=body)
    assert response.status_code == 422
    assert response.json["error"] == "validation_failed"
    assert field in response.json["fields"]
    assert count_checkin_rows(db_session) == 0


def test_body_not_sent_as_json_is_refused_as_unsupported(client, make_event, make_door):
    _, token = make_door(make_event())
    response = client.post("/api/v1/checkins", headers=bearer(token), data="qr=abc")
    assert response.status_code == 415
    assert response.json["error"] == "unsupported_media_type"


def test_body_that_is_not_json_is_refused_as_invalid_json(client, make_event, make_door):
    _, token = make_door(make_event())
    response = client.post("/api/v1/checkins", headers=bearer(token), data="qr=abc",
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json["error"] == "invalid_json"


# --- door tokens ----------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer door_not-a-real-token"},
    {"Authorization": "Bearer nonsense"},
    {"Authorization": "Basic ZG9vcjpnYXRl"},
], ids=["missing", "empty", "wrong-door-token", "garbage", "basic-auth"])
def test_request_without_a_door_token_is_refused_as_door_unknown(client, make_event, make_door,
                                                                 headers):
    make_door(make_event())
    response = client.get("/api/v1/door", headers=headers)
    assert response.status_code == 401
    assert response.json["error"] == "door_unknown"


def test_organiser_api_token_does_not_open_a_door(client, db_session, organiser, make_event,
                                                  make_door):
    make_door(make_event())
    with unit_of_work(db_session):
        _, organiser_token = create_api_token(db_session, organiser, "tests")
    response = client.get("/api/v1/door", headers=bearer(organiser_token))
    assert response.status_code == 401
    assert response.json["error"] == "door_unknown"


def test_revoked_door_token_is_refused_at_once(client, db_session, make_event,
                                               make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    door, token = make_door(event)
    assert client.get("/api/v1/door", headers=bearer(token)).status_code == 200
    with unit_of_work(db_session):
        revoke_door_access(db_session, door)
    response = post_scan(client, token, qr=qr_of(olena))
    assert response.status_code == 401
    assert response.json["error"] == "door_revoked"
    assert count_checkin_rows(db_session) == 0


def test_door_token_stops_working_a_day_after_its_event_ended(client, make_event, make_door):
    event = make_event(starts_in=timedelta(days=-3))
    _, token = make_door(event, created_at=event.starts_at)
    response = client.get("/api/v1/door", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["error"] == "door_expired"


# --- what a door sees -----------------------------------------------------------------------


def test_door_shows_its_event_and_live_counts(client, make_event, make_registration, make_door,
                                              qr_of):
    event = make_event(activities=[DOLLS])
    dolls_id = event.activities[0].id
    family = make_registration(event, [
        "Olena", AttendeeRequest(name="Mykola", age_group="child", activity_ids=[dolls_id])])
    make_registration(event, ["Ivan"])
    door, token = make_door(event, "Main gate", records_exits=True)
    post_scan(client, token, qr=qr_of(family.attendees[0]))
    post_scan(client, token, qr=qr_of(family.attendees[1]))
    post_scan(client, token, qr=qr_of(family.attendees[1]), action="check_out")
    response = client.get("/api/v1/door", headers=bearer(token))
    assert response.status_code == 200
    assert response.json["door"] == {**response.json["door"], "id": door.id, "name": "Main gate",
                                     "records_exits": True, "activities": []}
    assert response.json["event"]["slug"] == event.slug
    counts = response.json["counts"]
    assert (counts["registered"], counts["checked_in"], counts["inside"]) == (3, 2, 1)
    assert counts["walk_ins"] == 0
    assert counts["activities"][str(dolls_id)]["registered"] == 1


def test_door_public_key_is_the_events_raw_key_and_verifies_its_tickets(
    client, db_session, make_event, make_registration, make_door, qr_of
):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    encoded = client.get("/api/v1/door", headers=bearer(token)).json["event"]["public_key"]
    assert "=" not in encoded
    raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    assert raw == db_session.get(EventSigningKey, event.id).public_key
    claims = verify_ticket(qr_of(olena), raw)
    assert (claims.event_id, claims.attendee_id) == (event.id, olena.id)


def test_door_attendee_list_is_complete_then_only_what_changed_since_the_cursor(
    client, db_session, make_event, make_registration, make_door, qr_of
):
    event = make_event()
    olena, mykola = make_registration(event, ["Olena", "Mykola"]).attendees
    make_registration(event, ["Ivan"])
    # They registered an hour ago, well before the list a door took.
    db_session.execute(update(Attendee).values(changed_at=utcnow() - timedelta(hours=1)))
    db_session.commit()
    _, token = make_door(event)
    full = client.get("/api/v1/door/attendees", headers=bearer(token)).json
    assert full["complete"] is True
    assert [a["name"] for a in full["attendees"]] == ["Olena", "Mykola", "Ivan"]
    assert all(a["checked_in_at"] is None for a in full["attendees"])
    post_scan(client, token, qr=qr_of(mykola))
    changes = client.get("/api/v1/door/attendees", headers=bearer(token),
                         query_string={"since": full["cursor"]}).json
    assert changes["complete"] is False
    assert [(a["name"], a["checked_in_door"]) for a in changes["attendees"]] == [
        ("Mykola", "Main gate")]


def test_door_attendee_list_holds_no_contact_details_or_answers(
    client, make_event, make_registration, make_door
):
    event = make_event(questions=[{"label": {"en": "Anything we should know?"}, "kind": "text"}])
    question_id = event.questions[0].id
    make_registration(event, ["Olena"], email="olena.k@example.org", phone="+359888123456",
                      answers={question_id: "Needs a wheelchair ramp"})
    _, token = make_door(event)
    response = client.get("/api/v1/door/attendees", headers=bearer(token))
    text = response.get_data(as_text=True)
    assert "Olena" in text
    for private in ("olena.k@example.org", "888123456", "wheelchair", "email", "phone",
                    "answers"):
        assert private not in text


def test_door_attendee_list_holds_only_its_own_event(client, make_event, make_registration,
                                                     make_door):
    event = make_event()
    make_registration(event, ["Olena"])
    make_registration(make_event(slug="other-event"), ["Ivan Petrov"])
    _, token = make_door(event)
    attendees = client.get("/api/v1/door/attendees", headers=bearer(token)).json["attendees"]
    assert [a["name"] for a in attendees] == ["Olena"]


def test_door_list_tells_two_doors_of_one_name_apart(client, make_event, make_registration,
                                                    make_door, qr_of):
    """An organiser made a link per volunteer, each "Main gate": a phone tells its own scans
    from the other link's by the door's id (the undo window is the admitting door's)."""
    event = make_event()
    olena, mykola = make_registration(event, ["Olena", "Mykola"]).attendees
    first, first_token = make_door(event, "Main gate")
    second, second_token = make_door(event, "Main gate")
    post_scan(client, first_token, qr=qr_of(olena))
    post_scan(client, second_token, qr=qr_of(mykola))
    post_scan(client, first_token, action="check_out", qr=qr_of(mykola))
    rows = {row["name"]: row for row in client.get(
        "/api/v1/door/attendees", headers=bearer(second_token)).json["attendees"]}
    assert [(scan["action"], scan["door"], scan["door_id"]) for scan in rows["Olena"]["scans"]] == [
        ("check_in", "Main gate", first.id)]
    assert [(scan["action"], scan["door_id"]) for scan in rows["Mykola"]["scans"]] == [
        ("check_in", second.id), ("check_out", first.id)]
    assert first.id != second.id


def test_unreadable_since_is_refused_with_the_field(client, make_event, make_door):
    _, token = make_door(make_event())
    response = client.get("/api/v1/door/attendees?since=last-tuesday", headers=bearer(token))
    assert response.status_code == 422
    assert "since" in response.json["fields"]


# --- walk-ins -------------------------------------------------------------------------------


def test_walk_in_is_registered_and_checked_in_at_once(client, db_session, make_event, make_door):
    event = make_event(capacity=5)
    door, token = make_door(event)
    response = client.post("/api/v1/door/walk-ins", headers=bearer(token), json={
        "consent": True, "language": "bg",
        "attendees": [{"name": "Ivana Petrova", "age_group": "adult"},
                      {"name": "Petar Petrov", "age_group": "child"}],
    })
    assert response.status_code == 201
    assert [r["status"] for r in response.json["results"]] == ["checked_in", "checked_in"]
    db_session.rollback()
    registration = db_session.get(Registration, response.json["registration"])
    assert registration.walk_in
    assert [(a.name, a.checked_in_door_id) for a in registration.attendees] == [
        ("Ivana Petrova", door.id), ("Petar Petrov", door.id)]
    assert all(a.checked_in_at is not None for a in registration.attendees)
    counts = client.get("/api/v1/door", headers=bearer(token)).json["counts"]
    assert (counts["walk_ins"], counts["checked_in"]) == (2, 2)


def test_walk_in_at_a_full_event_is_refused_and_stores_nothing(client, db_session, make_event,
                                                              make_registration, make_door):
    event = make_event(capacity=2)
    make_registration(event, ["Olena", "Mykola"])
    _, token = make_door(event)
    response = client.post("/api/v1/door/walk-ins", headers=bearer(token), json={
        "consent": True, "attendees": [{"name": "Ivana Petrova", "age_group": "adult"}],
    })
    assert response.status_code == 409
    assert response.json["error"] == "event_full"
    db_session.rollback()
    assert db_session.scalar(select(func.count(Registration.id))) == 1
    assert db_session.scalar(select(func.count(Attendee.id))) == 2
    assert db_session.scalar(select(func.count(Checkin.id))) == 0


def test_walk_in_who_chose_none_of_the_doors_activities_is_refused_and_nothing_stored(
    client, db_session, make_event, make_door
):
    event = make_event(capacity=5, activities=[DOLLS, STAGE])
    _, token = make_door(event, "Tents", activity_ids=[a.id for a in event.activities])
    response = client.post("/api/v1/door/walk-ins", headers=bearer(token), json={
        "consent": True, "attendees": [{"name": "Ivana Petrova", "age_group": "adult"}],
    })
    assert response.status_code == 422
    assert response.json["error"] == "validation_failed"
    assert "attendees.0.activities" in response.json["fields"]
    db_session.rollback()
    assert db_session.scalar(select(func.count(Registration.id))) == 0
    assert db_session.scalar(select(Event.places_taken).where(Event.id == event.id)) == 0


def test_walk_in_at_a_workshop_door_is_checked_in_to_the_workshop(
    client, db_session, make_event, make_door
):
    event = make_event(capacity=5, activities=[DOLLS, STAGE])
    dolls = event.activities[0]
    _, token = make_door(event, "Doll-making tent", activity_ids=[dolls.id])
    response = client.post("/api/v1/door/walk-ins", headers=bearer(token), json={
        "consent": True,
        "attendees": [{"name": "Mykola", "age_group": "child", "activities": [dolls.id]}],
    })
    assert response.status_code == 201
    [result] = response.json["results"]
    assert (result["status"], result["activity"]) == ("checked_in", dolls.id)


def test_walk_in_is_not_asked_the_events_questions(client, db_session, make_event, make_door):
    """The door's form has no questions: a required one does not keep people out."""
    event = make_event(questions=[{"label": {"en": "Where did you hear of it?"},
                                   "kind": "text", "required": True}])
    _, token = make_door(event)
    response = client.post("/api/v1/door/walk-ins", headers=bearer(token), json={
        "consent": True, "attendees": [{"name": "Ivana Petrova", "age_group": "adult"}]})
    assert response.status_code == 201
    online = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "attendees": [{"name": "Petar Petrov", "age_group": "adult"}]})
    assert online.status_code == 422  # online, the question is still required


def test_a_switched_off_door_still_hands_in_what_it_scanned_before_and_decides_nothing_after(
        client, db_session, organiser, make_event, make_registration, make_door, qr_of, auth):
    event = make_event()
    olena, mykola, daryna = make_registration(event, ["Olena", "Mykola", "Daryna"]).attendees
    door, token = make_door(event)
    now = utcnow()
    auth.login(organiser)
    assert client.post(f"/manage/events/{event.slug}/doors/{door.id}/revoke").status_code == 302
    assert client.get("/api/v1/door", headers=bearer(token)).json["error"] == "door_revoked"
    assert client.get("/api/v1/door/attendees", headers=bearer(token)).status_code == 401
    assert client.post("/api/v1/checkins", headers=bearer(token), json={
        "client_id": "live", "qr": qr_of(daryna)}).json["error"] == "door_revoked"
    # Made offline before the switch-off, one of them also after it (the phone did not know).
    response = client.post("/api/v1/checkins/batch", headers=bearer(token), json={"checkins": [
        {"client_id": "o1", "qr": qr_of(olena),
         "scanned_at": (now - timedelta(minutes=20)).isoformat()},
        {"client_id": "o2", "qr": qr_of(mykola),
         "scanned_at": (now - timedelta(minutes=10)).isoformat()},
        {"client_id": "o3", "qr": qr_of(daryna),
         "scanned_at": (now + timedelta(seconds=30)).isoformat()},
    ]})
    assert response.status_code == 200
    assert [r["status"] for r in response.json["results"]] == [
        "checked_in", "checked_in", "door_revoked"]
    db_session.rollback()
    assert db_session.get(Attendee, olena.id).checked_in_at is not None
    assert db_session.get(Attendee, daryna.id).checked_in_at is None
