"""Pick-up codes at children's workshops: made at the workshop's door, shown to the parent,
and the only way (with a ticket of the same party) to take the child out again."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventreg.audit.models import AuditEntry
from eventreg.checkin import everyone_out, pickup
from eventreg.checkin.models import PickupCheck, PickupCode
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import Conflict, ValidationFailed
from eventreg.privacy.access import personal_data
from eventreg.privacy.erasure import erase
from eventreg.registrations.models import Attendee, attendee_activities
from eventreg.registrations.service import AttendeeRequest
from tests.checkin.conftest import bearer
from tests.doors import app_door

WORKSHOP = {"title": {"en": "Doll-making"}, "capacity": 30, "asks_pickup_codes": True}
STAGE = {"title": {"en": "Stage"}}


@pytest.fixture
def workshop(make_event, make_registration, make_door):
    """An event with a pick-up workshop and a stage, two families and a door for each."""
    event = make_event(activities=[WORKSHOP, STAGE])
    dolls, stage = event.activities
    kovalenko = make_registration(event, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult"),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child", activity_ids=[dolls.id]),
        AttendeeRequest(name="Daryna Kovalenko", age_group="child",
                        activity_ids=[dolls.id, stage.id]),
    ])
    petrov = make_registration(event, [
        AttendeeRequest(name="Ivan Petrov", age_group="adult", activity_ids=[dolls.id]),
        AttendeeRequest(name="Anna Petrova", age_group="child", activity_ids=[dolls.id]),
    ])
    dolls_door, dolls_token = make_door(event, "Doll tent", activity_ids=[dolls.id])
    stage_door, stage_token = make_door(event, "Stage", activity_ids=[stage.id])
    return {"event": event, "dolls": dolls, "stage": stage, "kovalenko": kovalenko,
            "petrov": petrov, "dolls_door": dolls_door, "dolls_token": dolls_token,
            "stage_door": stage_door, "stage_token": stage_token}


def people(w):
    olena, mykola, daryna = w["kovalenko"].attendees
    ivan, anna = w["petrov"].attendees
    return olena, mykola, daryna, ivan, anna


def scan_in(client, token, qr, **body):
    return client.post("/api/v1/checkins", headers=bearer(token),
                       json={"client_id": uuid.uuid4().hex, "qr": qr, **body}).json


def hand_over(client, token, child, **body):
    return client.post("/api/v1/door/pickups", headers=bearer(token),
                       json={"client_id": uuid.uuid4().hex, "attendee_id": child.id, **body})


# --- making codes -----------------------------------------------------------------------------


def test_a_child_let_in_at_the_workshop_gets_a_code_of_unambiguous_characters(
        client, workshop, qr_of):
    _, mykola, daryna, ivan, anna = people(workshop)
    token = workshop["dolls_token"]
    codes = [scan_in(client, token, qr_of(child))["pickup_code"]
             for child in (mykola, daryna, anna)]
    assert all(len(code) == 4 and set(code) <= set(pickup.PICKUP_CODE_ALPHABET)
               for code in codes)
    assert len(set(codes)) == 3
    assert not set("01258BGILOSZ6") & set(pickup.PICKUP_CODE_ALPHABET)
    assert scan_in(client, token, qr_of(ivan))["pickup_code"] is None  # an adult


def test_a_second_scan_shows_the_same_code_and_makes_no_new_one(client, db_session, workshop,
                                                                qr_of):
    mykola = people(workshop)[1]
    first = scan_in(client, workshop["dolls_token"], qr_of(mykola))
    again = scan_in(client, workshop["dolls_token"], qr_of(mykola))
    assert again["status"] == "already_checked_in"
    assert again["pickup_code"] == first["pickup_code"]
    db_session.rollback()
    assert db_session.scalar(select(func.count(PickupCode.id))) == 1


def test_no_code_at_an_activity_that_does_not_ask_or_at_the_entrance(
        client, db_session, workshop, make_door, qr_of):
    daryna = people(workshop)[2]
    _, entrance = make_door(workshop["event"], "Main gate")
    assert scan_in(client, workshop["stage_token"], qr_of(daryna))["pickup_code"] is None
    assert scan_in(client, entrance, qr_of(daryna))["pickup_code"] is None
    db_session.rollback()
    assert db_session.scalar(select(func.count(PickupCode.id))) == 0


def test_codes_are_unique_among_the_children_still_there(db_session, workshop, monkeypatch,
                                                        scan):
    _, mykola, daryna, _, anna = people(workshop)
    door, dolls = workshop["dolls_door"], workshop["dolls"]
    made = iter(["AAAA", "AAAA", "AAAA", "CCCC", "AAAA"])
    monkeypatch.setattr(pickup, "new_pickup_code", lambda: next(made))
    with unit_of_work(db_session):
        first = pickup.issue_pickup_code(db_session, door, dolls, mykola, now=utcnow())
        second = pickup.issue_pickup_code(db_session, door, dolls, daryna, now=utcnow())
    assert (first.code, second.code) == ("AAAA", "CCCC")
    # Once Mykola is picked up, his code is free again.
    first.picked_up_at = utcnow()
    db_session.commit()
    with unit_of_work(db_session):
        third = pickup.issue_pickup_code(db_session, door, dolls, anna, now=utcnow())
    assert third.code == "AAAA"


def test_a_child_by_year_of_birth_gets_a_code_and_an_adult_none(make_event, make_registration):
    event = make_event(age_mode="birth_year", activities=[WORKSHOP])
    dolls = event.activities[0]
    party = make_registration(event, [
        AttendeeRequest(name="Olena", birth_year=utcnow().year - 30),
        AttendeeRequest(name="Mykola", birth_year=utcnow().year - 7)])
    olena, mykola = party.attendees
    assert not pickup.needs_pickup_code(olena, dolls, utcnow())
    assert pickup.needs_pickup_code(mykola, dolls, utcnow())


def test_an_offline_check_in_uploaded_later_gets_its_code_on_the_parents_page(
        client, workshop, qr_of):
    mykola = people(workshop)[1]
    scanned = (utcnow() - timedelta(minutes=20)).isoformat()
    answer = client.post("/api/v1/checkins/batch", headers=bearer(workshop["dolls_token"]),
                         json={"checkins": [{"client_id": uuid.uuid4().hex,
                                             "qr": qr_of(mykola), "scanned_at": scanned}]})
    code = answer.json["results"][0]["pickup_code"]
    assert code
    page = client.get(f"/t/{workshop['kovalenko'].ticket_secret}")
    assert f'data-pickup-code="{code}"' in page.text
    assert "Pick-up codes" in page.text
    other_page = client.get(f"/t/{workshop['petrov'].ticket_secret}")
    assert code not in other_page.text


def test_the_door_list_carries_the_open_code_at_the_workshop(client, workshop, qr_of):
    mykola = people(workshop)[1]
    code = scan_in(client, workshop["dolls_token"], qr_of(mykola))["pickup_code"]
    rows = client.get("/api/v1/door/attendees", headers=bearer(workshop["dolls_token"])).json
    mine = next(row for row in rows["attendees"] if row["id"] == mykola.id)
    assert mine["activities"][0]["pickup_code"] == code
    door = client.get("/api/v1/door", headers=bearer(workshop["dolls_token"])).json
    assert [a["asks_pickup_codes"] for a in door["event"]["activities"]] == [True, False]


def test_only_the_workshops_own_doors_carry_its_codes(client, workshop, make_door, qr_of):
    """Daryna chose the doll tent and the stage: her doll-tent code goes to the doll
    tent's phones only, not to the stage's or the entrance's."""
    daryna = people(workshop)[2]
    code = scan_in(client, workshop["dolls_token"], qr_of(daryna))["pickup_code"]
    assert code
    _, entrance_token = make_door(workshop["event"], "Main gate")
    for token in (workshop["stage_token"], entrance_token):
        response = client.get("/api/v1/door/attendees", headers=bearer(token))
        assert code not in response.get_data(as_text=True)
    rows = client.get("/api/v1/door/attendees", headers=bearer(workshop["dolls_token"])).json
    mine = next(row for row in rows["attendees"] if row["id"] == daryna.id)
    assert mine["activities"][0]["pickup_code"] == code


