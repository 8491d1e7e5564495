"""The organiser's dashboard shows each door's phone (online, last upload, scans it still
holds) and the doubles, updating by itself as doors call."""

import os
from datetime import timedelta
from pathlib import Path

import pytest

from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work, utcnow
from eventreg.tickets.service import ticket_tokens
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def app_settings(app_settings):
    app_settings["DASHBOARD_REFRESH_MS"] = 500
    return app_settings


def test_dashboard_shows_door_states_and_doubles_without_reloading(
    app, db_session, live_server, browser, organiser, make_event, make_registration, tmp_path
):
    event = make_event()
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    with unit_of_work(db_session):
        gate, gate_token = create_door_access(db_session, event, "Main gate")
        park, park_token = create_door_access(db_session, event, "Park entrance")
        create_door_access(db_session, event, "Doll-making tent")
        for door in (gate, park):
            door.created_at = utcnow() - timedelta(hours=1)
    code = ticket_tokens(db_session, [olena])[olena.id]
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/manage/events/{event.slug}/dashboard")
    doors = page.locator("#door-states")
    assert doors.get_by_role("row", name="Main gate Never opened").is_visible()
    assert page.locator("#doubles").count() == 0
    page.evaluate("() => { window.sameDocument = true; }")

    # The gate, online, welcomes Olena; the park entrance had let her in earlier while
    # offline and uploads that now, with two more scans still on its phone.
    welcome = page.request.post(f"{live_server}/api/v1/checkins", headers={
        "Authorization": f"Bearer {gate_token}", "X-Door-Scans-Held": "0"},
        data={"qr": code, "client_id": "gate-1"})
    assert welcome.json()["status"] == "checked_in"
    earlier = (utcnow() - timedelta(minutes=10)).isoformat()
    upload = page.request.post(f"{live_server}/api/v1/checkins/batch", headers={
        "Authorization": f"Bearer {park_token}", "X-Door-Scans-Held": "2"},
        data={"checkins": [{"qr": code, "client_id": "park-1", "scanned_at": earlier}]})
    assert upload.json()["results"][0]["status"] == "checked_in"

    page.locator("#doubles").wait_for(timeout=10000)
    park_row = doors.locator("tr", has_text="Park entrance")
    # The phone's count is written just after the upload's own transaction.
    park_row.locator("td.number", has_text="2").wait_for(timeout=10000)
    assert "Online" in park_row.inner_text()
    assert park_row.locator("td").nth(1).inner_text() != "–"  # its last upload
    gate_row = doors.locator("tr", has_text="Main gate")
    assert "Online" in gate_row.inner_text()
    assert gate_row.locator("td").nth(1).inner_text() == "–"  # never uploaded
    assert "Never opened" in doors.locator("tr", has_text="Doll-making tent").inner_text()
    doubles = page.locator("#doubles")
    assert "1 welcome became a duplicate" in doubles.inner_text()
    assert "Main gate: 1" in doubles.inner_text()
    assert "Olena Kovalenko" in doubles.inner_text() and "Park entrance" in doubles.inner_text()
    assert page.evaluate("() => window.sameDocument") is True  # updated, not reloaded
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    page.locator("#door-states").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "dashboard-doors-360.png"))
    page.screenshot(path=str(shots / "dashboard-doors-360-full.png"), full_page=True)


def test_organiser_checks_everyone_out_and_finds_the_exits_in_the_scans(
    app, db_session, live_server, browser, organiser, make_event, make_registration, tmp_path
):
    event = make_event(starts_in=-timedelta(hours=2))
    people = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"]).attendees
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Main gate")
    codes = ticket_tokens(db_session, people)
    page = browser.new_page(viewport={"width": 360, "height": 640})
    for person in people:
        page.request.post(f"{live_server}/api/v1/checkins", headers={
            "Authorization": f"Bearer {token}"}, data={"qr": codes[person.id],
                                                       "client_id": f"in-{person.id}"})
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/manage/events/{event.slug}/dashboard")
    page.get_by_role("link", name="Check everyone out").click()
    assert "2 people are inside the event now." in page.locator("#inside-now").inner_text()
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(shots / "everyone-out-360.png"), full_page=True)
    page.get_by_role("button", name="Check everyone out…").click()
    assert "2 people still inside World Refugee Day are checked out now." in page.inner_text("main")
    page.screenshot(path=str(shots / "everyone-out-confirm-360.png"), full_page=True)
    page.get_by_role("button", name="Yes, check them out").click()
    assert "2 people were checked out." in page.inner_text("main")
    assert page.locator("#figure-inside").inner_text() == "0"
    page.get_by_role("link", name="All scans").first.click()
    assert page.locator("#scans-total").inner_text() == "4 scans"
    page.get_by_label("Person (name or ticket code)").fill("mykola")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("table.scans tbody tr")
    assert rows.count() == 2
    assert "Went out" in rows.nth(0).inner_text() and "Everyone out" in rows.nth(0).inner_text()
    assert "Admitted" in rows.nth(1).inner_text()
    page.screenshot(path=str(shots / "scans-360.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these scans (CSV)").click()
    assert "Mykola Kovalenko" in Path(download.value.path()).read_text(encoding="utf-8-sig")


def test_door_is_told_once_that_its_welcome_became_a_duplicate(
    app, db_session, live_server, browser, make_event, make_registration, tmp_path
):
    event = make_event()
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    with unit_of_work(db_session):
        gate, gate_token = create_door_access(db_session, event, "Main gate")
        park, park_token = create_door_access(db_session, event, "Park entrance")
        for door in (gate, park):
            door.created_at = utcnow() - timedelta(hours=1)
    code = ticket_tokens(db_session, [olena])[olena.id]
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(f"{live_server}/door/{gate_token}")
    page.locator("#connection-state", has_text="Online").wait_for(timeout=10000)
    assert page.locator("#door-doubles").is_hidden()
    # This door welcomed Olena; the park entrance, offline, had let her in earlier.
    page.request.post(f"{live_server}/api/v1/checkins", headers={
        "Authorization": f"Bearer {gate_token}"}, data={"qr": code, "client_id": "gate-1"})
    page.request.post(f"{live_server}/api/v1/checkins/batch", headers={
        "Authorization": f"Bearer {park_token}"}, data={"checkins": [
            {"qr": code, "client_id": "park-1",
             "scanned_at": (utcnow() - timedelta(minutes=10)).isoformat()}]})
    page.reload()  # its next contact
    notice = page.locator("#door-doubles")
    notice.wait_for(state="visible", timeout=10000)
    assert "Olena Kovalenko" in notice.inner_text() and "Park entrance" in notice.inner_text()
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(shots / "door-told-double-360.png"))
    page.get_by_role("button", name="OK, seen").click()
    assert notice.is_hidden()
    with page.expect_response(lambda response: "/api/v1/door/attendees" in response.url):
        page.reload()  # a sync: the door again (its doubles), then the list
    page.wait_for_timeout(300)
    assert notice.is_hidden(), "told once"
