"""The live dashboard's figures, against hand-counted check-ins."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from eventreg.checkin import scanning as checkin
from eventreg.checkin.dashboard import arrival_slots, event_dashboard
from eventreg.checkin.walk_ins import register_walk_in
from eventreg.database import unit_of_work
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest
from tests.doors import app_door


def test_dashboard_counts_arrivals_walk_ins_activities_and_doors(
    db_session, make_event, make_registration, make_door
):
    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 10}])
    dolls = event.activities[0]
    family = make_registration(event, [
        AttendeeRequest(name="Olena", age_group="adult"),
        AttendeeRequest(name="Mykola", age_group="child", activity_ids=[dolls.id]),
    ])
    make_registration(event, ["Ivan Petrov"])
    gate, _ = make_door(event, "Main gate")
    tent, _ = make_door(event, "Doll-making tent", activity_ids=[dolls.id])
    for door, attendee in ((gate, family.attendees[0]), (tent, family.attendees[1])):
        with unit_of_work(db_session):
            checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
                client_id=uuid.uuid4().hex, attendee_id=attendee.id))
    with unit_of_work(db_session):
        register_walk_in(db_session, gate, RegistrationRequest(
            attendees=[AttendeeRequest(name="Ivana", age_group="adult")], consent=True), phone_region="BG")

    figures = event_dashboard(db_session, event)
    assert (figures.counts.event.registered, figures.counts.event.checked_in) == (4, 3)
    assert figures.not_arrived == 1
    assert figures.counts.walk_ins == 1
    assert figures.counts.activities[dolls.id].checked_in == 1
    assert dict(figures.doors) == {"Main gate": 2, "Doll-making tent": 1}
    assert sum(slot.arrivals for slot in figures.arrivals) == 3


def test_arrivals_are_counted_per_quarter_hour_in_the_events_time_zone():
    sofia = ZoneInfo("Europe/Sofia")
    utc = ZoneInfo("UTC")
    times = [datetime(2027, 6, 20, 7, minute, tzinfo=utc) for minute in (1, 5, 14, 50)]
    slots = arrival_slots(times, sofia)
    assert [(slot.starts_at.strftime("%H:%M"), slot.arrivals) for slot in slots] == [
        ("10:00", 3), ("10:15", 0), ("10:30", 0), ("10:45", 1)]


def test_a_long_day_is_counted_in_longer_slots():
    utc = ZoneInfo("UTC")
    start = datetime(2027, 6, 20, 6, 0, tzinfo=utc)
    times = [start + timedelta(minutes=20 * n) for n in range(40)]  # 13 hours
    slots = arrival_slots(times, utc)
    assert len(slots) <= 48
    assert sum(slot.arrivals for slot in slots) == 40


def test_dashboard_pages_are_for_the_events_organisation_only(client, auth, organiser,
                                                              make_organiser, make_event):
    event = make_event()
    auth.login(make_organiser("Other office"))
    assert client.get(f"/manage/events/{event.slug}/dashboard").status_code == 404
    assert client.get(f"/manage/events/{event.slug}/dashboard/live").status_code == 404


def test_an_admission_made_offline_before_the_ticket_was_cancelled_is_shown_to_organisers(
        client, auth, db_session, organiser, make_event, make_registration, make_door):
    from datetime import timedelta

    from eventreg.database import unit_of_work, utcnow
    from eventreg.registrations.service import cancel_attendees

    event = make_event()
    maria, other = make_registration(event, ["Maria Ivanova", "Petar Petrov"]).attendees
    door, _ = make_door(event, "Park gate")
    scanned = utcnow() - timedelta(minutes=10)
    family = maria.registration
    with unit_of_work(db_session):
        cancel_attendees(db_session, family, [maria.id], now=utcnow() - timedelta(minutes=5))
    with unit_of_work(db_session):
        [result] = checkin.check_in_many(db_session, app_door(door), [checkin.CheckinRequest(
            client_id="offline-1", attendee_id=maria.id, scanned_at=scanned)])
    assert (result.status, result.flag) == ("checked_in", "cancelled_after_scan")
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/dashboard").get_data(as_text=True)
    assert "Admitted before their ticket was cancelled" in page
    assert "Maria Ivanova" in page and "Park gate" in page
    assert "Petar Petrov" not in page.split("Admitted before")[1].split("</section>")[0]