def test_undoing_the_check_in_takes_the_code_back(client, db_session, workshop, qr_of):
    mykola = people(workshop)[1]
    scan_in(client, workshop["dolls_token"], qr_of(mykola))
    undone = client.post("/api/v1/checkins/undo", headers=bearer(workshop["dolls_token"]),
                         json={"client_id": uuid.uuid4().hex, "attendee_id": mykola.id}).json
    assert undone["status"] == "undone" and undone["pickup_code"] is None
    db_session.rollback()
    assert db_session.scalar(select(func.count(PickupCode.id))) == 0


# --- handing over -----------------------------------------------------------------------------


def test_the_typed_code_hands_the_child_over_and_checks_them_out(client, db_session, workshop,
                                                                qr_of):
    mykola = people(workshop)[1]
    code = scan_in(client, workshop["dolls_token"], qr_of(mykola))["pickup_code"]
    answer = hand_over(client, workshop["dolls_token"], mykola,
                       code=f" {code[:2].lower()} {code[2:]} ")
    assert answer.status_code == 200
    assert answer.json["status"] == "picked_up" and answer.json["method"] == "code"
    assert answer.json["checkout"]["status"] == "checked_out"
    db_session.rollback()
    left_at = db_session.scalar(select(attendee_activities.c.left_at).where(
        attendee_activities.c.attendee_id == mykola.id))
    assert left_at is not None
    again = hand_over(client, workshop["dolls_token"], mykola, code=code)
    assert again.json["status"] == "no_pickup_code"


