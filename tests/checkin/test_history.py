"""The scan history (service, pages, download, API), the doubles on the dashboard and at the
door that was told "Welcome", and each door's state (online, last upload, scans held)."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.accounts.service import create_api_token
from eventreg.checkin import history
from eventreg.checkin.dashboard import event_dashboard
from eventreg.checkin.door_state import CONTACT_EVERY, HELD_HEADER, ONLINE_WITHIN
from eventreg.checkin.models import DoorAccess
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import ValidationFailed
from eventreg.registrations.models import Attendee
from eventreg.registrations.search import search_key
from tests.checkin.conftest import bearer

DOLLS = {"title": {"en": "Doll-making"}}


@pytest.fixture
def scanned_day(db_session, make_event, make_registration, make_door, scan):
    """An event with two doors and scans of every kind, and another event's scans beside."""
    event = make_event(activities=[DOLLS])
    dolls = event.activities[0]
    olena, mykola = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"]).attendees
    ivan = make_registration(event, ["Ivan Petrov"]).attendees[0]
    gate, gate_token = make_door(event, "Main gate")
    tent, tent_token = make_door(event, "Doll-making tent", activity_ids=[dolls.id])
    other = make_event(slug="other-event")
    stranger = make_registration(other, ["Olena Stranger"]).attendees[0]
    other_gate, _ = make_door(other, "Other gate")
    now = utcnow()
    scan(gate, olena, now=now - timedelta(minutes=50))                    # checked_in
    scan(gate, olena, now=now - timedelta(minutes=40))                    # already_checked_in
    scan(gate, "not-a-ticket", now=now - timedelta(minutes=30))          # invalid
    scan(tent, ivan, now=now - timedelta(minutes=20))                     # wrong_activity
    scan(gate, stranger, now=now - timedelta(minutes=10))                 # wrong_event
    scan(gate, mykola, now=now - timedelta(minutes=5))                    # checked_in
    scan(other_gate, stranger, now=now - timedelta(minutes=1))           # another event's
    return {"event": event, "other": other, "gate": gate, "tent": tent,
            "gate_token": gate_token, "tent_token": tent_token, "olena": olena,
            "mykola": mykola, "ivan": ivan, "now": now}


def test_history_lists_every_scan_of_the_event_with_refusals_newest_first(db_session,
                                                                           scanned_day):
    found = history.scan_history(db_session, scanned_day["event"], history.ScanQuery())
    assert found.total == 6 and not found.has_more
    assert [(line.door, line.status) for line in found.lines] == [
        ("Main gate", "checked_in"), ("Main gate", "wrong_event"),
        ("Doll-making tent", "wrong_activity"), ("Main gate", "invalid"),
        ("Main gate", "already_checked_in"), ("Main gate", "checked_in")]
    assert found.lines[0].name == "Mykola Kovalenko"
    assert found.lines[2].activity_title == DOLLS["title"]
    assert found.lines[3].name is None


@pytest.mark.parametrize("query,expected", [
    (history.ScanQuery(person="olena"), ["already_checked_in", "checked_in"]),
    (history.ScanQuery(person="Олена Коваленко"), ["already_checked_in", "checked_in"]),
    (history.ScanQuery(person="kovalenko"), ["checked_in", "already_checked_in", "checked_in"]),
    (history.ScanQuery(status="invalid"), ["invalid"]),
    (history.ScanQuery(person="olena", status="checked_in"), ["checked_in"]),
], ids=["first-name", "cyrillic", "family-name-only-the-person", "answer", "person-and-answer"])
def test_history_is_filtered_by_person_and_answer(db_session, scanned_day, query, expected):
    found = history.scan_history(db_session, scanned_day["event"], query)
    assert [line.status for line in found.lines] == expected
    assert found.total == len(expected)


@pytest.mark.parametrize("code", ["XWKQL-ZT3BM", "NTDAR-ELRZM"])  # with digits, and none
def test_history_finds_a_ticket_code_however_it_is_typed(db_session, scanned_day, code):
    with unit_of_work(db_session):
        mykola = db_session.get(Attendee, scanned_day["mykola"].id)
        mykola.ticket_code = code
        mykola.registration.search_text = search_key(mykola.registration)
    for typed in (code, code.replace("-", "").lower()):
        found = history.scan_history(db_session, scanned_day["event"],
                                     history.ScanQuery(person=typed))
        assert [line.name for line in found.lines] == ["Mykola Kovalenko"], typed


