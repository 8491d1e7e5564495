"""The waiting list as a participant and an organiser meet it in the browser's pages."""

from eventreg.database import unit_of_work
from tests.registrations.test_views import _form


def test_full_event_offers_the_waiting_list_and_shows_the_place_in_line(
    client, make_event, make_registration
):
    event = make_event(capacity=1)
    make_registration(event, ["Olena"])
    full = client.post(f"/e/{event.slug}/register", data=_form(event))
    assert full.status_code == 409
    assert "Join the waiting list" in full.get_data(as_text=True)
    joined = client.post(f"/e/{event.slug}/waitlist",
                         data=_form(event, action="join_waitlist", email="ivan@example.org"))
    assert joined.status_code == 302 and "/w/" in joined.headers["Location"]
    page = client.get(joined.headers["Location"]).get_data(as_text=True)
    assert "You are number 1 in line." in page
    assert "ivan@example.org" in page


def test_leaving_the_waiting_list(client, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event, ["Olena"])
    location = client.post(f"/e/{event.slug}/waitlist",
                           data=_form(event, action="join_waitlist")).headers["Location"]
    client.post(f"{location}/leave")
    assert "You are no longer on the waiting list." in client.get(location).get_data(
        as_text=True)


def test_promoted_party_finds_its_tickets_at_the_waiting_list_link(
    client, db_session, make_event, make_registration
):
    from eventreg.registrations.service import cancel_attendees

    event = make_event(capacity=1)
    first = make_registration(event, ["Olena"])
    location = client.post(f"/e/{event.slug}/waitlist",
                           data=_form(event, action="join_waitlist")).headers["Location"]
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    response = client.get(location)
    assert response.status_code == 302 and "/t/" in response.headers["Location"]


def test_organiser_sees_the_line_and_can_register_or_remove_a_party(
    client, auth, organiser, make_organiser, db_session, make_event, make_registration
):
    from eventreg.waitlist.models import WaitlistEntry

    event = make_event(capacity=1)
    first = make_registration(event, ["Olena"])
    client.post(f"/e/{event.slug}/waitlist",
                data=_form(event, action="join_waitlist", **{"attendees.0.name": "Ivan"}))
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "Waiting list: 1 party" in page
    page = client.get(f"/manage/events/{event.slug}/waitlist").get_data(as_text=True)
    assert "Ivan" in page and "Register now" in page
    entry = db_session.query(WaitlistEntry).one()
    refused = client.post(f"/manage/events/{event.slug}/waitlist/{entry.id}/promote",
                          follow_redirects=True)
    assert "not enough places" in refused.get_data(as_text=True)
    from eventreg.registrations.service import cancel_attendees

    client.post(f"/manage/events/{event.slug}/waitlist/{entry.id}/remove")
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    db_session.rollback()
    entry = db_session.get(WaitlistEntry, entry.id)
    assert entry.removed_at is not None and entry.promoted_at is None
    auth.logout()
    auth.login(make_organiser("Other office"))
    assert client.post(
        f"/manage/events/{event.slug}/waitlist/{entry.id}/remove").status_code == 404


def test_a_fresh_visitor_finds_the_waiting_list_of_a_full_event(client, make_event,
                                                               make_registration):
    event = make_event(capacity=1)
    make_registration(event, ["Olena"])
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "This event is full. You can join its waiting list" in page
    form = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert 'name="action" value="join_waitlist" class="primary" formaction="/e/' in form
    assert 'value="register" class="primary"' not in form


def test_a_mother_and_child_both_get_tickets_and_the_child_waits_for_the_full_workshop(
    client, db_session, make_event, make_registration
):
    from sqlalchemy import select

    from eventreg.registrations.models import Registration
    from eventreg.registrations.service import AttendeeRequest

    event = make_event(capacity=300, activities=[
        {"title": {"en": "Doll-making", "uk": "Виготовлення ляльок"}, "capacity": 1},
        {"title": {"en": "Face painting"}, "capacity": 10}])
    dolls, faces = event.activities
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[dolls.id])])
    form = client.get(f"/e/{event.slug}/register?party_size=2").get_data(as_text=True)
    assert f'name="attendees.1.waitlist_activities" value="{dolls.id}"' in form
    assert "tick it to wait for a place; the tickets are yours now" in form
    assert f'name="attendees.1.activities" value="{faces.id}"' in form
    response = client.post(f"/e/{event.slug}/register", data=_form(event, **{
        "party_size": "2", "attendees.0.name": "Olena Kovalenko",
        "attendees.1.name": "Daryna Kovalenko", "attendees.1.age_group": "child",
        "attendees.1.activities": str(faces.id),
        "attendees.1.waitlist_activities": str(dolls.id)}))
    assert response.status_code == 302 and "/t/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count('class="ticket"') == 2
    assert "Waiting for Doll-making: number 1 in line" in page
    registration = db_session.scalar(select(Registration).where(
        Registration.contact_name == "", Registration.id != event.id).order_by(
        Registration.id.desc()))
    mother, child = registration.attendees
    assert [a.id for a in child.activities] == [faces.id]
    assert mother.activities == []
    db_session.rollback()
    assert db_session.get(type(event), event.id).places_taken == 3