def test_a_ticket_of_the_same_party_hands_the_child_over(client, workshop, qr_of):
    olena, mykola, *_ = people(workshop)
    scan_in(client, workshop["dolls_token"], qr_of(mykola))
    answer = hand_over(client, workshop["dolls_token"], mykola, qr=qr_of(olena))
    assert answer.json["status"] == "picked_up" and answer.json["method"] == "ticket"


def test_the_pickup_codes_qr_hands_the_child_over(client, workshop, qr_of):
    mykola = people(workshop)[1]
    code = scan_in(client, workshop["dolls_token"], qr_of(mykola))["pickup_code"]
    answer = hand_over(client, workshop["dolls_token"], mykola, qr=f"PICKUP:{code}")
    assert answer.json["status"] == "picked_up" and answer.json["method"] == "code"


@pytest.mark.parametrize("presented", ["other_partys_ticket", "childs_own_ticket",
                                       "other_childs_code", "forged"])
def test_a_mismatch_hands_nobody_over_and_is_recorded(client, db_session, workshop, qr_of,
                                                      presented):
    _, mykola, _, ivan, anna = people(workshop)
    token = workshop["dolls_token"]
    scan_in(client, token, qr_of(mykola))
    annas_code = scan_in(client, token, qr_of(anna))["pickup_code"]
    body = {"other_partys_ticket": {"qr": qr_of(ivan)},
            "childs_own_ticket": {"qr": qr_of(mykola)},
            "other_childs_code": {"code": annas_code},
            "forged": {"qr": qr_of(ivan)[:-4] + "AAAA"}}[presented]
    answer = hand_over(client, token, mykola, **body)
    assert answer.status_code == 200
    assert answer.json["status"] == "pickup_mismatch" and answer.json["checkout"] is None
    db_session.rollback()
    assert db_session.scalar(select(attendee_activities.c.left_at).where(
        attendee_activities.c.attendee_id == mykola.id,
        attendee_activities.c.activity_id == workshop["dolls"].id)) is None
    check = db_session.scalar(select(PickupCheck))
    assert (check.attendee_id, check.status) == (mykola.id, "pickup_mismatch")
    assert db_session.scalar(select(AuditEntry).where(
        AuditEntry.action == "pickup.mismatch")).target == "Mykola Kovalenko"
    code = db_session.scalar(select(PickupCode).where(PickupCode.attendee_id == mykola.id))
    assert code.picked_up_at is None


