"""The organiser's live dashboard updates by itself after a door checks someone in."""

import pytest

from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work
from eventreg.tickets.service import ticket_tokens
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def app_settings(app_settings):
    app_settings["DASHBOARD_REFRESH_MS"] = 500
    return app_settings


def test_dashboard_shows_a_check_in_made_through_the_api_without_reloading(
    app, db_session, live_server, browser, organiser, make_event, make_registration, tmp_path
):
    event = make_event()
    olena = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"]).attendees[0]
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Main gate")
    code = ticket_tokens(db_session, [olena])[olena.id]
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/manage/events/{event.slug}/dashboard")
    assert page.locator("#figure-checked-in").inner_text() == "0"
    assert page.locator("#figure-not-arrived").inner_text() == "2"
    page.evaluate("() => { window.sameDocument = true; }")

    response = page.request.post(f"{live_server}/api/v1/checkins", headers={
        "Authorization": f"Bearer {token}"}, data={"qr": code, "client_id": "dashboard-1"})
    assert response.json()["status"] == "checked_in"

    page.locator("#figure-checked-in", has_text="1").wait_for(timeout=10000)
    assert page.locator("#figure-not-arrived").inner_text() == "1"
    assert page.get_by_role("row", name="Main gate 1").is_visible()
    assert page.locator(".arrivals-chart rect.bar").count() >= 1
    assert page.evaluate("() => window.sameDocument") is True  # updated, not reloaded
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
