"""Organiser and public pages pass axe-core with no serious or critical violations."""

import pytest

from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work
from eventreg.demo import (
    CLOSING_EVENT_SLUG,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    REFUGEE_DAY_SLUG,
    load_demo_data,
)
from tests.conftest import TEST_HASH

from .test_registration_flow import serious_accessibility_violations

pytestmark = pytest.mark.browser


def test_pages_have_no_serious_accessibility_violations(app, db_session, live_server, browser,
                                                        make_registration):
    with unit_of_work(db_session):
        load_demo_data(db_session, password_hash_method=TEST_HASH)
    from eventreg.events.service import get_published_event

    event = get_published_event(db_session, REFUGEE_DAY_SLUG)
    awareness = get_published_event(db_session, CLOSING_EVENT_SLUG)
    make_registration(event, ["Olena", "Mykola"])
    with unit_of_work(db_session):
        door, door_token = create_door_access(db_session, event, "Main gate")
    page = browser.new_page(viewport={"width": 360, "height": 740})
    found = {}
    for path in ["/", f"/e/{REFUGEE_DAY_SLUG}", f"/e/{REFUGEE_DAY_SLUG}/register", "/login",
                 f"/door/{door_token}"]:
        page.goto(live_server + path)
        found[path] = serious_accessibility_violations(page)

    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/manage/")
    for path in ["/manage/", f"/manage/events/{REFUGEE_DAY_SLUG}",
                 f"/manage/events/{REFUGEE_DAY_SLUG}/edit",
                 f"/manage/events/{REFUGEE_DAY_SLUG}/registrations",
                 f"/manage/events/{REFUGEE_DAY_SLUG}/questions/new",
                 "/manage/events/new", "/manage/programmes", "/manage/team",
                 "/manage/api-tokens", f"/manage/events/{REFUGEE_DAY_SLUG}/doors",
                 f"/manage/events/{REFUGEE_DAY_SLUG}/doors/{door.id}",
                 f"/manage/events/{REFUGEE_DAY_SLUG}/dashboard", "/manage/audit",
                 f"/manage/programmes/{event.programme_id}/report",
                 # The demo's past info sessions: figures by sex and a possible duplicate.
                 f"/manage/programmes/{awareness.programme_id}/report?from=2026-01-01&to=2026-12-31",
                 # Its donor version: small figures hidden, age bands from the year of birth.
                 f"/manage/programmes/{awareness.programme_id}/report/donor?from=2026-01-01"
                 "&to=2026-12-31",
                 f"/manage/events/{REFUGEE_DAY_SLUG}/door-list",
                 f"/manage/events/{REFUGEE_DAY_SLUG}/sign-in-sheet",
                 f"/manage/events/{REFUGEE_DAY_SLUG}/sign-in-sheet/enter"]:
        page.goto(live_server + path)
        found[path] = serious_accessibility_violations(page)
        if page.evaluate("() => document.documentElement.scrollWidth") > 360:
            found[path].append("wider than a 360 px phone")
    assert {path: problems for path, problems in found.items() if problems} == {}
