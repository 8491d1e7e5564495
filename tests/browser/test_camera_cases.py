"""The door scanner reads what phone cameras really see, online and offline.

Each test plays one realistic case of tests/browser/fake_camera.py (made from the test's own
tickets, so the video cannot be shared between tests: every test's event signs with its own
key) as Chromium's camera. Making a case's video takes well under a second; a case lasts 3 s
at 640x480 and 10 fps (about 14 MB). bench/camera_cases.py times the same cases.
"""

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from eventreg.checkin.doors import create_door_access
from eventreg.checkin.models import Checkin
from eventreg.database import unit_of_work
from eventreg.registrations.models import Attendee
from eventreg.tickets.service import ticket_tokens
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.fake_camera import CASES, camera_switches, write_case_video

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2}
READY = "() => document.getElementById('door').dataset.ready === 'true'"


def english(text: str, **values) -> str:
    with force_locale("en"):
        return gettext(text, **values)


@pytest.fixture
def case_camera(tmp_path):
    """Launch Chromium whose camera plays a realistic case showing the given codes."""
    from playwright.sync_api import sync_playwright

    launched = []
    playwright = sync_playwright().start()

    def launch(case, codes, lead_in=1.0):
        video = tmp_path / f"{case}.y4m"
        write_case_video(video, case, codes, lead_in=lead_in)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + camera_switches(video))
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()
    playwright.stop()


def scanned_family(db_session, make_event, make_registration, people):
    """An event with another event beside it, a family, a door; return (door token, family)."""
    make_registration(make_event(capacity=10), ["Somebody Else"])  # another event's ticket
    event = make_event(capacity=50)
    family = make_registration(event, people)
    make_registration(event, ["Not Shown"])
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Tent door")
    return token, family.attendees


def wait_for_scans(page, count: int):
    page.wait_for_function(
        "n => Number(document.getElementById('result').dataset.scans) >= n", arg=count,
        timeout=20000)


@pytest.mark.parametrize("case", [case for case in CASES if CASES[case][1] == 1])
def test_scanner_welcomes_a_ticket_the_camera_sees_as(
    case, db_session, live_server, case_camera, make_event, make_registration
):
    token, [olena, mykola] = scanned_family(
        db_session, make_event, make_registration, ["Olena Kovalenko", "Mykola Kovalenko"])
    code = ticket_tokens(db_session, [olena])[olena.id]
    page = case_camera(case, [code]).new_context(**PHONE).new_page()
    page.goto(f"{live_server}/door/{token}")

    wait_for_scans(page, 1)
    result = page.locator("#result")
    assert result.get_attribute("data-status") == "checked_in"
    assert english("Welcome, %(name)s", name="Olena Kovalenko") in result.inner_text()
    db_session.rollback()
    assert db_session.get(Attendee, olena.id).checked_in_at is not None
    assert db_session.get(Attendee, mykola.id).checked_in_at is None


def test_two_tickets_of_a_family_in_one_frame_check_in_both(
    db_session, live_server, case_camera, make_event, make_registration
):
    token, family = scanned_family(
        db_session, make_event, make_registration,
        ["Olena Kovalenko", "Mykola Kovalenko", "Daryna Kovalenko"])
    shown = family[:2]
    codes = ticket_tokens(db_session, shown)
    page = case_camera("two_codes", [codes[a.id] for a in shown]).new_context(**PHONE).new_page()
    page.goto(f"{live_server}/door/{token}")

    wait_for_scans(page, 2)
    recent = page.locator("#recent-scans").inner_text()
    assert "Olena Kovalenko" in recent and "Mykola Kovalenko" in recent
    db_session.rollback()
    checked_in = {c.attendee_id for c in db_session.scalars(select(Checkin))
                  if c.outcome == "checked_in"}
    assert checked_in == {shown[0].id, shown[1].id}


def test_offline_door_reads_a_dim_ticket_with_the_decoder_it_kept(
    db_session, live_server, case_camera, make_event, make_registration
):
    """The dim case only ZXing reads (jsQR never does): offline, the page, its scripts and the
    .wasm come from the service worker."""
    token, [olena] = scanned_family(db_session, make_event, make_registration,
                                    ["Olena Kovalenko"])
    code = ticket_tokens(db_session, [olena])[olena.id]
    browser = case_camera("dim", [code], lead_in=6.0)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/door/{token}")
    page.wait_for_function(READY)
    page.evaluate("navigator.serviceWorker.ready")
    context.set_offline(True)
    page.reload()
    page.wait_for_function(READY)

    wait_for_scans(page, 1)
    result = page.locator("#result")
    assert result.get_attribute("data-status") == "checked_in"
    assert english("Welcome, %(name)s", name="Olena Kovalenko") in result.inner_text()
    assert page.locator("#door").get_attribute("data-queue") == "1"
