"""The door's recorded overrides, safe undo, time windows and late uploads, through the API
(the rule itself, case by case: tests/checkin/test_rules.py and test_scan_cases.py)."""

import uuid
from datetime import timedelta

from sqlalchemy import select, update

from eventreg.checkin.doors import revoke_door_access
from eventreg.checkin.models import Checkin
from eventreg.database import unit_of_work, utcnow
from eventreg.events.models import Event
from eventreg.registrations.service import AttendeeRequest, cancel_attendees
from tests.checkin.conftest import bearer

DOLLS = {"title": {"en": "Doll-making"}}


def post(client, token, path="checkins", **body):
    body.setdefault("client_id", uuid.uuid4().hex)
    return client.post(f"/api/v1/{path}", headers=bearer(token), json=body)


def logged(db_session, client_id) -> Checkin:
    db_session.rollback()
    return db_session.scalar(select(Checkin).where(Checkin.client_id == client_id))


def door_counts(client, token) -> dict:
    return client.get("/api/v1/door", headers=bearer(token)).json["counts"]


def cancel(db_session, attendee):
    with unit_of_work(db_session):
        cancel_attendees(db_session, attendee.registration, [attendee.id],
                         now=utcnow() - timedelta(minutes=5))


# --- a recorded override ------------------------------------------------------------------


def test_a_cancelled_ticket_let_in_with_a_reason_is_admitted_counted_and_shown_to_organisers(
        client, auth, db_session, organiser, make_event, make_registration, make_door, qr_of):
    event = make_event()
    maria, petar = make_registration(event, ["Maria Ivanova", "Petar Petrov"]).attendees
    make_registration(event, ["Ivan Georgiev"])
    cancel(db_session, maria)
    _, token = make_door(event, "Park gate")
    make_door(event, "Side gate")
    refused = post(client, token, qr=qr_of(maria)).json
    assert refused["status"] == "cancelled"
    assert door_counts(client, token)["checked_in"] == 0
    answer = post(client, token, qr=qr_of(maria), override="organiser_agreed",
                  client_id="let-in-1").json
    assert (answer["status"], answer["flag"], answer["overrode"], answer["reason"]) == (
        "checked_in", "overridden", "cancelled", "organiser_agreed")
    again = post(client, token, qr=qr_of(maria), override="organiser_agreed",
                 client_id="let-in-1").json
    assert again["replayed"] and (again["status"], again["overrode"]) == ("checked_in",
                                                                          "cancelled")
    row = logged(db_session, "let-in-1")
    assert (row.status, row.flag, row.overrode, row.reason) == (
        "checked_in", "overridden", "cancelled", "organiser_agreed")
    counts = door_counts(client, token)
    assert (counts["checked_in"], counts["inside"], counts["registered"]) == (1, 1, 2)
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/dashboard").get_data(as_text=True)
    decisions = page.split('id="volunteer-decisions"')[1].split("</section>")[0]
    assert "Maria Ivanova" in decisions and "Park gate" in decisions
    assert "cancelled ticket" in decisions and "An organiser agreed" in decisions
    assert "Petar Petrov" not in decisions and "Side gate" not in decisions
    assert "Not here yet" in page
    assert client.get(f"/manage/events/{event.slug}/dashboard/live").get_data(
        as_text=True).count("Maria Ivanova") == 1


