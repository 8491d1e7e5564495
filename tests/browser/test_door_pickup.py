"""A volunteer at a children's workshop's door: the welcome shows the child's note and
pick-up code, the parent's ticket page shows the code, and at the end a wrong code is
refused in red while the parent's ticket hands the child over."""

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from eventreg.checkin.doors import create_door_access
from eventreg.checkin.models import PickupCheck, PickupCode
from eventreg.database import unit_of_work
from eventreg.registrations.models import attendee_activities
from eventreg.registrations.service import AttendeeRequest
from eventreg.tickets.service import ticket_tokens
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.fake_camera import camera_switches, qr_frame, write_y4m
from tests.doors import app_door

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2}
WORKSHOP = {"title": {"en": "Doll-making"}, "capacity": 20, "asks_pickup_codes": True}
NOTE = "Needs an interpreter (Dari)"


def english(text: str, **values) -> str:
    with force_locale("en"):
        return gettext(text, **values)


@pytest.fixture
def camera_browser(tmp_path):
    """Launch Chromium whose camera plays `frames` ((image or None, seconds) pairs)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browsers = []

    def launch(frames):
        video = tmp_path / f"camera-{len(browsers)}.y4m"
        write_y4m(video, frames)
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=CHROMIUM_ARGS + camera_switches(video))
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()
    playwright.stop()


@pytest.fixture
def workshop_camera(camera_browser):
    """Chromium whose camera shows the child's ticket once, then after 28 s (the mismatch
    is tried meanwhile) the parent's, three times."""

    def launch(child_code, parent_code):
        parent = qr_frame(parent_code)
        return camera_browser([(None, 1.0), (qr_frame(child_code), 1.0), (None, 28.0),
                               (parent, 1.5), (None, 4.0), (parent, 1.5), (None, 4.0),
                               (parent, 1.5), (None, 20.0)])

    return launch


def test_the_workshop_door_shows_note_and_code_refuses_a_wrong_code_and_hands_over_to_the_parent(
        db_session, live_server, workshop_camera, make_event, make_registration, tmp_path):
    event = make_event(activities=[WORKSHOP, {"title": {"en": "Stage"}}])
    dolls = event.activities[0]
    family = make_registration(event, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult"),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child", activity_ids=[dolls.id],
                        door_note=NOTE)])
    others = make_registration(event, [
        AttendeeRequest(name="Anna Petrova", age_group="child", activity_ids=[dolls.id])])
    olena, mykola = family.attendees
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Doll tent", activity_ids=[dolls.id])
    tokens = ticket_tokens(db_session, [olena, mykola])
    browser = workshop_camera(tokens[mykola.id], tokens[olena.id])
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/door/{token}")

    page.wait_for_function("() => Number(document.getElementById('result').dataset.scans) >= 1",
                           timeout=15000)
    result = page.locator("#result")
    assert result.get_attribute("data-status") == "checked_in"
    assert page.locator(".result-note").is_visible()
    assert NOTE in page.locator(".result-note").inner_text()
    db_session.rollback()
    code = db_session.scalar(select(PickupCode.code).where(PickupCode.attendee_id == mykola.id))
    assert code in page.locator(".result-pickup").inner_text()
    page.screenshot(path=str(tmp_path / "welcome-with-note-and-code.png"), full_page=True)

    ticket_page = context.new_page()
    ticket_page.goto(f"{live_server}/t/{family.ticket_secret}")
    pickup_box = ticket_page.locator(".pickup-code")
    assert code in pickup_box.inner_text()
    assert pickup_box.locator("svg").count() == 1  # its QR
    assert NOTE not in ticket_page.content()
    ticket_page.screenshot(path=str(tmp_path / "ticket-page-code.png"), full_page=True)
    ticket_page.close()
    others_page = context.new_page()
    others_page.goto(f"{live_server}/t/{others.ticket_secret}")
    assert code not in others_page.content()
    others_page.close()

    # The answer with a code waits for the volunteer's tap (the code is written down).
    assert result.get_attribute("data-state") == "answer"
    result.click()
    page.wait_for_function("() => document.getElementById('result').dataset.state === 'ready'")
    page.locator("#pickup summary").click()
    page.locator("#pickup-child").select_option(label="Mykola Kovalenko")
    wrong = "AAAA" if code != "AAAA" else "CCCC"
    page.locator("#pickup-code").fill(wrong)
    page.get_by_role("button", name=english("Check the code")).click()
    answer = page.locator("#pickup-result")
    answer.wait_for(state="visible")
    page.wait_for_function("() => document.getElementById('pickup').dataset.status")
    assert page.locator("#pickup").get_attribute("data-status") == "pickup_mismatch"
    assert english("Does not match: do not hand over") in answer.inner_text()
    assert "result-bad" in answer.get_attribute("class")
    answer.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "pickup-mismatch.png"))

    # The parent shows their ticket to the camera: it matches.
    page.wait_for_function(
        "() => document.getElementById('pickup').dataset.status === 'picked_up'", timeout=30000)
    assert english("It matches: hand %(name)s over", name="Mykola Kovalenko") in \
        answer.inner_text()
    assert "result-ok" in answer.get_attribute("class")
    page.screenshot(path=str(tmp_path / "pickup-match.png"))

    db_session.rollback()
    assert [check.status for check in db_session.scalars(
        select(PickupCheck).order_by(PickupCheck.id))] == ["pickup_mismatch", "picked_up"]
    assert db_session.scalar(select(attendee_activities.c.left_at).where(
        attendee_activities.c.attendee_id == mykola.id)) is not None


