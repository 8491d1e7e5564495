"""Waiting per person and per activity: the family gets its tickets, one person waits for a
full workshop; freed places go strictly in line order, through the one capacity rule; and
the event's line of whole parties in strict or "fit" order."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from eventreg.database import unit_of_work
from eventreg.events.models import Activity, Event
from eventreg.messages.models import OutboxMessage
from eventreg.registrations.models import Attendee, Registration, attendee_activities
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    cancel_attendees,
)
from eventreg.waitlist import line
from eventreg.waitlist import service as waitlist
from eventreg.waitlist.models import ActivityWaiting, WaitlistEntry

DOLLS = {"title": {"en": "Doll-making", "uk": "Виготовлення ляльок"}, "capacity": 2}
DRUMS = {"title": {"en": "Drumming"}, "capacity": 3}


def child(name, *, holds=(), waits=()):
    return AttendeeRequest(name=name, age_group="child", activity_ids=list(holds),
                           waitlist_activity_ids=list(waits))


def party(*names):
    return RegistrationRequest(
        attendees=[AttendeeRequest(name=name, age_group="adult") for name in names],
        consent=True)


def holders(db_session, activity_id) -> list[str]:
    db_session.rollback()
    return list(db_session.scalars(
        select(Attendee.name).join(attendee_activities,
                                   attendee_activities.c.attendee_id == Attendee.id)
        .where(attendee_activities.c.activity_id == activity_id,
               Attendee.cancelled_at.is_(None)).order_by(Attendee.name)))


def waiting(db_session, event, activity_id) -> list[str]:
    db_session.rollback()
    lines = dict((activity.id, waits) for activity, waits in line.activity_lines(db_session, event))
    return [wait.attendee.name for wait in lines[activity_id]]


def test_the_family_gets_its_tickets_and_only_the_child_waits_for_the_full_workshop(
    db_session, make_event, make_registration
):
    event = make_event(capacity=300, activities=[DOLLS, DRUMS])
    dolls, drums = event.activities
    make_registration(event, [child("Mykola", holds=[dolls.id]), child("Sofia", holds=[dolls.id])])
    family = make_registration(event, [
        AttendeeRequest(name="Olena", age_group="adult", activity_ids=[drums.id]),
        child("Daryna", holds=[drums.id], waits=[dolls.id])], email="olena@example.org")
    db_session.rollback()
    assert [a.name for a in family.active_attendees] == ["Olena", "Daryna"]
    assert db_session.get(Event, event.id).places_taken == 4
    assert holders(db_session, drums.id) == ["Daryna", "Olena"]
    assert waiting(db_session, event, dolls.id) == ["Daryna"]
    assert waiting(db_session, event, drums.id) == []


def test_a_freed_workshop_place_goes_to_the_first_in_its_line_who_is_told(
    db_session, make_event, make_registration
):
    event = make_event(activities=[DOLLS, DRUMS])
    dolls, drums = event.activities
    first = make_registration(event, [child("Mykola", holds=[dolls.id])])
    make_registration(event, [child("Sofia", holds=[dolls.id])])
    make_registration(event, [child("Daryna", waits=[dolls.id])], email="olena@example.org",
                      language="uk")
    make_registration(event, [child("Ivan", waits=[dolls.id, drums.id])])
    assert holders(db_session, drums.id) == ["Ivan"]  # drumming had a place: his at once
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    assert holders(db_session, dolls.id) == ["Daryna", "Sofia"]
    assert waiting(db_session, event, dolls.id) == ["Ivan"]
    assert db_session.get(Activity, dolls.id).places_taken == 2
    [message] = db_session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "activity_promotion")).all()
    assert message.to_address == "olena@example.org"
    from eventreg.waitlist.notifications import write_activity_promotion
    subject, text, _html = write_activity_promotion(db_session, message)
    assert "Виготовлення ляльок" in subject and "Daryna" in text


def test_dropping_a_workshop_on_the_ticket_page_gives_it_to_the_line_and_cancelled_people_leave_it(
    client, db_session, make_event, make_registration
):
    event = make_event(activities=[DOLLS, DRUMS])
    dolls, drums = event.activities
    mykola = make_registration(event, [child("Mykola", holds=[dolls.id, drums.id])])
    make_registration(event, [child("Sofia", holds=[dolls.id])])
    gone = make_registration(event, [child("Petar", waits=[dolls.id])])
    make_registration(event, [child("Daryna", waits=[dolls.id])])
    with unit_of_work(db_session):
        cancel_attendees(db_session, gone)
    assert waiting(db_session, event, dolls.id) == ["Daryna"]
    attendee = mykola.attendees[0]
    response = client.post(f"/t/{mykola.ticket_secret}/activities/{attendee.id}",
                           data={"activities": [str(drums.id)]})
    assert response.status_code == 302
    assert holders(db_session, dolls.id) == ["Daryna", "Sofia"]
    assert waiting(db_session, event, dolls.id) == []


def test_a_registered_person_joins_a_full_activitys_line_from_the_ticket_link_and_leaves_it(
    client, db_session, make_event, make_registration
):
    event = make_event(activities=[DOLLS, DRUMS])
    dolls, drums = event.activities
    make_registration(event, [child("Mykola", holds=[dolls.id]), child("Sofia", holds=[dolls.id])])
    make_registration(event, [child("Ivan", waits=[dolls.id])])
    family = make_registration(event, [AttendeeRequest(name="Olena", age_group="adult"),
                                       child("Daryna", holds=[drums.id])])
    daryna = family.attendees[1]
    page = client.get(f"/t/{family.ticket_secret}").get_data(as_text=True)
    join = f"/t/{family.ticket_secret}/activities/{daryna.id}/wait/{dolls.id}"
    assert f'action="{join}"' in page
    assert "Wait for a place in Doll-making" in page
    joined = client.post(join)
    assert joined.status_code == 302
    page = client.get(f"/t/{family.ticket_secret}").get_data(as_text=True)
    assert "Daryna is number 2 in line for Doll-making." in page
    assert "Waiting for Doll-making: number 2 in line" in page
    assert client.post(join).status_code == 302  # a double click keeps one place in line
    assert waiting(db_session, event, dolls.id) == ["Ivan", "Daryna"]
    assert client.post(f"{join}/leave").status_code == 302
    assert waiting(db_session, event, dolls.id) == ["Ivan"]
    page = client.get(f"/t/{family.ticket_secret}").get_data(as_text=True)
    assert "Waiting for Doll-making" not in page
    other = client.post(f"/t/{family.ticket_secret}/activities/{daryna.id}/wait/{drums.id}")
    assert other.status_code == 302  # she holds drumming: refused with a message
    assert "already among this person" in client.get(
        f"/t/{family.ticket_secret}").get_data(as_text=True)


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


def test_concurrent_cancellations_never_promote_more_people_into_an_activity_than_places_freed(
    app, db_session, make_event, make_registration
):
    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 4}, DRUMS])
    dolls, drums = event.activities
    holding = [make_registration(event, [child(f"Holder {n}", holds=[dolls.id, drums.id])])
               for n in range(3)]
    holding.append(make_registration(event, [child("Holder 3", holds=[dolls.id])]))
    for n in range(8):
        make_registration(event, [child(f"Waiting {n}", waits=[dolls.id, drums.id])])
    # Three of the four holders cancel at once; and one who waits only for drumming.
    secrets = [registration.ticket_secret for registration in holding[:3]]
    assert _cancel_all_at_once(app, secrets) == [302] * 3
    db_session.rollback()
    places = db_session.get(Activity, dolls.id).places_taken
    holding_now = db_session.scalar(
        select(func.count()).select_from(attendee_activities)
        .join(Attendee, Attendee.id == attendee_activities.c.attendee_id)
        .where(attendee_activities.c.activity_id == dolls.id, Attendee.cancelled_at.is_(None)))
    assert places == holding_now == 4
    assert holders(db_session, dolls.id) == ["Holder 3", "Waiting 0", "Waiting 1", "Waiting 2"]
    assert waiting(db_session, event, dolls.id) == [f"Waiting {n}" for n in range(3, 8)]
    assert holders(db_session, drums.id) == ["Waiting 0", "Waiting 1", "Waiting 2"]
    promoted = db_session.scalar(select(func.count(ActivityWaiting.id)).where(
        ActivityWaiting.activity_id == dolls.id, ActivityWaiting.promoted_at.is_not(None)))
    assert promoted == 3
    assert db_session.get(Event, event.id).places_taken == 9


def test_strict_order_a_family_at_the_head_holds_a_single_person_behind_it(
    db_session, make_event, make_registration
):
    event = make_event(capacity=3)
    assert event.waitlist_order == "strict"  # the default
    first = make_registration(event, ["Olena"])
    make_registration(event, ["Mykola", "Sofia"])
    with unit_of_work(db_session):
        family = waitlist.join_waitlist(db_session, event, party("Anna", "Boris", "Vera", "Ivo"),
                                        phone_region="BG")
    with unit_of_work(db_session):
        single = waitlist.join_waitlist(db_session, event, party("Petar"), phone_region="BG")
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    db_session.rollback()
    assert db_session.get(WaitlistEntry, family.id).promoted_at is None
    assert db_session.get(WaitlistEntry, single.id).promoted_at is None
    assert db_session.get(Event, event.id).places_taken == 2


def test_fit_order_lets_a_smaller_party_that_fits_go_before_the_family_at_the_head(
    db_session, organiser, make_event, make_registration
):
    event = make_event(capacity=3, waitlist_order="fit")
    first = make_registration(event, ["Olena"])
    second = make_registration(event, ["Mykola", "Sofia"])
    entries = {}
    for names in (("Anna", "Boris", "Vera"), ("Petar",), ("Gala", "Dan"), ("Ivo",)):
        with unit_of_work(db_session):
            entries[names[0]] = waitlist.join_waitlist(db_session, event, party(*names),
                                                       phone_region="BG")
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    db_session.rollback()
    promoted = {name for name, entry in entries.items()
                if db_session.get(WaitlistEntry, entry.id).promoted_at is not None}
    assert promoted == {"Petar"}  # the family keeps its place at the head
    with unit_of_work(db_session):
        cancel_attendees(db_session, second)
    db_session.rollback()
    promoted = {name for name, entry in entries.items()
                if db_session.get(WaitlistEntry, entry.id).promoted_at is not None}
    assert promoted == {"Petar", "Gala"}  # two places: the family of three still waits
    assert db_session.get(Event, event.id).places_taken == 3


def test_the_api_registers_the_party_now_and_puts_a_person_in_a_full_activitys_line(
    client, db_session, make_event, make_registration
):
    event = make_event(activities=[DOLLS, DRUMS])
    dolls, drums = event.activities
    make_registration(event, [child("Mykola", holds=[dolls.id]), child("Sofia", holds=[dolls.id])])
    make_registration(event, [child("Ivan", waits=[dolls.id])])
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "language": "uk", "client_id": "api-waits-0000001",
        "attendees": [{"name": "Olena", "age_group": "adult"},
                      {"name": "Daryna", "age_group": "child", "activities": [drums.id],
                       "waitlist_activities": [dolls.id]}]})
    assert response.status_code == 201, response.get_json()
    mother, daughter = response.get_json()["attendees"]
    assert mother["waitlist_activities"] == []
    assert daughter["activities"] == [drums.id]
    assert daughter["waitlist_activities"] == [{"activity": dolls.id, "place": 2}]
    assert waiting(db_session, event, dolls.id) == ["Ivan", "Daryna"]