def test_a_duplicate_let_in_again_keeps_the_first_arrival_and_counts_once(
        client, db_session, make_event, make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    make_registration(event, ["Someone Else"])
    _, gate = make_door(event, "Main gate")
    _, side = make_door(event, "Side gate")
    first = post(client, gate, qr=qr_of(olena)).json
    assert post(client, side, qr=qr_of(olena)).json["status"] == "already_checked_in"
    answer = post(client, side, qr=qr_of(olena), override="identity_checked").json
    assert (answer["status"], answer["overrode"]) == ("checked_in", "already_checked_in")
    assert (answer["checked_in_at"], answer["checked_in_door"]) == (first["checked_in_at"],
                                                                    "Main gate")
    assert door_counts(client, gate)["checked_in"] == 1


def test_a_ticket_of_another_organisations_event_stays_refused_with_an_override(
        client, db_session, make_event, make_organiser, make_registration, make_door, qr_of):
    event = make_event()
    theirs = make_event(by=make_organiser("Other office"), slug="their-day")
    stranger = make_registration(theirs, ["Stranger"]).attendees[0]
    make_registration(event)
    _, token = make_door(event)
    for override in ("organiser_agreed", "identity_checked", "other"):
        answer = post(client, token, qr=qr_of(stranger), override=override).json
        assert (answer["status"], answer["attendee"], answer["flag"]) == ("wrong_event", None,
                                                                          None)
    answer = post(client, token, qr="AEAAAAAB-not-a-ticket", override="other").json
    assert answer["status"] == "invalid"
    assert door_counts(client, token)["checked_in"] == 0


def test_an_override_at_a_workshop_not_chosen_counts_in_the_workshop_until_undone(
        client, db_session, make_event, make_registration, make_door, qr_of):
    event = make_event(activities=[DOLLS, {"title": {"en": "Stage"}}])
    dolls, stage = (activity.id for activity in event.activities)
    child = make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                                      activity_ids=[stage])]).attendees[0]
    _, tent = make_door(event, "Doll tent", activity_ids=[dolls])
    assert post(client, tent, qr=qr_of(child)).json["status"] == "wrong_activity"
    answer = post(client, tent, qr=qr_of(child), override="family_mix_up").json
    assert (answer["status"], answer["overrode"]) == ("checked_in", "wrong_activity")
    counts = door_counts(client, tent)
    assert counts["activities"][str(dolls)] == {"registered": 0, "checked_in": 1, "inside": 1}
    assert counts["activities"][str(stage)]["checked_in"] == 0
    assert counts["checked_in"] == 1  # at the event too
    assert post(client, tent, "checkins/undo", attendee_id=child.id).json["status"] == "undone"
    assert door_counts(client, tent)["activities"][str(dolls)]["checked_in"] == 0


