"""Every organiser page, rendered in Bulgarian and in Ukrainian, holds no English: neither
a sentence of the source catalogue left untranslated nor one of the leaks once found
(`adult`, "(confirmation)", raw audit codes, the sign-in sheets' door in English)."""

import html
import re
import uuid
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from eventreg.checkin import scanning as checkin
from eventreg.checkin.doors import create_door_access
from eventreg.checkin.sign_in_sheets import enter_sign_in_sheet
from eventreg.database import unit_of_work
from eventreg.events import service as events
from eventreg.extensions import db
from eventreg.registrations.service import AttendeeRequest, cancel_attendees
from eventreg.waitlist.service import join_waitlist
from tests.doors import app_door

CATALOGUE = Path(__file__).parents[1] / "eventreg" / "translations" / "messages.pot"
#: Texts of the source catalogue that read the same in every language (names, codes).
SAME_EVERYWHERE = {"API", "CSV", "JSON", "Excel", "QR", "English", "Български", "Українська"}
#: Leaks once seen on these pages, each a pattern of the page's visible text.
KNOWN_LEAKS = [r"\badult\b", r"\bchild\b", r"\(confirmation\)", r"\(promotion\)",
               r"checkin\.check_in", r"\bevent\.created\b", r"scanned_at", r"records_exits",
               r"\bFalse\b", r"\+00:00", r"\d{4}-\d\d-\d\dT\d\d:", r"Sign-in sheet"]
#: What organisers themselves typed in English for this test's seed (not the app's words).
SEED_ENGLISH = ("Country office", "Organiser 1", "Olena", "Mykola", "Ivan", "Main gate",
                "Awareness project", "EEA Grants")


def _english_sentences() -> list[str]:
    """The longer pieces of the source catalogue's texts, split at their placeholders:
    each is English a translated page never shows verbatim."""
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    pieces = set()
    for message in catalogue:
        for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", text or ""):
                piece = piece.strip(" .,:;()“”\"'")
                if len(piece) >= 18 and " " in piece and piece not in SAME_EVERYWHERE:
                    pieces.add(piece)
    return sorted(pieces)


def _visible_text(page: str) -> str:
    """What a person reads: the text between tags, and the labels in attributes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    labels = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', page))
    text = re.sub(r"<[^>]+>", " ", page) + " " + labels
    text = html.unescape(text)
    for typed in SEED_ENGLISH:
        text = text.replace(typed, " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def seeded(db_session, organiser, make_event, make_registration):
    """An organisation with more than one of everything the organiser pages show."""
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Awareness project",
                                            "EEA Grants")
    texts = {"bg": "Ден", "uk": "День"}
    event = make_event(
        title={"bg": "Световен ден на бежанците", "uk": "Всесвітній день біженців"},
        venue={"bg": "Борисова градина", "uk": "Борисів сад"}, capacity=4,
        programme_id=programme.id, asks_sex=True,
        activities=[{"title": {"bg": "Кукли", "uk": "Ляльки"}, "place": texts,
                     "capacity": 5},
                    {"title": {"bg": "Концерт", "uk": "Концерт"}}],
        questions=[{"label": {"bg": "Автобус?", "uk": "Автобус?"}, "kind": "yes_no"},
                   {"label": {"bg": "Спирка", "uk": "Зупинка"}, "kind": "single_choice",
                    "option_labels": [{"bg": "Център", "uk": "Центр"},
                                      {"bg": "Гара", "uk": "Вокзал"}]}])
    make_event(title={"bg": "Втори ден", "uk": "Другий день"}, slug="second-day")
    family = make_registration(event, [
        AttendeeRequest(name="Olena", age_group="adult", sex="female"),
        AttendeeRequest(name="Mykola", age_group="child", sex="male")],
        email="olena@example.org", language="uk")
    make_registration(event, [AttendeeRequest(name="Ivan", age_group="adult", sex="male")],
                      email="ivan@example.org")
    with unit_of_work(db_session):
        join_waitlist(db_session, event, _waiting(),
                      phone_region="BG")
    with unit_of_work(db_session):
        door, _token = create_door_access(db_session, event, "Main gate", by=organiser)
    for attendee in family.attendees:
        with unit_of_work(db_session):
            checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
                client_id=uuid.uuid4().hex, attendee_id=attendee.id))
    with unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, [
            AttendeeRequest(name="Ivan", age_group="adult", sex="male")],
            sheet_id="sheet-abcdefgh", language="bg")
    with unit_of_work(db_session):
        cancel_attendees(db_session, family, [family.attendees[1].id], by=organiser)
    db_session.expire_all()
    return {"slug": event.slug, "registration_id": family.id, "door_id": door.id,
            "programme_id": programme.id, "activity_id": event.activities[0].id,
            "question_id": event.questions[0].id, "new_status": "cancelled"}


def _waiting():
    from eventreg.registrations.service import RegistrationRequest

    return RegistrationRequest(attendees=[AttendeeRequest(name=name, age_group="adult",
                                                          sex="male")
                                          for name in ("Ivan", "Mykola")],
                               consent=True, email="ivan@example.org", language="bg")


def _organiser_pages(app, ids: dict) -> list[str]:
    """Every organiser page a browser shows (downloads left out), with this seed's ids."""
    pages = []
    for rule in app.url_map.iter_rules():
        if (not rule.rule.startswith("/manage") or "GET" not in rule.methods
                or re.search(r"\.(csv|xlsx|json)$|/live$", rule.rule)
                or rule.rule.endswith("/bursts/cancel")):  # shown only for a burst's ids
            continue
        pages.append(re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule))
    return sorted(pages)


@pytest.mark.parametrize("language", ["bg", "uk"])
def test_no_english_is_left_on_the_organiser_pages(app, client, auth, organiser, seeded,
                                                   language):
    from eventreg.messages.service import deliver_due

    deliver_due(db.session)  # the registrations page names the messages sent
    english = _english_sentences()
    auth.login(organiser)
    pages = _organiser_pages(app, seeded)
    assert len(pages) >= 25
    found = {}
    for url in pages:
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code == 200, url
        text = _visible_text(response.get_data(as_text=True))
        leaks = [piece for piece in english if piece in text]
        leaks += [pattern for pattern in KNOWN_LEAKS if re.search(pattern, text)]
        if leaks:
            found[url] = leaks
    assert found == {}
    # the same look finds the English of the English pages (so it looks at the right text)
    shown_in_english = _visible_text(client.get(
        f"/manage/events/{seeded['slug']}/registrations",
        headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert len([piece for piece in english if piece in shown_in_english]) >= 5