def test_a_workshop_that_filled_while_typing_is_offered_to_wait_for_not_the_whole_party(
    client, make_event, make_registration
):
    from eventreg.registrations.service import AttendeeRequest

    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 1}])
    dolls = event.activities[0]
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[dolls.id])])
    refused = client.post(f"/e/{event.slug}/register", data=_form(
        event, **{"attendees.0.activities": str(dolls.id)}))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "It filled up while you were writing." in page
    assert 'value="join_waitlist"' not in page  # the party is not sent to the event's line
    assert (f'name="attendees.0.waitlist_activities" value="{dolls.id}" checked' in page)


def test_organiser_sees_each_activitys_line_and_gives_a_place_or_removes_audited(
    client, auth, db_session, organiser, make_event, make_registration
):
    from sqlalchemy import select

    from eventreg.audit.models import AuditEntry
    from eventreg.events import service as events
    from eventreg.registrations.service import AttendeeRequest

    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 1},
                                   {"title": {"en": "Drumming"}, "capacity": 1}])
    dolls, drums = event.activities
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[dolls.id, drums.id])])
    for name in ("Daryna", "Ivan"):
        make_registration(event, [AttendeeRequest(name=name, age_group="child",
                                                  waitlist_activity_ids=[dolls.id, drums.id])])
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/waitlist").get_data(as_text=True)
    assert "Waiting for Doll-making" in page and "Waiting for Drumming" in page
    assert page.index("Daryna") < page.index("Ivan")
    from eventreg.waitlist import line
    [(_, doll_line), (_, drum_line)] = line.activity_lines(db_session, event)
    full = client.post(f"/manage/events/{event.slug}/waitlist/activities/{doll_line[1].id}/promote")
    assert full.status_code == 302
    assert "Doll-making is full" in client.get(
        f"/manage/events/{event.slug}/waitlist").get_data(as_text=True)
    with unit_of_work(db_session):
        events.update_activity(db_session, organiser, db_session.get(type(dolls), dolls.id),
                               events.ActivityDetails(title={"en": "Doll-making"}, capacity=1))
    # Daryna first, then Ivan out of turn when the organiser raises the capacity by hand.
    with unit_of_work(db_session):
        events.update_activity(db_session, organiser, db_session.get(type(dolls), dolls.id),
                               events.ActivityDetails(title={"en": "Doll-making"}, capacity=2))
    db_session.rollback()
    [(_, doll_line), (_, drum_line)] = line.activity_lines(db_session, event)
    assert [w.attendee.name for w in doll_line] == ["Ivan"]
    with unit_of_work(db_session):
        events.update_activity(db_session, organiser, db_session.get(type(dolls), dolls.id),
                               events.ActivityDetails(title={"en": "Doll-making"}, capacity=3))
    db_session.rollback()
    [(_, doll_line), (_, drum_line)] = line.activity_lines(db_session, event)
    assert doll_line == []
    removed = client.post(
        f"/manage/events/{event.slug}/waitlist/activities/{drum_line[1].id}/remove")
    assert removed.status_code == 302
    db_session.rollback()
    [(_, doll_line), (_, drum_line)] = line.activity_lines(db_session, event)
    assert [w.attendee.name for w in drum_line] == ["Daryna"]
    actions = set(db_session.scalars(select(AuditEntry.action)))
    assert "waitlist.activity_removed" in actions


def test_the_event_form_offers_the_waiting_list_order_strict_by_default(
    client, auth, organiser, make_event
):
    auth.login(organiser)
    page = client.get("/manage/events/new").get_data(as_text=True)
    assert '<option selected value="strict">' in page
    assert "Strict is the default" in page
    event = make_event(waitlist_order="fit")
    page = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert '<option selected value="fit">' in page
