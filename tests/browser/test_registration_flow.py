"""A parent registers a family in Ukrainian on a phone and gets QR tickets that verify; her
child's photo consent stays no unless she ticks it."""

import shutil
import subprocess

import pytest
from flask_babel import force_locale, gettext

from eventreg.database import unit_of_work
from eventreg.demo import REFUGEE_DAY_SLUG, load_demo_data
from tests.conftest import TEST_HASH

pytestmark = pytest.mark.browser


def uk(text: str, **values) -> str:
    """The Ukrainian for an English message of the app; fails if it is not translated."""
    with force_locale("uk"):
        translated = gettext(text, **values)
    assert translated != text % values if values else translated != text, f"untranslated: {text}"
    return translated


def serious_accessibility_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools) is not installed")
def test_family_registers_in_ukrainian_and_ticket_qr_codes_verify(
    app, db_session, live_server, browser, tmp_path, whose_ticket):
    with unit_of_work(db_session):
        load_demo_data(db_session, password_hash_method=TEST_HASH)
    context = browser.new_context(locale="uk-UA", viewport={"width": 390, "height": 844},
                                  device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{live_server}/e/{REFUGEE_DAY_SLUG}/register")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert serious_accessibility_violations(page) == []

    mother = page.get_by_role("group", name=uk("Person %(number)d", number=1))
    mother.get_by_label(uk("Full name")).fill("Олена Коваленко")
    mother.get_by_label(uk("Adult")).check()
    mother.get_by_label(uk("Female")).check()
    mother.get_by_label(uk("Photos and video")).check()
    page.get_by_role("button", name=uk("Add another person")).click()

    son = page.get_by_role("group", name=uk("Person %(number)d", number=2))
    assert page.get_by_role("group", name=uk("Person %(number)d", number=1)).get_by_label(
        uk("Full name")).input_value() == "Олена Коваленко"
    son.get_by_label(uk("Full name")).fill("Миколка Коваленко")
    son.get_by_label(uk("Child (under 18)")).check()
    son.get_by_label(uk("Prefer not to say")).check()
    # His photo box is left as it came: unticked, so no photo consent.
    assert not son.get_by_label(uk("Photos and video")).is_checked()
    assert not page.get_by_role("group", name=uk("Person %(number)d", number=1)).get_by_label(
        uk("Contact about future events")).is_checked()
    son.get_by_label("Терапевтичне виготовлення ляльок для дітей (ранок)").check()
    page.get_by_label(uk("Phone"), exact=True).fill("+380 67 123 4567")
    page.get_by_label(uk("I agree to the privacy notice above")).check()
    page.get_by_role("button", name=uk("Register and get tickets")).click()

    page.wait_for_url(f"{live_server}/t/**")
    assert page.get_by_role("heading", name=uk("Your tickets")).is_visible()
    assert page.locator(".attendee-name", has_text="Миколка Коваленко").is_visible()
    assert serious_accessibility_violations(page) == []
    screenshot = tmp_path / "tickets.png"
    page.screenshot(path=str(screenshot), full_page=True)
    context.close()

    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(screenshot)], capture_output=True,
                             text=True, check=True).stdout.split()
    assert len(decoded) == 2
    db_session.rollback()
    people = {(attendee.name, attendee.sex) for attendee in (
        whose_ticket(token) for token in decoded)}
    assert people == {("Олена Коваленко", "female"), ("Миколка Коваленко", "prefer_not_to_say")}
    consents = {attendee.name: [(c.kind, c.language) for c in attendee.consents]
                for attendee in (whose_ticket(token) for token in decoded)}
    assert consents == {"Олена Коваленко": [("photos", "uk")], "Миколка Коваленко": []}


@pytest.mark.skipif(not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
                    reason="zbarimg (zbar-tools) or pdftoppm (poppler-utils) is not installed")
def test_a_family_of_six_prints_on_one_a4_sheet_with_readable_codes(
    app, db_session, live_server, browser, make_event, make_registration, tmp_path, whose_ticket):
    from eventreg.registrations.service import AttendeeRequest

    event = make_event(activities=[{"title": {"en": f"Workshop {n}"}} for n in range(3)])
    everything = [activity.id for activity in event.activities]
    registration = make_registration(event, [
        AttendeeRequest(name=f"Person {n}", age_group="child", activity_ids=everything)
        for n in range(6)])
    page = browser.new_page()
    page.goto(f"{live_server}/t/{registration.ticket_secret}")
    pdf = tmp_path / "tickets.pdf"
    page.pdf(path=str(pdf), format="A4")
    # 300 dpi: each QR module is about 10 pixels, as a printer would draw it.
    subprocess.run(["pdftoppm", "-png", "-r", "300", str(pdf), str(tmp_path / "sheet")],
                   check=True)
    sheets = sorted(tmp_path.glob("sheet*.png"))
    assert len(sheets) == 1
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(sheets[0])], capture_output=True,
                             text=True, check=True).stdout.split()
    db_session.rollback()
    assert {whose_ticket(token).name for token in decoded} == {
        f"Person {n}" for n in range(6)}