def test_a_repeated_try_answers_the_first_answer_once(client, db_session, workshop, qr_of):
    mykola = people(workshop)[1]
    code = scan_in(client, workshop["dolls_token"], qr_of(mykola))["pickup_code"]
    body = {"client_id": uuid.uuid4().hex, "attendee_id": mykola.id, "code": code}
    first = client.post("/api/v1/door/pickups", headers=bearer(workshop["dolls_token"]),
                        json=body).json
    again = client.post("/api/v1/door/pickups", headers=bearer(workshop["dolls_token"]),
                        json=body).json
    assert (first["status"], again["status"]) == ("picked_up", "picked_up")
    assert again["replayed"] is True
    db_session.rollback()
    assert db_session.scalar(select(func.count(PickupCheck.id))) == 1


def test_a_plain_check_out_of_a_child_with_a_code_is_refused(client, workshop, qr_of):
    olena, mykola, *_ = people(workshop)
    scan_in(client, workshop["dolls_token"], qr_of(mykola))
    answer = client.post("/api/v1/checkins", headers=bearer(workshop["dolls_token"]),
                         json={"client_id": uuid.uuid4().hex, "qr": qr_of(mykola),
                               "action": "check_out"})
    assert answer.status_code == 409 and answer.json["error"] == "pickup_code_required"
    # Nor does the check-out go through when a phone uploads it later (offline).
    uploaded = client.post("/api/v1/checkins/batch", headers=bearer(workshop["dolls_token"]),
                           json={"checkins": [{"client_id": "out-later", "qr": qr_of(mykola),
                                               "action": "check_out"},
                                              {"client_id": "anna-in",
                                               "qr": qr_of(people(workshop)[4])}]})
    assert [r["status"] for r in uploaded.json["results"]] == ["invalid", "checked_in"]
    rows = client.get("/api/v1/door/attendees", headers=bearer(workshop["dolls_token"])).json
    mine = next(row for row in rows["attendees"] if row["id"] == mykola.id)
    assert mine["activities"][0]["left_at"] is None and mine["activities"][0]["pickup_code"]
    # At another activity's door the child goes out as anyone does.
    scan_in(client, workshop["stage_token"], qr_of(people(workshop)[2]))
    stage_out = client.post("/api/v1/checkins", headers=bearer(workshop["stage_token"]),
                            json={"client_id": uuid.uuid4().hex,
                                  "qr": qr_of(people(workshop)[2]), "action": "check_out"})
    assert stage_out.json["status"] == "checked_out"


def test_pickups_are_asked_at_a_workshop_door_that_asks_them(client, workshop, make_door,
                                                             qr_of):
    daryna = people(workshop)[2]
    stage = hand_over(client, workshop["stage_token"], daryna, code="AAAA")
    assert stage.status_code == 422 and "activity" in stage.json["fields"]
    nothing = hand_over(client, workshop["dolls_token"], daryna)
    assert nothing.status_code == 422


def test_a_door_of_another_event_cannot_hand_a_child_over(db_session, workshop, make_event,
                                                          make_door, qr_of, client):
    mykola = people(workshop)[1]
    scan_in(client, workshop["dolls_token"], qr_of(mykola))
    other = make_event(activities=[WORKSHOP])
    other_door, _ = make_door(other, "Other tent", activity_ids=[other.activities[0].id])
    with pytest.raises(ValidationFailed), unit_of_work(db_session):
        pickup.pick_up(db_session, other_door, pickup.PickupRequest(
            client_id="x" * 20, attendee_id=mykola.id, code="AAAA"))


def test_refusing_a_check_out_needs_the_open_code(db_session, workshop, scan):
    mykola = people(workshop)[1]
    door = workshop["dolls_door"]
    request = pickup.CheckinRequest(client_id="c" * 20, action="check_out",
                                    attendee_id=mykola.id)
    pickup.refuse_check_out_without_pickup(db_session, app_door(door), request)  # no code yet
    admitted = scan(door, mykola)
    with unit_of_work(db_session):
        assert pickup.pickup_code_for(db_session, door, admitted) is not None
    with pytest.raises(Conflict):
        pickup.refuse_check_out_without_pickup(db_session, app_door(door), request)


