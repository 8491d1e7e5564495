"""Organisers see many registrations from one address in a short time, and can cancel them
in one step without mailing the addresses they gave."""

from datetime import timedelta

from sqlalchemy import select, update

from eventreg.database import utcnow
from eventreg.messages.models import OutboxMessage
from eventreg.registrations.models import Registration


def register_from(client, event, address, name, email=None):
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "contact": {"email": email} if email else {},
        "attendees": [{"name": name, "age_group": "adult"}]},
        environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_burst_from_one_address_is_shown_and_cancelled_in_one_step(
        client, db_session, auth, organiser, make_event):
    event, other_event = make_event(capacity=100), make_event(slug="other", capacity=100)
    burst = [register_from(client, event, "198.51.100.7", f"Bot {n}", f"bot{n}@example.org")
             for n in range(5)]
    family = register_from(client, event, "203.0.113.9", "Olena Kovalenko")
    neighbour = register_from(client, event, "203.0.113.10", "Maria Ivanova")
    elsewhere = [register_from(client, other_event, "198.51.100.7", f"Other {n}")
                 for n in range(5)]
    db_session.execute(update(OutboxMessage).values(status="sent"))
    db_session.commit()
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "5 registrations from one address" in page
    assert "Bot 0" in page and "bot4@example.org" in page
    response = client.post(f"/manage/events/{event.slug}/registrations/bursts/cancel",
                           data={"registration_id": burst, "confirmed": "yes"})
    assert response.status_code == 302
    cancelled = dict(db_session.execute(
        select(Registration.id, Registration.cancelled_at.is_not(None))).all())
    assert {id_ for id_, gone in cancelled.items() if gone} == set(burst)
    assert not cancelled[family] and not cancelled[neighbour]
    assert not any(cancelled[id_] for id_ in elsewhere)
    db_session.refresh(event)
    assert event.places_taken == 2
    queued = db_session.scalars(select(OutboxMessage.kind).where(
        OutboxMessage.status != "sent")).all()
    assert queued == []
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "registrations from one address" not in page


def test_registrations_far_apart_in_time_are_not_a_burst(client, db_session, auth, organiser,
                                                         make_event):
    event = make_event(capacity=100)
    ids = [register_from(client, event, "192.0.2.44", f"Family {n}") for n in range(5)]
    start = utcnow()
    for hours, registration_id in enumerate(ids):
        db_session.execute(update(Registration).where(Registration.id == registration_id)
                           .values(created_at=start + timedelta(hours=hours)))
    db_session.commit()
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "registrations from one address" not in page


def test_a_cancel_naming_registrations_of_two_addresses_is_refused(client, db_session, auth,
                                                                   organiser, make_event):
    event = make_event(capacity=100)
    first = register_from(client, event, "198.51.100.7", "Bot")
    second = register_from(client, event, "203.0.113.9", "Olena Kovalenko")
    auth.login(organiser)
    page = client.post(f"/manage/events/{event.slug}/registrations/bursts/cancel",
                       data={"registration_id": [first, second], "confirmed": "yes"},
                       follow_redirects=True)
    assert "not one burst" in page.get_data(as_text=True)
    assert db_session.scalars(select(Registration.cancelled_at)).all() == [None, None]


def test_another_organisations_burst_cannot_be_cancelled(client, db_session, auth,
                                                         make_organiser, make_event):
    owner = make_organiser("Country office")
    event = make_event(by=owner, capacity=100)
    ids = [register_from(client, event, "198.51.100.7", f"Bot {n}") for n in range(5)]
    auth.login(make_organiser("Another office"))
    response = client.post(f"/manage/events/{event.slug}/registrations/bursts/cancel",
                           data={"registration_id": ids, "confirmed": "yes"})
    assert response.status_code == 404
    assert db_session.scalars(select(Registration.cancelled_at)).all() == [None] * 5


def test_the_address_itself_is_never_stored(client, db_session, make_event):
    event = make_event(capacity=10)
    register_from(client, event, "198.51.100.7", "Olena Kovalenko")
    stored = db_session.scalar(select(Registration.source_hash))
    assert stored and "198.51.100.7" not in stored and len(stored) == 32
