"""The right of access: everything held about one party, gathered once
(eventreg/privacy/access.py) and shown as a page in the party's language, a JSON download
and through the API; only to the organisers of the event's organisation, and audited."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.accounts import service as accounts
from eventreg.audit.models import AuditEntry
from eventreg.checkin import scanning
from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work, utcnow
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import deliver_due
from eventreg.privacy import access
from eventreg.registrations import service as registrations
from eventreg.registrations.models import Registration
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest
from eventreg.waitlist import service as waitlist
from tests.conftest import PRIVACY
from tests.doors import app_door

QUESTIONS = [
    {"label": {"en": "Where did you hear of it?", "bg": "Откъде научихте?",
               "uk": "Звідки ви дізналися?"},
     "kind": "single_choice", "option_labels": [
         {"en": "Radio", "bg": "Радио", "uk": "Радіо"},
         {"en": "Friends", "bg": "Приятели", "uk": "Друзі"}]},
    {"label": {"en": "Food allergies", "bg": "Хранителни алергии", "uk": "Харчові алергії"},
     "kind": "text", "asked_per": "attendee"},
    {"label": {"en": "Do you need a ramp?", "bg": "Нужна ли ви е рампа?",
               "uk": "Чи потрібен вам пандус?"}, "kind": "yes_no"},
]


@pytest.fixture
def held(db_session, organiser, make_organiser, make_event, make_registration):
    """Two organisations, three events, parties on each, doors, scans and messages: the
    party under test (Olena's, in Ukrainian) among others that must not show."""
    theirs = make_organiser("Another NGO")
    picnic = make_event(slug="picnic", asks_sex=True, questions=QUESTIONS,
                        activities=[{"title": {"en": "Doll-making", "uk": "Ляльки"}},
                                    {"title": {"en": "Face painting", "uk": "Аквагрим"}}])
    fair = make_event(slug="fair", questions=QUESTIONS[:1])
    their_fair = make_event(by=theirs, slug="their-fair")
    where, allergies, ramp = picnic.questions
    dolls, faces = picnic.activities
    olena = make_registration(
        picnic, [AttendeeRequest(name="Olena Kovalenko", age_group="adult", sex="female",
                                 answers={allergies.id: "Горіхи"}),
                 AttendeeRequest(name="Mykola Kovalenko", age_group="child", sex="male",
                                 activity_ids=[dolls.id, faces.id])],
        contact_name="Olena K.", email="olena@example.org", phone="+359 88 123 4567",
        language="uk", answers={where.id: "o2", ramp.id: True})
    ivan = make_registration(
        picnic, [AttendeeRequest(name="Ivan Petrov", age_group="adult", sex="male",
                                 answers={allergies.id: "none"})],
        email="ivan@example.org", language="bg", answers={where.id: "o1"})
    daryna = make_registration(fair, ["Daryna Shevchenko"], email="daryna@example.org",
                               answers={fair.questions[0].id: "o1"})
    other = make_registration(their_fair, ["Somebody Else"], email="else@example.org")
    with unit_of_work(db_session):
        gate, _ = create_door_access(db_session, picnic, "Main gate")
        tent, _ = create_door_access(db_session, picnic, "Doll tent", activity_ids=[dolls.id],
                                     records_exits=True)
        fair_gate, _ = create_door_access(db_session, fair, "Fair gate")
        for number, (door, attendee) in enumerate([
                (gate, olena.attendees[0]), (gate, olena.attendees[1]),
                (tent, olena.attendees[1]), (gate, ivan.attendees[0]),
                (fair_gate, daryna.attendees[0])]):
            scanning.check_in(db_session, app_door(door), scanning.CheckinRequest(
                client_id=f"scan-{number}", attendee_id=attendee.id,
                activity_id=dolls.id if door is tent else None))
        scanning.check_in(db_session, app_door(gate), scanning.CheckinRequest(
            client_id="scan-again", attendee_id=olena.attendees[0].id))
    deliver_due(db_session)  # the confirmations are written and sent, as the worker does
    return {"organiser": organiser, "theirs": theirs, "picnic": picnic, "fair": fair,
            "olena": olena, "ivan": ivan, "daryna": daryna, "other": other}


def _personal_data(db_session, registration, by, channel="json"):
    with unit_of_work(db_session):
        registration = db_session.get(Registration, registration.id)
        return access.as_json(access.personal_data(db_session, registration, by=by,
                                                   channel=channel))


def test_everything_held_about_a_party_and_nothing_about_others(db_session, held):
    olena = held["olena"]
    data = _personal_data(db_session, olena, held["organiser"])

    assert data["event"]["slug"] == "picnic" and data["event"]["organisation"] == "Country office"
    assert data["event"]["title"] == "Всесвітній день біженців"  # in the party's language
    registration = data["registration"]
    assert registration | {"created_at": None} == {
        "id": olena.id, "contact_name": "Olena K.", "email": "olena@example.org",
        "phone": "+359881234567", "language": "uk", "created_at": None,
        "cancelled_at": None, "walk_in": False}
    assert data["consent"] == {"given_at": olena.consent_given_at.isoformat(),
                               "notice_text": olena.consent_text}
    # The notice consented to: the organiser's words and the period really configured.
    assert olena.consent_text.startswith(PRIVACY["uk"]) and "180 днів" in olena.consent_text

    olena_person, mykola = data["attendees"]
    assert [olena_person["name"], mykola["name"]] == ["Olena Kovalenko", "Mykola Kovalenko"]
    assert (mykola["age_group"], mykola["sex"], mykola["birth_year"]) == ("child", "male", None)
    assert mykola["ticket_code"] == olena.attendees[1].ticket_code
    assert olena_person["checked_in_door"] == "Main gate" and olena_person["checked_in_at"]
    assert [(a["title"], a["checked_in_door"]) for a in mykola["activities"]] == [
        ("Ляльки", "Doll tent"), ("Аквагрим", None)]

    assert [(a["question"], a["attendee_id"], a["value"], a["answer_text"])
            for a in data["answers"]] == [
        ("Звідки ви дізналися?", None, "o2", "Друзі"),
        ("Чи потрібен вам пандус?", None, True, "так"),
        ("Харчові алергії", olena.attendees[0].id, "Горіхи", "Горіхи"),
    ]

    [confirmation] = data["messages"]
    assert confirmation["kind"] == "confirmation" and confirmation["status"] == "sent"
    assert confirmation["to_address"] == "olena@example.org"
    assert confirmation["subject"] == "Ваші квитки: Всесвітній день біженців"
    assert olena.ticket_secret in confirmation["text_body"]  # the body as it was written
    assert confirmation["html_body"] and confirmation["sent_at"]

    scans = [(s["attendee_id"], s["door"], s["action"], s["status"], s["activity"])
             for s in data["check_ins"]]
    assert scans == [
        (olena.attendees[0].id, "Main gate", "check_in", "checked_in", None),
        (olena.attendees[1].id, "Main gate", "check_in", "checked_in", None),
        (olena.attendees[1].id, "Doll tent", "check_in", "checked_in", "Ляльки"),
        (olena.attendees[0].id, "Main gate", "check_in", "already_checked_in", None),
    ]
    assert data["waiting_list"] is None

    everything = json.dumps(data, ensure_ascii=False)
    for elsewhere in ("Ivan Petrov", "ivan@example.org", "Daryna", "Somebody Else",
                      "else@example.org", "Fair gate", held["ivan"].attendees[0].ticket_code):
        assert elsewhere not in everything


def test_a_party_from_the_waiting_list_shows_its_place_and_the_waiting_lists_message(
        db_session, held, make_event, make_registration):
    small = make_event(slug="small-workshop", capacity=1)
    first = make_registration(small, ["Ivan Petrov"], email="ivan@example.org")
    with unit_of_work(db_session):
        entry = waitlist.join_waitlist(db_session, small, RegistrationRequest(
            attendees=[AttendeeRequest(name="Sofiia Bondarenko", age_group="adult")],
            consent=True, email="sofiia@example.org", language="bg"),
            phone_region="BG")
        entry_id = entry.id
    with unit_of_work(db_session):
        registrations.cancel_attendees(db_session, db_session.get(Registration, first.id))
    deliver_due(db_session)
    promoted = db_session.scalar(select(Registration).where(
        Registration.event_id == small.id, Registration.email == "sofiia@example.org"))

    data = _personal_data(db_session, promoted, held["organiser"])
    place = data["waiting_list"]
    assert place["id"] == entry_id and place["promoted_at"] and place["removed_at"] is None
    assert place["email"] == "sofiia@example.org"
    assert place["form_as_sent"]["attendees"][0]["name"] == "Sofiia Bondarenko"
    assert [(m["kind"], m["status"]) for m in data["messages"]] == [
        ("waitlist_joined", "sent"), ("promotion", "sent")]
    assert "Ivan" not in json.dumps(data, ensure_ascii=False)


def test_each_access_is_audited_by_registration_id_without_a_name(db_session, held):
    olena, organiser = held["olena"], held["organiser"]
    _personal_data(db_session, olena, organiser, channel="page")
    _personal_data(db_session, olena, organiser, channel="json")
    entries = list(db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "registration.access_export").order_by(AuditEntry.id)))
    assert [(e.target, e.details, e.organiser_id, e.event_id) for e in entries] == [
        (f"registration {olena.id}", {"registration": olena.id, "format": "page"},
         organiser.id, olena.event_id),
        (f"registration {olena.id}", {"registration": olena.id, "format": "json"},
         organiser.id, olena.event_id),
    ]
    assert entries[0].organisation_id == held["picnic"].organisation_id