def test_erasure_removes_codes_and_tries_and_access_shows_them_first(
        client, db_session, workshop, qr_of, organiser):
    olena, mykola, *_ = people(workshop)
    ivan = people(workshop)[3]
    code = scan_in(client, workshop["dolls_token"], qr_of(mykola))["pickup_code"]
    hand_over(client, workshop["dolls_token"], mykola, qr=qr_of(ivan))
    db_session.rollback()
    party = workshop["kovalenko"]
    held = personal_data(db_session, party, by=organiser, channel="json")
    codes = held["attendees"][1]["pickup_codes"]
    assert codes[0]["code"] == code
    assert [t["status"] for t in codes[0]["tries"]] == ["pickup_mismatch"]
    db_session.commit()
    with unit_of_work(db_session):
        erase(db_session, party, by=organiser)
    assert db_session.scalar(select(func.count(PickupCode.id))) == 0
    assert db_session.scalar(select(func.count(PickupCheck.id))) == 0


# --- everyone out ---------------------------------------------------------------------------


@pytest.fixture
def end_of_day(client, workshop, make_event, make_registration, make_door, qr_of):
    """At the workshop: Mykola (holding his code), Anna (picked up) and Ivan (an adult);
    Olena at the entrance; at another event's workshop, a child holding a code."""
    olena, mykola, _daryna, ivan, anna = people(workshop)
    token = workshop["dolls_token"]
    scan_in(client, token, qr_of(mykola))
    anna_code = scan_in(client, token, qr_of(anna))["pickup_code"]
    assert hand_over(client, token, anna, code=anna_code).json["status"] == "picked_up"
    scan_in(client, token, qr_of(ivan))
    scan_in(client, make_door(workshop["event"], "Main gate")[1], qr_of(olena))
    other = make_event(slug="other-day", activities=[WORKSHOP])
    stranger = make_registration(other, [AttendeeRequest(
        name="Child Elsewhere", age_group="child", activity_ids=[other.activities[0].id])])
    _, other_token = make_door(other, "Other tent", activity_ids=[other.activities[0].id])
    assert scan_in(client, other_token, qr_of(stranger.attendees[0]))["pickup_code"]
    return workshop


def _inside(db_session, attendee, activity_id=None):
    db_session.rollback()
    if activity_id is None:
        row = db_session.get(Attendee, attendee.id)
        return row.checked_in_at is not None and row.left_at is None
    left_at = db_session.scalar(select(attendee_activities.c.left_at).where(
        attendee_activities.c.attendee_id == attendee.id,
        attendee_activities.c.activity_id == activity_id))
    return left_at is None


def test_everyone_out_leaves_a_child_holding_a_code_in_until_picked_up(
        db_session, organiser, end_of_day):
    event, dolls = end_of_day["event"], end_of_day["dolls"]
    olena, mykola, _daryna, ivan, anna = people(end_of_day)
    assert everyone_out.people_inside(db_session, event, dolls.id) == everyone_out.EveryoneOut(
        checked_out=1, kept_for_pickup=1)  # Ivan goes, Mykola stays; Anna left
    with unit_of_work(db_session):
        done = everyone_out.check_everyone_out(db_session, event, at=utcnow(), by=organiser)
    assert done.kept_for_pickup == 1  # at the entrance: Mykola only, not the other event's
    assert _inside(db_session, mykola) and _inside(db_session, mykola, dolls.id)
    assert not _inside(db_session, ivan) and not _inside(db_session, ivan, dolls.id)
    assert not _inside(db_session, olena)
    assert pickup.open_pickup_code(db_session, dolls.id, mykola.id) is not None
    entry = db_session.scalar(select(AuditEntry).where(
        AuditEntry.action == "checkin.everyone_out"))
    assert entry.details["kept_for_pickup"] == 1


