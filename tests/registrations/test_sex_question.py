"""An event may ask each attendee's sex, for reports by sex; "prefer not to say" is an answer."""

import csv
import io

import pytest
from sqlalchemy import select

from eventreg.accounts.service import create_api_token
from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work
from eventreg.errors import ValidationFailed
from eventreg.registrations.models import Attendee
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    cancel_attendees,
    register,
)
from eventreg.waitlist import service as waitlist


def family(*people):
    """`people`: (name, sex) pairs, all adults."""
    return RegistrationRequest(
        attendees=[AttendeeRequest(name=name, age_group="adult", sex=sex) for name, sex in people],
        consent=True)


def test_each_attendee_answers_when_the_event_asks(db_session, make_event):
    event = make_event(asks_sex=True)
    with unit_of_work(db_session):
        outcome = register(db_session, event, family(("Olena", "female"),
                                                     ("Sasha", "prefer_not_to_say")), phone_region="BG")
    assert [a.sex for a in outcome.registration.attendees] == ["female", "prefer_not_to_say"]


@pytest.mark.parametrize("answer", [None, "", "woman"])
def test_a_missing_or_unknown_answer_is_refused_with_the_field_to_fix(db_session, make_event,
                                                                       answer):
    event = make_event(asks_sex=True)
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        register(db_session, event, family(("Olena", "female"), ("Mykola", answer)), phone_region="BG")
    assert set(refused.value.fields) == {"attendees.1.sex"}
    assert db_session.scalar(select(Attendee.id)) is None


def test_an_event_that_does_not_ask_stores_no_answer(db_session, make_event):
    event = make_event()
    with unit_of_work(db_session):
        outcome = register(db_session, event, family(("Olena", "female")), phone_region="BG")
    assert outcome.registration.attendees[0].sex is None


def test_a_party_waiting_from_before_the_question_is_still_promoted(db_session, organiser,
                                                                    make_event,
                                                                    make_registration):
    from eventreg.events import service as events

    event = make_event(capacity=1)
    first = make_registration(event, ["Olena"])
    with unit_of_work(db_session):
        entry = waitlist.join_waitlist(db_session, event, family(("Ivan", None)), phone_region="BG")
    event.asks_sex = True
    db_session.commit()
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    db_session.rollback()
    entry = db_session.get(type(entry), entry.id)
    assert entry.registration is not None, "promoted, not dropped from the line"
    assert [(a.name, a.sex) for a in entry.registration.attendees] == [("Ivan", None)]
    assert events.get_organiser_event(db_session, organiser, event.slug).asks_sex


def test_the_form_offers_the_answers_and_keeps_them_on_a_mistake(client, make_event):
    event = make_event(asks_sex=True)
    form = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    for value in ("female", "male", "other", "prefer_not_to_say"):
        assert f'name="attendees.0.sex" value="{value}"' in form
    assert "Prefer not to say" in form
    data = {"client_id": "sex-1", "party_size": "2", "consent": "yes", "action": "register",
            "attendees.0.name": "Olena", "attendees.0.age_group": "adult",
            "attendees.0.sex": "female",
            "attendees.1.name": "Mykola", "attendees.1.age_group": "child"}
    response = client.post(f"/e/{event.slug}/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“prefer not to say” is one." in page
    # The mistake is named at the top, with a link down to it (a long form on a phone).
    assert '<a href="#f-attendees-1-sex">Person 2: Sex</a>' in page
    assert 'id="f-attendees-1-sex"' in page
    assert 'name="attendees.0.sex" value="female" checked' in page
    response = client.post(f"/e/{event.slug}/register",
                           data={**data, "attendees.1.sex": "male"})
    assert response.status_code == 302


def test_the_form_of_an_event_that_does_not_ask_has_no_sex_question(client, make_event):
    event = make_event()
    assert "attendees.0.sex" not in client.get(f"/e/{event.slug}/register").get_data(
        as_text=True)


def test_organiser_switches_the_question_on_in_the_event_form(client, auth, organiser,
                                                             db_session):
    from eventreg.events.models import Event

    auth.login(organiser)
    assert 'name="asks_sex"' in client.get("/manage/events/new").get_data(as_text=True)
    form = {"title_en": "World Refugee Day", "timezone": "Europe/Sofia",
            "starts_at": "2027-06-20T11:00", "ends_at": "2027-06-20T18:00",
            "age_mode": "age_group", "programme_id": ""}
    for slug, asks in (("asks", "y"), ("does-not-ask", None)):
        response = client.post("/manage/events/new",
                               data={**form, "slug": slug, **({"asks_sex": asks} if asks else {})})
        assert response.status_code == 302
    db_session.rollback()
    asked = dict(db_session.execute(select(Event.slug, Event.asks_sex)).all())
    assert asked == {"asks": True, "does-not-ask": False}


def test_api_event_and_registration_carry_the_answer(client, db_session, organiser, make_event):
    with unit_of_work(db_session):
        _, token = create_api_token(db_session, organiser, "tests")
    event = make_event(asks_sex=True)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/events/{event.slug}").json["asks_sex"] is True
    body = {"consent": True, "attendees": [{"name": "Olena", "age_group": "adult"}]}
    refused = client.post(f"/api/v1/events/{event.slug}/registrations", json=body)
    assert refused.status_code == 422
    assert "attendees.0.sex" in refused.json["fields"]
    body["attendees"][0]["sex"] = "prefer_not_to_say"
    created = client.post(f"/api/v1/events/{event.slug}/registrations", json=body)
    assert created.status_code == 201
    assert created.json["attendees"][0]["sex"] == "prefer_not_to_say"
    spelled_wrong = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        **body, "attendees": [{"name": "Ivan", "age_group": "adult", "sex": "M"}]})
    assert spelled_wrong.status_code == 422
    refused = client.patch(f"/api/v1/events/{event.slug}", headers=headers,
                           json={"asks_sex": False})
    assert refused.status_code == 422
    assert refused.json["error"] == "sex_answers_would_be_deleted"
    changed = client.patch(f"/api/v1/events/{event.slug}", headers=headers,
                           json={"asks_sex": False, "delete_sex_answers": True})
    assert changed.status_code == 200 and changed.json["asks_sex"] is False
    # Asked no more, kept no more: the answers were given for the event's reports only.
    db_session.rollback()
    assert db_session.scalars(select(Attendee.sex)).all() == [None]


