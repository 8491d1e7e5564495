"""The audit log: organiser and door actions, visible to the organisation's admins only."""

import uuid

from eventreg.checkin import scanning as checkin
from eventreg.checkin.doors import create_door_access, revoke_door_access
from eventreg.database import unit_of_work
from eventreg.events import service as events
from eventreg.registrations.service import cancel_attendees, cancel_by_participant
from tests.conftest import TEST_HASH


def test_admin_sees_who_changed_cancelled_and_checked_in_what(
    client, auth, db_session, organiser, make_event, make_registration
):
    event = make_event(slug="world-refugee-day")
    family = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko", "Ivan Petrov"])
    with unit_of_work(db_session):
        door, _ = create_door_access(db_session, event, "Main gate", by=organiser)
    with unit_of_work(db_session):
        checkin.check_in(db_session, door, checkin.CheckinRequest(
            client_id=uuid.uuid4().hex, attendee_id=family.attendees[0].id))
    with unit_of_work(db_session):
        checkin.check_in(db_session, door, checkin.CheckinRequest(
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
    for expected in ("event.created", "event.status_changed", "published → closed",
                     "door.created", "door.revoked", "registration.cancelled",
                     "Mykola Kovalenko", "participant", "Ivan Petrov",
                     "checkin.check_in", "checkin.undo", "door: Main gate", organiser.name):
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
    for expected in ("team.member_added", "colleague@example.org", "api_token.created",
                     "api_token.revoked", "reporting script", "programme.created",
                     "Awareness project", "waitlist.removed", "Waiting Person"):
        assert expected in page, expected
