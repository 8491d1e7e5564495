"""Cancelling a registration, a person or a burst asks once more, naming whom it tells."""

from sqlalchemy import select

from eventreg.database import unit_of_work
from eventreg.errors import NotFound
from eventreg.messages.models import OutboxMessage
from eventreg.registrations.models import Registration
from eventreg.registrations.notifications import PeopleToTell, people_to_tell
from eventreg.registrations.service import cancel_attendees, preview_cancellation
from tests.registrations.test_bursts import register_from


def test_people_to_tell_counts_the_parties_by_the_way_they_are_told(db_session, make_event,
                                                                    make_registration):
    event = make_event(capacity=10)
    with_email = [make_registration(event, ["Olena", "Mykola"], email="olena@example.org"),
                  make_registration(event, ["Maria"], email="maria@example.org")]
    phone_only = make_registration(event, ["Aisha"], phone="+359 88 123 4567")
    nothing = make_registration(event, ["Samir"])
    assert people_to_tell(with_email + [phone_only, nothing]) == PeopleToTell(
        by_email=2, by_text=1, parties=3)
    assert people_to_tell([nothing]).parties == 0
    assert (people_to_tell(with_email[:1]) + people_to_tell(with_email[1:])).parties == 2


def test_preview_names_whom_a_cancellation_cancels_and_tells_and_changes_nothing(
    db_session, make_event, make_registration
):
    event = make_event(capacity=10)
    family = make_registration(event, ["Olena", "Mykola", "Sofia"], email="olena@example.org")
    quiet = make_registration(event, ["Aisha", "Omar"])
    mykola = family.attendees[1]
    one = preview_cancellation(family, [mykola.id])
    assert one.names == ["Mykola"] and one.told.by_email == 1
    assert preview_cancellation(family).names == ["Olena", "Mykola", "Sofia"]
    assert preview_cancellation(quiet).told.parties == 0
    assert preview_cancellation(family, tell_party=False).told.parties == 0
    db_session.rollback()
    assert event.places_taken == 5
    with unit_of_work(db_session):
        cancel_attendees(db_session, family, [mykola.id])
    family = db_session.get(Registration, family.id)
    assert preview_cancellation(family, [mykola.id]).names == []
    assert preview_cancellation(family, [mykola.id]).told.parties == 0
    try:
        preview_cancellation(family, [quiet.attendees[0].id])
    except NotFound as refusal:
        assert refusal.reason == "attendee_not_found"
    else:
        raise AssertionError("previewed someone of another registration")


def test_cancelling_a_registration_asks_first_and_names_its_people_and_email(
    client, auth, db_session, organiser, make_event, make_registration
):
    event = make_event(capacity=10)
    family = make_registration(event, ["Olena", "Mykola"], email="olena@example.org")
    make_registration(event, ["Maria"], email="maria@example.org")
    auth.login(organiser)
    index = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    confirm_url = f"/manage/events/{event.slug}/registrations/{family.id}/cancel"
    assert f'href="{confirm_url}"' in index
    page = client.get(confirm_url).get_data(as_text=True)
    assert "Cancel the whole registration of Olena?" in page
    assert "2 tickets are no longer valid, and their places go to others: Olena, Mykola" in page
    assert "It tells 1 party by email." in page
    assert client.post(confirm_url).status_code == 302
    db_session.refresh(event)
    assert event.places_taken == 3
    client.post(confirm_url, data={"confirmed": "yes"})
    db_session.refresh(event)
    assert event.places_taken == 1
    assert db_session.scalar(select(OutboxMessage.to_address).where(
        OutboxMessage.kind == "cancellation")) == "olena@example.org"


def test_cancelling_a_person_of_a_party_without_contact_says_it_tells_nobody(
    client, auth, organiser, make_event, make_registration
):
    event = make_event(capacity=10)
    family = make_registration(event, ["Aisha", "Omar"])
    make_registration(event, ["Maria"], email="maria@example.org")
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations/{family.id}/cancel"
                      f"?attendee_id={family.attendees[1].id}").get_data(as_text=True)
    assert "Cancel the ticket of Omar?" in page
    assert "It tells nobody: no message is sent." in page
    assert f'name="attendee_id" value="{family.attendees[1].id}"' in page


def test_cancelling_a_burst_asks_first_and_says_it_tells_nobody(
    client, auth, db_session, organiser, make_event
):
    event = make_event(capacity=100)
    burst = [register_from(client, event, "198.51.100.7", f"Bot {n}", f"bot{n}@example.org")
             for n in range(5)]
    register_from(client, event, "203.0.113.9", "Olena Kovalenko")
    auth.login(organiser)
    index = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert f'action="/manage/events/{event.slug}/registrations/bursts/cancel"' in index
    query = "&".join(f"registration_id={id_}" for id_ in burst)
    page = client.get(f"/manage/events/{event.slug}/registrations/bursts/cancel?{query}")
    text = page.get_data(as_text=True)
    assert "Cancel 5 registrations from one address?" in text
    assert "Bot 0" in text and "Bot 4" in text
    assert "It tells nobody: no message is sent." in text
    assert text.count('name="registration_id"') == 5
    unconfirmed = client.post(f"/manage/events/{event.slug}/registrations/bursts/cancel",
                              data={"registration_id": burst})
    assert unconfirmed.status_code == 302 and "registration_id=" in unconfirmed.headers["Location"]
    assert db_session.scalar(select(Registration).where(
        Registration.cancelled_at.is_not(None))) is None
