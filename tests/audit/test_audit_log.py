"""The audit log: organiser and door actions, visible to the organisation's admins only."""

import re
import uuid

from eventreg.checkin import scanning as checkin
from eventreg.checkin.doors import create_door_access, revoke_door_access
from eventreg.database import unit_of_work
from eventreg.events import service as events
from eventreg.registrations.service import cancel_attendees, cancel_by_participant
from tests.conftest import TEST_HASH
from tests.doors import app_door


def test_admin_sees_who_changed_cancelled_and_checked_in_what(
    client, auth, db_session, organiser, make_event, make_registration
):
    event = make_event(slug="world-refugee-day")
    family = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko", "Ivan Petrov"])
    with unit_of_work(db_session):
        door, _ = create_door_access(db_session, event, "Main gate", by=organiser)
    with unit_of_work(db_session):
        checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
            client_id=uuid.uuid4().hex, attendee_id=family.attendees[0].id))
    with unit_of_work(db_session):
        checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
            client_id=uuid.uuid4().hex, attendee_id=family.attendees[0].id, action="undo"))
    with unit_of_work(db_session):
        cancel_attendees(db_session, family, [family.attendees[1].id], by=organiser)
    with unit_of_work(db_session):
        cancel_by_participant(db_session, family, [family.attendees[2].id])
    with unit_of_work(db_session):
        revoke_door_access(db_session, door, by=organiser)
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "closed")

    auth.login(organiser)
    page = client.get("/manage/audit").get_data(as_text=True)
    for expected in ("Created the event world-refugee-day",
                     "Changed the status of the event world-refugee-day",
                     "Status: published → closed", "Created the door link Main gate",
                     "Switched off the door link Main gate",
                     "Cancelled the tickets of Mykola Kovalenko",
                     "a participant (private link)", "Cancelled the tickets of Ivan Petrov",
                     "Scanned Olena Kovalenko coming in",
                     "Took back the check-in of Olena Kovalenko", "Outcome: Admitted",
                     "door link Main gate", "Records exits: no", organiser.name):
        assert expected in page, expected


def test_organisers_who_are_not_admins_cannot_see_the_audit_log(client, auth, make_organiser):
    auth.login(make_organiser(role="organiser"))
    assert client.get("/manage/audit").status_code == 403


def test_audit_log_shows_only_the_own_organisations_actions(client, auth, organiser,
                                                           make_organiser, make_event):
    make_event(by=organiser, slug="ours")
    other = make_organiser("Other office")
    make_event(by=other, slug="theirs")
    auth.login(other)
    page = client.get("/manage/audit").get_data(as_text=True)
    assert "theirs" in page and "ours" not in page


