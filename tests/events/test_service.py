"""The rules for setting up events, activities and questions."""

from datetime import UTC, datetime, timedelta

import pytest

from eventreg.database import unit_of_work
from eventreg.errors import Conflict, NotFound, ValidationFailed
from eventreg.events import service
from eventreg.events.service import ActivityDetails, EventDetails, QuestionDetails

START = datetime(2027, 6, 20, 7, 0, tzinfo=UTC)


def details(**values):
    defaults = {"title": {"en": "Info session"}, "starts_at": START,
                "ends_at": START + timedelta(hours=2)}
    return EventDetails(**{**defaults, **values})


def test_new_event_is_a_draft_with_a_slug_from_its_title_and_a_signing_key(db_session, organiser):
    from eventreg.tickets.models import EventSigningKey

    with unit_of_work(db_session):
        event = service.create_event(db_session, organiser, details(
            title={"bg": "Среща", "en": "Info session: Fakulteta!"}))
    assert event.status == "draft"
    assert event.slug == "info-session-fakulteta"
    assert len(db_session.get(EventSigningKey, event.id).public_key) == 32
    with unit_of_work(db_session):
        again = service.create_event(db_session, organiser, details(
            title={"en": "Info session: Fakulteta!"}))
    assert again.slug != event.slug and again.slug.startswith("info-session-fakulteta-")


@pytest.mark.parametrize("values,field", [
    ({"title": {}}, "title"),
    ({"title": {"de": "Nur Deutsch"}}, "title"),
    ({"ends_at": START}, "ends_at"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"capacity": 0}, "capacity"),
    ({"slug": "Not A Slug"}, "slug"),
    ({"registration_opens_at": START, "registration_closes_at": START}, "registration_closes_at"),
])
def test_invalid_event_details_are_refused_with_the_field(db_session, organiser, values, field):
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.create_event(db_session, organiser, details(**values))
    assert field in refused.value.fields


def test_a_taken_address_is_a_field_error_even_when_the_check_is_raced(
    db_session, organiser, monkeypatch
):
    with unit_of_work(db_session):
        service.create_event(db_session, organiser, details(slug="refugee-day"))
    # As if another request took the slug between the check and the insert.
    monkeypatch.setattr(service, "_validate_event", lambda *args, **kwargs: None)
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.create_event(db_session, organiser, details(slug="refugee-day"))
    assert "slug" in refused.value.fields


def test_programme_of_another_organisation_is_refused(db_session, organiser, make_organiser):
    stranger = make_organiser(organisation="Another NGO")
    with unit_of_work(db_session):
        programme = service.create_programme(db_session, stranger, "Their programme", "Donor")
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.create_event(db_session, organiser, details(programme_id=programme.id))
    assert "programme_id" in refused.value.fields


def test_capacity_cannot_drop_below_places_taken(db_session, organiser, make_event,
                                                 make_registration):
    event = make_event(capacity=10)
    make_registration(event, ["A", "B", "C"])
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.update_event(db_session, organiser, event, details(
            title=event.title, starts_at=event.starts_at, ends_at=event.ends_at, capacity=2))
    assert "capacity" in refused.value.fields
    with unit_of_work(db_session):
        service.update_event(db_session, organiser, event, details(
            title=event.title, starts_at=event.starts_at, ends_at=event.ends_at, capacity=3))
    assert event.capacity == 3


@pytest.mark.parametrize("path,allowed", [
    (["published", "closed", "published"], True),
    (["cancelled", "published"], False),
    (["closed"], False),
])
def test_status_moves_only_along_allowed_transitions(db_session, organiser, make_event, path,
                                                     allowed):
    event = make_event(status="draft")
    *steps, last = path
    for step in steps:
        with unit_of_work(db_session):
            service.change_event_status(db_session, organiser, event, step)
    if allowed:
        with unit_of_work(db_session):
            service.change_event_status(db_session, organiser, event, last)
        assert event.status == last
    else:
        with pytest.raises(Conflict) as refused, unit_of_work(db_session):
            service.change_event_status(db_session, organiser, event, last)
        assert refused.value.reason == "invalid_status_change"


def test_publishing_needs_a_privacy_notice(db_session, organiser):
    with unit_of_work(db_session):
        event = service.create_event(db_session, organiser, details())
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        service.publish_event(db_session, organiser, event)
    assert refused.value.reason == "privacy_notice_missing"


def test_another_organisation_cannot_change_the_event(db_session, make_organiser, make_event):
    event = make_event()
    stranger = make_organiser(organisation="Another NGO")
    with pytest.raises(NotFound):
        service.get_organiser_event(db_session, stranger, event.slug)
    with pytest.raises(NotFound), unit_of_work(db_session):
        service.change_event_status(db_session, stranger, event, "cancelled")
    with pytest.raises(NotFound), unit_of_work(db_session):
        service.add_activity(db_session, stranger, event, ActivityDetails(title={"en": "X"}))


