"""Programme reports checked against the hand-counted figures of a generated programme."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from eventreg.checkin import service as checkin
from eventreg.checkin.doors import create_door_access
from eventreg.events import service as events
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest
from eventreg.reports.service import programme_report

SOFIA = ZoneInfo("Europe/Sofia")


def held_event(db_session, organiser, programme, day, venue, slug):
    starts = datetime.combine(day, datetime.min.time(), SOFIA).replace(hour=17)
    event = events.create_event(db_session, organiser, events.EventDetails(
        title={"en": f"Info session {slug}"}, starts_at=starts, ends_at=starts + timedelta(hours=2),
        privacy_notice={"en": "Names are deleted after the project."}, venue=venue,
        programme_id=programme.id, slug=slug, registration_closes_at=starts + timedelta(hours=2)))
    events.publish_event(db_session, organiser, event)
    return event


def attend(db_session, event, door, *people, email="", phone="", checked_in=True):
    """Register a party and check (some of) it in; `people` are (name, age_group) pairs."""
    from eventreg.registrations.service import register

    outcome = register(db_session, event, RegistrationRequest(
        attendees=[AttendeeRequest(name=name, age_group=age) for name, age in people],
        consent=True, email=email, phone=phone), walk_in=True)
    if checked_in:
        for attendee in outcome.registration.attendees:
            checkin.check_in(db_session, door, checkin.CheckinRequest(
                client_id=uuid.uuid4().hex, attendee_id=attendee.id))
    return outcome.registration


def test_report_counts_events_attendance_and_people_reached_once(db_session, organiser):
    programme = events.create_programme(db_session, organiser, "Roma migration awareness",
                                        "Norwegian Financial Mechanism")
    other = events.create_programme(db_session, organiser, "Other project")
    fakulteta = held_event(db_session, organiser, programme, date(2026, 3, 12), "Fakulteta", "a")
    stolipinovo = held_event(db_session, organiser, programme, date(2026, 4, 2), "Stolipinovo", "b")
    outside = held_event(db_session, organiser, programme, date(2025, 12, 1), "Fakulteta", "c")
    elsewhere = held_event(db_session, organiser, other, date(2026, 3, 20), "Sofia", "d")
    doors = {e.id: create_door_access(db_session, e, "Door")[0]
             for e in (fakulteta, stolipinovo, outside, elsewhere)}

    # Fakulteta: a family of 3 (all came), a pair registered who never came.
    attend(db_session, fakulteta, doors[fakulteta.id], ("Мария Иванова", "adult"),
           ("Иван Иванов", "child"), ("Петя Иванова", "child"), phone="+359 88 111 2222")
    attend(db_session, fakulteta, doors[fakulteta.id], ("Georgi Asenov", "adult"),
           ("Elena Asenova", "adult"), checked_in=False)
    # Stolipinovo: Maria again (same phone: one person), and Ana.
    attend(db_session, stolipinovo, doors[stolipinovo.id], ("мария иванова", "adult"),
           phone="+359881112222")
    attend(db_session, stolipinovo, doors[stolipinovo.id], ("Ana Dimitrova", "adult"))
    # Outside the period or the programme: not counted.
    attend(db_session, outside, doors[outside.id], ("Someone Else", "adult"))
    attend(db_session, elsewhere, doors[elsewhere.id], ("Another Person", "adult"))

    report = programme_report(db_session, organiser, programme.id, date(2026, 1, 1),
                              date(2026, 12, 31))
    assert report.events_held == 2
    assert report.registered == 7          # 3 + 2 at Fakulteta, 2 at Stolipinovo
    assert report.attended == 5            # 3 + 2
    assert report.individuals == 4         # Maria counted once
    assert report.by_age_group == {"adult": 3, "child": 2}
    assert report.by_month == {"2026-03": 3, "2026-04": 2}
    assert report.by_place == {"Fakulteta": 3, "Stolipinovo": 2}
    assert [e.attended for e in report.events] == [3, 2]


def test_same_name_without_shared_contact_is_listed_as_a_possible_duplicate(db_session,
                                                                            organiser):
    programme = events.create_programme(db_session, organiser, "Awareness")
    first = held_event(db_session, organiser, programme, date(2026, 5, 1), "Fakulteta", "e")
    second = held_event(db_session, organiser, programme, date(2026, 6, 1), "Fakulteta", "f")
    attend(db_session, first, create_door_access(db_session, first, "D")[0], ("Ana Dimitrova", "adult"))
    attend(db_session, second, create_door_access(db_session, second, "D")[0], ("Ana  Dimitrova", "adult"))
    report = programme_report(db_session, organiser, programme.id, date(2026, 1, 1),
                              date(2026, 12, 31))
    assert report.individuals == 2
    assert report.possible_duplicates == ["ana dimitrova"]


def test_report_page_and_workbook_show_the_figures_to_the_organisation_only(
    client, auth, db_session, organiser, make_organiser
):
    import io

    from openpyxl import load_workbook

    programme = events.create_programme(db_session, organiser, "Awareness", "EEA Grants")
    event = held_event(db_session, organiser, programme, date(2026, 5, 1), "Fakulteta", "g")
    attend(db_session, event, create_door_access(db_session, event, "D")[0],
           ("Ana Dimitrova", "adult"), ("Boris Dimitrov", "child"))
    auth.login(organiser)
    period = "from=2026-01-01&to=2026-12-31"
    page = client.get(f"/manage/programmes/{programme.id}/report?{period}").get_data(
        as_text=True)
    assert "EEA Grants" in page and "Fakulteta" in page and "2026-05" in page
    workbook = load_workbook(io.BytesIO(client.get(
        f"/manage/programmes/{programme.id}/report.xlsx?{period}").data))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert (summary["Attendance"], summary["Individuals reached"]) == (2, 2)
    auth.logout()
    auth.login(make_organiser("Other office"))
    assert client.get(f"/manage/programmes/{programme.id}/report").status_code == 404
