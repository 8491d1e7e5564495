"""A participant corrects a misspelled name from the private ticket link, until the event
starts: the same checks as registering, the search key and the door's list follow, the
audit log names nobody."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import Conflict, NotFound, ValidationFailed
from eventreg.registrations import service
from eventreg.registrations.models import Attendee, Registration


@pytest.fixture
def parties(make_organiser, make_event, make_registration):
    """Two events of one organisation and one of another, several parties on each."""
    other = make_organiser("Another NGO")
    picnic = make_event(slug="picnic")
    fair = make_event(slug="fair")
    theirs = make_event(by=other, slug="their-fair")
    return {
        "olena": make_registration(picnic, ["Olena Kovalneko", "Mykola Kovalneko"],
                                   email="olena@example.org"),
        "ivan": make_registration(picnic, ["Ivan Petrov"]),
        "daryna": make_registration(fair, ["Daryna Kovalneko"]),
        "theirs": make_registration(theirs, ["Olena Kovalneko"]),
    }


def _names(db_session, registration_id: int) -> list[str]:
    db_session.rollback()
    return list(db_session.scalars(select(Attendee.name).where(
        Attendee.registration_id == registration_id).order_by(Attendee.position)))


def _form(registration, *names) -> dict:
    return {f"names.{attendee.id}": name
            for attendee, name in zip(registration.attendees, names, strict=True)}


def test_participant_corrects_a_name_and_search_finds_the_new_spelling(
        db_session, parties):
    olena, daryna = parties["olena"], parties["daryna"]
    mykola = olena.attendees[1]
    with unit_of_work(db_session):
        changed = service.correct_names(db_session, olena, {
            olena.attendees[0].id: "  Olena Kovalenko ",
            mykola.id: "Mykola Kovalenko"})
    assert changed == 2
    assert _names(db_session, olena.id) == ["Olena Kovalenko", "Mykola Kovalenko"]
    picnic = olena.event
    found = service.list_registrations(db_session, picnic, "Коваленко")
    assert [r.id for r in found] == [olena.id]
    assert service.list_registrations(db_session, picnic, "Kovalneko") == []
    # The contact details and ticket codes are still found; other parties are untouched.
    assert [r.id for r in service.list_registrations(db_session, picnic, "olena@example.org")
            ] == [olena.id]
    assert [r.id for r in service.list_registrations(db_session, picnic,
                                                     mykola.ticket_code)] == [olena.id]
    assert _names(db_session, daryna.id) == ["Daryna Kovalneko"]
    assert _names(db_session, parties["theirs"].id) == ["Olena Kovalneko"]


def test_a_name_given_as_it_is_changes_nothing_and_records_nothing(db_session, parties):
    ivan = parties["ivan"]
    with unit_of_work(db_session):
        assert service.correct_names(db_session, ivan, {ivan.attendees[0].id: "Ivan Petrov"}) == 0
    assert db_session.scalar(select(AuditEntry).where(
        AuditEntry.action == "registration.names_corrected")) is None


def test_correction_tells_the_door_list_and_is_audited_without_the_names(db_session, parties):
    olena = parties["olena"]
    mykola = olena.attendees[1]
    before = db_session.get(Attendee, mykola.id).changed_at
    now = utcnow() + timedelta(seconds=5)
    with unit_of_work(db_session):
        service.correct_names(db_session, olena, {mykola.id: "Mykola Kovalenko"}, now=now)
    db_session.rollback()
    assert db_session.get(Attendee, mykola.id).changed_at == now > before
    assert db_session.get(Attendee, olena.attendees[0].id).changed_at == before
    [entry] = db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "registration.names_corrected"))
    assert entry.target == f"registration {olena.id}"
    assert entry.details == {"registration": olena.id, "attendees": [mykola.id]}
    assert entry.actor == "participant" and entry.event_id == olena.event_id
    assert "Kovalenko" not in repr((entry.target, entry.details))
    assert "Kovalneko" not in repr((entry.target, entry.details))


@pytest.mark.parametrize("typed, message", [
    ("   ", "Enter this person's name."),
    ("\u200b\u2060\u3164", "Enter this person's name."),  # invisible characters only
    ("\u202e\u200b", "Enter this person's name."),  # a bidi override is taken out, then blank
    ("N" * 201, "Keep the name under 200 characters."),
])
def test_a_name_registration_would_refuse_is_refused_with_its_message(
        db_session, parties, typed, message):
    olena = parties["olena"]
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        service.correct_names(db_session, olena, {
            olena.attendees[0].id: "Olena Kovalenko", olena.attendees[1].id: typed})
    assert refused.value.fields == {f"names.{olena.attendees[1].id}": message}
    assert _names(db_session, olena.id) == ["Olena Kovalneko", "Mykola Kovalneko"]


def test_bidi_controls_are_taken_out_of_a_corrected_name_as_at_registration(
        db_session, parties):
    ivan = parties["ivan"]
    with unit_of_work(db_session):
        service.correct_names(db_session, ivan, {ivan.attendees[0].id: "Ivan \u202ePetrov"})
    assert _names(db_session, ivan.id) == ["Ivan Petrov"]


def test_correction_is_refused_once_the_event_has_started(db_session, make_event,
                                                          make_registration):
    started = make_event(slug="started", starts_in=timedelta(hours=-1))
    upcoming = make_event(slug="upcoming")
    late = make_registration(started, ["Olena Kovalneko"])
    early = make_registration(upcoming, ["Olena Kovalneko"])
    assert not service.party_options(late).may_correct_names
    assert service.party_options(early).may_correct_names
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        service.correct_names(db_session, late, {late.attendees[0].id: "Olena Kovalenko"})
    assert refused.value.reason == "too_late_to_cancel"
    assert _names(db_session, late.id) == ["Olena Kovalneko"]


def test_a_person_of_another_party_or_cancelled_cannot_be_corrected(db_session, parties):
    olena, ivan = parties["olena"], parties["ivan"]
    with unit_of_work(db_session):
        service.cancel_attendees(db_session, olena, [olena.attendees[1].id])
    olena = db_session.get(Registration, olena.id)
    for attendee_id in (ivan.attendees[0].id, olena.attendees[1].id):
        with pytest.raises(NotFound) as refused, unit_of_work(db_session):
            service.correct_names(db_session, olena, {attendee_id: "Somebody Else"})
        assert refused.value.reason == "attendee_not_found"
    assert _names(db_session, ivan.id) == ["Ivan Petrov"]
    assert _names(db_session, olena.id) == ["Olena Kovalneko", "Mykola Kovalneko"]


# --- the private ticket page -------------------------------------------------------------


def test_participant_corrects_names_from_the_ticket_page(client, db_session, parties):
    olena = parties["olena"]
    page = client.get(f"/t/{olena.ticket_secret}").get_data(as_text=True)
    assert "correct-names" in page
    assert f'name="names.{olena.attendees[1].id}" type="text" value="Mykola Kovalneko"' in page
    response = client.post(f"/t/{olena.ticket_secret}/names",
                           data=_form(olena, "Olena Kovalenko", "Mykola Kovalenko"))
    assert response.status_code == 302
    page = client.get(f"/t/{olena.ticket_secret}").get_data(as_text=True)
    assert "Names saved." in page
    tickets = page.split('class="tickets"')[1].split("correct-names")[0]
    assert "Mykola Kovalenko" in tickets and "Kovalneko" not in tickets
    assert _names(db_session, parties["daryna"].id) == ["Daryna Kovalneko"]


def test_a_name_with_a_control_character_is_refused_on_the_page_and_nothing_is_lost(
        client, db_session, parties):
    olena = parties["olena"]
    response = client.post(f"/t/{olena.ticket_secret}/names",
                           data=_form(olena, "Olena Kovalenko", "Mykola\x07 Kovalenko"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("Remove the invisible control characters from the marked fields: they cannot "
            "be stored.") in page
    assert "Contains an invisible control character." in page
    # What was typed comes back, without the character, ready to save again.
    assert 'value="Olena Kovalenko"' in page and 'value="Mykola Kovalenko"' in page
    assert '<details class="no-print correct-names" open>' in page
    assert page.count("<svg") == 2  # still the whole ticket page
    assert _names(db_session, olena.id) == ["Olena Kovalneko", "Mykola Kovalneko"]


def test_an_invisible_name_is_refused_on_the_page_with_registrations_message(
        client, db_session, parties):
    olena = parties["olena"]
    mykola = olena.attendees[1]
    response = client.post(f"/t/{olena.ticket_secret}/names",
                           data=_form(olena, "Olena Kovalenko", "\u200b\u200b"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please correct the marked fields." in page
    assert (f'<p class="field-error" id="f-names-{mykola.id}-error">'
            "Enter this person&#39;s name.</p>") in page
    assert 'value="Olena Kovalenko"' in page
    assert _names(db_session, olena.id) == ["Olena Kovalneko", "Mykola Kovalneko"]


def test_once_the_event_has_started_the_page_offers_no_correction_and_refuses_it(
        client, db_session, make_event, make_registration):
    started = make_event(slug="started", starts_in=timedelta(minutes=-5))
    upcoming = make_event(slug="upcoming")
    late = make_registration(started, ["Olena Kovalneko"])
    make_registration(upcoming, ["Ivan Petrov"])
    assert "correct-names" not in client.get(f"/t/{late.ticket_secret}").get_data(as_text=True)
    refused = client.post(f"/t/{late.ticket_secret}/names",
                          data=_form(late, "Olena Kovalenko"), follow_redirects=True)
    assert "The event has started: names can no longer be corrected here." in refused.get_data(
        as_text=True)
    assert _names(db_session, late.id) == ["Olena Kovalneko"]


def test_a_ticket_link_cannot_correct_another_partys_name(client, db_session, parties):
    olena, ivan = parties["olena"], parties["ivan"]
    response = client.post(f"/t/{olena.ticket_secret}/names",
                           data={f"names.{ivan.attendees[0].id}": "Somebody Else"})
    assert response.status_code == 404
    assert _names(db_session, ivan.id) == ["Ivan Petrov"]