def test_activity_capacity_cannot_drop_below_choices_and_chosen_activity_stays(
    db_session, organiser, make_event, make_registration
):
    from eventreg.registrations.service import AttendeeRequest

    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 20}])
    workshop = event.activities[0]
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[workshop.id])])
    with pytest.raises(ValidationFailed), unit_of_work(db_session):
        service.update_activity(db_session, organiser, workshop,
                                ActivityDetails(title={"en": "Doll-making"}, capacity=0))
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        service.remove_activity(db_session, organiser, workshop)
    assert refused.value.reason == "activity_in_use"


def test_choice_questions_need_two_options_and_answered_ones_stay(
    db_session, organiser, make_event, make_registration
):
    event = make_event()
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.add_question(db_session, organiser, event, QuestionDetails(
            label={"en": "Transport?"}, kind="single_choice", option_labels=[{"en": "Bus"}]))
    assert "options" in refused.value.fields
    with unit_of_work(db_session):
        question = service.add_question(db_session, organiser, event, QuestionDetails(
            label={"en": "Transport?"}, kind="single_choice",
            option_labels=[{"en": "No", "uk": "Ні"}, {"en": "Bus", "uk": "Автобус"}]))
    assert question.options == [{"value": "o1", "label": {"en": "No", "uk": "Ні"}},
                                {"value": "o2", "label": {"en": "Bus", "uk": "Автобус"}}]
    make_registration(event, answers={question.id: "o2"})
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        service.remove_question(db_session, organiser, question)
    assert refused.value.reason == "question_in_use"


def test_registration_window_defaults_to_until_the_event_ends(make_event):
    event = make_event()
    assert service.registration_is_open(event, event.starts_at + timedelta(hours=1))
    assert not service.registration_is_open(event, event.ends_at)


def test_removing_an_activity_chosen_only_by_cancelled_people_works(
    db_session, organiser, make_event, make_registration
):
    from eventreg.registrations.service import AttendeeRequest, cancel_attendees

    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 5}])
    workshop = event.activities[0]
    registration = make_registration(event, [AttendeeRequest(
        name="Mykola", age_group="child", activity_ids=[workshop.id])])
    with unit_of_work(db_session):
        cancel_attendees(db_session, registration)
    with unit_of_work(db_session):
        service.remove_activity(db_session, organiser, workshop)
    db_session.refresh(event)
    assert event.activities == []


@pytest.mark.parametrize("position", [10**20, -5000])
def test_out_of_range_positions_are_field_errors(db_session, organiser, make_event, position):
    event = make_event()
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.add_activity(db_session, organiser, event,
                             ActivityDetails(title={"en": "X"}, position=position))
    assert "position" in refused.value.fields


def test_answered_question_keeps_its_options_and_kind(db_session, organiser, make_event,
                                                      make_registration):
    event = make_event()
    with unit_of_work(db_session):
        question = service.add_question(db_session, organiser, event, QuestionDetails(
            label={"en": "Transport?"}, kind="single_choice",
            option_labels=[{"en": "No"}, {"en": "Bus"}, {"en": "Car"}]))
    make_registration(event, answers={question.id: "o2"})

    # Blanking an unanswered option and rewording others keeps each option's value.
    with unit_of_work(db_session):
        service.update_question(db_session, organiser, question, QuestionDetails(
            label={"en": "Transport?"}, kind="single_choice",
            option_labels=[{"en": "No"}, {"en": "Bus from Lyulin"}, {"en": "Car"}, {"en": "Walk"}]))
    assert [o["value"] for o in question.options] == ["o1", "o2", "o3", "o4"]
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        service.update_question(db_session, organiser, question, QuestionDetails(
            label={"en": "Transport?"}, kind="single_choice",
            option_labels=[{"en": "No"}, {}, {"en": "Car"}]))
    assert refused.value.reason == "question_in_use"
    with pytest.raises(Conflict), unit_of_work(db_session):
        service.update_question(db_session, organiser, question, QuestionDetails(
            label={"en": "Transport?"}, kind="text"))
    db_session.refresh(question)
    assert question.kind == "single_choice" and len(question.options) == 4


