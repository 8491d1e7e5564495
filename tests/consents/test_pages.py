"""Optional consents from the people's side: asked on the registration form in their
language, every box unticked; withdrawn from the ticket page; seen at the door, on the
printed door list, in the downloads and in the access export; set on the event form."""

import csv
import io
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from eventreg.checkin.doors import create_door_access
from eventreg.consents.models import Consent
from eventreg.database import unit_of_work
from eventreg.events.models import Event
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.service import AttendeeRequest
from tests.checkin.conftest import bearer

UKRAINIAN = {"Accept-Language": "uk"}
ALL_THREE = ["photos", "future_contact", "partner_sharing"]


def uk(text: str, **values) -> str:
    """The Ukrainian for an English message of the app; fails if it is not translated."""
    with force_locale("uk"):
        translated = gettext(text, **values)
    assert translated != (text % values if values else text), f"untranslated: {text}"
    return translated


@pytest.fixture
def picnic(make_event):
    """World Refugee Day asking all three consents; another event asks none."""
    make_event(slug="info-session", title={"en": "Info session"})
    return make_event(optional_consents=ALL_THREE, consent_partner="Caritas Sofia")


def door_rows(client, db_session, event) -> dict[str, dict]:
    with unit_of_work(db_session):
        _door, token = create_door_access(db_session, event, f"Gate {event.id}")
    answer = client.get("/api/v1/door/attendees", headers=bearer(token))
    assert answer.status_code == 200
    return {row["name"]: row for row in answer.json["attendees"]}


def register_through_the_form(client, event, people, headers=None):
    """Post the form as a browser would: `people` are (name, age group, consents ticked)."""
    data = {"party_size": str(len(people)), "client_id": "f" * 32, "consent": "yes",
            "consent_partner": event.consent_partner, "action": "register"}
    for index, (name, age, ticked) in enumerate(people):
        data[f"attendees.{index}.name"] = name
        data[f"attendees.{index}.age_group"] = age
        if ticked:
            data[f"attendees.{index}.consents"] = ticked
    return client.post(f"/e/{event.slug}/register", data=data, headers=headers or {})


def test_the_form_asks_each_person_in_their_language_with_every_box_unticked(client, picnic):
    page = client.get(f"/e/{picnic.slug}/register?party_size=2",
                      headers=UKRAINIAN).get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" name="attendees\.\d\.consents"[^>]*>', page)
    assert len(boxes) == 6, "three consents for each of the two people"
    assert not [box for box in boxes if "checked" in box], "no box is ticked beforehand"
    assert uk("Optional consents") in page and uk("Photos and video") in page
    assert uk("Sharing with %(partner)s", partner="Caritas Sofia") in page
    assert uk("Only if you agree: this person is registered and let in all the same. For a "
              "child, a parent or guardian decides. You can withdraw each one later from your "
              "tickets' page.") in page
    plain = client.get("/e/info-session/register").get_data(as_text=True)
    assert "consents" not in plain


def test_a_family_registers_in_ukrainian_and_the_childs_untouched_photo_box_is_no(
        client, auth, db_session, organiser, picnic, make_registration):
    make_registration(picnic, ["Ivana Petrova"])  # another party, who gave no consent
    answer = register_through_the_form(client, picnic, [
        ("Олена Коваленко", "adult", ["photos", "partner_sharing"]),
        ("Миколка Коваленко", "child", [])], headers=UKRAINIAN)
    assert answer.status_code == 302 and "/t/" in answer.headers["Location"]

    db_session.rollback()
    olena, mykola = db_session.scalars(select(Attendee).where(
        Attendee.name.in_(["Олена Коваленко", "Миколка Коваленко"])).order_by(Attendee.position))
    assert [(c.kind, c.language) for c in olena.consents] == [("photos", "uk"),
                                                              ("partner_sharing", "uk")]
    assert olena.consents[0].text == uk(
        "Photos and videos in which this person can be recognised may be taken at the event "
        "and published by the organisers, in their reports, on their website and in social "
        "media.")
    assert "Caritas Sofia" in olena.consents[1].text
    assert mykola.consents == [], "the child's photo consent is no"

    rows = door_rows(client, db_session, picnic)
    assert rows["Миколка Коваленко"]["no_photos"] is True
    assert rows["Ivana Petrova"]["no_photos"] is True
    assert rows["Олена Коваленко"]["no_photos"] is False

    auth.login(organiser)
    printed = client.get(f"/manage/events/{picnic.slug}/door-list").get_data(as_text=True)
    marked = re.findall(r"<td>([^<]+) <strong class=\"no-photos\">No photos</strong></td>",
                        printed)
    assert sorted(marked) == ["Ivana Petrova", "Миколка Коваленко"]
    assert "did not consent to photos and video" in printed


