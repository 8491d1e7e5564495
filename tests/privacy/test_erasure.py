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


def test_the_api_erases_a_party_or_one_person_and_says_what_it_did(
        client, db_session, api_headers, make_organiser, make_event, make_registration):
    held = make_event(starts_in=timedelta(days=-3))
    family = make_registration(held, ["Olena Api", "Sofiia Api"], walk_in=True)
    answer = client.post(f"/api/v1/registrations/{family.id}/erase", headers=api_headers,
                         json={"attendee_ids": [family.attendees[1].id]})
    assert answer.status_code == 200
    assert answer.get_json() == {"erased_people": 1, "cancelled_tickets": 0}
    answer = client.post(f"/api/v1/registrations/{family.id}/erase", headers=api_headers,
                         json={})
    assert answer.get_json() == {"erased_people": 1, "cancelled_tickets": 0}
    db_session.expire_all()
    assert names(family) == ["", ""] and family.anonymised_at is not None
    again = client.post(f"/api/v1/registrations/{family.id}/erase", headers=api_headers,
                        json={})
    assert again.status_code == 422 and "attendee_ids" in again.get_json()["fields"]


def test_the_api_erases_nothing_of_another_organisation(
        client, db_session, api_headers, make_organiser, make_event, make_registration):
    elsewhere = make_organiser(organisation="Partner NGO")
    theirs = make_registration(make_event(by=elsewhere, slug="theirs"), ["Not Yours"])
    answer = client.post(f"/api/v1/registrations/{theirs.id}/erase", headers=api_headers,
                         json={})
    assert answer.status_code == 404
    db_session.expire_all()
    assert names(theirs) == ["Not Yours"]


def test_an_organiser_erases_after_confirming_on_the_page(
        client, auth, db_session, organiser, make_event, make_registration):
    held = make_event(starts_in=timedelta(days=-3))
    family = make_registration(held, ["Olena Page", "Sofiia Page"], walk_in=True,
                               email="olena.page@example.net")
    auth.login(organiser)
    url = f"/manage/events/{held.slug}/registrations/{family.id}/erase"
    page = client.get(url).get_data(as_text=True)
    assert "Olena Page" in page and "cannot be undone" in page
    unconfirmed = client.post(url, data={"attendee_ids": [family.attendees[1].id]})
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    db_session.expire_all()
    assert names(family) == ["Olena Page", "Sofiia Page"]  # nothing lost
    done = client.post(url, data={"attendee_ids": [family.attendees[1].id], "confirm": "yes"})
    assert done.status_code == 302
    listed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Erased the personal data of 1 person" in listed
    db_session.expire_all()
    assert names(family) == ["Olena Page", ""] and family.email == "olena.page@example.net"


def test_another_organisation_cannot_open_the_erase_page(
        client, auth, db_session, make_organiser, make_event, make_registration):
    mine = make_organiser()
    theirs = make_organiser(organisation="Partner NGO")
    party = make_registration(make_event(by=theirs, slug="theirs"), ["Not Yours"])
    auth.login(mine)
    url = f"/manage/events/theirs/registrations/{party.id}/erase"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"confirm": "yes"}).status_code == 404
    db_session.expire_all()
    assert names(party) == ["Not Yours"]


def test_a_family_erases_its_data_from_its_ticket_link_after_the_event(
        client, db_session, make_event, make_registration):
    over = make_event(starts_in=timedelta(days=-2))
    family = make_registration(over, ["Nadiia Own", "Taras Own"], walk_in=True,
                               phone="+380671112233")
    secret = family.ticket_secret
    ticket_page = client.get(f"/t/{secret}", headers={"Accept-Language": "uk"})
    assert f"/t/{secret}/erase" in ticket_page.get_data(as_text=True)
    unconfirmed = client.post(f"/t/{secret}/erase", data={})
    assert unconfirmed.status_code == 422
    erased = client.post(f"/t/{secret}/erase", data={"confirm": "yes"},
                         headers={"Accept-Language": "uk"})
    assert erased.status_code == 200 and "Ваші дані видалено" in erased.get_data(as_text=True)
    assert client.get(f"/t/{secret}").status_code == 404  # the link no longer works
    db_session.expire_all()
    assert names(family) == ["", ""] and family.phone is None


def test_while_the_event_is_on_the_ticket_link_offers_no_erasure_and_refuses_it(
        client, db_session, make_event, make_registration):
    on_now = make_event(starts_in=timedelta(hours=-1))
    family = make_registration(on_now, ["At The Door"], walk_in=True)
    assert "/erase" not in client.get(f"/t/{family.ticket_secret}").get_data(as_text=True)
    refused = client.post(f"/t/{family.ticket_secret}/erase", data={"confirm": "yes"})
    assert refused.status_code == 409
    assert "once it is over" in refused.get_data(as_text=True)
    db_session.expire_all()
    assert names(family) == ["At The Door"]