def test_blank_option_lines_keep_later_options_values_through_the_form(app, db_session,
                                                                       organiser, make_event):
    from eventreg.events.forms import QuestionForm

    event = make_event()
    with unit_of_work(db_session):
        question = service.add_question(db_session, organiser, event, QuestionDetails(
            label={"en": "Transport?"}, kind="single_choice",
            option_labels=[{}, {"en": "Bus"}, {"en": "Car"}]))
    assert [o["value"] for o in question.options] == ["o2", "o3"]
    with app.test_request_context():
        form = QuestionForm(formdata=None)
        form.fill_from(question)
        assert form.options_en.data == "\nBus\nCar"
        with unit_of_work(db_session):
            again = service.update_question(db_session, organiser, question, form.to_details())
    assert [o["value"] for o in again.options] == ["o2", "o3"]


def test_status_change_is_decided_on_the_current_row(db_session, organiser, make_event):
    event = make_event()
    stale = db_session.get(type(event), event.id)
    with unit_of_work(db_session):
        service.change_event_status(db_session, organiser, event, "cancelled")
    with pytest.raises(Conflict), unit_of_work(db_session):
        service.change_event_status(db_session, organiser, stale, "closed")


TEXT_LIMITS = service.EVENT_TEXT_LIMITS


@pytest.mark.parametrize("values,field", [
    ({"title": {"en": "T" * (TEXT_LIMITS["title"] + 1)}}, "title.en"),
    ({"description": {"bg": "д" * (TEXT_LIMITS["description"] + 1)}}, "description.bg"),
    ({"privacy_notice": {"uk": "п" * (TEXT_LIMITS["privacy_notice"] + 1)}}, "privacy_notice.uk"),
    ({"venue": "V" * (TEXT_LIMITS["venue"] + 1)}, "venue"),
    ({"venue": {"bg": "В" * (TEXT_LIMITS["venue"] + 1)}}, "venue.bg"),
    ({"address": "A" * (TEXT_LIMITS["address"] + 1)}, "address"),
])
def test_an_over_long_event_text_is_refused_not_cut(db_session, organiser, make_event, values,
                                                    field):
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.create_event(db_session, organiser, details(**values))
    assert set(refused.value.fields) == {field}
    assert str(TEXT_LIMITS[field.split(".")[0]]) in str(refused.value.fields[field])
    event = make_event()
    with pytest.raises(ValidationFailed), unit_of_work(db_session):
        service.update_event(db_session, organiser, event, details(**values))
    db_session.refresh(event)
    assert event.venue == {code: "Borisova Gradina" for code in ("en", "bg", "uk")}


def test_event_texts_at_their_limits_are_kept_whole(db_session, organiser):
    with unit_of_work(db_session):
        event = service.create_event(db_session, organiser, details(
            title={"en": "T" * TEXT_LIMITS["title"]},
            description={"en": "D" * TEXT_LIMITS["description"]},
            venue="V" * TEXT_LIMITS["venue"], address="A" * TEXT_LIMITS["address"]))
    db_session.expire_all()
    assert (len(event.title["en"]), len(event.description["en"]), len(event.venue["en"]),
            len(event.address)) == (TEXT_LIMITS["title"], TEXT_LIMITS["description"],
                                    TEXT_LIMITS["venue"], TEXT_LIMITS["address"])


def test_over_long_activity_and_question_texts_are_refused(db_session, organiser, make_event):
    event = make_event()
    limits = service.ACTIVITY_TEXT_LIMITS
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.add_activity(db_session, organiser, event, ActivityDetails(
            title={"uk": "Т" * (limits["title"] + 1)}, place="P" * (limits["place"] + 1)))
    assert set(refused.value.fields) == {"title.uk", "place"}
    limits = service.QUESTION_TEXT_LIMITS
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.add_question(db_session, organiser, event, QuestionDetails(
            label={"en": "Q" * (limits["label"] + 1)}, kind="single_choice",
            option_labels=[{"en": "Bus"}, {"en": "O" * (limits["options"] + 1)}]))
    assert set(refused.value.fields) == {"label.en", "options.en"}
    assert "Line 2" in str(refused.value.fields["options.en"])
    assert event.activities == [] and event.questions == []


def test_over_long_programme_texts_are_refused(db_session, organiser):
    limit = service.PROGRAMME_TEXT_LIMITS["funder"]
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.create_programme(db_session, organiser, "Inclusion", "F" * (limit + 1))
    assert set(refused.value.fields) == {"funder"}


def test_the_columns_hold_the_longest_texts_allowed(app):
    from sqlalchemy import JSON

    from eventreg.events.models import Activity, Event

    assert Event.__table__.c.address.type.length == TEXT_LIMITS["address"]
    # venues and places are texts per language (JSON): the service alone holds their limits
    assert isinstance(Event.__table__.c.venue.type, JSON)
    assert isinstance(Activity.__table__.c.place.type, JSON)