# --- the organisers' page and download ---------------------------------------------------


def _url(registration, slug="picnic", suffix=""):
    return f"/manage/events/{slug}/registrations/{registration.id}/personal-data{suffix}"


def test_registrations_page_links_each_party_to_everything_held(client, auth, held):
    auth.login(held["organiser"])
    page = client.get("/manage/events/picnic/registrations").get_data(as_text=True)
    for party in (held["olena"], held["ivan"]):
        assert f'href="{_url(party)}"' in page
        assert f'href="{_url(party, suffix=".json")}"' in page
    assert "Everything we hold" in page and str(held["daryna"].id) + "/personal-data" not in page


@pytest.mark.parametrize("party, language, labels", [
    ("olena", "uk", ["Код квитка", "Контактна особа", "Телефон", "Жінка", "Дитина",
                     "Звідки ви дізналися?", "Друзі", "Харчові алергії", PRIVACY["uk"],
                     "Ваші квитки: Всесвітній день біженців", "Ляльки"]),
    ("ivan", "bg", ["Код на билета", "Телефон", "Имейл", "Мъж", "Възрастен",
                    "Откъде научихте?", "Радио", "Хранителни алергии", PRIVACY["bg"],
                    "Вашите билети: Световен ден на бежанците"]),
])
def test_the_page_is_in_the_partys_language(client, auth, held, party, language, labels):
    auth.login(held["organiser"])
    response = client.get(_url(held[party]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<div class="access-document" lang="{language}" dir="ltr">' in page
    for label in labels:
        assert label in page, label
    # The organiser's own controls stay in the organiser's language.
    assert "Download as JSON" in page and "Sign out" in page
    assert "no-store" in response.headers["Cache-Control"]


def test_an_arabic_partys_data_is_in_arabic_right_to_left_with_every_scan_in_words(
        client, auth, db_session, make_event, make_registration, organiser):
    """Printed or sent to the family, in its language: no English label, no raw code (a
    child let in too early at the workshop's door, then scanned again)."""
    starts = utcnow() + timedelta(hours=3)
    event = make_event(slug="iftar", activities=[{"title": {"en": "Drawing", "ar": "رسم"},
                                                  "starts_at": starts}])
    drawing = event.activities[0].id
    family = make_registration(event, [
        AttendeeRequest(name="فاطمة الأحمد", age_group="adult", activity_ids=[drawing]),
        AttendeeRequest(name="يوسف الأحمد", age_group="child", activity_ids=[drawing])],
        email="fatima@example.org", language="ar")
    yusuf = family.attendees[1]
    with unit_of_work(db_session):
        tent, _ = create_door_access(db_session, event, "خيمة الرسم", activity_ids=[drawing])
        door = scanning.DoorView.of(tent, scanning.DoorSettings(
            undo_window=timedelta(minutes=15), early_warning=timedelta(minutes=60)))
        for number, reason in enumerate([None, "organiser_agreed"]):
            scanning.check_in(db_session, door, scanning.CheckinRequest(
                client_id=f"tent-{number}", attendee_id=yusuf.id, reason=reason))
    auth.login(organiser)
    page = client.get(_url(family, slug="iftar")).get_data(as_text=True)
    document = page[page.index('<div class="access-document"'):]
    assert document.startswith('<div class="access-document" lang="ar" dir="rtl">')
    for arabic in ("البيانات الشخصية التي نحتفظ بها عنك", "رمز التذكرة", "الاسم",
                   "التذاكر الممسوحة عند المدخل", "ما زال الوقت مبكرًا لهذه الجلسة",
                   "سُمح بالدخول"):
        assert arabic in document, arabic
    for english in ("Name", "Status", "Came in", "too_early", "Note for the door",
                    "Registration number", "Checked in at"):
        assert english not in document, english


def test_the_page_shows_the_messages_check_ins_and_doors(client, auth, held):
    auth.login(held["organiser"])
    page = client.get(_url(held["olena"])).get_data(as_text=True)
    assert "Main gate" in page and "Doll tent" in page
    assert held["olena"].attendees[1].ticket_code in page
    assert "olena@example.org" in page and "+359881234567" in page
    assert "Ivan Petrov" not in page and "Daryna" not in page


def test_json_download_is_an_attachment_never_kept_and_holds_the_same_data(
        client, auth, db_session, held):
    auth.login(held["organiser"])
    response = client.get(_url(held["olena"], suffix=".json"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="registration-{held["olena"].id}-personal-data.json"')
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.data)
    expected = _personal_data(db_session, held["olena"], held["organiser"])
    assert data | {"generated_at": None} == expected | {"generated_at": None}
    assert "Kovalenko" not in response.headers["Content-Disposition"]


def test_another_organisation_and_another_event_find_no_such_party(
        client, auth, db_session, held):
    auth.login(held["theirs"])
    for url in (_url(held["olena"]), _url(held["olena"], suffix=".json")):
        assert client.get(url).status_code == 404
    client.post("/logout")
    auth.login(held["organiser"])
    # One of the organisation's parties, asked for under another of its events.
    assert client.get(_url(held["daryna"], slug="picnic")).status_code == 404
    assert client.get(_url(held["olena"], slug="fair", suffix=".json")).status_code == 404
    assert client.get(_url(held["other"], slug="their-fair")).status_code == 404
    assert db_session.scalar(select(AuditEntry).where(
        AuditEntry.action == "registration.access_export")) is None


def test_signed_out_visitors_are_sent_to_sign_in(client, held):
    for url in (_url(held["olena"]), _url(held["olena"], suffix=".json")):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the API -----------------------------------------------------------------------------


def _token(db_session, organiser) -> str:
    with unit_of_work(db_session):
        _, token = accounts.create_api_token(db_session, organiser, "access")
    return token


def test_api_answers_the_same_json_as_the_download(client, db_session, held):
    token = _token(db_session, held["organiser"])
    response = client.get(f"/api/v1/registrations/{held['olena'].id}/personal-data",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    expected = _personal_data(db_session, held["olena"], held["organiser"])
    assert response.json | {"generated_at": None} == expected | {"generated_at": None}
    details = [e.details for e in db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "registration.access_export").order_by(AuditEntry.id))]
    assert details[0] == {"registration": held["olena"].id, "format": "api"}


def test_api_finds_no_party_of_another_organisation(client, db_session, held):
    theirs = _token(db_session, held["theirs"])
    ours = _token(db_session, held["organiser"])
    for token, registration in ((theirs, held["olena"]), (ours, held["other"])):
        response = client.get(f"/api/v1/registrations/{registration.id}/personal-data",
                              headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 404
        assert response.json["error"] == "registration_not_found"
    response = client.get(f"/api/v1/registrations/{held['olena'].id}/personal-data")
    assert response.status_code == 401
    missing = max(r.id for r in (held["olena"], held["ivan"], held["daryna"], held["other"]))
    response = client.get(f"/api/v1/registrations/{missing + 1}/personal-data",
                          headers={"Authorization": f"Bearer {ours}"})
    assert response.status_code == 404


def test_a_cancelled_party_is_still_shown_whole(db_session, held):
    olena = held["olena"]
    with unit_of_work(db_session):
        registrations.cancel_attendees(db_session, db_session.get(Registration, olena.id))
    deliver_due(db_session)
    data = _personal_data(db_session, olena, held["organiser"])
    assert data["registration"]["cancelled_at"]
    assert all(person["cancelled_at"] for person in data["attendees"])
    assert [m["kind"] for m in data["messages"]] == ["confirmation", "cancellation"]
    assert "Mykola Kovalenko" in data["messages"][1]["text_body"]
    assert db_session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.registration_id == held["ivan"].id)) not in {
        m["id"] for m in data["messages"]}


def test_a_party_asked_no_sex_shows_none(db_session, held, make_registration, make_event):
    walk = make_event(slug="walk", age_mode="birth_year")
    party = make_registration(walk, [AttendeeRequest(name="Petar", birth_year=1990)])
    data = _personal_data(db_session, party, held["organiser"])
    [person] = data["attendees"]
    assert (person["sex"], person["birth_year"], person["age_group"]) == (None, 1990, None)
    assert data["answers"] == [] and data["messages"] == [] and data["check_ins"] == []