def test_an_override_or_a_reason_not_in_the_list_is_refused_with_a_message(
        client, make_event, make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    response = post(client, token, qr=qr_of(olena), override="because")
    assert response.status_code == 422 and "override" in response.json["fields"]
    response = post(client, token, qr=qr_of(olena), reason="wrong_person")
    assert response.status_code == 422
    assert "override" in response.json["fields"]["reason"]
    response = post(client, token, "checkins/undo", attendee_id=olena.id,
                    override="organiser_agreed")
    assert response.status_code == 422 and "override" in response.json["fields"]
    response = post(client, token, qr=qr_of(olena), action="check_out", override="other")
    assert response.status_code == 422 and "override" in response.json["fields"]


# --- a safe undo --------------------------------------------------------------------------


def test_an_undo_at_the_same_door_soon_after_is_one_tap(client, db_session, make_event,
                                                        make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    post(client, token, qr=qr_of(olena))
    answer = post(client, token, "checkins/undo", attendee_id=olena.id, client_id="u").json
    assert (answer["status"], answer["flag"], answer["reason"]) == ("undone", None, None)


def test_an_undo_from_another_door_needs_a_reason_and_is_shown_to_organisers(
        client, auth, db_session, organiser, make_event, make_registration, make_door, qr_of):
    event = make_event()
    olena, ivan = make_registration(event, ["Olena Kovalenko", "Ivan Petrov"]).attendees
    _, gate = make_door(event, "Main gate")
    _, side = make_door(event, "Side gate")
    post(client, gate, qr=qr_of(olena))
    post(client, gate, qr=qr_of(ivan))
    asked = post(client, side, "checkins/undo", attendee_id=olena.id).json
    assert (asked["status"], asked["checked_in_door"]) == ("undo_needs_reason", "Main gate")
    assert door_counts(client, gate)["checked_in"] == 2  # nothing taken back
    answer = post(client, side, "checkins/undo", attendee_id=olena.id, reason="wrong_person",
                  client_id="reasoned").json
    assert (answer["status"], answer["flag"], answer["reason"]) == (
        "undone", "undone_with_reason", "wrong_person")
    assert door_counts(client, gate)["checked_in"] == 1
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/dashboard").get_data(as_text=True)
    decisions = page.split('id="volunteer-decisions"')[1].split("</section>")[0]
    assert "Olena Kovalenko" in decisions and "The wrong person or ticket" in decisions
    assert "Side gate" in decisions and "Ivan Petrov" not in decisions


def test_an_undo_after_the_window_needs_a_reason_at_the_same_door_too(
        app, client, db_session, make_event, make_registration, make_door, qr_of):
    event = make_event()
    olena = make_registration(event).attendees[0]
    _, token = make_door(event)
    made = (utcnow() - timedelta(minutes=20)).isoformat()
    batch = client.post("/api/v1/checkins/batch", headers=bearer(token), json={"checkins": [
        {"client_id": "offline", "qr": qr_of(olena), "scanned_at": made}]})
    assert batch.json["results"][0]["status"] == "checked_in"
    assert post(client, token, "checkins/undo",
                attendee_id=olena.id).json["status"] == "undo_needs_reason"
    app.config["CHECKIN_UNDO_WINDOW_MINUTES"] = 30  # the setting decides
    assert post(client, token, "checkins/undo", attendee_id=olena.id).json["status"] == "undone"


# --- time windows -------------------------------------------------------------------------


def test_a_workshop_door_asks_before_admitting_long_before_the_session(
        app, client, db_session, make_event, make_registration, make_door, qr_of):
    event = make_event(starts_in=timedelta(minutes=10), activities=[
        {**DOLLS, "starts_at": utcnow() + timedelta(hours=3)},
        {"title": {"en": "Stage"}, "starts_at": utcnow() + timedelta(minutes=30)}])
    dolls, stage = (activity.id for activity in event.activities)
    maria, petar = make_registration(event, [
        AttendeeRequest(name="Maria", age_group="adult", activity_ids=[dolls, stage]),
        AttendeeRequest(name="Petar", age_group="adult", activity_ids=[dolls])]).attendees
    _, tent = make_door(event, "Doll tent", activity_ids=[dolls])
    _, stage_door = make_door(event, "Stage door", activity_ids=[stage])
    door = client.get("/api/v1/door", headers=bearer(tent)).json
    assert door["door"]["early_warning_minutes"] == 60
    assert [a["starts_at"] is not None for a in door["event"]["activities"]] == [True, True]
    early = post(client, tent, qr=qr_of(maria)).json
    assert (early["status"], early["checked_in_at"]) == ("too_early", None)
    assert post(client, stage_door, qr=qr_of(maria)).json["status"] == "checked_in"
    answer = post(client, tent, qr=qr_of(petar), override="organiser_agreed").json
    assert (answer["status"], answer["overrode"]) == ("checked_in", "too_early")
    app.config["CHECKIN_EARLY_WARNING_MINUTES"] = 240
    assert post(client, tent, qr=qr_of(maria)).json["status"] == "checked_in"


def test_a_walk_in_at_a_workshop_door_long_before_the_session_is_admitted_at_once(
        client, db_session, make_event, make_door):
    """The volunteer registered them there: no early warning asks them again (walk-ins are
    checked in with no time rules, while the same door asks of a scanned ticket)."""
    event = make_event(starts_in=timedelta(minutes=10), activities=[
        {**DOLLS, "starts_at": utcnow() + timedelta(hours=3)}])
    [dolls] = (activity.id for activity in event.activities)
    _, tent = make_door(event, "Doll tent", activity_ids=[dolls])
    response = client.post("/api/v1/door/walk-ins", headers=bearer(tent), json={
        "consent": True,
        "attendees": [{"name": "Mykola", "age_group": "child", "activities": [dolls]}]})
    assert response.status_code == 201
    [result] = response.json["results"]
    assert (result["status"], result["activity"]) == ("checked_in", dolls)
    assert result["checked_in_at"] is not None


# --- late uploads -------------------------------------------------------------------------


def held_days_ago(db_session, make_event, make_registration, days, names, **values):
    """An event held `days` ago (registered while it was ahead), and its attendees."""
    event = make_event(**values)
    attendees = make_registration(event, names).attendees
    starts_at = utcnow() - timedelta(days=days)
    with unit_of_work(db_session):
        db_session.execute(update(Event).where(Event.id == event.id).values(
            starts_at=starts_at, ends_at=starts_at + timedelta(hours=8)))
    db_session.refresh(event)
    return event, attendees


def upload(client, token, *items):
    return client.post("/api/v1/checkins/batch", headers=bearer(token),
                       json={"checkins": list(items)})


def test_an_expired_link_hands_in_its_scans_within_the_grace_period_but_reads_nothing(
        client, db_session, make_event, make_registration, make_door, qr_of):
    event, (olena, ivan) = held_days_ago(  # its link expired two days ago
        db_session, make_event, make_registration, 3, ["Olena Kovalenko", "Ivan Petrov"])
    _, token = make_door(event, created_at=event.starts_at)
    another, _ = held_days_ago(db_session, make_event, make_registration, 3, ["Guest"],
                               slug="another-day")
    _, other = make_door(another, created_at=event.starts_at)
    during = (event.starts_at + timedelta(hours=1)).isoformat()
    after_expiry = (event.ends_at + timedelta(hours=30)).isoformat()
    answer = upload(client, token, {"client_id": "a", "qr": qr_of(olena), "scanned_at": during},
                    {"client_id": "b", "qr": qr_of(ivan), "scanned_at": after_expiry})
    assert answer.status_code == 200
    assert [r["status"] for r in answer.json["results"]] == ["checked_in", "door_expired"]
    assert upload(client, token, {"client_id": "a", "qr": qr_of(olena),
                                  "scanned_at": during}).json["results"][0]["replayed"]
    db_session.rollback()
    db_session.refresh(olena)
    db_session.refresh(ivan)
    assert olena.checked_in_at is not None and ivan.checked_in_at is None
    for response in (client.get("/api/v1/door", headers=bearer(token)),
                     client.get("/api/v1/door/attendees", headers=bearer(token)),
                     post(client, token, qr=qr_of(ivan)),
                     post(client, token, "checkins/undo", attendee_id=olena.id)):
        assert (response.status_code, response.json["error"]) == (401, "door_expired")
    # Another event's door is no key to this one's attendees.
    assert upload(client, other, {"client_id": "x", "qr": qr_of(ivan),
                                  "scanned_at": during}).json["results"][0]["status"] == (
        "wrong_event")


def test_an_expired_link_is_refused_for_uploads_after_the_grace_period(
        app, client, db_session, make_event, make_registration, make_door, qr_of):
    event, (olena,) = held_days_ago(db_session, make_event, make_registration, 3, ["Olena"])
    _, token = make_door(event, created_at=event.starts_at)
    during = (event.starts_at + timedelta(hours=1)).isoformat()
    app.config["DOOR_UPLOAD_GRACE_DAYS"] = 1  # the link expired two days ago
    response = upload(client, token, {"client_id": "a", "qr": qr_of(olena), "scanned_at": during})
    assert (response.status_code, response.json["error"]) == (401, "door_expired")
    assert logged(db_session, "a") is None


def test_an_expired_link_after_fourteen_days_is_refused_by_default(
        client, db_session, make_event, make_registration, make_door, qr_of):
    event, (olena,) = held_days_ago(db_session, make_event, make_registration, 16, ["Olena"])
    _, token = make_door(event, created_at=event.starts_at)
    during = (event.starts_at + timedelta(hours=1)).isoformat()
    response = upload(client, token, {"client_id": "a", "qr": qr_of(olena), "scanned_at": during})
    assert (response.status_code, response.json["error"]) == (401, "door_expired")


def test_a_switched_off_link_gets_no_grace_after_it_expired(
        client, db_session, make_event, make_registration, make_door, qr_of):
    event, (olena,) = held_days_ago(db_session, make_event, make_registration, 3, ["Olena"])
    door, token = make_door(event, created_at=event.starts_at)
    with unit_of_work(db_session):
        revoke_door_access(db_session, door, now=event.ends_at)
    during = (event.starts_at + timedelta(hours=1)).isoformat()
    response = upload(client, token, {"client_id": "a", "qr": qr_of(olena), "scanned_at": during})
    assert (response.status_code, response.json["error"]) == (401, "door_expired")


def test_an_upload_through_an_expired_or_switched_off_link_learns_no_names(
        client, db_session, make_event, make_registration, make_door):
    """A lost phone whose link expired or was switched off may hand in what it scanned,
    and learns nothing of anyone from the answers, not even by looking people up by id
    (seen from the phone: names, notes and ticket codes of a family it never scanned)."""
    event, (olena, ivan) = held_days_ago(
        db_session, make_event, make_registration, 3, ["Olena Kovalenko", "Ivan Petrov"])
    with unit_of_work(db_session):
        ivan.door_note = "needs an interpreter"
    _, expired = make_door(event, created_at=event.starts_at)
    during = (event.starts_at + timedelta(hours=1)).isoformat()
    answer = upload(client, expired,
                    {"client_id": "a", "attendee_id": olena.id, "scanned_at": during},
                    {"client_id": "b", "attendee_id": ivan.id, "action": "check_out",
                     "scanned_at": during})
    assert [r["status"] for r in answer.json["results"]] == ["checked_in", "not_checked_in"]
    live_event = make_event(slug="today")
    (mykola,) = make_registration(live_event, ["Mykola Bondar"]).attendees
    door, switched_off = make_door(live_event, "Park entrance")
    with unit_of_work(db_session):
        revoke_door_access(db_session, door)
    later = upload(client, switched_off,
                   {"client_id": "c", "attendee_id": mykola.id, "action": "check_out"})
    assert later.json["results"][0]["status"] == "door_revoked"
    text = answer.get_data(as_text=True) + later.get_data(as_text=True)
    for secret in ("Olena", "Ivan", "Mykola", "interpreter", olena.ticket_code,
                   mykola.ticket_code):
        assert secret not in text
    assert all(r["attendee"] is None for r in answer.json["results"] + later.json["results"])
