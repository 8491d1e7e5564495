"""The waiting list: joining when full, promotion in line order, by hand, and under races."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from eventreg.database import unit_of_work
from eventreg.errors import Conflict
from eventreg.events import service as events
from eventreg.events.models import Event
from eventreg.messages.models import OutboxMessage
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    cancel_attendees,
)
from eventreg.waitlist import line
from eventreg.waitlist import service as waitlist
from eventreg.waitlist.models import WaitlistEntry


def party(*names, email=""):
    return RegistrationRequest(
        attendees=[AttendeeRequest(name=name, age_group="adult") for name in names],
        consent=True, email=email)


def places_taken(db_session, event) -> int:
    db_session.rollback()
    return db_session.scalar(select(Event.places_taken).where(Event.id == event.id))


def test_freed_place_goes_to_the_first_in_line_who_is_told_by_email(
    db_session, make_event, make_registration
):
    event = make_event(capacity=1)
    first = make_registration(event, ["Olena"])
    with unit_of_work(db_session):
        entry = waitlist.join_waitlist(db_session, event, party("Ivan", email="ivan@example.org"), phone_region="BG")
    with unit_of_work(db_session):
        waitlist.join_waitlist(db_session, event, party("Petar"), phone_region="BG")
    assert line.place_in_line(db_session, entry) == 1
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    db_session.rollback()
    promoted = db_session.get(WaitlistEntry, entry.id)
    assert promoted.promoted_at is not None
    registration = db_session.get(Registration, promoted.registration_id)
    assert [a.name for a in registration.attendees] == ["Ivan"]
    assert places_taken(db_session, event) == 1
    [message] = db_session.scalars(select(OutboxMessage)
                                   .where(OutboxMessage.kind == "promotion")).all()
    assert message.to_address == "ivan@example.org"
    assert len(line.list_waiting(db_session, event)) == 1  # Petar still waits


def test_line_is_strict_a_big_party_first_in_line_is_not_skipped(db_session, make_event,
                                                                  make_registration):
    event = make_event(capacity=2)
    one, two = make_registration(event, ["Olena"]), make_registration(event, ["Mykola"])
    with unit_of_work(db_session):
        family = waitlist.join_waitlist(db_session, event, party("Anna", "Boris"), phone_region="BG")
    with unit_of_work(db_session):
        single = waitlist.join_waitlist(db_session, event, party("Petar"), phone_region="BG")
    with unit_of_work(db_session):
        cancel_attendees(db_session, one)
    db_session.rollback()
    assert db_session.get(WaitlistEntry, family.id).promoted_at is None
    assert db_session.get(WaitlistEntry, single.id).promoted_at is None
    with unit_of_work(db_session):
        cancel_attendees(db_session, two)
    db_session.rollback()
    assert db_session.get(WaitlistEntry, family.id).promoted_at is not None
    assert places_taken(db_session, event) == 2


def test_raising_the_capacity_promotes_from_the_line(db_session, organiser, make_event,
                                                     make_registration):
    event = make_event(capacity=1)
    make_registration(event, ["Olena"])
    with unit_of_work(db_session):
        entry = waitlist.join_waitlist(db_session, event, party("Ivan"), phone_region="BG")
    details = events.EventDetails(
        title=event.title, starts_at=event.starts_at, ends_at=event.ends_at,
        privacy_notice=event.privacy_notice, venue=event.venue, capacity=2)
    with unit_of_work(db_session):
        events.update_event(db_session, organiser, event, details)
    db_session.rollback()
    assert db_session.get(WaitlistEntry, entry.id).promoted_at is not None


def test_organiser_promotes_by_hand_only_when_there_is_room_and_can_remove(
    db_session, make_event, make_registration
):
    event = make_event(capacity=1)
    make_registration(event, ["Olena"])
    with unit_of_work(db_session):
        entry = waitlist.join_waitlist(db_session, event, party("Ivan"), phone_region="BG")
    with pytest.raises(Conflict), unit_of_work(db_session):
        waitlist.promote_by_hand(db_session, entry)
    with unit_of_work(db_session):
        waitlist.remove_from_waitlist(db_session, entry)
    db_session.rollback()
    assert db_session.get(WaitlistEntry, entry.id).removed_at is not None
    assert line.list_waiting(db_session, event) == []


def test_joining_when_places_are_free_registers_at_once(db_session, make_event):
    event = make_event(capacity=3)
    with unit_of_work(db_session):
        entry = waitlist.join_waitlist(db_session, event, party("Ivan"), phone_region="BG")
    db_session.rollback()
    assert db_session.get(WaitlistEntry, entry.id).registration_id is not None


def _cancel_all_at_once(app, secrets):
    barrier = threading.Barrier(len(secrets))

    def cancel(secret):
        client = app.test_client()
        with app.app_context():
            from eventreg.extensions import db
            registration = db.session.scalar(
                select(Registration).where(Registration.ticket_secret == secret))
            ids = [str(a.id) for a in registration.attendees]
        barrier.wait()
        return client.post(f"/t/{secret}/cancel", data={"attendee_ids": ids}).status_code

    with ThreadPoolExecutor(max_workers=len(secrets)) as pool:
        return list(pool.map(cancel, secrets))


def test_concurrent_cancellations_never_promote_more_than_the_places_freed(
    app, db_session, make_event, make_registration
):
    event = make_event(capacity=5)
    registered = [make_registration(event, [f"Person {n}"]) for n in range(5)]
    for n in range(10):
        with unit_of_work(db_session):
            waitlist.join_waitlist(db_session, event, party(f"Waiting {n}"), phone_region="BG")
    secrets = [registration.ticket_secret for registration in registered[:4]]
    assert _cancel_all_at_once(app, secrets) == [302] * 4
    db_session.rollback()
    assert places_taken(db_session, event) == 5
    valid = db_session.scalar(select(func.count(Attendee.id)).where(
        Attendee.event_id == event.id, Attendee.cancelled_at.is_(None)))
    assert valid == 5
    promoted = db_session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.promoted_at.is_not(None)).order_by(WaitlistEntry.joined_at)).all()
    assert len(promoted) == 4
    assert len({entry.registration_id for entry in promoted}) == 4
    waiting = [line.names_of(e)[0] for e in line.list_waiting(db_session, event)]
    assert waiting == [f"Waiting {n}" for n in range(4, 10)]  # line order kept


def test_a_waiting_party_with_a_local_phone_is_promoted_where_the_region_is_not_bg(
        make_app, db_session, make_event, make_registration):
    """Ukraine's office: '067 123 4567' is a Ukrainian number. Promotion after a
    cancellation once read it as Bulgarian and dropped the family from the line."""
    from eventreg.registrations.models import Registration

    app = make_app(DEFAULT_PHONE_REGION="UA")
    client = app.test_client()
    event = make_event(capacity=1)
    first = make_registration(event, ["Olena"])
    joined = client.post(f"/e/{event.slug}/waitlist", data={
        "party_size": "1", "attendees.0.name": "Mykola", "attendees.0.age_group": "adult",
        "phone": "067 123 4567", "consent": "yes", "action": "join_waitlist"})
    assert joined.status_code == 302 and "/w/" in joined.headers["Location"]
    db_session.rollback()  # a fresh read: the other app wrote
    [entry] = db_session.scalars(select(WaitlistEntry)).all()
    assert entry.request["phone"] == "+380671234567"
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    db_session.rollback()
    promoted = db_session.scalar(select(Registration).where(Registration.id != first.id))
    assert promoted is not None and promoted.phone == "+380671234567"
    assert db_session.get(WaitlistEntry, entry.id).removed_at is None
