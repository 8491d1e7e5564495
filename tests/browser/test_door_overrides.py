"""A volunteer lets a person in despite the door's answer (a recorded override) and the
organiser sees it; a phone whose link expired sends or discards the scans it still holds."""

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from eventreg.checkin.doors import VALID_AFTER_EVENT, create_door_access
from eventreg.checkin.models import Checkin
from eventreg.database import unit_of_work, utcnow
from eventreg.events.models import Event
from eventreg.registrations.models import Attendee
from eventreg.registrations.service import cancel_attendees
from eventreg.tickets.service import ticket_tokens
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.fake_camera import camera_switches, qr_frame, write_y4m
from tests.browser.test_door_scanner import QUEUED_SCANS, english, open_door, wait_for_scan
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2}


@pytest.fixture
def camera_showing_once(tmp_path):
    """Chromium whose camera shows one code once, after `lead_in` seconds, then nothing for
    long enough that the volunteer's taps are not interrupted by a rescan."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    launched = []

    def launch(code, lead_in=6.0):
        video = tmp_path / "camera.y4m"
        write_y4m(video, [(None, lead_in), (qr_frame(code), 1.0), (None, 120.0)])
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + camera_switches(video))
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()
    playwright.stop()


def test_a_volunteer_lets_in_a_cancelled_ticket_with_a_reason_and_the_organiser_sees_it(
    app, db_session, live_server, camera_showing_once, organiser, make_event,
    make_registration, tmp_path
):
    event = make_event(capacity=50)
    maria, petar = make_registration(event, ["Maria Ivanova", "Petar Petrov"]).attendees
    ivan = make_registration(event, ["Ivan Georgiev"]).attendees[0]  # a party of one
    with unit_of_work(db_session):
        for attendee in (maria, ivan):
            cancel_attendees(db_session, attendee.registration, [attendee.id],
                             now=utcnow() - timedelta(minutes=5))
        _, token = create_door_access(db_session, event, "Park gate")
        create_door_access(db_session, event, "Side gate")
    browser = camera_showing_once(ticket_tokens(db_session, [maria])[maria.id])
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server}/door/{token}")

    status, text = wait_for_scan(page, 1)
    assert status == "cancelled" and english("Cancelled ticket") in text
    let_in = page.get_by_role("button", name=english("Let in anyway"))
    let_in.wait_for()
    page.screenshot(path=str(tmp_path / "override-offered.png"))
    let_in.click()
    assert english("Why do you let them in?") in page.locator("#door-choice").inner_text()
    page.screenshot(path=str(tmp_path / "override-reasons.png"))
    page.get_by_role("button", name=english("An organiser agreed")).click()

    status, text = wait_for_scan(page, 2)
    assert status == "checked_in"
    assert english("Welcome, %(name)s", name="Maria Ivanova") in text
    assert english("People in the party: %(count)s", count=1) in text  # Petar
    choice = page.locator("#door-choice")
    assert english("Let in by you: %(reason)s", reason=english("An organiser agreed")) in (
        choice.inner_text())
    page.locator("#count-checked-in", has_text="1").wait_for()  # counted on the phone too
    page.screenshot(path=str(tmp_path / "override-admitted.png"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    db_session.rollback()
    row = db_session.scalar(select(Checkin).where(Checkin.flag == "overridden"))
    assert (row.attendee_id, row.overrode, row.reason) == (maria.id, "cancelled",
                                                           "organiser_agreed")
    assert db_session.get(Attendee, maria.id).checked_in_at is not None
    assert db_session.get(Attendee, petar.id).checked_in_at is None

    organiser_page = browser.new_context(viewport={"width": 360, "height": 640}).new_page()
    organiser_page.goto(f"{live_server}/login")
    organiser_page.get_by_label("Email").fill(organiser.email)
    organiser_page.get_by_label("Password").fill(PASSWORD)
    organiser_page.get_by_role("button", name="Sign in").click()
    organiser_page.goto(f"{live_server}/manage/events/{event.slug}/dashboard")
    decisions = organiser_page.locator("#volunteer-decisions")
    text = decisions.inner_text()
    assert "Maria Ivanova" in text and "Park gate" in text
    assert english("An organiser agreed") in text and english("cancelled ticket") in text
    assert "Petar Petrov" not in text
    assert organiser_page.locator("#figure-checked-in").inner_text() == "1"
    assert organiser_page.locator("#figure-not-arrived").inner_text() == "1"  # Petar
    assert organiser_page.get_by_role("row", name="Park gate 1").is_visible()
    decisions.scroll_into_view_if_needed()
    organiser_page.screenshot(path=str(tmp_path / "dashboard-overrides.png"))

    # A lone cancelled ticket let in: no "People in the party: 0".
    page.locator("#result").click()
    page.keyboard.type(ticket_tokens(db_session, [ivan])[ivan.id], delay=1)
    page.keyboard.press("Enter")
    assert wait_for_scan(page, 3)[0] == "cancelled"
    page.get_by_role("button", name=english("Let in anyway")).click()
    page.get_by_role("button", name=english("Identity checked on the list")).click()
    status, text = wait_for_scan(page, 4)
    assert status == "checked_in" and "Ivan Georgiev" in text
    assert english("People in the party: %(count)s", count=0) not in text


def hold_a_scan(browser, live_server, token, name):
    """A phone checks `name` in by hand while offline and is put away: the scan it holds."""
    context, page = open_door(browser, live_server, token)
    context.set_offline(True)
    page.get_by_text(english("Find by name or ticket code")).click()
    page.get_by_label(english("Name or ticket code")).fill(name)
    page.get_by_role("button", name=english("Check in the ticked people")).click()
    assert wait_for_scan(page, 1)[0] == "checked_in"
    [held] = page.evaluate(QUEUED_SCANS)
    page.close()
    return context, datetime.fromisoformat(held["scanned_at"])


def reopen(context, live_server, token):
    page = context.new_page()
    page.goto(f"{live_server}/door/{token}")
    page.wait_for_function(
        "() => document.getElementById('door').dataset.refused === 'door_expired'",
        timeout=20000)
    page.locator("#held-scans").wait_for()
    return page


def test_an_expired_phone_sends_its_held_scans_in_the_grace_period_or_discards_them_after(
    app, db_session, live_server, browser, make_event, make_registration, tmp_path
):
    event = make_event(capacity=50)
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    ivan = make_registration(event, ["Ivan Petrov"]).attendees[0]
    with unit_of_work(db_session):
        _, gate = create_door_access(db_session, event, "Main gate")
        _, side = create_door_access(db_session, event, "Side gate")
    first, olena_scanned = hold_a_scan(browser, live_server, gate, "olena")
    second, ivan_scanned = hold_a_scan(browser, live_server, side, "ivan")
    # The event ended: its links expired a moment after the later scan.
    expired_at = max(olena_scanned, ivan_scanned) + timedelta(seconds=1)
    with unit_of_work(db_session):
        db_session.execute(update(Event).where(Event.id == event.id).values(
            starts_at=expired_at - VALID_AFTER_EVENT - timedelta(hours=8),
            ends_at=expired_at - VALID_AFTER_EVENT))
    time.sleep(max(0.0, (expired_at - utcnow()).total_seconds()) + 0.5)

    first.set_offline(False)
    page = reopen(first, live_server, gate)
    held = page.locator("#held-scans")
    assert english("This door link expired. Scans still on this phone: %(count)s", count=1) in (
        held.inner_text())
    assert page.locator("#connection-state").inner_text() == english("Door link expired")
    page.screenshot(path=str(tmp_path / "held-scans.png"))
    page.get_by_role("button", name=english("Send them")).click()
    held.get_by_text(english("Sent. Nothing is left on this phone.")).wait_for()
    assert page.evaluate(QUEUED_SCANS) == []
    db_session.rollback()
    assert db_session.get(Attendee, olena.id).checked_in_at is not None

    app.config["DOOR_UPLOAD_GRACE_DAYS"] = 0  # and now the grace period is over too
    second.set_offline(False)
    page = reopen(second, live_server, side)
    held = page.locator("#held-scans")
    page.get_by_role("button", name=english("Send them")).click()
    held.get_by_text(english("Too late to send: the organisers no longer take scans from "
                             "this link.")).wait_for()
    assert len(page.evaluate(QUEUED_SCANS)) == 1  # kept until the volunteer says
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name=english("Discard them")).click()
    page.wait_for_timeout(300)
    assert len(page.evaluate(QUEUED_SCANS)) == 1  # "no" keeps them
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name=english("Discard them")).click()
    held.get_by_text(english("Deleted. Nothing is left on this phone.")).wait_for()
    assert asked == [english("Delete the scans on this phone without sending them? They "
                             "will not count.")] * 2
    assert page.evaluate(QUEUED_SCANS) == []
    page.screenshot(path=str(tmp_path / "held-discarded.png"))
    db_session.rollback()
    assert db_session.get(Attendee, ivan.id).checked_in_at is None