def test_history_filtered_by_door_and_in_pages(db_session, scanned_day):
    event, gate, tent = scanned_day["event"], scanned_day["gate"], scanned_day["tent"]
    at_tent = history.scan_history(db_session, event, history.ScanQuery(door_id=tent.id))
    assert [line.status for line in at_tent.lines] == ["wrong_activity"]
    first = history.scan_history(db_session, event,
                                 history.ScanQuery(door_id=gate.id, limit=2))
    second = history.scan_history(db_session, event,
                                  history.ScanQuery(door_id=gate.id, offset=4, limit=2))
    assert (first.total, first.has_more, len(first.lines)) == (5, True, 2)
    assert (len(second.lines), second.has_more) == (1, False)
    assert second.lines[0].status == "checked_in" and second.lines[0].name == "Olena Kovalenko"
    paged_person = history.scan_history(db_session, event,
                                        history.ScanQuery(person="kovalenko", limit=2))
    assert (paged_person.total, paged_person.has_more) == (3, True)


def test_history_refuses_a_door_of_another_event_and_an_unknown_answer(db_session, scanned_day,
                                                                       make_door):
    other_door, _ = make_door(scanned_day["other"], "Back door")
    with pytest.raises(ValidationFailed) as refused:
        history.scan_history(db_session, scanned_day["event"], history.ScanQuery(
            door_id=other_door.id, status="dancing"))
    assert set(refused.value.fields) == {"door", "status"}


def scans_url(event, suffix="") -> str:
    return f"/manage/events/{event.slug}/scans{suffix}"


def test_scans_page_shows_scans_with_answer_and_outcome(client, auth, organiser, scanned_day):
    auth.login(organiser)
    page = client.get(scans_url(scanned_day["event"]))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Mykola Kovalenko" in text and "Not a valid ticket" in text
    assert "Not registered for this activity" in text
    assert "Olena Stranger" not in text  # a ticket of another event names nobody here
    filtered = client.get(scans_url(scanned_day["event"]),
                          query_string={"person": "mykola"}).get_data(as_text=True)
    assert "Mykola Kovalenko" in filtered and "Olena Kovalenko" not in filtered


def test_scans_page_and_api_say_what_an_override_and_an_undo_were_and_why(
        client, auth, organiser, db_session, scanned_day, qr_of, api_token):
    """The refusal let through and the volunteer's reason, never "event cancelled"."""
    def post(token, path, **body):
        return client.post(f"/api/v1/{path}", headers=bearer(token),
                           json={"client_id": uuid.uuid4().hex, **body}).json

    let_in = post(scanned_day["tent_token"], "checkins", qr=qr_of(scanned_day["ivan"]),
                  override="identity_checked")
    assert (let_in["status"], let_in["flag"]) == ("checked_in", "overridden")
    undone = post(scanned_day["gate_token"], "checkins/undo",  # 50 minutes after: a reason
                  attendee_id=scanned_day["olena"].id, reason="wrong_person")
    assert (undone["status"], undone["flag"]) == ("undone", "undone_with_reason")
    auth.login(organiser)
    text = client.get(scans_url(scanned_day["event"])).get_data(as_text=True)
    assert ("let in despite: not registered for this activity – Identity checked on the list"
            in text)
    assert "check-in undone – The wrong person or ticket" in text
    assert "cancelled after the scan" not in text
    rows = list(csv.reader(io.StringIO(client.get(scans_url(
        scanned_day["event"], ".csv")).get_data(as_text=True).lstrip("\ufeff"))))
    assert (rows[1][9], rows[1][12]) == ("check-in undone – The wrong person or ticket",
                                         "undone_with_reason")
    scans = client.get(f"/api/v1/events/{scanned_day['event'].slug}/scans",
                       headers=bearer(api_token)).json["scans"]
    assert [(scan["flag"], scan["overrode"], scan["reason"]) for scan in scans[:2]] == [
        ("undone_with_reason", None, "wrong_person"),
        ("overridden", "wrong_activity", "identity_checked")]


def test_scans_page_and_download_are_for_the_organisation_only(client, auth, make_organiser,
                                                               scanned_day):
    auth.login(make_organiser("Other office"))
    assert client.get(scans_url(scanned_day["event"])).status_code == 404
    assert client.get(scans_url(scanned_day["event"], ".csv")).status_code == 404