def test_a_consent_the_event_does_not_ask_is_refused_on_the_form_and_nothing_is_lost(
        client, db_session, picnic, make_event):
    photos_only = make_event(slug="photos-only", optional_consents=["photos"])
    answer = register_through_the_form(client, photos_only, [
        ("Olena Kovalenko", "adult", ["photos", "future_contact"])])
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "This event does not ask that consent." in page
    assert 'value="Olena Kovalenko"' in page, "what was typed is kept"
    db_session.rollback()
    assert db_session.scalar(select(Registration.id)) is None


def test_a_consent_is_withdrawn_from_the_ticket_page_and_the_door_sees_it(
        client, db_session, picnic, make_registration):
    family = make_registration(picnic, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult",
                        consents=["photos", "future_contact"]),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child", consents=["photos"])],
        language="uk")
    other = make_registration(picnic, [AttendeeRequest(name="Ahmad Karimi",
                                                       age_group="adult", consents=["photos"])])
    page = client.get(f"/t/{family.ticket_secret}").get_data(as_text=True)
    assert "Consents you gave" in page and page.count('name="kind"') == 3
    assert door_rows(client, db_session, picnic)["Mykola Kovalenko"]["no_photos"] is False

    mykola = family.attendees[1]
    answer = client.post(f"/t/{family.ticket_secret}/consents/withdraw",
                         data={"attendee_id": mykola.id, "kind": "photos"})
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Withdrawn: Photos and video, for Mykola Kovalenko." in page
    assert page.count('name="kind"') == 2 and "withdrawn" in page

    db_session.rollback()
    rows = door_rows(client, db_session, picnic)
    assert rows["Mykola Kovalenko"]["no_photos"] is True
    assert rows["Olena Kovalenko"]["no_photos"] is False
    assert rows["Ahmad Karimi"]["no_photos"] is False, "another party's stays"
    [withdrawn] = db_session.scalars(select(Consent).where(Consent.withdrawn_at.is_not(None)))
    assert withdrawn.attendee_id == mykola.id and other.id != family.id

    again = client.post(f"/t/{family.ticket_secret}/consents/withdraw",
                        data={"attendee_id": mykola.id, "kind": "photos"})
    assert "This consent was already withdrawn." in client.get(
        again.headers["Location"]).get_data(as_text=True)
    stranger = client.post(f"/t/{family.ticket_secret}/consents/withdraw",
                           data={"attendee_id": other.attendees[0].id, "kind": "photos"})
    assert "No such attendee in this registration." in client.get(
        stranger.headers["Location"]).get_data(as_text=True)
    db_session.rollback()
    assert db_session.get(Attendee, other.attendees[0].id).consents[0].withdrawn_at is None


def test_a_consent_can_be_withdrawn_after_the_event(client, db_session, make_event,
                                                    make_registration):
    held = make_event(starts_in=timedelta(days=-3), optional_consents=["photos"])
    party = make_registration(held, [AttendeeRequest(name="Leyla Karimi", age_group="child",
                                                     consents=["photos"])], walk_in=True)
    answer = client.post(f"/t/{party.ticket_secret}/consents/withdraw",
                         data={"attendee_id": party.attendees[0].id, "kind": "photos"})
    assert answer.status_code == 302
    db_session.rollback()
    assert db_session.get(Attendee, party.attendees[0].id).consents[0].withdrawn_at is not None


