"""A volunteer at the door scans tickets with the phone camera, online and offline.

Chromium's fake camera plays a .y4m video of real tickets' QR codes, made in the test; the
page decodes them with the vendored jsQR (Debian's Chromium has no BarcodeDetector).
"""

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from eventreg.checkin.doors import create_door_access, revoke_door_access
from eventreg.checkin.models import Checkin
from eventreg.database import unit_of_work
from eventreg.registrations.models import Attendee
from eventreg.registrations.service import AttendeeRequest
from eventreg.tickets.service import ticket_tokens
from eventreg.tickets.signing import generate_key_pair, load_private_key, sign_ticket
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.fake_camera import camera_switches, qr_frame, write_y4m

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 780}, "device_scale_factor": 2}


def english(text: str, **values) -> str:
    with force_locale("en"):
        return gettext(text, **values)


@pytest.fixture
def camera_browser(tmp_path):
    """Launch Chromium whose camera plays the given codes, each for 1 s with 2 s between,
    after `lead_in` seconds of nothing; the video loops."""
    from playwright.sync_api import sync_playwright

    launched = []
    playwright = sync_playwright().start()

    def launch(*codes, lead_in=1.0):
        video = tmp_path / f"camera-{len(launched)}.y4m"
        segments = [(None, lead_in)]
        for code in codes:
            segments += [(qr_frame(code), 1.0), (None, 2.0)]
        write_y4m(video, segments)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + camera_switches(video))
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()
    playwright.stop()


def wait_for_scan(page, number: int):
    """Wait until the page has shown its `number`th scan result; return (status, text)."""
    result = page.locator("#result")
    page.wait_for_function(
        "n => Number(document.getElementById('result').dataset.scans) >= n", arg=number,
        timeout=15000)
    return result.get_attribute("data-status"), result.inner_text()


def forged_ticket(app, event_id: int, attendee_id: int) -> str:
    secret = app.config["TICKET_KEY_SECRET"]
    _, encrypted = generate_key_pair(secret)
    return sign_ticket(load_private_key(encrypted, secret), event_id, attendee_id)


def test_scanner_welcomes_a_ticket_then_says_already_checked_in_and_refuses_a_forgery(
    app, db_session, live_server, camera_browser, make_event, make_registration, tmp_path
):
    event = make_event(capacity=50)
    family = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"])
    olena = family.attendees[0]
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Main gate")
    code = ticket_tokens(db_session, [olena])[olena.id]
    browser = camera_browser(code, forged_ticket(app, event.id, olena.id))
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server}/door/{token}")

    status, text = wait_for_scan(page, 1)
    assert status == "checked_in"
    assert english("Welcome, %(name)s", name="Olena Kovalenko") in text
    assert english("People in the party: %(count)s", count=2) in text
    status, text = wait_for_scan(page, 2)
    assert status == "invalid"
    assert english("Not a valid ticket") in text
    status, text = wait_for_scan(page, 3)  # the video loops: Olena's code again
    assert status == "already_checked_in"
    assert "Main gate" in text
    page.screenshot(path=str(tmp_path / "scanner.png"), full_page=True)

    db_session.rollback()
    assert db_session.get(Attendee, olena.id).checked_in_at is not None
    assert db_session.get(Attendee, family.attendees[1].id).checked_in_at is None
    assert len(db_session.scalars(select(Checkin)).all()) >= 3


def open_door(browser, live_server, token, **context_options):
    """Open the door link on a new phone and wait until its attendee list is downloaded."""
    context = browser.new_context(**PHONE, **context_options)
    page = context.new_page()
    page.goto(f"{live_server}/door/{token}")
    page.wait_for_function("() => document.getElementById('door').dataset.ready === 'true'")
    page.evaluate("navigator.serviceWorker.ready")
    return context, page