@pytest.fixture
def child_with_code(db_session, make_event, make_registration):
    """Mykola let in at the doll workshop (its door records exits), holding his code:
    (Mykola, the door's token, the code)."""
    from eventreg.checkin.pickup import issue_pickup_code
    from eventreg.checkin.scanning import CheckinRequest, check_in
    from eventreg.database import utcnow

    event = make_event(activities=[WORKSHOP])
    dolls = event.activities[0]
    family = make_registration(event, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult"),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child", activity_ids=[dolls.id])])
    mykola = family.attendees[1]
    with unit_of_work(db_session):
        door, token = create_door_access(db_session, event, "Doll tent",
                                         activity_ids=[dolls.id], records_exits=True)
        check_in(db_session, app_door(door), CheckinRequest(client_id="in", action="check_in",
                                                  attendee_id=mykola.id, activity_id=dolls.id))
        code = issue_pickup_code(db_session, door, dolls, mykola, now=utcnow()).code
    return mykola, token, code


def test_offline_the_workshop_door_hands_nobody_over(
        db_session, live_server, browser, child_with_code, tmp_path):
    _mykola, token, code = child_with_code
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/door/{token}")
    page.wait_for_function("() => document.getElementById('door').dataset.ready === 'true'")
    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.locator("#pickup summary").click()
    page.locator("#pickup-child").select_option(label="Mykola Kovalenko")
    page.locator("#pickup-code").fill(code)  # even the right code
    page.get_by_role("button", name=english("Check the code")).click()
    answer = page.locator("#pickup-result")
    answer.wait_for(state="visible")
    assert english("No connection: do not hand the child over yet") in answer.inner_text()
    assert "result-bad" in answer.get_attribute("class")
    answer.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "pickup-offline.png"))
    db_session.rollback()
    assert db_session.scalar(select(PickupCheck.id)) is None
    assert db_session.scalar(select(PickupCode.picked_up_at)) is None


def test_offline_a_child_holding_a_code_is_not_let_out_by_a_plain_scan(
        db_session, live_server, camera_browser, child_with_code, tmp_path):
    mykola, token, _code = child_with_code
    # The ticket shows after 6 s: time to go offline and choose "going out".
    ticket = qr_frame(ticket_tokens(db_session, [mykola])[mykola.id])
    browser = camera_browser([(None, 6.0), (ticket, 3.0), (None, 30.0)])
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/door/{token}")
    page.wait_for_function("() => document.getElementById('door').dataset.ready === 'true'")
    # The scanner is loaded and the camera plays before the network goes.
    page.wait_for_function("() => document.getElementById('door').dataset.camera === 'scanning'",
                           timeout=10000)
    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.get_by_label(english("going out")).check()
    page.wait_for_function("() => Number(document.getElementById('result').dataset.scans) >= 1",
                           timeout=20000)
    result = page.locator("#result")
    assert result.get_attribute("data-status") == "pickup_code_required"
    assert "result-bad" in result.get_attribute("class")
    assert english("Do not let this child out") in result.inner_text()
    assert "Mykola Kovalenko" in result.inner_text()
    page.screenshot(path=str(tmp_path / "offline-plain-check-out-of-a-child.png"))
    # Back online, the scan is handed in and lets nobody out there either.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.getElementById('door').dataset.queue === '0'",
                           timeout=20000)
    db_session.rollback()
    assert db_session.scalar(select(attendee_activities.c.left_at).where(
        attendee_activities.c.attendee_id == mykola.id)) is None
    assert db_session.scalar(select(PickupCode.picked_up_at)) is None
