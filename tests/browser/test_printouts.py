"""The door list and the sign-in sheet as Chromium prints them: A4 PDFs checked page by page."""

import io

import pytest
from pypdf import PdfReader

from eventreg.accounts.models import Organiser
from eventreg.database import unit_of_work
from eventreg.exports.views import SIGN_IN_SHEET_ROWS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

A4_POINTS = (595, 842)
#: Smallest type a volunteer should read at arm's length, in CSS pixels (13pt).
LARGE_TYPE_PX = 17


def signed_in_page(browser, live_server, organiser: Organiser):
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", organiser.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return page


def printed(page, url: str) -> tuple[PdfReader, list[str]]:
    """The page printed to PDF as a person's browser would, with each page's text."""
    page.goto(url)
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    return pdf, [sheet.extract_text() for sheet in pdf.pages]


def assert_a4(pdf: PdfReader) -> None:
    for sheet in pdf.pages:
        size = (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height)))
        assert size == A4_POINTS


def test_door_list_prints_every_party_on_a4_in_large_type_without_splitting_a_family(
    browser, live_server, db_session, organiser, make_event, make_registration
):
    event = make_event(capacity=200)
    families = []
    for number in range(30):
        names = [f"Family{number:02d} Member{k}" for k in range(1 + number % 4)]
        make_registration(event, names, contact_name=names[0])
        families.append(names)
    cancelled = make_registration(event, ["Cancelled Person"])
    from eventreg.registrations.service import cancel_attendees

    with unit_of_work(db_session):
        cancel_attendees(db_session, cancelled)
    page = signed_in_page(browser, live_server, organiser)
    pdf, texts = printed(page, f"{live_server}/manage/events/{event.slug}/door-list")

    assert len(pdf.pages) >= 2, "75 people do not fit one page in large type"
    assert_a4(pdf)
    everything = "\n".join(texts)
    assert "Sign out" not in everything and "Print" not in everything
    assert "Cancelled Person" not in everything
    for names in families:
        pages_holding = {index for index, text in enumerate(texts)
                         for name in names if name in text}
        assert len(pages_holding) == 1, f"{names[0]}'s party is split over pages"
        assert all(name in everything for name in names)
    sizes = page.eval_on_selector_all(
        "table.door-list td", "cells => cells.map(c => parseFloat(getComputedStyle(c).fontSize))")
    assert min(sizes) >= LARGE_TYPE_PX


def test_sign_in_sheet_prints_one_a4_page_of_numbered_rows(browser, live_server, organiser,
                                                           make_event):
    from eventreg.demo import PRIVACY_NOTICE  # a real notice's length, printed on the sheet

    event = make_event(asks_sex=True, privacy_notice=PRIVACY_NOTICE)
    page = signed_in_page(browser, live_server, organiser)
    pdf, [text] = printed(page, f"{live_server}/manage/events/{event.slug}/sign-in-sheet")
    assert "By signing you agree to the privacy notice" in text
    # The period people sign for is the one configured, added to the organiser's notice.
    assert ("answers 180 days after the event ends" in " ".join(text.split())
            and "Only the organisers see them." in " ".join(text.split()))
    assert_a4(pdf)
    for heading in ("Full name", "Sex", "Signature", "World Refugee Day"):
        assert heading in text
    assert page.locator("table.sign-in tbody tr").count() == SIGN_IN_SHEET_ROWS
    assert f"\n{SIGN_IN_SHEET_ROWS}" in text, "the last row is on the page too"
    assert "Sign out" not in text and "Type in" not in text  # the page's controls stay off


def test_door_list_prints_no_photos_beside_each_person_without_photo_consent(
    browser, live_server, organiser, make_event, make_registration, tmp_path
):
    from eventreg.registrations.service import AttendeeRequest

    event = make_event(optional_consents=["photos"])
    make_registration(event, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult", consents=["photos"]),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child")])
    make_registration(event, [AttendeeRequest(name="Ahmad Karimi", age_group="adult")])
    page = signed_in_page(browser, live_server, organiser)
    pdf, texts = printed(page, f"{live_server}/manage/events/{event.slug}/door-list")
    page.screenshot(path=str(tmp_path / "door-list.png"), full_page=True)
    lines = [line.strip() for line in "\n".join(texts).splitlines()]
    assert [line for line in lines if "NO PHOTOS" in line.upper() and "Kovalenko" in line] == [
        line for line in lines if "Mykola Kovalenko" in line]
    assert not [line for line in lines if "Olena Kovalenko" in line and "PHOTOS" in line.upper()]
    assert [line for line in lines if "Ahmad Karimi" in line and "PHOTOS" in line.upper()]
    assert "did not consent to photos and video" in " ".join(lines)
