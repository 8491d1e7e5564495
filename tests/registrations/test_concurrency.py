"""Capacity under real concurrent requests: the database decides, nothing is overbooked or lost."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from eventreg.events.models import Activity, Event
from eventreg.registrations.models import Attendee, Registration


def _post_all_at_once(app, url, bodies):
    """POST every body from its own thread and test client, released together."""
    barrier = threading.Barrier(len(bodies))

    def post(body):
        client = app.test_client()
        barrier.wait()
        response = client.post(url, json=body)
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _body(name, **person):
    return {"consent": True, "client_id": uuid.uuid4().hex,
            "attendees": [{"name": name, "age_group": "adult", **person}]}


def test_fifty_concurrent_registrations_for_twenty_places_confirm_exactly_twenty(
    app, db_session, make_event
):
    event = make_event(capacity=20)
    results = _post_all_at_once(
        app, f"/api/v1/events/{event.slug}/registrations",
        [_body(f"Person {i}") for i in range(50)],
    )
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 20
    assert statuses.count(409) == 30, statuses
    assert {body["error"] for status, body in results if status == 409} == {"event_full"}
    db_session.rollback()  # end the read snapshot taken before the requests
    assert db_session.scalar(select(Event.places_taken).where(Event.id == event.id)) == 20
    assert db_session.scalar(select(func.count(Attendee.id))) == 20
    assert db_session.scalar(select(func.count(Registration.id))) == 20
    confirmed_names = {body["attendees"][0]["name"] for status, body in results if status == 201}
    stored_names = set(db_session.scalars(select(Attendee.name)))
    assert confirmed_names == stored_names


def test_concurrent_choices_of_a_small_workshop_never_overbook_it(app, db_session, make_event):
    event = make_event(capacity=100, activities=[{"title": {"en": "Doll-making"}, "capacity": 5}])
    workshop_id = event.activities[0].id
    results = _post_all_at_once(
        app, f"/api/v1/events/{event.slug}/registrations",
        [_body(f"Child {i}", activities=[workshop_id]) for i in range(20)],
    )
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 5
    assert {body["error"] for status, body in results if status != 201} == {"activity_full"}
    db_session.rollback()  # end the read snapshot taken before the requests
    assert db_session.scalar(select(Activity.places_taken).where(Activity.id == workshop_id)) == 5
    # Refused parties took no place in the event either.
    assert db_session.scalar(select(Event.places_taken).where(Event.id == event.id)) == 5


def test_the_same_submission_sent_concurrently_registers_once(app, db_session, make_event):
    event = make_event(capacity=10)
    body = _body("Olena")
    results = _post_all_at_once(app, f"/api/v1/events/{event.slug}/registrations", [body] * 8)
    assert {status for status, _ in results} == {201}
    assert len({response["id"] for _, response in results}) == 1
    db_session.rollback()  # end the read snapshot taken before the requests
    assert db_session.scalar(select(Event.places_taken).where(Event.id == event.id)) == 1


def test_concurrent_cancels_of_one_registration_free_its_places_once(
    app, db_session, make_event, make_registration
):
    from eventreg.database import unit_of_work
    from eventreg.extensions import db
    from eventreg.registrations.service import AttendeeRequest, cancel_attendees

    event = make_event(capacity=5, activities=[{"title": {"en": "Doll-making"}, "capacity": 3}])
    workshop_id = event.activities[0].id
    registration = make_registration(event, [
        "Olena", AttendeeRequest(name="Mykola", age_group="child", activity_ids=[workshop_id])])
    registration_id = registration.id
    make_registration(event, [AttendeeRequest(name="Sofiia", age_group="child",
                                              activity_ids=[workshop_id])])
    barrier = threading.Barrier(6)

    def cancel(_):
        with app.app_context():
            target = db.session.get(Registration, registration_id)
            barrier.wait()
            try:
                with unit_of_work(db.session):
                    return cancel_attendees(db.session, target)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = sorted(pool.map(cancel, range(6)))
    assert results == [0, 0, 0, 0, 0, 2]
    db_session.rollback()  # end the read snapshot taken before the requests
    assert db_session.scalar(select(Event.places_taken).where(Event.id == event.id)) == 1
    assert db_session.scalar(select(Activity.places_taken).where(Activity.id == workshop_id)) == 1
