"""Erasure on request: now, the same anonymisation as retention, figures unchanged."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.privacy.erasure import erase, erase_by_participant, erasure_preview
from eventreg.registrations.models import Registration


def names(registration):
    return [a.name for a in registration.attendees]


def test_an_organiser_erases_one_person_of_a_family_after_the_event(
        db_session, organiser, make_event, make_registration):
    held = make_event(starts_in=timedelta(days=-3))
    family = make_registration(held, ["Olena Kovalenko", "Sofiia Kovalenko"], walk_in=True,
                               phone="+380671234567")
    other = make_registration(held, ["Someone Else"], walk_in=True)
    assert erasure_preview(family, [family.attendees[1].id]).people == 1
    with unit_of_work(db_session):
        done = erase(db_session, family, [family.attendees[1].id], by=organiser)
    assert (done.people, done.cancelled) == (1, 0)
    db_session.expire_all()
    assert names(family) == ["Olena Kovalenko", ""]
    assert family.attendees[1].cancelled_at is None  # still counted as registered
    assert family.phone == "+380671234567" and names(other) == ["Someone Else"]
    [entry] = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "privacy.anonymised")).all()
    assert entry.actor == organiser.name and entry.details["reason"] == "erasure"
    assert "Sofiia" not in repr((entry.target, entry.details))


def test_erasing_a_party_before_its_event_frees_its_places_and_tells_no_one(
        db_session, organiser, make_event, make_registration):
    coming = make_event(capacity=5)
    party = make_registration(coming, ["Mariia", "Taras"], email="mariia@example.net")
    with unit_of_work(db_session):
        done = erase(db_session, party, by=organiser)
    assert (done.people, done.cancelled) == (2, 2)
    db_session.expire_all()
    assert coming.places_taken == 0
    assert party.email is None and names(party) == ["", ""]
    from eventreg.messages.models import OutboxMessage

    assert not db_session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "cancellation")).all()


def test_nothing_to_erase_is_said_clearly(db_session, organiser, make_event,
                                          make_registration):
    party = make_registration(make_event(), ["Ivan"])
    with unit_of_work(db_session):
        erase(db_session, party, by=organiser)
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        erase(db_session, party, by=organiser)
    assert "attendee_ids" in refused.value.fields


def test_a_participant_erases_before_the_event_or_once_it_is_over_never_during_it(
        db_session, make_event, make_registration):
    coming = make_event()
    on_now = make_event(starts_in=timedelta(hours=-1), slug="on-now")
    over = make_event(starts_in=timedelta(days=-2), slug="over")
    parties = {event.slug: make_registration(event, ["Nadiia"], walk_in=event is not coming)
               for event in (coming, on_now, over)}
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        erase_by_participant(db_session, parties["on-now"])
    assert refused.value.reason == "event_in_progress"
    for slug in (coming.slug, "over"):
        with unit_of_work(db_session):
            erase_by_participant(db_session, parties[slug])
    db_session.expire_all()
    assert {r.event.slug: names(r) for r in db_session.scalars(select(Registration))} == {
        coming.slug: [""], "on-now": ["Nadiia"], "over": [""]}
    assert parties[coming.slug].attendees[0].cancelled_at is not None
    assert parties["over"].attendees[0].cancelled_at is None


def test_erased_people_leave_the_lists_and_downloads_but_not_the_counts(
        client, auth, db_session, organiser, make_event, make_registration):
    held = make_event(starts_in=timedelta(days=-3))
    family = make_registration(held, ["Olena Kovalenko", "Sofiia Kovalenko"], walk_in=True)
    alone = make_registration(held, ["Petro Erased"], walk_in=True)
    make_registration(held, ["Ivan Stays"], walk_in=True)
    with unit_of_work(db_session):
        erase(db_session, family, [family.attendees[1].id], by=organiser)
        erase(db_session, alone, by=organiser)
    auth.login(organiser)
    page = client.get(f"/manage/events/{held.slug}/registrations").get_data(as_text=True)
    assert "Olena Kovalenko" in page and "Ivan Stays" in page and "(data erased)" in page
    assert "Sofiia" not in page and "Petro" not in page
    csv = client.get(f"/manage/events/{held.slug}/attendees.csv").get_data(as_text=True)
    assert csv.count("\n") == 3  # the header, Olena and Ivan
    from eventreg.registrations.service import count_registrations

    assert count_registrations(db_session, held).attendees == 4  # still came, still counted
