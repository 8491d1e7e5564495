"""Everything held about one party, as Chromium prints it: A4, in the party's language,
without the site's header, navigation or buttons."""

import pytest

from eventreg.registrations.service import AttendeeRequest
from tests.browser.test_printouts import assert_a4, printed, signed_in_page
from tests.conftest import PRIVACY

pytestmark = pytest.mark.browser


def test_access_page_prints_on_a4_in_the_partys_language_without_site_chrome(
        browser, live_server, organiser, make_event, make_registration):
    event = make_event(asks_sex=True, questions=[
        {"label": {"en": "Food allergies", "uk": "Харчові алергії"}, "kind": "text",
         "asked_per": "attendee"}])
    [allergies] = event.questions
    make_registration(event, ["Ivan Petrov"], language="bg")
    party = make_registration(
        event, [AttendeeRequest(name="Olena Kovalenko", age_group="adult", sex="female",
                                answers={allergies.id: "Горіхи"}),
                AttendeeRequest(name="Mykola Kovalenko", age_group="child", sex="male")],
        email="olena@example.org", language="uk")
    page = signed_in_page(browser, live_server, organiser)
    pdf, texts = printed(
        page, f"{live_server}/manage/events/{event.slug}/registrations/{party.id}/personal-data")
    assert_a4(pdf)
    everything = " ".join(" ".join(texts).split())
    for shown in ("Olena Kovalenko", "Mykola Kovalenko", "Код квитка", "Харчові алергії",
                  "Горіхи", "olena@example.org", party.attendees[1].ticket_code,
                  " ".join(PRIVACY["uk"].split())):
        assert shown in everything, shown
    for chrome in ("Sign out", "My events", "Download as JSON", "Registrations", "eventreg",
                   "Ivan Petrov"):
        assert chrome not in everything, chrome
