"""Everyone out at the end of a day: by hand now or at a set time, for the event or one
activity; exits recorded at that time, counts right after, audited."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.checkin import everyone_out
from eventreg.checkin.counts import count_checkins
from eventreg.checkin.everyone_out_models import ScheduledCheckOut
from eventreg.checkin.models import Checkin, DoorAccess
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import ValidationFailed
from eventreg.registrations.models import Attendee

DOLLS = {"title": {"en": "Doll-making"}}
STAGE = {"title": {"en": "Stage"}}


@pytest.fixture
def busy_day(db_session, make_event, make_registration, make_door, scan):
    """Four people came in (one went out again), two to the doll-making tent, one to the
    stage; another event has someone inside too."""
    event = make_event(activities=[DOLLS, STAGE], starts_in=-timedelta(hours=3))
    dolls, stage = event.activities
    people = [make_registration(event, [name], **{}).attendees[0]
              for name in ("Olena", "Mykola", "Ivan", "Daryna", "Not come")]
    for person in people[:4]:
        with unit_of_work(db_session):
            db_session.get(Attendee, person.id).activities.extend([dolls, stage])
    gate, _ = make_door(event, "Main gate", records_exits=True)
    tent, _ = make_door(event, "Doll-making tent", activity_ids=[dolls.id])
    stage_door, _ = make_door(event, "Stage door", activity_ids=[stage.id])
    hour_ago = utcnow() - timedelta(hours=1)
    for person in people[:4]:
        scan(gate, person, now=hour_ago)
    scan(gate, people[3], action="check_out", now=hour_ago + timedelta(minutes=5))
    scan(tent, people[0], now=hour_ago)
    scan(tent, people[1], now=hour_ago)
    scan(stage_door, people[2], now=hour_ago)
    other = make_event(slug="other-event", starts_in=-timedelta(hours=3))
    stranger = make_registration(other, ["Stranger"]).attendees[0]
    scan(make_door(other, "Other gate")[0], stranger, now=hour_ago)
    return {"event": event, "other": other, "dolls": dolls, "stage": stage,
            "people": people, "gate": gate}


def test_everyone_out_now_empties_the_event_and_its_activities(db_session, organiser,
                                                                busy_day):
    event = busy_day["event"]
    assert everyone_out.people_inside(db_session, event) == everyone_out.EveryoneOut(3, 0)
    at = utcnow()
    with unit_of_work(db_session):
        done = everyone_out.check_everyone_out(db_session, event, at=at, by=organiser)
    assert done == everyone_out.EveryoneOut(checked_out=3, kept_for_pickup=0)
    counts = count_checkins(db_session, event)
    assert counts.event.inside == 0 and counts.event.checked_in == 4
    assert all(place.inside == 0 for place in counts.activities.values())
    assert count_checkins(db_session, busy_day["other"]).event.inside == 1
    olena = db_session.get(Attendee, busy_day["people"][0].id)
    assert olena.left_at == at
    exits = db_session.scalars(select(Checkin).where(
        Checkin.event_id == event.id, Checkin.action == "check_out",
        Checkin.status == "checked_out", Checkin.scanned_at == at)).all()
    assert len(exits) == 3 + 2 + 1  # the entrance, the tent, the stage
    entry = db_session.scalar(select(AuditEntry).where(
        AuditEntry.action == "checkin.everyone_out"))
    assert entry.organiser_id == organiser.id and entry.details["people"] == 3


def test_everyone_out_of_one_activity_leaves_the_rest(db_session, organiser, busy_day):
    event, dolls, stage = busy_day["event"], busy_day["dolls"], busy_day["stage"]
    assert everyone_out.people_inside(db_session, event, dolls.id).checked_out == 2
    with unit_of_work(db_session):
        assert everyone_out.check_everyone_out(db_session, event, activity_id=dolls.id,
                                               at=utcnow(), by=organiser).checked_out == 2
    counts = count_checkins(db_session, event)
    assert counts.activities[dolls.id].inside == 0
    assert counts.activities[stage.id].inside == 1
    assert counts.event.inside == 3


def test_a_person_checked_out_so_is_welcomed_again_when_back(db_session, organiser, busy_day,
                                                             scan):
    with unit_of_work(db_session):
        everyone_out.check_everyone_out(db_session, busy_day["event"], at=utcnow(),
                                        by=organiser)
    assert scan(busy_day["gate"], busy_day["people"][0]).status == "checked_in"
    assert count_checkins(db_session, busy_day["event"]).event.inside == 1


def test_everyone_out_twice_with_one_run_id_checks_out_once(db_session, organiser, busy_day):
    event = busy_day["event"]
    at = utcnow()
    for _ in range(2):
        with unit_of_work(db_session):
            everyone_out.check_everyone_out(db_session, event, at=at, by=organiser,
                                            run_id="same")
    assert len(db_session.scalars(select(Checkin).where(
        Checkin.event_id == event.id, Checkin.client_id.like("out-same-%"))).all()) == 6


def test_everyone_out_refuses_an_activity_of_another_event_and_a_time_to_come(
        db_session, organiser, busy_day, make_event):
    foreign = make_event(slug="third", activities=[DOLLS]).activities[0]
    with pytest.raises(ValidationFailed) as refused:
        everyone_out.check_everyone_out(db_session, busy_day["event"], activity_id=foreign.id,
                                        at=utcnow(), by=organiser)
    assert "activity" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        everyone_out.check_everyone_out(db_session, busy_day["event"],
                                        at=utcnow() + timedelta(hours=1), by=organiser)
    assert "at" in refused.value.fields


def test_a_set_time_applies_by_itself_once_with_exits_at_that_time(db_session, organiser,
                                                                   busy_day, runner):
    event = busy_day["event"]
    at = utcnow() + timedelta(minutes=30)
    with unit_of_work(db_session):
        everyone_out.schedule_everyone_out(db_session, event, activity_id=None, at=at,
                                           by=organiser)
    assert everyone_out.due_check_outs(db_session, utcnow()) == []
    assert "no set time is due" in runner.invoke(args=["apply-scheduled-check-outs"]).output
    assert count_checkins(db_session, event).event.inside == 3
    [schedule_id] = everyone_out.due_check_outs(db_session, at + timedelta(minutes=1))
    with unit_of_work(db_session):
        assert everyone_out.apply_scheduled_check_out(
            db_session, schedule_id, now=at + timedelta(minutes=1)).checked_out == 3
    with unit_of_work(db_session):
        assert everyone_out.apply_scheduled_check_out(
            db_session, schedule_id, now=at + timedelta(minutes=2)) is None
    db_session.expire_all()
    assert count_checkins(db_session, event).event.inside == 0
    assert db_session.get(Attendee, busy_day["people"][0].id).left_at == at
    schedule = db_session.get(ScheduledCheckOut, schedule_id)
    assert schedule.checked_out == 3 and schedule.applied_at is not None
    assert everyone_out.scheduled_check_outs(db_session, event) == []


def test_the_command_applies_what_is_due(db_session, organiser, busy_day, runner):
    event = busy_day["event"]
    with unit_of_work(db_session):
        schedule = everyone_out.schedule_everyone_out(
            db_session, event, activity_id=busy_day["stage"].id,
            at=utcnow() + timedelta(minutes=5), by=organiser)
        schedule_id = schedule.id
    with unit_of_work(db_session):
        db_session.get(ScheduledCheckOut, schedule_id).at = utcnow() - timedelta(seconds=1)
    result = runner.invoke(args=["apply-scheduled-check-outs"])
    assert f"set time {schedule_id}: 1 checked out" in result.output
    db_session.expire_all()
    counts = count_checkins(db_session, event)
    assert counts.activities[busy_day["stage"].id].inside == 0 and counts.event.inside == 3


def test_a_set_time_past_is_refused_and_one_taken_back_never_applies(db_session, organiser,
                                                                     busy_day):
    event = busy_day["event"]
    with pytest.raises(ValidationFailed):
        everyone_out.schedule_everyone_out(db_session, event, activity_id=None,
                                           at=utcnow() - timedelta(minutes=1), by=organiser)
    at = utcnow() + timedelta(minutes=5)
    with unit_of_work(db_session):
        schedule_id = everyone_out.schedule_everyone_out(
            db_session, event, activity_id=None, at=at, by=organiser).id
    with unit_of_work(db_session):
        everyone_out.cancel_scheduled_check_out(db_session, event, schedule_id, by=organiser)
    assert everyone_out.due_check_outs(db_session, at + timedelta(hours=1)) == []
    actions = db_session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("checkin.everyone_out%"))).all()
    assert sorted(actions) == ["checkin.everyone_out_scheduled",
                               "checkin.everyone_out_unscheduled"]


# --- the pages ---------------------------------------------------------------------------------


def out_url(event) -> str:
    return f"/manage/events/{event.slug}/everyone-out"


def test_page_asks_once_more_saying_how_many_it_affects_then_checks_out(
        client, auth, organiser, db_session, busy_day):
    event = busy_day["event"]
    auth.login(organiser)
    assert "3 people are inside the event now." in client.get(out_url(event)).get_data(
        as_text=True)
    confirm = client.post(out_url(event), data={"activity": "", "when": "now"})
    text = confirm.get_data(as_text=True)
    assert "3 people still inside World Refugee Day are checked out now." in text
    assert 'name="confirmed" value="yes"' in text
    assert "This cannot be undone." in text
    db_session.rollback()
    assert count_checkins(db_session, event).event.inside == 3  # nothing done yet
    done = client.post(out_url(event), data={"activity": "", "when": "now", "confirmed": "yes"})
    assert done.status_code == 302
    db_session.rollback()
    assert count_checkins(db_session, event).event.inside == 0
    dashboard = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "3 people were checked out." in dashboard
    assert '<dd id="figure-inside">0</dd>' in dashboard


def test_page_sets_a_time_in_the_events_time_zone(client, auth, organiser, db_session,
                                                  busy_day):
    event = busy_day["event"]
    auth.login(organiser)
    from zoneinfo import ZoneInfo
    local = (utcnow() + timedelta(days=1)).astimezone(ZoneInfo(event.timezone))
    at_text = local.strftime("%Y-%m-%dT%H:%M")
    form = {"activity": str(busy_day["dolls"].id), "when": "at", "at": at_text}
    confirm = client.post(out_url(event), data=form).get_data(as_text=True)
    assert "2 people are inside now." in confirm and "Doll-making" in confirm
    # A set time is taken back on the page until then (its "Take back" button).
    assert "This cannot be undone." not in confirm
    assert "Until then you can take the time back on this page." in confirm
    client.post(out_url(event), data={**form, "confirmed": "yes"})
    db_session.rollback()
    [schedule] = everyone_out.scheduled_check_outs(db_session, event)
    assert schedule.activity_id == busy_day["dolls"].id
    assert schedule.at == local.replace(second=0, microsecond=0)
    assert count_checkins(db_session, event).activities[busy_day["dolls"].id].inside == 2


@pytest.mark.parametrize("form,message", [
    ({"when": "at", "at": "tomorrow"}, "Give the day and time"),
    ({"when": "at", "at": "2020-01-01T10:00"}, "This time has passed"),
    ({"when": "now", "activity": "999999"}, "Choose the event or one of its activities."),
])
def test_page_refuses_what_it_cannot_do_saying_why(client, auth, organiser, busy_day, form,
                                                   message):
    auth.login(organiser)
    response = client.post(out_url(busy_day["event"]), data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_page_is_for_the_organisation_only(client, auth, make_organiser, busy_day):
    auth.login(make_organiser("Other office"))
    assert client.get(out_url(busy_day["event"])).status_code == 404
    assert client.post(out_url(busy_day["event"]),
                       data={"when": "now", "confirmed": "yes"}).status_code == 404


def test_the_everyone_out_door_is_never_taken_for_the_sign_in_sheets_one(db_session,
                                                                          organiser, busy_day):
    from eventreg.checkin.sign_in_sheets import SIGN_IN_SHEET_DOOR, enter_sign_in_sheet
    from eventreg.registrations.service import AttendeeRequest

    event = busy_day["event"]
    with unit_of_work(db_session):
        everyone_out.check_everyone_out(db_session, event, at=utcnow(), by=organiser)
    with unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, sheet_id="sheet-12345678",
                            people=[AttendeeRequest(name="Асен Тодоров", age_group="adult")])
    db_session.rollback()
    doors = dict(db_session.execute(select(DoorAccess.name, DoorAccess.for_sign_in_sheets)
                                    .where(DoorAccess.event_id == event.id)).all())
    assert doors[SIGN_IN_SHEET_DOOR] and doors[everyone_out.EVERYONE_OUT_DOOR]
    sheet_person = db_session.scalar(select(Attendee).where(Attendee.name == "Асен Тодоров"))
    assert db_session.get(DoorAccess, sheet_person.checked_in_door_id).name == SIGN_IN_SHEET_DOOR