def test_walk_in_at_the_door_gives_the_answer(client, db_session, make_event):
    event = make_event(asks_sex=True)
    with unit_of_work(db_session):
        _, token = create_door_access(db_session, event, "Main gate")
    headers = {"Authorization": f"Bearer {token}"}
    assert 'name="sex"' in client.get(f"/door/{token}").get_data(as_text=True)
    person = {"name": "Ivana Petrova", "age_group": "adult"}
    refused = client.post("/api/v1/door/walk-ins", headers=headers,
                          json={"consent": True, "attendees": [person]})
    assert refused.status_code == 422 and "attendees.0.sex" in refused.json["fields"]
    made = client.post("/api/v1/door/walk-ins", headers=headers, json={
        "consent": True, "attendees": [{**person, "sex": "female"}]})
    assert made.status_code == 201
    db_session.rollback()
    assert db_session.scalar(select(Attendee.sex)) == "female"


def test_export_has_a_sex_column_only_where_the_event_asks(client, auth, organiser, make_event,
                                                          db_session):
    asking, silent = make_event(asks_sex=True), make_event()
    with unit_of_work(db_session):
        register(db_session, asking, family(("Olena", "prefer_not_to_say")), phone_region="BG")
    with unit_of_work(db_session):
        register(db_session, silent, family(("Ivan", None)), phone_region="BG")
    auth.login(organiser)

    def rows(event):
        body = client.get(f"/manage/events/{event.slug}/attendees.csv").data.decode("utf-8")
        header, *rows = csv.reader(io.StringIO(body[1:]))
        return [dict(zip(header, row, strict=True)) for row in rows]

    assert rows(asking)[0]["Sex"] == "Prefer not to say"
    assert "Sex" not in rows(silent)[0]


def test_turning_the_question_off_on_the_form_asks_first_then_deletes_the_answers(
    client, auth, organiser, make_event, db_session
):
    from eventreg.events.models import Event

    event = make_event(asks_sex=True, slug="asks")
    with unit_of_work(db_session):
        register(db_session, event, family(("Olena", "female"), ("Sasha", "prefer_not_to_say")), phone_region="BG")
    auth.login(organiser)
    form = {"title_en": "World Refugee Day", "timezone": "Europe/Sofia",
            "starts_at": "2027-06-20T11:00", "ends_at": "2027-06-20T18:00",
            "age_mode": "age_group", "programme_id": "", "slug": "asks"}
    first = client.post(f"/manage/events/{event.slug}/edit", data=form)
    page = first.get_data(as_text=True)
    assert first.status_code == 422
    assert "deletes the answers 2 people gave" in page
    assert 'name="delete_sex_answers"' in page
    db_session.rollback()
    assert db_session.get(Event, event.id).asks_sex  # nothing changed yet
    assert sorted(db_session.scalars(select(Attendee.sex))) == ["female", "prefer_not_to_say"]
    second = client.post(f"/manage/events/{event.slug}/edit",
                         data={**form, "delete_sex_answers": "y"})
    assert second.status_code == 302
    db_session.rollback()
    assert not db_session.get(Event, event.id).asks_sex
    assert db_session.scalars(select(Attendee.sex)).all() == [None, None]
