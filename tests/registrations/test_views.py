"""The public registration form, as a person uses it."""

import re
from email import message_from_bytes, policy

from sqlalchemy import select


def _form(event, **extra):
    values = {"client_id": "form-submit-1", "party_size": "1", "attendees.0.name": "Olena",
              "attendees.0.age_group": "adult", "consent": "yes", "action": "register"}
    values.update(extra)
    return values


def test_registering_lands_on_the_ticket_page(client, make_event):
    event = make_event()
    response = client.post(f"/e/{event.slug}/register", data=_form(event))
    assert response.status_code == 302
    assert "/t/" in response.headers["Location"]


def test_add_person_keeps_what_was_typed(client, make_event):
    event = make_event()
    response = client.post(f"/e/{event.slug}/register",
                           data=_form(event, action="add_person"))
    page = response.get_data(as_text=True)
    assert 'name="attendees.1.name"' in page
    assert 'value="Olena"' in page
    # The cursor goes to the new person (far down the page on a phone), not the first.
    assert re.search(r'name="attendees\.1\.name"[^>]*autofocus', page)
    assert not re.search(r'name="attendees\.0\.name"[^>]*autofocus', page)


def test_mistakes_are_shown_next_to_their_fields_and_nothing_is_lost(client, make_event):
    event = make_event()
    response = client.post(f"/e/{event.slug}/register", data=_form(
        event, **{"attendees.0.name": "", "email": "olena@", "consent": "",
                  "phone": "+359 88 123 4567"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter this person&#39;s name." in page
    assert "Please agree to the privacy notice to register." in page
    assert 'value="+359 88 123 4567"' in page and 'value="olena@"' in page


def test_confirmation_is_mailed_only_when_an_email_is_given(client, make_event, outbox):
    event = make_event()
    # Messages go out once the answer is closed, as a WSGI server closes it.
    client.post(f"/e/{event.slug}/register", data=_form(event, client_id="no-email")).close()
    assert not outbox.exists() or not list(outbox.iterdir())
    client.post(f"/e/{event.slug}/register",
                data=_form(event, client_id="with-email", email="olena@example.org")).close()
    messages = list(outbox.glob("*.eml"))
    assert len(messages) == 1
    message = message_from_bytes(messages[0].read_bytes(), policy=policy.default)
    assert message["To"] == "olena@example.org"
    assert "/t/" in message.get_body(("plain",)).get_content()


def test_double_submit_registers_once_and_mails_once(client, make_event, outbox, db_session):
    event = make_event(capacity=5)
    data = _form(event, email="olena@example.org")
    first = client.post(f"/e/{event.slug}/register", data=data)
    second = client.post(f"/e/{event.slug}/register", data=data)
    first.close()
    second.close()
    assert first.headers["Location"] == second.headers["Location"]
    assert len(list(outbox.glob("*.eml"))) == 1


def test_full_event_says_so(client, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event)
    response = client.post(f"/e/{event.slug}/register", data=_form(event))
    assert response.status_code == 409
    assert "not enough places" in response.get_data(as_text=True)


def test_a_full_event_says_so_before_asking_to_fix_a_mistake_and_keeps_what_was_typed(
        client, make_event, make_registration):
    full, other = make_event(capacity=1), make_event(capacity=3)
    make_registration(full)
    data = _form(full, email="olena@", **{"attendees.0.name": "Olena Kovalenko"})
    page = client.post(f"/e/{full.slug}/register", data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "not enough places left: 0 left" in text
    assert 'value="Olena Kovalenko"' in text and 'value="olena@"' in text
    # At an event with places the same mistake is shown at its field.
    assert client.post(f"/e/{other.slug}/register", data=data).status_code == 422


def test_form_without_csrf_token_is_refused(make_app, make_event):
    protected = make_app(WTF_CSRF_ENABLED=True)
    event = make_event()
    response = protected.test_client().post(f"/e/{event.slug}/register", data=_form(event))
    assert response.status_code == 400


def test_register_link_with_a_client_id_in_the_address_is_ignored(client, make_event):
    event = make_event()
    page = client.get(f"/e/{event.slug}/register?client_id=someone-elses-id")
    assert 'value="someone-elses-id"' not in page.get_data(as_text=True)



def test_a_name_with_a_control_character_is_shown_back_to_fix_and_nothing_is_lost(
        client, db_session, make_event):
    event = make_event(capacity=10)
    response = client.post(f"/e/{event.slug}/register", data={
        "party_size": "2", "attendees.0.name": "Eve\x1b Adams", "attendees.0.age_group": "adult",
        "attendees.1.name": "Mark Adams", "attendees.1.age_group": "adult",
        "email": "eve@example.org", "consent": "yes", "client_id": "c" * 32})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "control characters" in page
    assert 'href="#f-attendees-0-name"' in page
    assert 'value="Eve Adams"' in page and 'value="Mark Adams"' in page
    assert 'value="eve@example.org"' in page
    db_session.refresh(event)
    assert event.places_taken == 0


def test_a_name_of_invisible_characters_only_is_refused(client, db_session, make_event):
    event = make_event(capacity=10)
    response = client.post(f"/e/{event.slug}/register", data={
        "attendees.0.name": "\u200b\u202e", "attendees.0.age_group": "adult",
        "consent": "yes"})
    assert response.status_code == 422
    assert "Enter this person" in response.get_data(as_text=True)
    db_session.refresh(event)
    assert event.places_taken == 0


def test_bidirectional_overrides_are_not_stored_as_typed(client, db_session, make_event):
    from eventreg.registrations.models import Attendee

    event = make_event(capacity=10)
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "contact": {"name": "\u202eevE"},
        "attendees": [{"name": "\u202enosdA\u202c Eve", "age_group": "adult"}]})
    assert response.status_code == 201
    assert db_session.scalars(select(Attendee.name)).all() == ["nosdA Eve"]
    assert response.get_json()["contact"]["name"] == "evE"
