"""The rules of registering and cancelling, through the service."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventreg.database import unit_of_work, utcnow
from eventreg.errors import Conflict, ValidationFailed
from eventreg.registrations.models import Answer, Attendee, Registration
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    cancel_attendees,
    list_registrations,
    register,
)
from eventreg.tickets.service import ticket_tokens
from tests.doors import app_door


def _rows(db_session, model):
    return db_session.scalar(select(func.count()).select_from(model))


def test_family_registered_with_no_email_gets_a_ticket_each(db_session, make_event, whose_ticket):
    event = make_event()
    with unit_of_work(db_session):
        outcome = register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Olena", age_group="adult"),
                       AttendeeRequest(name="Mykola", age_group="child"),
                       AttendeeRequest(name="Sofiia", age_group="child")],
            consent=True, language="uk",
        ), phone_region="BG")
    registration = outcome.registration
    assert outcome.is_new
    assert registration.email is None and registration.phone is None
    assert [a.name for a in registration.attendees] == ["Olena", "Mykola", "Sofiia"]
    assert len(registration.ticket_secret) >= 22  # >= 128 bits of URL-safe base64
    tokens = ticket_tokens(db_session, registration.attendees)
    assert {whose_ticket(t).name for t in tokens.values()} == {
        "Olena", "Mykola", "Sofiia"}
    assert registration.consent_given_at is not None
    # What they consented to: the organiser's notice and the period really configured.
    assert registration.consent_text.startswith(event.privacy_notice["uk"])
    assert "180 днів після завершення події" in registration.consent_text


def test_contact_details_are_normalised(db_session, make_event, make_registration):
    registration = make_registration(make_event(), email=" Olena@Example.ORG ",
                                     phone="088 123 4567")
    assert registration.email == "Olena@example.org"
    assert registration.phone == "+359881234567"


def test_every_invalid_field_is_reported_and_nothing_is_saved(db_session, make_event):
    event = make_event(capacity=10)
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="", age_group="adult"),
                       AttendeeRequest(name="Mykola", age_group="teen")],
            email="not-an-email", phone="12", consent=False,
        ), phone_region="BG")
    assert set(refused.value.fields) == {
        "attendees.0.name", "attendees.1.age_group", "email", "phone", "consent"}
    assert _rows(db_session, Registration) == 0
    db_session.refresh(event)
    assert event.places_taken == 0


def test_birth_year_is_asked_when_the_event_says_so(db_session, make_event):
    event = make_event(age_mode="birth_year")
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Ana", birth_year="19x5")], consent=True), phone_region="BG")
    assert "attendees.0.birth_year" in refused.value.fields
    with unit_of_work(db_session):
        outcome = register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Ana", birth_year="1985")], consent=True), phone_region="BG")
    assert outcome.registration.attendees[0].birth_year == 1985
    assert outcome.registration.attendees[0].age_group is None


def test_required_questions_must_be_answered_per_party_and_per_person(db_session, make_event):
    event = make_event(questions=[
        {"label": {"en": "Transport?"}, "kind": "single_choice", "required": True,
         "asked_per": "party", "option_labels": [{"en": "No"}, {"en": "Lyulin metro"}]},
        {"label": {"en": "Allergies"}, "kind": "text", "asked_per": "attendee"},
        {"label": {"en": "First visit?"}, "kind": "yes_no", "required": True,
         "asked_per": "attendee"},
    ])
    transport, allergies, first_visit = event.questions
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Olena", age_group="adult")], consent=True,
            answers={transport.id: "o9"}), phone_region="BG")
    assert set(refused.value.fields) == {
        f"answers.{transport.id}", f"attendees.0.answers.{first_visit.id}"}

    with unit_of_work(db_session):
        registration = register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Olena", age_group="adult",
                                       answers={first_visit.id: "yes", allergies.id: "nuts"})],
            consent=True, answers={str(transport.id): "o2"}), phone_region="BG").registration
    answers = {(a.question_id, a.attendee_id): a.value for a in registration.answers}
    person = registration.attendees[0].id
    assert answers == {(transport.id, None): "o2", (first_visit.id, person): True,
                       (allergies.id, person): "nuts"}


def test_answers_to_questions_the_event_did_not_ask_are_refused(db_session, make_event):
    event = make_event()
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Olena", age_group="adult")], consent=True,
            answers={999999: "anything"}), phone_region="BG")
    assert "answers.999999" in refused.value.fields
    assert _rows(db_session, Answer) == 0


def test_party_larger_than_places_left_is_refused_whole(db_session, make_event, make_registration):
    event = make_event(capacity=3)
    make_registration(event, ["A", "B"])
    with pytest.raises(Conflict) as refused:
        make_registration(event, ["C", "D"])
    assert refused.value.reason == "event_full"
    assert _rows(db_session, Attendee) == 2
    db_session.refresh(event)
    assert event.places_taken == 2


def test_a_full_event_says_so_at_once_instead_of_asking_to_fix_the_party(
    db_session, make_event, make_registration
):
    full, open_event = make_event(capacity=2), make_event(capacity=5)
    first = make_registration(full, ["A"], client_id="first-party")
    make_registration(full, ["B"])
    make_registration(open_event, ["C"])
    mistaken = RegistrationRequest(
        attendees=[AttendeeRequest(name="", age_group="adult")], email="not-an-email",
        consent=True, client_id="late-party")
    # Nothing could be registered: the person is not asked to fix fields first.
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        register(db_session, full, mistaken, phone_region="BG")
    assert refused.value.reason == "event_full"
    assert "0 left" in str(refused.value.message)
    # The same mistakes for an event with places are shown field by field.
    with pytest.raises(ValidationFailed), unit_of_work(db_session):
        register(db_session, open_event, mistaken, phone_region="BG")
    # A party that registered before the event filled up gets its registration again.
    with unit_of_work(db_session):
        again = register(db_session, full, RegistrationRequest(
            attendees=[AttendeeRequest(name="A", age_group="adult")], consent=True,
            client_id="first-party"), phone_region="BG")
    assert again.registration.id == first.id and not again.is_new
    assert _rows(db_session, Attendee) == 3
    db_session.refresh(full)
    assert full.places_taken == 2


def test_full_activity_refuses_the_registration_and_takes_no_event_place(
    db_session, make_event, make_registration
):
    event = make_event(capacity=50, activities=[{"title": {"en": "Doll-making"}, "capacity": 1}])
    workshop = event.activities[0]
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[workshop.id])])
    with pytest.raises(Conflict) as refused:
        make_registration(event, [AttendeeRequest(name="Adult", age_group="adult"),
                                  AttendeeRequest(name="Sofiia", age_group="child",
                                                  activity_ids=[workshop.id])])
    assert refused.value.reason == "activity_full"
    assert list(refused.value.fields) == ["attendees.1.activities"]
    db_session.refresh(event)
    db_session.refresh(workshop)
    assert (event.places_taken, workshop.places_taken) == (1, 1)
    assert _rows(db_session, Registration) == 1


def test_activity_of_another_event_cannot_be_chosen(db_session, make_event):
    other = make_event(activities=[{"title": {"en": "Elsewhere"}}])
    event = make_event()
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="A", age_group="adult",
                                       activity_ids=[other.activities[0].id])], consent=True), phone_region="BG")
    assert "attendees.0.activities" in refused.value.fields


def test_same_client_id_twice_registers_once(db_session, make_event):
    event = make_event(capacity=5)
    request = RegistrationRequest(attendees=[AttendeeRequest(name="A", age_group="adult")],
                                  consent=True, client_id="retry-1234")
    with unit_of_work(db_session):
        first = register(db_session, event, request, phone_region="BG")
    with unit_of_work(db_session):
        again = register(db_session, event, request, phone_region="BG")
    assert first.is_new and not again.is_new
    assert again.registration.id == first.registration.id
    db_session.refresh(event)
    assert event.places_taken == 1


@pytest.mark.parametrize("status", ["draft", "closed", "cancelled"])
def test_registration_is_refused_unless_published(db_session, make_event, organiser, status):
    from eventreg.events.service import change_event_status

    event = make_event(status="draft")
    if status != "draft":
        with unit_of_work(db_session):
            change_event_status(db_session, organiser, event, "published")
        with unit_of_work(db_session):
            change_event_status(db_session, organiser, event, status)
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="A", age_group="adult")], consent=True), phone_region="BG")
    assert refused.value.reason == "registration_closed"


def test_registration_is_refused_outside_its_window(db_session, make_event):
    event = make_event(registration_opens_at=utcnow() + timedelta(days=1))
    request = RegistrationRequest(attendees=[AttendeeRequest(name="A", age_group="adult")],
                                  consent=True)
    with pytest.raises(Conflict), unit_of_work(db_session):
        register(db_session, event, request, phone_region="BG")
    with unit_of_work(db_session):
        outcome = register(db_session, event, request, now=utcnow() + timedelta(days=2), phone_region="BG")
    assert outcome.is_new


def test_cancelling_one_attendee_frees_their_places_and_invalidates_their_ticket(
    db_session, make_event, make_registration
):
    from eventreg.checkin import scanning as checkin
    from eventreg.checkin.doors import create_door_access

    event = make_event(capacity=2, activities=[{"title": {"en": "Doll-making"}, "capacity": 1}])
    workshop = event.activities[0]
    registration = make_registration(event, [
        AttendeeRequest(name="Olena", age_group="adult"),
        AttendeeRequest(name="Mykola", age_group="child", activity_ids=[workshop.id])])
    mykola = registration.attendees[1]
    token = ticket_tokens(db_session, [mykola])[mykola.id]

    assert cancel_attendees(db_session, registration, [mykola.id]) == 1
    assert cancel_attendees(db_session, registration, [mykola.id]) == 0
    db_session.refresh(event)
    db_session.refresh(workshop)
    assert (event.places_taken, workshop.places_taken) == (1, 0)
    assert registration.cancelled_at is None
    with unit_of_work(db_session):
        door, _ = create_door_access(db_session, event, "Main gate")
        scanned = checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
            client_id="after-cancel", qr=token))
    assert scanned.status == "cancelled"
    # The freed places can be taken again.
    make_registration(event, [AttendeeRequest(name="Sofiia", age_group="child",
                                              activity_ids=[workshop.id])])


def test_cancelling_the_whole_registration_cancels_every_attendee(
    db_session, make_event, make_registration
):
    event = make_event(capacity=3)
    registration = make_registration(event, ["A", "B", "C"])
    assert cancel_attendees(db_session, registration) == 3
    db_session.refresh(event)
    assert event.places_taken == 0
    assert registration.cancelled_at is not None
    assert all(a.cancelled_at for a in registration.attendees)


def test_search_finds_names_in_any_alphabet_and_ticket_codes(
    db_session, make_event, make_registration
):
    event = make_event()
    olena = make_registration(event, ["Олена Коваленко"])
    ivan = make_registration(event, ["Ivan Petrov"])
    assert [r.id for r in list_registrations(db_session, event, "олена")] == [olena.id]
    # In the other alphabet, any word order, any spelling a volunteer might type.
    for query in ("kovalenko olena", "Olena KOVALENKO", "Коваленко", "kovalenko o"):
        assert [r.id for r in list_registrations(db_session, event, query)] == [olena.id]
    assert [r.id for r in list_registrations(db_session, event, "Иван Петров")] == [ivan.id]
    code = olena.attendees[0].ticket_code
    assert [r.id for r in list_registrations(db_session, event, code.lower())] == [olena.id]
    assert len(list_registrations(db_session, event)) == 2
    assert list_registrations(db_session, event, "%") == []  # no SQL wildcards from people


def test_an_attendee_of_another_registration_cannot_be_cancelled_through_this_one(
    db_session, make_event, make_registration
):
    from eventreg.errors import NotFound

    event = make_event(capacity=5)
    ours = make_registration(event, ["Olena"])
    theirs = make_registration(event, ["Ivan"])
    with pytest.raises(NotFound) as refused, unit_of_work(db_session):
        cancel_attendees(db_session, ours, [theirs.attendees[0].id])
    assert refused.value.reason == "attendee_not_found"
    db_session.refresh(theirs.attendees[0])
    assert theirs.attendees[0].cancelled_at is None


def test_a_client_id_reused_with_other_details_is_refused_without_revealing_the_first(
    db_session, make_event
):
    event = make_event(capacity=5)
    first = RegistrationRequest(attendees=[AttendeeRequest(name="Olena", age_group="adult")],
                                consent=True, email="olena@example.org",
                                client_id="c0ffee-c0ffee-c0ffee")
    with unit_of_work(db_session):
        register(db_session, event, first, phone_region="BG")
    guess = RegistrationRequest(attendees=[AttendeeRequest(name="Eve", age_group="adult")],
                                consent=True, client_id="c0ffee-c0ffee-c0ffee")
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        register(db_session, event, guess, phone_region="BG")
    assert refused.value.reason == "client_id_reused"
    assert "olena" not in str(refused.value.message).lower()


def test_registration_racing_a_close_loses(db_session, organiser, make_event, monkeypatch):
    from eventreg.events.service import change_event_status
    from eventreg.registrations import service

    event = make_event(capacity=5)
    with unit_of_work(db_session):
        change_event_status(db_session, organiser, event, "closed")
    # As if the open-check ran just before the organiser closed the event.
    monkeypatch.setattr(service, "registration_is_open", lambda *args: True)
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Late", age_group="adult")], consent=True), phone_region="BG")
    assert refused.value.reason == "registration_closed"
    db_session.refresh(event)
    assert event.places_taken == 0


def test_the_same_activity_chosen_twice_in_other_spellings_counts_once(db_session, make_event):
    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 5}])
    workshop = event.activities[0]
    with unit_of_work(db_session):
        registration = register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Mykola", age_group="child",
                                       activity_ids=[str(workshop.id), f"0{workshop.id}"])],
            consent=True), phone_region="BG").registration
    assert [a.id for a in registration.attendees[0].activities] == [workshop.id]
    db_session.refresh(workshop)
    assert workshop.places_taken == 1
