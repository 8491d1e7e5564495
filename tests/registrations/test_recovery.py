"""Get my tickets again: the same answer for known and unknown contacts, links sent only to
the known one and only its own, limits per address and per contact; organisers copy and
resend a party's link and see what their actions will send."""

from datetime import timedelta

from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work, utcnow
from eventreg.messages.models import CHANNEL_EMAIL, CHANNEL_SMS, OutboxMessage
from eventreg.messages.service import deliver_due
from eventreg.registrations.notifications import ticket_link


def messages(db_session, kind=None):
    db_session.rollback()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db_session.scalars(query).all()


def _without_form_token(response) -> str:
    """The page but its form token, which is signed with the second it was made in."""
    import re

    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


def ask(client, contact, **headers):
    return client.post("/tickets/again", data={"contact": contact}, headers=headers)


def test_a_known_and_an_unknown_contact_get_the_same_answer_and_only_the_known_one_a_message(
        client, db_session, make_event, make_registration):
    first, second = make_event(slug="first"), make_event(slug="second")
    olena = make_registration(first, ["Olena"], email="Olena@Example.org")
    again = make_registration(second, ["Olena"], email="olena@example.org")
    other = make_registration(first, ["Ivan"], email="ivan@example.org")
    known = ask(client, "olena@example.org")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert _without_form_token(known) == _without_form_token(unknown)
    [message] = messages(db_session, "link_recovery")
    assert (message.channel, message.to_address) == (CHANNEL_EMAIL, "olena@example.org")
    assert message.status == "sent"  # by the sending thread, after the answer
    assert ticket_link(olena) in message.text_body and ticket_link(again) in message.text_body
    assert ticket_link(other) not in message.text_body


def test_a_phone_gets_its_links_by_text_in_the_page_language(client, db_session, make_event,
                                                             make_registration):
    event = make_event()
    family = make_registration(event, ["Оксана"], phone="+380501234567", language="uk")
    make_registration(event, ["Petar"], phone="+359881234567")
    ask(client, "+380 50 123 4567", **{"Accept-Language": "uk"})
    [message] = messages(db_session, "link_recovery")
    assert (message.channel, message.to_address) == (CHANNEL_SMS, "+380501234567")
    assert ticket_link(family) in message.text_body and message.segments >= 1


def test_cancelled_and_long_past_registrations_are_not_sent(client, db_session, make_event,
                                                            make_registration):
    from eventreg.registrations import service as registrations

    past = make_event(slug="past")
    old = make_registration(past, ["Olena"], email="olena@example.org")
    with unit_of_work(db_session):
        past.starts_at = utcnow() - timedelta(days=40)
        past.ends_at = utcnow() - timedelta(days=40) + timedelta(hours=2)
    cancelled = make_registration(make_event(slug="later"), ["Olena"], email="olena@example.org")
    with unit_of_work(db_session):
        registrations.cancel_attendees(db_session, cancelled)
    assert ask(client, "olena@example.org").status_code == 200
    assert messages(db_session, "link_recovery") == []
    assert old.id and cancelled.id


def test_what_is_neither_an_email_nor_a_phone_gets_a_clear_message(client):
    response = ask(client, "olena at home")
    assert response.status_code == 422
    assert "Type the email or the phone number you registered with" in response.get_data(
        as_text=True)


def test_asking_too_often_for_one_contact_is_refused_in_the_persons_language(
        client, db_session, make_event, make_registration):
    make_registration(make_event(), ["Olena"], email="olena@example.org")
    for _ in range(3):
        assert ask(client, "olena@example.org").status_code == 200
    refused = ask(client, "OLENA@example.org", **{"Accept-Language": "uk"})
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert "Ви запитували посилання багато разів" in refused.get_data(as_text=True)
    assert len(messages(db_session, "link_recovery")) == 3
    # Unknown contacts count the same: the limit says nothing about who registered.
    for _ in range(3):
        assert ask(client, "nobody@example.org").status_code == 200
    assert ask(client, "nobody@example.org").status_code == 429


def test_asking_too_often_from_one_address_is_refused(app, client):
    app.config["LINK_RECOVERY_PER_ADDRESS"] = "2 per hour"
    assert ask(client, "a@example.org").status_code == 200
    assert ask(client, "b@example.org").status_code == 200
    assert ask(client, "c@example.org").status_code == 429


def test_the_event_and_ticket_pages_link_to_the_page(client, make_event, make_registration):
    event = make_event()
    registration = make_registration(event, ["Olena"])
    assert "/tickets/again" in client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "/tickets/again" in client.get(f"/t/{registration.ticket_secret}").get_data(
        as_text=True)
    assert client.get("/tickets/again").status_code == 200


def test_organisers_copy_and_resend_a_partys_link_audited(
        client, auth, organiser, db_session, make_event, make_registration):
    event = make_event()
    phone_only = make_registration(event, ["Оксана"], phone="+380501234567", language="uk")
    make_registration(event, ["Olena"], email="olena@example.org")
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert ticket_link(phone_only) in page and "Send the link again" in page
    response = client.post(f"/manage/events/{event.slug}/registrations/{phone_only.id}"
                           "/resend-link")
    assert response.status_code == 302
    [resent] = messages(db_session, "ticket_link")
    assert (resent.channel, resent.to_address, resent.status) == (
        CHANNEL_SMS, "+380501234567", "sent")
    [entry] = db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "registration.link_resent")).all()
    assert entry.details["registration"] == phone_only.id


def test_resending_to_a_party_without_contact_says_how_to_give_the_link(
        client, auth, organiser, make_event, make_registration):
    event = make_event()
    silent = make_registration(event, ["Ivan"])
    auth.login(organiser)
    response = client.post(f"/manage/events/{event.slug}/registrations/{silent.id}"
                           "/resend-link", follow_redirects=True)
    assert "copy the link and give it to them another way" in response.get_data(as_text=True)


def test_organisers_see_what_cancelling_and_moving_will_send(
        client, auth, organiser, db_session, make_event, make_registration):
    event = make_event()
    make_registration(event, ["Оксана"], phone="+380501234567", language="uk")
    make_registration(event, ["Petar"], phone="+359881234567", language="bg")
    make_registration(event, ["Olena"], email="olena@example.org", phone="+380671234567")
    make_registration(event, ["Ivan"], email="ivan@example.org")
    auth.login(organiser)
    overview = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    assert "Cancelling tells everyone registered: 2 emails, 3 text messages" in overview
    edit = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert "tells everyone registered: 2 emails, 3 text messages" in edit
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "Cancelling tells the party by 1 email." in page
    assert "1 text message, 2 segments" in page or "1 text message, 1 segment" in page
    # The figures are what is sent.
    deliver_due(db_session)
    db_session.rollback()


def test_texts_can_be_turned_off_on_the_form_and_in_the_api(client, auth, organiser,
                                                            db_session, make_event):
    from eventreg.accounts.service import create_api_token

    event = make_event()
    with unit_of_work(db_session):
        _row, token = create_api_token(db_session, organiser, "test")
    response = client.patch(f"/api/v1/events/{event.slug}", json={"sends_text_messages": False},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["sends_text_messages"] is False
    auth.login(organiser)
    form = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert 'name="sends_text_messages"' in form and "checked" not in form.split(
        'name="sends_text_messages"')[1].split(">")[0]
