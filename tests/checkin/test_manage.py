"""Organiser pages for doors, and the scanner page a door link opens."""

import re

import pytest
from sqlalchemy import select

from eventreg.checkin import doors
from eventreg.checkin.models import DoorAccess
from tests.checkin.conftest import bearer

DOLLS = {"title": {"en": "Doll-making"}}


def doors_url(event) -> str:
    return f"/manage/events/{event.slug}/doors"


def test_doors_page_needs_sign_in(client, make_event):
    response = client.get(doors_url(make_event()))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_doors_page_lists_the_events_doors(client, auth, organiser, make_event, make_door):
    event = make_event()
    make_door(event, "Main gate")
    make_door(event, "Park entrance")
    make_door(make_event(slug="other-event"), "Backstage")
    auth.login(organiser)
    page = client.get(doors_url(event)).get_data(as_text=True)
    assert "Main gate" in page and "Park entrance" in page
    assert "Backstage" not in page


def test_organiser_makes_a_door_and_is_shown_its_link_and_qr_code(
    client, auth, organiser, db_session, make_event
):
    event = make_event(activities=[DOLLS])
    dolls_id = event.activities[0].id
    auth.login(organiser)
    response = client.post(doors_url(event), data={
        "name": "Doll-making tent", "activities": [str(dolls_id)], "records_exits": "y"})
    assert response.status_code == 302
    door = db_session.scalar(select(DoorAccess))
    assert (door.name, door.records_exits, door.created_by_id) == (
        "Doll-making tent", True, organiser.id)
    assert [activity.id for activity in door.activities] == [dolls_id]
    assert response.headers["Location"].endswith(f"{doors_url(event)}/{door.id}")
    page = client.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    link = re.search(r'href="(https?://[^"]+/door/door_[^"]+)"', text).group(1)
    assert link.endswith("/door/" + doors.door_token(door))
    assert re.search(r'<div class="door-link-qr">\s*<svg', text)


def test_a_kiosks_link_page_speaks_of_the_tablet_not_of_volunteers_seeing_names(
        client, auth, organiser, make_event, make_door):
    event = make_event()
    kiosk, _ = make_door(event, "Entrance tablet", kiosk=True)
    gate, _ = make_door(event, "Main gate")
    auth.login(organiser)
    kiosk_page = client.get(f"{doors_url(event)}/{kiosk.id}").get_data(as_text=True)
    gate_page = client.get(f"{doors_url(event)}/{gate.id}").get_data(as_text=True)
    attendees_names = "can see the names of this event"
    assert attendees_names in gate_page and "volunteer" in gate_page
    assert attendees_names not in kiosk_page and "volunteer" not in kiosk_page
    assert "keep it on the tablet" in kiosk_page


def test_door_made_without_a_name_shows_the_error_and_makes_nothing(
    client, auth, organiser, db_session, make_event
):
    event = make_event()
    auth.login(organiser)
    response = client.post(doors_url(event), data={"name": " "})
    assert response.status_code == 200
    assert "Name the door" in response.get_data(as_text=True)
    assert db_session.scalars(select(DoorAccess)).all() == []


def test_revoking_a_door_switches_its_link_off(client, auth, organiser, make_event, make_door):
    event = make_event()
    door, token = make_door(event)
    auth.login(organiser)
    response = client.post(f"{doors_url(event)}/{door.id}/revoke")
    assert response.status_code == 302
    refused = client.get("/api/v1/door", headers=bearer(token))
    assert (refused.status_code, refused.json["error"]) == (401, "door_revoked")
    page = client.get(f"{doors_url(event)}/{door.id}").get_data(as_text=True)
    assert token not in page
    assert "<svg" not in page


@pytest.mark.parametrize("method,path", [
    ("get", "{doors}"),
    ("post", "{doors}"),
    ("get", "{doors}/{door}"),
    ("post", "{doors}/{door}/revoke"),
])
def test_another_organisations_organiser_cannot_reach_the_doors(
    client, auth, make_organiser, db_session, make_event, make_door, method, path
):
    event = make_event()
    door, token = make_door(event)
    auth.login(make_organiser(organisation="Another NGO"))
    url = path.format(doors=doors_url(event), door=door.id)
    response = getattr(client, method)(url, data={"name": "Their gate"})
    assert response.status_code == 404
    assert token not in response.get_data(as_text=True)
    db_session.rollback()
    assert [(d.id, d.revoked_at) for d in db_session.scalars(select(DoorAccess))] == [
        (door.id, None)]


def test_door_of_another_event_is_not_found_under_this_event(client, auth, organiser, db_session,
                                                            make_event, make_door):
    event = make_event()
    other_door, _ = make_door(make_event(slug="other-event"))
    auth.login(organiser)
    assert client.get(f"{doors_url(event)}/{other_door.id}").status_code == 404
    assert client.post(f"{doors_url(event)}/{other_door.id}/revoke").status_code == 404
    db_session.rollback()
    assert db_session.get(DoorAccess, other_door.id).revoked_at is None


# --- the scanner page (a switched-off link: tests/checkin/test_scanner_page.py) ------------


def test_scanner_page_opens_for_a_live_door_link(client, make_event, make_door):
    _, token = make_door(make_event(), "Main gate")
    response = client.get(f"/door/{token}")
    assert response.status_code == 200
    assert "Main gate" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_scanner_page_for_an_unknown_link_is_refused(client, make_event, make_door):
    make_door(make_event())
    response = client.get("/door/door_not-a-real-token")
    assert response.status_code == 401
    assert "not valid" in response.get_data(as_text=True)