def test_everyone_out_of_the_workshop_checks_out_the_rest_of_it(db_session, organiser,
                                                                end_of_day):
    event, dolls = end_of_day["event"], end_of_day["dolls"]
    _olena, mykola, _daryna, ivan, _anna = people(end_of_day)
    with unit_of_work(db_session):
        done = everyone_out.check_everyone_out(db_session, event, activity_id=dolls.id,
                                               at=utcnow(), by=organiser)
    assert done == everyone_out.EveryoneOut(checked_out=1, kept_for_pickup=1)
    assert _inside(db_session, mykola, dolls.id) and not _inside(db_session, ivan, dolls.id)


def test_a_child_let_out_at_the_gate_but_holding_a_code_is_counted_as_kept(
        client, db_session, organiser, end_of_day, make_door, qr_of):
    event, dolls = end_of_day["event"], end_of_day["dolls"]
    mykola = people(end_of_day)[1]
    _, exit_token = make_door(event, "Exit", records_exits=True)
    assert scan_in(client, exit_token, qr_of(mykola), action="check_out")["status"] == \
        "checked_out"
    assert not _inside(db_session, mykola) and _inside(db_session, mykola, dolls.id)
    assert everyone_out.people_inside(db_session, event).kept_for_pickup == 1
    with unit_of_work(db_session):
        done = everyone_out.check_everyone_out(db_session, event, at=utcnow(), by=organiser)
    assert done.kept_for_pickup == 1
    assert _inside(db_session, mykola, dolls.id)


def test_the_dashboard_says_how_many_children_each_workshop_still_has_to_hand_over(
        client, auth, organiser, end_of_day):
    event = end_of_day["event"]
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/dashboard").get_data(as_text=True)
    # Mykola holds his code; Anna was picked up; the other event's child is not counted.
    assert "1 child to be picked up" in page
    assert "2 children to be picked up" not in page


def test_the_organiser_is_told_before_and_after_which_children_stay_for_their_pick_up(
        client, auth, db_session, organiser, end_of_day):
    event = end_of_day["event"]
    auth.login(organiser)
    url = f"/manage/events/{event.slug}/everyone-out"
    confirm = client.post(url, data={"activity": "", "when": "now"}).get_data(as_text=True)
    assert "1 child holding a pick-up code stays checked in" in confirm
    done = client.post(url, data={"activity": "", "when": "now", "confirmed": "yes"})
    dashboard = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 child holding a pick-up code is still checked in" in dashboard
    later = client.post(url, data={"activity": "", "when": "at",
                                   "at": "2099-06-20T18:00"}).get_data(as_text=True)
    assert "Children holding a pick-up code then stay checked in" in later


# --- the organiser's setting ------------------------------------------------------------------


def test_the_organiser_turns_pick_up_codes_on_in_the_activity_form_and_the_api_keeps_it(
        client, auth, organiser, db_session, make_event):
    from eventreg.accounts.service import create_api_token
    from eventreg.events.models import Activity

    event = make_event(activities=[STAGE, {"title": {"en": "Face painting"}}])
    stage, painting = event.activities
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/activities/{painting.id}/edit")
    assert "give pick-up codes" in page.text
    answer = client.post(f"/manage/events/{event.slug}/activities/{painting.id}/edit", data={
        "title_en": "Face painting", "position": "1", "asks_pickup_codes": "y"})
    assert answer.status_code == 302
    db_session.expire_all()
    assert (db_session.get(Activity, painting.id).asks_pickup_codes,
            db_session.get(Activity, stage.id).asks_pickup_codes) == (True, False)
    with unit_of_work(db_session):
        _, api_token = create_api_token(db_session, organiser, "test")
    patched = client.patch(f"/api/v1/events/{event.slug}/activities/{painting.id}",
                           headers=bearer(api_token), json={"place": "Tent 2"})
    assert patched.status_code == 200 and patched.json["asks_pickup_codes"] is True
    off = client.patch(f"/api/v1/events/{event.slug}/activities/{painting.id}",
                       headers=bearer(api_token), json={"asks_pickup_codes": False})
    assert off.json["asks_pickup_codes"] is False