def test_offline_scans_are_verified_queued_and_synced_with_their_scan_time(
    app, db_session, live_server, camera_browser, make_event, make_registration
):
    event = make_event(capacity=50)
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Park gate")
    code = ticket_tokens(db_session, [olena])[olena.id]
    browser = camera_browser(code, lead_in=6.0)
    context, page = open_door(browser, live_server, token)
    context.set_offline(True)
    page.reload()  # the door link opens offline too: the page comes from the service worker
    page.wait_for_function("() => document.getElementById('door').dataset.ready === 'true'")

    status, text = wait_for_scan(page, 1)
    assert status == "checked_in"
    assert english("Welcome, %(name)s", name="Olena Kovalenko") in text
    assert page.locator("#connection-state").inner_text() == english(
        "Offline: tickets are checked on this phone")
    assert english("Waiting to be sent: %(count)s", count=1) in page.locator(
        "#queue-state").inner_text()
    db_session.rollback()
    assert db_session.get(Attendee, olena.id).checked_in_at is None  # nothing reached the server

    page.wait_for_timeout(1500)
    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('door').dataset.queue === '0'",
                           timeout=20000)
    db_session.rollback()
    [checkin] = db_session.scalars(select(Checkin)).all()
    assert checkin.status == "checked_in"
    assert (checkin.received_at - checkin.scanned_at).total_seconds() > 1.5
    assert db_session.get(Attendee, olena.id).checked_in_at == checkin.scanned_at


QUEUED_SCAN_TIMES = """async () => {
  const doorId = document.getElementById("door").dataset.doorId;
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open(`eventreg-door-${doorId}`);
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  return new Promise((resolve) => {
    const reading = db.transaction("queue").objectStore("queue").getAll();
    reading.onsuccess = () => resolve(reading.result.map((item) => item.scanned_at));
  });
}"""


def test_two_doors_offline_scanning_one_ticket_keep_the_earliest_and_report_the_other(
    app, db_session, live_server, camera_browser, make_event, make_registration
):
    event = make_event(capacity=50)
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    with unit_of_work(db_session):
        _, gate_token = create_door_access(db_session, event, "Main gate")
    with unit_of_work(db_session):
        _, park_token = create_door_access(db_session, event, "Park entrance")
    code = ticket_tokens(db_session, [olena])[olena.id]
    browser = camera_browser(code, lead_in=6.0)
    doors = {}
    for name, token in (("Main gate", gate_token), ("Park entrance", park_token)):
        context, page = open_door(browser, live_server, token)
        context.set_offline(True)
        doors[name] = (context, page)
    for _context, page in doors.values():
        assert wait_for_scan(page, 1)[0] == "checked_in"  # each door admitted her offline

    # Both cameras saw the code; the later scan reaches the server first.
    scan_times = {name: page.evaluate(QUEUED_SCAN_TIMES)[0] for name, (_, page) in doors.items()}
    later, earlier = sorted(doors, key=scan_times.get, reverse=True)
    for name in (later, earlier):
        context, page = doors[name]
        context.set_offline(False)
        page.wait_for_function("() => document.getElementById('door').dataset.queue === '0'")

    # Scans of the very same millisecond are no conflict: the first to arrive stays.
    winner, duplicate = (earlier, later) if scan_times[earlier] < scan_times[later] else (
        later, earlier)
    db_session.rollback()
    scans = {c.door_access.name: c for c in db_session.scalars(select(Checkin))}
    assert scans[winner].outcome == "checked_in"
    assert scans[duplicate].outcome == "already_checked_in"
    attendee = db_session.get(Attendee, olena.id)
    assert attendee.checked_in_at == scans[winner].scanned_at
    assert attendee.checked_in_door_id == scans[winner].door_access_id


def bg(text: str, **values) -> str:
    """The Bulgarian for an English message of the app; fails if it is not translated."""
    with force_locale("bg"):
        translated = gettext(text, **values)
    assert translated != (text % values if values else text), f"untranslated: {text}"
    return translated