def test_scans_download_is_safe_csv_with_the_filters(client, auth, organiser, db_session,
                                                     make_registration, scanned_day, scan):
    formula = make_registration(scanned_day["event"], ["=HYPERLINK(1)"]).attendees[0]
    scan(scanned_day["gate"], formula)
    auth.login(organiser)
    response = client.get(scans_url(scanned_day["event"], ".csv"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Scanned at", "Received at", "Door"]
    assert len(rows) == 1 + 7
    assert rows[1][4] == "'=HYPERLINK(1)"
    only_invalid = client.get(scans_url(scanned_day["event"], ".csv"),
                              query_string={"status": "invalid"}).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(only_invalid)))) == 2


@pytest.fixture
def api_token(db_session, organiser):
    with unit_of_work(db_session):
        return create_api_token(db_session, organiser, "tests")[1]


def test_api_lists_scans_in_pages_with_filters(client, api_token, scanned_day):
    url = f"/api/v1/events/{scanned_day['event'].slug}/scans"
    first = client.get(url, headers=bearer(api_token), query_string={"per_page": "4"}).json
    assert (first["total"], first["page"], first["per_page"], first["has_more"]) == (6, 1, 4, True)
    assert len(first["scans"]) == 4
    second = client.get(url, headers=bearer(api_token),
                        query_string={"per_page": "4", "page": "2"}).json
    assert [scan["status"] for scan in second["scans"]] == ["already_checked_in", "checked_in"]
    assert second["scans"][1]["attendee"]["name"] == "Olena Kovalenko"
    assert second["scans"][1]["door"] == {"id": scanned_day["gate"].id, "name": "Main gate"}
    tent = client.get(url, headers=bearer(api_token),
                      query_string={"door": str(scanned_day["tent"].id)}).json
    assert [scan["status"] for scan in tent["scans"]] == ["wrong_activity"]
    olena = client.get(url, headers=bearer(api_token), query_string={"person": "olena"}).json
    assert olena["total"] == 2
    csv_text = client.get(url + ".csv", headers=bearer(api_token),
                          query_string={"status": "wrong_event"}).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(csv_text)))) == 2


@pytest.mark.parametrize("query,field", [
    ({"status": "dancing"}, "status"), ({"per_page": "500"}, "per_page"),
    ({"page": "0"}, "page"), ({"door": "x"}, "door"),
])
def test_api_refuses_a_query_it_cannot_use(client, api_token, scanned_day, query, field):
    response = client.get(f"/api/v1/events/{scanned_day['event'].slug}/scans",
                          headers=bearer(api_token), query_string=query)
    assert response.status_code == 422
    assert response.json["error"] == "validation_failed"
    assert field in response.json["fields"]


def test_api_scans_of_another_organisations_event_are_not_found(client, db_session,
                                                                 make_organiser, scanned_day):
    stranger = make_organiser("Other office")
    with unit_of_work(db_session):
        _, token = create_api_token(db_session, stranger, "stranger")
    url = f"/api/v1/events/{scanned_day['event'].slug}/scans"
    assert client.get(url, headers=bearer(token)).status_code == 404
    assert client.get(url + ".csv", headers=bearer(token)).status_code == 404
    assert client.get(url).status_code == 401


def test_api_door_filter_of_another_event_is_refused(client, api_token, scanned_day,
                                                     make_door):
    other_door, _ = make_door(scanned_day["other"], "Back door")
    response = client.get(f"/api/v1/events/{scanned_day['event'].slug}/scans",
                          headers=bearer(api_token), query_string={"door": str(other_door.id)})
    assert response.status_code == 422 and "door" in response.json["fields"]


# --- doubles -----------------------------------------------------------------------------------


@pytest.fixture
def doubled(client, db_session, make_event, make_registration, make_door, qr_of):
    """Main gate, online, welcomed Olena and Ivan; the park entrance had let both in
    earlier while offline and uploads that now. Another event has a double of its own."""
    event = make_event()
    olena, ivan, mykola = (make_registration(event, [name]).attendees[0]
                           for name in ("Olena Kovalenko", "Ivan Petrov", "Mykola Bondar"))
    gate, gate_token = make_door(event, "Main gate")
    park, park_token = make_door(event, "Park entrance")
    for attendee in (olena, ivan, mykola):
        answer = client.post("/api/v1/checkins", headers=bearer(gate_token), json={
            "client_id": f"live-{attendee.id}", "qr": qr_of(attendee)}).json
        assert answer["status"] == "checked_in"
    # A repeat at the gate itself is a duplicate from the start, never a double.
    client.post("/api/v1/checkins", headers=bearer(gate_token),
                json={"client_id": "again", "qr": qr_of(mykola)})
    earlier = (utcnow() - timedelta(minutes=10)).isoformat()
    upload = client.post("/api/v1/checkins/batch", headers=bearer(park_token), json={
        "checkins": [{"client_id": f"park-{a.id}", "qr": qr_of(a), "scanned_at": earlier}
                     for a in (olena, ivan)]})
    assert [r["status"] for r in upload.json["results"]] == ["checked_in", "checked_in"]
    other = make_event(slug="other-event")
    stranger = make_registration(other, ["Stranger"]).attendees[0]
    _, other_gate = make_door(other, "Other gate")
    _, other_park = make_door(other, "Other park")
    client.post("/api/v1/checkins", headers=bearer(other_gate),
                json={"client_id": "o1", "qr": qr_of(stranger)})
    client.post("/api/v1/checkins/batch", headers=bearer(other_park), json={"checkins": [
        {"client_id": "o2", "qr": qr_of(stranger), "scanned_at": earlier}]})
    db_session.rollback()
    return {"event": event, "gate": gate, "gate_token": gate_token, "park_token": park_token,
            "olena": olena, "ivan": ivan}