def test_the_downloads_have_a_column_per_consent_asked(client, auth, organiser, picnic,
                                                       make_registration, make_event):
    make_registration(picnic, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult",
                        consents=["photos", "partner_sharing"]),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child")])
    auth.login(organiser)
    answer = client.get(f"/manage/events/{picnic.slug}/attendees.csv")
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    columns = ["Consent: Photos and video", "Consent: Contact about future events",
               "Consent: Sharing with Caritas Sofia"]
    assert [[row[column] for column in columns] for row in rows] == [
        ["yes", "no", "yes"], ["no", "no", "no"]]
    plain = client.get("/manage/events/info-session/attendees.csv").get_data(as_text=True)
    assert "Consent:" not in plain


def test_the_access_export_holds_each_persons_consents_with_words_and_times(
        client, auth, db_session, organiser, picnic, make_registration):
    family = make_registration(picnic, [
        AttendeeRequest(name="Olena Kovalenko", age_group="adult", consents=["photos"]),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child")])
    client.post(f"/t/{family.ticket_secret}/consents/withdraw",
                data={"attendee_id": family.attendees[0].id, "kind": "photos"})
    auth.login(organiser)
    base = f"/manage/events/{picnic.slug}/registrations/{family.id}/personal-data"
    held = client.get(base + ".json").json
    olena, mykola = held["attendees"]
    [consent] = olena["consents"]
    assert consent["kind"] == "photos" and consent["language"] == "en"
    assert consent["text"].startswith("Photos and videos in which this person")
    assert consent["given_at"] < consent["withdrawn_at"]
    assert mykola["consents"] == []
    page = client.get(base).get_data(as_text=True)
    assert "Optional consents" in page and consent["text"] in page


def event_form(**changes) -> dict:
    data = {"title_en": "Summer picnic", "timezone": "Europe/Sofia",
            "starts_at": "2027-06-20T10:00", "ends_at": "2027-06-20T18:00",
            "age_mode": "age_group", "programme_id": "", "venue_en": "Borisova Gradina"}
    data.update(changes)
    return data


def test_the_event_form_refuses_sharing_without_a_partner_and_keeps_what_was_typed(
        client, auth, db_session, organiser):
    auth.login(organiser)
    answer = client.post("/manage/events/new", data=event_form(
        optional_consents=["photos", "partner_sharing"], consent_partner=" "))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert ("Name the partner people may agree to share their details with, or untick "
            "sharing with a partner.") in page
    assert 'value="Summer picnic"' in page and 'value="Borisova Gradina"' in page
    ticked = re.findall(r'<input[^>]*name="optional_consents"[^>]*>', page)
    assert [box for box in ticked if "checked" in box and 'value="photos"' in box]
    assert [box for box in ticked if "checked" in box and 'value="partner_sharing"' in box]
    db_session.rollback()
    assert db_session.scalar(select(Event.id)) is None

    saved = client.post("/manage/events/new", data=event_form(
        optional_consents=["photos", "partner_sharing"], consent_partner="Caritas Sofia"))
    assert saved.status_code == 302
    db_session.rollback()
    event = db_session.scalar(select(Event))
    assert (event.optional_consents, event.consent_partner) == (
        ["photos", "partner_sharing"], "Caritas Sofia")
    edit = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert 'value="Caritas Sofia"' in edit


def test_the_event_form_refuses_a_consent_not_on_the_list(client, auth, db_session, organiser):
    auth.login(organiser)
    answer = client.post("/manage/events/new", data=event_form(
        optional_consents=["photos", "marketing"]))
    assert answer.status_code == 422
    db_session.rollback()
    assert db_session.scalar(select(Event.id)) is None