def test_volunteer_checks_in_part_of_a_family_by_name_undoes_one_and_registers_walk_ins(
    app, db_session, live_server, browser, make_event, make_registration, tmp_path
):
    event = make_event(capacity=4, asks_sex=True)
    family = make_registration(event, [
        AttendeeRequest(name=name, age_group="adult", sex="female")
        for name in ("Олена Коваленко", "Микола Коваленко", "Дарина Коваленко")])
    olena, mykola, daryna = family.attendees
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Главен вход")
    page = browser.new_context(locale="bg-BG", **PHONE).new_page()
    page.goto(f"{live_server}/door/{token}")
    page.wait_for_function("() => document.getElementById('door').dataset.ready === 'true'")
    # No camera here (said once the browser refuses it): the look-up still works.
    page.locator("#camera-problem").wait_for(state="visible", timeout=10_000)

    page.get_by_text(bg("Find by name or ticket code")).click()
    # A volunteer with a Latin keyboard finds them too.
    page.get_by_label(bg("Name or ticket code")).fill("kovalenko daryna")
    page.locator("#lookup-results").get_by_text("Дарина Коваленко").wait_for(timeout=5_000)
    page.get_by_label(bg("Name or ticket code")).fill("коваленко")
    page.get_by_label("Дарина Коваленко").uncheck()
    page.get_by_role("button", name=bg("Check in the ticked people")).click()
    page.wait_for_function("() => document.getElementById('result').dataset.scans === '2'")
    assert page.locator("#count-checked-in").inner_text() == "2"
    db_session.rollback()
    checked_in = {a.name for a in db_session.scalars(
        select(Attendee).where(Attendee.checked_in_at.is_not(None)))}
    assert checked_in == {"Олена Коваленко", "Микола Коваленко"}

    page.locator(".party-members li", has_text="Микола").get_by_role(
        "button", name=bg("Undo")).click()
    page.wait_for_function("() => document.getElementById('result').dataset.status === 'undone'")
    db_session.rollback()
    assert db_session.get(Attendee, mykola.id).checked_in_at is None
    assert db_session.get(Attendee, daryna.id).checked_in_at is None

    page.get_by_text(bg("Register someone at the door")).click()
    walk_in = page.locator("#walk-in-form")
    # A person added by mistake can be taken away again, or the form could not be sent.
    walk_in.get_by_role("button", name=bg("Add another person")).click()
    assert walk_in.locator("fieldset.person").count() == 2
    walk_in.get_by_role("button", name=bg("Remove the last person")).click()
    assert walk_in.locator("fieldset.person").count() == 1
    assert not walk_in.get_by_role("button", name=bg("Remove the last person")).is_visible()
    walk_in.get_by_label(bg("Full name")).fill("Ивана Петрова")
    walk_in.get_by_label(bg("Female")).check()
    walk_in.get_by_label(bg("I read the privacy notice to them and they agree")).check()
    walk_in.get_by_role("button", name=bg("Register and check in")).click()
    page.wait_for_function("() => document.getElementById('result').dataset.scans === '4'")
    assert bg("Welcome, %(name)s", name="Ивана Петрова") in page.locator("#result").inner_text()

    # The event is now full: the next walk-in is refused, and says why.
    walk_in.get_by_label(bg("Full name")).fill("Петър Иванов")
    walk_in.get_by_label(bg("Male")).check()
    walk_in.get_by_label(bg("I read the privacy notice to them and they agree")).check()
    walk_in.get_by_role("button", name=bg("Register and check in")).click()
    error = page.locator("#walk-in-error")
    error.wait_for()
    with force_locale("bg"):
        assert gettext("Sorry, there are not enough places left: %(left)d left.", left=0) in (
            error.inner_text())
    page.screenshot(path=str(tmp_path / "walk-in.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # fits the phone
    db_session.rollback()
    sexes = dict(db_session.execute(select(Attendee.name, Attendee.sex)).all())
    assert sexes.get("Ивана Петрова") == "female" and "Петър Иванов" not in sexes


QUEUED_SCANS = """async () => {
  const doorId = document.getElementById("door").dataset.doorId;
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open(`eventreg-door-${doorId}`);
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  return new Promise((resolve) => {
    const reading = db.transaction("queue").objectStore("queue").getAll();
    reading.onsuccess = () => resolve(reading.result
      .sort((a, b) => a.scanned_at.localeCompare(b.scanned_at))
      .map((item) => ({ action: item.action, scanned_at: item.scanned_at })));
  });
}"""

KEPT_ON_THE_PHONE = """async () => {
  const doorId = document.getElementById("door").dataset.doorId;
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open(`eventreg-door-${doorId}`);
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const read = (store, key) => new Promise((resolve) => {
    const objects = db.transaction(store).objectStore(store);
    const reading = key === undefined ? objects.getAll() : objects.get(key);
    reading.onsuccess = () => resolve(reading.result ?? null);
  });
  return { attendees: (await read("attendees")).length, door: await read("meta", "door"),
           refused: await read("meta", "refused"), queue: (await read("queue")).length };
}"""


def shown_time(page, when) -> str:
    """A time as the scanner shows it (the event's time zone, the page's language)."""
    iso = when if isinstance(when, str) else when.isoformat()
    return page.evaluate("""iso => {
      const root = document.getElementById("door");
      return new Intl.DateTimeFormat(root.dataset.language, { hour: "2-digit", minute: "2-digit",
        timeZone: root.dataset.timezone }).format(new Date(iso));
    }""", iso)


def scan_time(iso: str):
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def test_offline_undo_of_a_return_puts_the_person_back_outside_with_the_first_arrival_kept(
    app, db_session, live_server, browser, make_event, make_registration
):
    event = make_event(capacity=50)
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Park gate", records_exits=True)
    context, page = open_door(browser, live_server, token)
    context.set_offline(True)
    page.get_by_text(english("Find by name or ticket code")).click()
    page.get_by_label(english("Name or ticket code")).fill("olena")
    row = page.locator(".party-members li", has_text="Olena Kovalenko")
    check_in_ticked = page.get_by_role("button", name=english("Check in the ticked people"))

    check_in_ticked.click()  # she comes in
    assert wait_for_scan(page, 1)[0] == "checked_in"
    page.get_by_label(english("going out")).check()
    row.get_by_role("checkbox").check()
    check_in_ticked.click()  # goes out
    assert wait_for_scan(page, 2)[0] == "checked_out"
    page.get_by_label(english("coming in")).check()
    check_in_ticked.click()  # comes back
    assert wait_for_scan(page, 3)[0] == "checked_in"
    row.get_by_role("button", name=f"{english('Undo')}: Olena Kovalenko").click()  # by mistake
    status, text = wait_for_scan(page, 4)
    assert status == "undone"
    assert english("Check-in undone") in text

    # Outside again, as after her exit: the first arrival stays, so does the count.
    arrived, left = [scan["scanned_at"] for scan in page.evaluate(QUEUED_SCANS)][:2]
    assert english("went out at %(time)s", time=shown_time(page, left)) in row.inner_text()
    assert row.get_by_role("button", name=f"{english('Undo')}: Olena Kovalenko").is_visible()
    assert page.locator("#count-checked-in").inner_text() == "1"
    db_session.rollback()
    assert db_session.get(Attendee, olena.id).checked_in_at is None  # nothing sent yet

    # The server, given the same scans, comes to the same.
    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('door').dataset.queue === '0'",
                           timeout=20000)
    db_session.rollback()
    attendee = db_session.get(Attendee, olena.id)
    assert attendee.checked_in_at == scan_time(arrived)
    assert attendee.left_at == scan_time(left)
    page.get_by_label(english("Name or ticket code")).fill("kovalenko")  # the server's list now
    assert english("went out at %(time)s", time=shown_time(page, left)) in row.inner_text()


def wait_for_refusal(page, timeout=20000):
    page.wait_for_function(
        "() => document.getElementById('door').dataset.refused === 'door_revoked'",
        timeout=timeout)


def test_a_switched_off_phone_hands_in_what_it_scanned_and_decides_nothing_after_even_offline(
    app, db_session, live_server, camera_browser, make_event, make_registration, tmp_path
):
    event = make_event(capacity=50)
    olena, mykola = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"]).attendees
    with unit_of_work(db_session):
        door, token = create_door_access(db_session, event, "Main gate")
    codes = ticket_tokens(db_session, [olena, mykola])
    browser = camera_browser(codes[olena.id], codes[mykola.id], lead_in=6.0)
    context, page = open_door(browser, live_server, token)
    context.set_offline(True)
    assert wait_for_scan(page, 1)[0] == "checked_in"  # both welcomed offline
    assert wait_for_scan(page, 2)[0] == "checked_in"

    with unit_of_work(db_session):  # the organiser switches the door off
        revoke_door_access(db_session, db_session.get(type(door), door.id))
    context.set_offline(False)
    wait_for_refusal(page)
    page.wait_for_function("() => document.getElementById('door').dataset.queue === '0'",
                           timeout=20000)
    switched_off = english("This door link was switched off. Ask the organiser for a new one.")
    assert page.locator("#door-problem").inner_text() == switched_off
    assert page.locator("#connection-state").inner_text() == english("Door link switched off")
    assert english("All scans made here were handed in") in page.locator("#queue-state").inner_text()
    assert page.locator("#result").get_attribute("data-status") == "door_refused"  # no welcome
    assert page.locator("#recent-scans button").count() == 0  # nothing to undo from here
    kept = page.evaluate(KEPT_ON_THE_PHONE)
    assert kept["attendees"] == 0 and kept["door"] is None  # no names, no public key
    assert kept["refused"]["reason"] == "door_revoked"
    page.get_by_text(english("Find by name or ticket code")).click()
    page.get_by_label(english("Name or ticket code")).fill("kovalenko")
    assert page.locator("#lookup-results").inner_text() == switched_off
    page.screenshot(path=str(tmp_path / "switched-off.png"), full_page=True)

    # What the phone admitted while its link worked reached the server.
    db_session.rollback()
    admitted = {checkin.attendee_id for checkin in db_session.scalars(
        select(Checkin).where(Checkin.status == "checked_in"))}
    assert admitted == {olena.id, mykola.id}
    assert db_session.get(Attendee, olena.id).checked_in_at is not None
    assert db_session.get(Attendee, mykola.id).checked_in_at is not None

    # Opened again offline (from the service worker), it still knows, and welcomes nobody.
    context.set_offline(True)
    page.reload()
    page.wait_for_function("() => document.getElementById('door').dataset.ready === 'true'")
    assert page.locator("#door-problem").inner_text() == switched_off
    assert page.locator("#connection-state").inner_text() == english("Door link switched off")
    page.wait_for_function("() => Number(document.getElementById('result').dataset.scans) >= 1",
                           timeout=20000)
    result = page.locator("#result")
    assert result.get_attribute("data-status") == "door_refused"
    assert result.inner_text().strip() == switched_off
    assert page.evaluate(KEPT_ON_THE_PHONE)["queue"] == 0  # it decided nothing: nothing to send
    page.screenshot(path=str(tmp_path / "switched-off-offline.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_a_repeat_exit_says_since_when(
    app, db_session, live_server, camera_browser, make_event, make_registration, offline
):
    event = make_event(capacity=50)
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Park gate", records_exits=True)
    browser = camera_browser(ticket_tokens(db_session, [olena])[olena.id], lead_in=6.0)
    context, page = open_door(browser, live_server, token)
    context.set_offline(offline)
    assert wait_for_scan(page, 1)[0] == "checked_in"
    page.get_by_label(english("going out")).check()
    assert wait_for_scan(page, 2)[0] == "checked_out"
    status, text = wait_for_scan(page, 3)  # she shows the ticket again on her way out
    assert status == "already_checked_out"

    if offline:
        left = next(scan["scanned_at"] for scan in page.evaluate(QUEUED_SCANS)
                    if scan["action"] == "check_out")
    else:
        db_session.rollback()
        left = db_session.get(Attendee, olena.id).left_at
    assert english("Already went out at %(time)s", time=shown_time(page, left)) in text


def test_a_phone_closed_with_offline_scans_hands_them_in_when_opened_after_the_switch_off(
    app, db_session, live_server, browser, make_event, make_registration
):
    event = make_event(capacity=50)
    olena = make_registration(event, ["Olena Kovalenko"]).attendees[0]
    with unit_of_work(db_session):
        door, token = create_door_access(db_session, event, "Main gate")
    context, page = open_door(browser, live_server, token)
    context.set_offline(True)
    page.get_by_text(english("Find by name or ticket code")).click()
    page.get_by_label(english("Name or ticket code")).fill("olena")
    page.get_by_role("button", name=english("Check in the ticked people")).click()
    assert wait_for_scan(page, 1)[0] == "checked_in"
    page.close()  # the volunteer puts the phone away, the scan still waiting

    with unit_of_work(db_session):
        revoke_door_access(db_session, db_session.get(type(door), door.id))
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"{live_server}/door/{token}")  # the server refuses the link: the kept page opens
    wait_for_refusal(page)
    page.wait_for_function("() => document.getElementById('door').dataset.queue === '0'",
                           timeout=20000)
    assert page.locator("#door-problem").inner_text() == english(
        "This door link was switched off. Ask the organiser for a new one.")
    assert page.evaluate(KEPT_ON_THE_PHONE)["attendees"] == 0
    db_session.rollback()
    assert db_session.get(Attendee, olena.id).checked_in_at is not None


def test_the_scanner_marks_a_child_without_photo_consent_no_photos_online_and_offline(
    app, db_session, live_server, camera_browser, make_event, make_registration, tmp_path
):
    event = make_event(capacity=50, optional_consents=["photos"])
    family = make_registration(event, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult", consents=["photos"]),
        # Her son's box was left unticked: his photo consent is no.
        AttendeeRequest(name="Mykola Kovalenko", age_group="child")])
    olena, mykola = family.attendees
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Main gate")
    codes = ticket_tokens(db_session, [olena, mykola])
    browser = camera_browser(codes[mykola.id], codes[olena.id], lead_in=4.0)
    context, page = open_door(browser, live_server, token)
    mark = page.locator("#result .result-photos")

    status, text = wait_for_scan(page, 1)
    assert status == "checked_in"
    assert english("Welcome, %(name)s", name="Mykola Kovalenko") in text
    assert mark.is_visible()
    assert mark.locator(".no-photos").text_content() == english("No photos")
    assert english("No consent to photos and video: tell the photographer.") in text
    page.screenshot(path=str(tmp_path / "no-photos.png"))
    status, text = wait_for_scan(page, 2)
    assert (status, mark.is_visible()) == ("checked_in", False), "his mother consented"

    context.set_offline(True)
    status, text = wait_for_scan(page, 3)  # the video loops: Mykola again, on the phone
    assert status == "already_checked_in" and mark.is_visible()
    assert page.locator("#door").get_attribute("data-online") == "false"
    page.locator("#result").click()  # the answer covers the screen: a tap, and back to ready
    page.get_by_text(english("Find by name or ticket code")).click()
    page.get_by_label(english("Name or ticket code")).fill("kovalenko")
    page.locator("#lookup-results .party-members li").first.wait_for(timeout=5_000)
    assert page.locator(".party-members li", has_text="Mykola").locator(
        ".no-photos").text_content() == english("No photos")
    assert page.locator(".party-members li", has_text="Olena").locator(".no-photos").count() == 0
    page.locator("#lookup").screenshot(path=str(tmp_path / "no-photos-lookup.png"))