def test_dashboard_counts_doubles_by_door_and_lists_them(db_session, doubled):
    doubles = event_dashboard(db_session, doubled["event"]).doubles
    assert doubles.by_door == [("Main gate", 2)]
    assert doubles.total == 2
    assert sorted(double.name for double in doubles.listed) == ["Ivan Petrov",
                                                                "Olena Kovalenko"]
    assert {double.first_door for double in doubles.listed} == {"Park entrance"}
    assert all(double.first_in_at < double.scanned_at for double in doubles.listed)


def test_dashboard_page_shows_the_doubles(client, auth, organiser, doubled):
    auth.login(organiser)
    text = client.get(f"/manage/events/{doubled['event'].slug}/dashboard/live").get_data(
        as_text=True)
    assert "2 welcomes became duplicates" in text
    assert "Olena Kovalenko" in text and "Park entrance" in text


def test_door_told_of_its_welcomes_that_became_doubles_on_its_next_contact(client, doubled):
    told = client.get("/api/v1/door", headers=bearer(doubled["gate_token"])).json["doubles"]
    assert sorted(double["client_id"] for double in told) == sorted([
        f"live-{doubled['ivan'].id}", f"live-{doubled['olena'].id}"])
    assert {double["first_door"] for double in told} == {"Park entrance"}
    # The door whose earlier scan won is told nothing.
    assert client.get("/api/v1/door", headers=bearer(doubled["park_token"])).json["doubles"] == []


def test_history_shows_a_double_as_answered_welcome_now_a_duplicate(db_session, doubled):
    found = history.scan_history(db_session, doubled["event"], history.ScanQuery(
        door_id=doubled["gate"].id, person="olena"))
    [line] = found.lines
    assert (line.status, line.outcome, line.outcome_changed) == (
        "checked_in", "already_checked_in", True)


# --- each door's state -------------------------------------------------------------------------


def door_row(db_session, door) -> DoorAccess:
    db_session.rollback()
    return db_session.scalar(select(DoorAccess).where(DoorAccess.id == door.id))


def test_door_call_records_contact_and_scans_held(client, db_session, make_event, make_door):
    event = make_event()
    gate, token = make_door(event, "Main gate")
    park, _ = make_door(event, "Park entrance")
    before = utcnow()
    client.get("/api/v1/door", headers={**bearer(token), HELD_HEADER: "7"})
    row = door_row(db_session, gate)
    assert row.last_contact_at >= before and row.scans_held == 7
    assert row.last_upload_at is None
    assert door_row(db_session, park).last_contact_at is None


def test_door_contact_is_written_at_most_every_30_s_unless_the_count_changed(
        client, db_session, make_event, make_door):
    gate, token = make_door(make_event(), "Main gate")
    client.get("/api/v1/door", headers={**bearer(token), HELD_HEADER: "2"})
    first = door_row(db_session, gate).last_contact_at
    client.get("/api/v1/door", headers={**bearer(token), HELD_HEADER: "2"})
    assert door_row(db_session, gate).last_contact_at == first  # not written again
    client.get("/api/v1/door", headers={**bearer(token), HELD_HEADER: "0"})
    row = door_row(db_session, gate)
    assert row.scans_held == 0 and row.last_contact_at > first
    with unit_of_work(db_session):
        db_session.get(DoorAccess, gate.id).last_contact_at = utcnow() - CONTACT_EVERY
    client.get("/api/v1/door", headers=bearer(token))  # an older page says nothing
    row = door_row(db_session, gate)
    assert row.last_contact_at > utcnow() - timedelta(seconds=5) and row.scans_held == 0