def test_team_tokens_programmes_and_the_waiting_list_are_in_the_log(
    client, auth, db_session, organiser, make_event, make_registration
):
    from eventreg.accounts.service import add_team_member, create_api_token, revoke_api_token
    from eventreg.registrations.service import AttendeeRequest, RegistrationRequest
    from eventreg.waitlist.service import join_waitlist, remove_from_waitlist

    with unit_of_work(db_session):
        add_team_member(db_session, organiser, email="colleague@example.org", name="Colleague",
                        password="a long enough password", role="organiser", password_hash_method=TEST_HASH)
    with unit_of_work(db_session):
        row, _ = create_api_token(db_session, organiser, "reporting script")
    with unit_of_work(db_session):
        revoke_api_token(db_session, organiser, row.id)
    with unit_of_work(db_session):
        events.create_programme(db_session, organiser, "Awareness project", "EEA Grants")
    event = make_event(capacity=1)
    make_registration(event, ["Olena"])
    with unit_of_work(db_session):
        entry = join_waitlist(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Waiting Person", age_group="adult")], consent=True), phone_region="BG")
    with unit_of_work(db_session):
        remove_from_waitlist(db_session, entry, by=organiser)
    auth.login(organiser)
    page = client.get("/manage/audit").get_data(as_text=True)
    for expected in ("Added Colleague &lt;colleague@example.org&gt; to the team",
                     "Role: Organiser", "Created the API token reporting script",
                     "Revoked the API token reporting script",
                     "Created the programme Awareness project",
                     "Removed Waiting Person from the waiting list"):
        assert expected in page, expected


def test_bulgarian_audit_log_says_each_action_in_words_at_the_events_local_time(
    client, auth, db_session, organiser, make_event, make_registration
):
    from datetime import UTC, datetime

    event = make_event(slug="kyiv-evening", timezone="Europe/Kyiv")
    family = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"])
    with unit_of_work(db_session):
        door, _ = create_door_access(db_session, event, "Main gate", by=organiser)
    with unit_of_work(db_session):
        checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
            client_id=uuid.uuid4().hex, attendee_id=family.attendees[0].id),
            now=datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    auth.login(organiser)
    page = client.get("/manage/audit", headers={"Accept-Language": "bg"}).get_data(as_text=True)
    for leak in ("checkin.check_in", "event.created", "door.created", "status:",
                 "scanned_at", "records_exits", "False", "+00:00", "2026-12-01T"):
        assert leak not in page, leak
    for expected in ("Създаде събитието kyiv-evening", "Сканира Olena Kovalenko на влизане",
                     "Резултат: Допуснат(а)", "Записва излизания: не"):
        assert expected in page, expected
    assert re.search(r"<td>1\.12\.2026\s+г\., 8:00</td>", page)  # 06:00 UTC is 08:00 in Kyiv


def test_audit_log_pages_filters_by_kind_and_person_and_downloads_csv(
    client, auth, db_session, organiser, make_event, monkeypatch
):
    from eventreg.audit import service as audit

    monkeypatch.setattr(audit, "PAGE_SIZE", 3)
    monkeypatch.setattr("eventreg.audit.views.PAGE_SIZE", 3)
    first, second = make_event(slug="first-day"), make_event(slug="second-day")
    for event in (first, second):
        with unit_of_work(db_session):
            create_door_access(db_session, event, f"Gate of {event.slug}", by=organiser)
    # created + published + a door for each event: 6 lines, newest first, 3 a page
    auth.login(organiser)
    one = client.get("/manage/audit").get_data(as_text=True)
    two = client.get("/manage/audit?page=2").get_data(as_text=True)
    assert one.count("<tr>") - 1 == 3 and two.count("<tr>") - 1 == 3
    assert 'rel="next"' in one and 'rel="next"' not in two and 'rel="prev"' in two
    assert "Created the door link Gate of second-day" in one
    assert "Created the event first-day" in two

    doors = client.get("/manage/audit?kind=door").get_data(as_text=True)
    assert "Gate of first-day" in doors and "Created the event" not in doors
    about_first = client.get("/manage/audit?person=FIRST-DAY").get_data(as_text=True)
    assert "first-day" in about_first and "second-day" not in about_first

    download = client.get("/manage/audit.csv?kind=event",
                          headers={"Accept-Language": "uk"})
    assert download.mimetype == "text/csv"
    rows = download.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0].startswith("Коли,Хто,Що")
    assert len(rows) == 1 + 4  # every matching line, not one page
    assert all("event." in row for row in rows[1:]) and "door." not in "".join(rows)


def test_a_person_filter_with_wildcards_matches_them_as_typed(
    client, auth, db_session, organiser, make_event
):
    event = make_event(slug="plain")
    with unit_of_work(db_session):
        create_door_access(db_session, event, "Gate_100%", by=organiser)
        create_door_access(db_session, event, "Gate 1", by=organiser)
    auth.login(organiser)
    page = client.get("/manage/audit?person=_100%25").get_data(as_text=True)
    assert "Gate_100%" in page and "Gate 1<" not in page and "plain" not in page
