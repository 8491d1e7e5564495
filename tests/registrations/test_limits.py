"""One address cannot take an event's places in seconds, nor fill someone's inbox; a family
centre sharing one Wi-Fi address is not stopped."""

from sqlalchemy import func, select

from eventreg.registrations.models import Registration
from eventreg.waitlist.models import WaitlistEntry


def api_register(client, event, address, *, email=None, name="Olena Kovalenko"):
    contact = {"email": email} if email else {}
    return client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "contact": contact, "attendees": [{"name": name, "age_group": "adult"}],
    }, environ_base={"REMOTE_ADDR": address})


def form_register(client, event, address, *, headers=None, **extra):
    values = {"attendees.0.name": "Olena Kovalenko", "attendees.0.age_group": "adult",
              "consent": "yes", "action": "register", **extra}
    page = "waitlist" if values["action"] == "join_waitlist" else "register"
    return client.post(f"/e/{event.slug}/{page}", data=values, headers=headers or {},
                       environ_base={"REMOTE_ADDR": address})


def registrations(db_session, event) -> int:
    db_session.rollback()
    return db_session.scalar(select(func.count(Registration.id))
                             .where(Registration.event_id == event.id))


def test_one_address_is_slowed_down_for_an_event_through_the_api(client, db_session,
                                                                 make_event):
    event = make_event(capacity=20)
    statuses = [api_register(client, event, "198.51.100.7", name=f"Bot {n}").status_code
                for n in range(8)]
    assert statuses == [201] * 5 + [429] * 3
    refused = api_register(client, event, "198.51.100.7")
    assert refused.get_json()["error"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert registrations(db_session, event) == 5
    db_session.refresh(event)
    assert event.places_taken == 5


def test_other_addresses_and_other_events_are_not_held_up(client, db_session, make_event):
    event, other_event = make_event(capacity=50), make_event(slug="info-session", capacity=50)
    for n in range(5):
        assert api_register(client, event, "198.51.100.7", name=f"Bot {n}").status_code == 201
    assert api_register(client, event, "198.51.100.7").status_code == 429
    assert api_register(client, event, "203.0.113.20").status_code == 201
    assert api_register(client, other_event, "198.51.100.7").status_code == 201


def test_the_form_keeps_what_was_typed_and_says_how_long_to_wait_in_the_persons_language(
        client, db_session, make_event):
    event = make_event(capacity=20)
    for _ in range(5):
        assert form_register(client, event, "198.51.100.7").status_code == 302
    response = form_register(client, event, "198.51.100.7", headers={"Accept-Language": "bg"},
                             **{"attendees.0.name": "Мария Петрова", "phone": "+359881234567"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert 'value="Мария Петрова"' in page and 'value="+359881234567"' in page
    assert "Нищо не е запазено" in page
    assert registrations(db_session, event) == 5


def test_refused_forms_and_adding_people_to_the_form_are_not_counted(client, db_session,
                                                                     make_event):
    event = make_event(capacity=20)
    for _ in range(6):
        assert form_register(client, event, "198.51.100.7", consent="").status_code == 422
        assert form_register(client, event, "198.51.100.7",
                             action="add_person").status_code == 200
    assert form_register(client, event, "198.51.100.7").status_code == 302


def test_joining_a_waiting_list_is_counted_like_registering(client, db_session, make_event,
                                                            make_registration):
    event = make_event(capacity=1)
    make_registration(event, ["Already In"])
    statuses = [form_register(client, event, "198.51.100.7", action="join_waitlist",
                              **{"attendees.0.name": f"Waiting {n}"}).status_code
                for n in range(6)]
    assert statuses == [302] * 5 + [429]
    db_session.rollback()
    assert db_session.scalar(select(func.count(WaitlistEntry.id))) == 5


def test_one_email_address_cannot_be_mailed_again_and_again_from_many_addresses(
        client, db_session, make_event, outbox):
    event, other_event = make_event(capacity=50), make_event(slug="info-session", capacity=50)
    statuses = [api_register(client, event if n % 2 else other_event, f"198.51.100.{n}",
                             email="victim@example.org").status_code for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert form_register(client, event, "198.51.100.99",
                         email="VICTIM@example.org").status_code == 429
    assert api_register(client, event, "198.51.100.98",
                        email="someone.else@example.org").status_code == 201


def test_a_family_centre_on_one_address_registers_its_families_over_a_morning(
        make_app, db_session, make_event):
    """The limit is per minute and hour: a centre is slowed down, never stopped for long."""
    app = make_app(REGISTRATIONS_PER_ADDRESS_PER_EVENT="5 per minute")
    client = app.test_client()
    event = make_event(capacity=100)
    assert [api_register(client, event, "192.0.2.1", name=f"Family {n}").status_code
            for n in range(5)] == [201] * 5
    with app.app_context():
        from eventreg.extensions import limiter

        limiter.reset()  # as when the minute has passed
    assert api_register(client, event, "192.0.2.1", name="Family 6").status_code == 201