@pytest.mark.parametrize("value", ["many", "-1", "1e3", "9999999", "٣"])
def test_a_scans_held_header_that_is_not_a_count_is_ignored(client, db_session, make_event,
                                                            make_door, value):
    gate, token = make_door(make_event(), "Main gate")
    assert client.get("/api/v1/door", headers={**bearer(token), HELD_HEADER: value}
                      ).status_code == 200
    row = door_row(db_session, gate)
    assert row.last_contact_at is not None and row.scans_held is None


def test_upload_records_the_last_upload(client, db_session, make_event, make_registration,
                                        make_door, qr_of):
    event = make_event()
    olena = make_registration(event, ["Olena"]).attendees[0]
    gate, token = make_door(event, "Main gate")
    park, _ = make_door(event, "Park entrance")
    client.post("/api/v1/checkins", headers=bearer(token),
                json={"client_id": "live", "qr": qr_of(olena)})
    assert door_row(db_session, gate).last_upload_at is None
    before = utcnow()
    client.post("/api/v1/checkins/batch", headers={**bearer(token), HELD_HEADER: "1"},
                json={"checkins": [{"client_id": "c1", "qr": qr_of(olena)}]})
    assert door_row(db_session, gate).last_upload_at >= before
    assert door_row(db_session, park).last_upload_at is None


def test_dashboard_shows_each_doors_state(client, auth, organiser, db_session, make_event,
                                          make_door):
    event = make_event()
    gate, _ = make_door(event, "Main gate")
    park, _ = make_door(event, "Park entrance")
    make_door(event, "Tent")  # never opened
    make_door(make_event(slug="other-event"), "Elsewhere")
    now = utcnow()
    with unit_of_work(db_session):
        for door, contact, held in ((gate, now - timedelta(seconds=20), 3),
                                    (park, now - ONLINE_WITHIN - timedelta(minutes=1), 12)):
            row = db_session.get(DoorAccess, door.id)
            row.last_contact_at, row.scans_held = contact, held
            row.last_upload_at = now - timedelta(minutes=30)
    states = event_dashboard(db_session, event, now=now).door_states
    assert [(s.name, s.online, s.scans_held) for s in states] == [
        ("Main gate", True, 3), ("Park entrance", False, 12), ("Tent", False, None)]
    auth.login(organiser)
    text = client.get(f"/manage/events/{event.slug}/dashboard").get_data(as_text=True)
    assert "Door phones" in text and "Never opened" in text and "Elsewhere" not in text


def test_recording_contact_costs_a_scan_one_statement_at_most_every_30_s(
        client, app, db_session, make_event, make_registration, make_door, qr_of):
    from sqlalchemy import event as sa_event

    event = make_event()
    people = make_registration(event, [f"Person {n}" for n in range(5)]).attendees
    gate, token = make_door(event, "Main gate")
    client.get("/api/v1/door", headers={**bearer(token), HELD_HEADER: "0"})
    written = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE DOOR_ACCESSES"):
            written.append(statement)

    engine = db_session.get_bind()
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        for person in people:
            assert client.post("/api/v1/checkins", headers={**bearer(token), HELD_HEADER: "0"},
                               json={"client_id": uuid.uuid4().hex, "qr": qr_of(person)}
                               ).json["status"] == "checked_in"
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert written == []


def test_a_doors_own_queued_scan_uploaded_late_makes_no_double(client, db_session, make_event,
                                                               make_registration, make_door,
                                                               qr_of):
    event = make_event()
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    _, gate_token = make_door(event, "Main gate")
    client.post("/api/v1/checkins", headers=bearer(gate_token),
                json={"client_id": "live-1", "qr": qr_of(olena)})
    client.post("/api/v1/checkins/batch", headers=bearer(gate_token), json={"checkins": [
        {"client_id": "queued-1", "qr": qr_of(olena),
         "scanned_at": (utcnow() - timedelta(minutes=10)).isoformat()}]})
    db_session.rollback()
    lines = history.scan_history(db_session, event, history.ScanQuery()).lines
    assert [(line.status, line.outcome) for line in lines] == [
        ("checked_in", "already_checked_in"), ("checked_in", "checked_in")]
    doubles = event_dashboard(db_session, event).doubles
    assert (doubles.total, doubles.listed) == (0, [])
    assert client.get("/api/v1/door", headers=bearer(gate_token)).json["doubles"] == []
