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


def test_a_full_workshop_can_be_ticked_to_join_its_waiting_list_or_left_out(
    client, make_event, make_registration
):
    from eventreg.registrations.service import AttendeeRequest

    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 1}])
    dolls = event.activities[0]
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[dolls.id])])
    form = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert f'name="attendees.0.activities" value="{dolls.id}" >' in form  # not disabled
    assert "tick it to join its waiting list" in form
    refused = client.post(f"/e/{event.slug}/register", data=_form(
        event, **{"attendees.0.activities": str(dolls.id)}))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Or untick the full activity to register without it." in page
    assert 'form="registration-form" name="action" value="join_waitlist"' in page
