"""Text messages through the outbox, against a real SMPP server started by each test:
delivered (UCS-2 for Cyrillic, long texts in segments), refused, down and slow; every kind
of message in Ukrainian and Bulgarian; who gets a text and who an email."""

import time
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from eventreg.database import unit_of_work, utcnow
from eventreg.events import service as events
from eventreg.messages.models import CHANNEL_EMAIL, CHANNEL_SMS, OutboxMessage
from eventreg.messages.segments import count_segments
from eventreg.messages.service import MAX_ATTEMPTS, RETRY_PAUSES, deliver_due, queue_message
from eventreg.privacy.anonymise import anonymise_registrations
from eventreg.registrations import service as registrations
from eventreg.registrations.notifications import queue_reminders, ticket_link
from eventreg.registrations.recovery import resend_ticket_link, send_links_again
from eventreg.waitlist import service as waitlist
from tests.servers import free_port
from tests.smpp_server import SmppServer

UK_PHONE = "+380501234567"
BG_PHONE = "+359881234567"


@pytest.fixture
def smpp_server():
    server = SmppServer()
    yield server
    server.close()


@pytest.fixture
def smpp_app(request, app_settings):
    """The app with SMS_BACKEND=smpp against this test's server (mood from a marker)."""
    marker = request.node.get_closest_marker("smpp")
    mood = marker.args[0] if marker else "deliver"
    server = None
    port = free_port()  # nothing listens: "down"
    if mood != "down":
        server = SmppServer(mood)
        port = server.port
    app_settings.update(SMS_BACKEND="smpp", SMPP_HOST="127.0.0.1", SMPP_PORT=port,
                        SMPP_SYSTEM_ID="eventreg", SMPP_PASSWORD="secret", SMS_FROM="Eventreg",
                        SMPP_TIMEOUT=0.5)
    request.getfixturevalue("app")
    yield server
    if server is not None:
        server.close()


def all_messages(db_session, **where):
    db_session.rollback()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return db_session.scalars(query).all()


def deliver_everything(db_session):
    report = deliver_due(db_session, now=utcnow() + timedelta(seconds=1))
    db_session.rollback()
    return report


def test_a_phone_only_party_gets_its_confirmation_as_ucs2_in_ukrainian(
        smpp_app, db_session, make_event, make_registration):
    server = smpp_app
    event = make_event()
    registration = make_registration(event, ["Олена Коваленко"], phone="+380 50 123 4567",
                                     language="uk")
    [message] = all_messages(db_session)
    assert (message.channel, message.to_address) == (CHANNEL_SMS, UK_PHONE)
    assert deliver_everything(db_session).sent == [message.id]
    assert {part.data_coding for part in server.submitted} == {8}  # UCS-2
    assert {part.destination for part in server.submitted} == {UK_PHONE.lstrip("+")}
    assert {part.source for part in server.submitted} == {"Eventreg"}
    assert server.binds == [("eventreg", "secret")]
    [text] = server.texts()
    assert ticket_link(registration) in text
    assert "Всесвітній день біженців" in text or "Всесвітній день" in text
    sent = db_session.get(OutboxMessage, message.id)
    assert sent.text_body == text and sent.subject == ""
    assert sent.segments == count_segments(text).segments == len(server.submitted)


def test_a_long_text_goes_in_the_segments_counted(smpp_app, db_session):
    server = smpp_app
    text = "Ваші квитки на Всесвітній день біженців у Софії, Борисова градина. " * 3
    with unit_of_work(db_session):
        message = queue_message(db_session, kind="confirmation", channel=CHANNEL_SMS,
                                to=UK_PHONE, subject="", text=text)
    assert deliver_everything(db_session).sent == [message.id]
    counted = count_segments(text)
    assert counted.units == 201 and counted.segments == 3 and len(server.submitted) == 3
    assert {part.udh[3] for part in server.submitted} == {server.submitted[0].udh[3]}
    assert [part.udh[5] for part in server.submitted] == [1, 2, 3]
    assert all(len(part.short_message) <= 140 for part in server.submitted)
    assert server.texts() == [text]
    assert db_session.get(OutboxMessage, message.id).segments == 3


def test_a_latin_text_goes_as_gsm7(smpp_app, db_session):
    with unit_of_work(db_session):
        message = queue_message(db_session, kind="confirmation", channel=CHANNEL_SMS,
                                to=BG_PHONE, subject="", text="Your tickets {QR}: €0")
    assert deliver_everything(db_session).sent == [message.id]
    [part] = smpp_app.submitted
    assert part.data_coding == 0 and part.text == "Your tickets {QR}: €0"


def _retry_until_failed(db_session, message_id):
    now = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        report = deliver_due(db_session, now=now, only_ids=[message_id])
        db_session.rollback()
        if attempt < MAX_ATTEMPTS - 1:
            assert report.retried == [message_id]
            retry_at = db_session.get(OutboxMessage, message_id).next_attempt_at
            assert retry_at >= now + RETRY_PAUSES[attempt]
            now = retry_at
        else:
            assert report.failed == [message_id]
    return db_session.get(OutboxMessage, message_id)


@pytest.mark.smpp("refuse")
def test_a_refused_text_is_retried_then_failed_and_organisers_see_why(
        smpp_app, db_session, make_event, make_registration, client, auth, organiser):
    event = make_event()
    make_registration(event, ["Petar Petrov"], phone="0881 234 567", language="bg")
    [message] = all_messages(db_session)
    failed = _retry_until_failed(db_session, message.id)
    assert failed.status == "failed" and "refused" in failed.last_error
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "Text message" in page and "not delivered" in page and "refused" in page


@pytest.mark.smpp("down")
def test_a_text_to_a_server_that_is_down_is_retried(smpp_app, db_session, make_event,
                                                    make_registration):
    event = make_event()
    make_registration(event, ["Petar Petrov"], phone="0881 234 567")
    [message] = all_messages(db_session)
    report = deliver_due(db_session, only_ids=[message.id])
    assert report.retried == [message.id]
    db_session.rollback()
    kept = db_session.get(OutboxMessage, message.id)
    assert kept.status == "pending" and "could not be reached" in kept.last_error


@pytest.mark.smpp("silent")
def test_a_server_that_never_answers_costs_one_short_timeout_and_a_retry(
        smpp_app, db_session, make_event, make_registration, client):
    event = make_event()
    started = time.monotonic()
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "contact": {"phone": "0881 234 567"},
        "attendees": [{"name": "Petar Petrov", "age_group": "adult"}]})
    assert response.status_code == 201
    # The test client waits for the sending thread too: one SMPP_TIMEOUT, not more.
    assert time.monotonic() - started < 5
    [message] = all_messages(db_session)
    assert message.status == "pending" and "did not answer within 0.5 s" in message.last_error
    assert smpp_app.connections, "the sending thread did try the SMPP server"


@pytest.mark.parametrize("language", ["uk", "bg"])
def test_every_kind_of_message_reaches_a_phone_only_family_by_text(
        smpp_app, db_session, organiser, make_event, make_registration, language):
    server = smpp_app
    phone = "+380 50 123 4567" if language == "uk" else "0881 234 567"
    event = make_event(capacity=2, starts_in=timedelta(hours=30))
    first = make_registration(event, ["Олена", "Марія"], phone=phone, language=language)
    with unit_of_work(db_session):  # the event is full: a second family waits
        entry = waitlist.join_waitlist(db_session, event, registrations.RegistrationRequest(
            attendees=[registrations.AttendeeRequest(name="Ірина", age_group="adult")],
            phone=phone, consent=True, language=language), phone_region="BG")
    with unit_of_work(db_session):  # one ticket cancelled: the waiting family is promoted
        registrations.cancel_attendees(db_session, first, [first.attendees[1].id])
    with unit_of_work(db_session):
        assert queue_reminders(db_session, now=utcnow() + timedelta(hours=6)) >= 1
    with unit_of_work(db_session):
        details = events.EventDetails(
            title=event.title, starts_at=event.starts_at + timedelta(hours=1),
            ends_at=event.ends_at + timedelta(hours=1), privacy_notice=event.privacy_notice,
            venue="Южен парк", capacity=2)
        events.update_event(db_session, organiser, event, details)
    with unit_of_work(db_session):
        send_links_again(db_session, phone, phone_region="BG", language=language)
    with unit_of_work(db_session):
        resend_ticket_link(db_session, db_session.get(type(first), first.id), by=organiser)
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "cancelled")
    report = deliver_everything(db_session)
    messages = all_messages(db_session)
    assert not report.failed and not report.retried
    kinds = {message.kind for message in messages}
    assert kinds == {"confirmation", "waitlist_joined", "promotion", "cancellation",
                     "reminder", "event_changed", "link_recovery", "ticket_link",
                     "event_cancelled"}
    assert {message.channel for message in messages} == {CHANNEL_SMS}
    texts = server.texts()
    assert len(texts) == len(messages)
    assert all(part.data_coding == 8 for part in server.submitted)
    assert sum(message.segments for message in messages) == len(server.submitted)
    by_kind = {message.kind: message.text_body for message in messages}
    promoted = entry.registration
    assert ticket_link(promoted) in by_kind["promotion"]
    with force_locale(language):
        assert gettext("%(title)s: tickets cancelled: %(names)s. %(link)s").split(":")[1] \
            in by_kind["cancellation"]
    for message in messages:
        assert message.text_body in texts


def test_a_phone_only_family_promoted_from_the_waiting_list_is_told_by_text(
        smpp_app, client, db_session, make_event, make_registration):
    server = smpp_app
    event = make_event(capacity=1)
    taken = make_registration(event, ["Ivan Ivanov"], email="ivan@example.org")
    response = client.post(f"/e/{event.slug}/waitlist", data={
        "party_size": "1", "attendees.0.name": "Оксана", "attendees.0.age_group": "adult",
        "phone": "+380 50 123 4567", "consent": "yes", "action": "join_waitlist"},
        headers={"Accept-Language": "uk"})
    assert response.status_code == 302
    [entry] = db_session.scalars(select(waitlist.WaitlistEntry)).all()
    assert entry.is_waiting
    with unit_of_work(db_session):
        registrations.cancel_attendees(db_session, db_session.get(type(taken), taken.id))
    deliver_everything(db_session)
    db_session.refresh(entry)
    [promotion] = all_messages(db_session, kind="promotion")
    assert promotion.channel == CHANNEL_SMS and promotion.status == "sent"
    assert any(ticket_link(entry.registration) in text for text in server.texts())
    assert [part.destination for part in server.submitted] == ["380501234567"] * len(
        server.submitted)


def test_with_an_email_texts_go_only_for_what_changes_plans(db_session, organiser,
                                                           make_event, make_registration):
    event = make_event()
    make_registration(event, ["Olena"], email="olena@example.org", phone="+380501234567")
    assert [m.channel for m in all_messages(db_session, kind="confirmation")] == [CHANNEL_EMAIL]
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "cancelled")
    assert sorted(m.channel for m in all_messages(db_session, kind="event_cancelled")) == [
        CHANNEL_EMAIL, CHANNEL_SMS]


def test_an_event_with_texts_off_sends_none(db_session, organiser, make_event,
                                            make_registration):
    event = make_event(sends_text_messages=False)
    make_registration(event, ["Olena"], phone="+380501234567")
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "cancelled")
    assert all_messages(db_session) == []


def test_the_outbox_backend_writes_text_files_that_go_with_the_party(
        db_session, make_event, make_registration, outbox):
    event = make_event()
    registration = make_registration(event, ["Олена"], phone="+380501234567", language="uk")
    make_registration(event, ["Petar"], phone="+359881234567", language="bg")
    report = deliver_everything(db_session)
    assert len(report.sent) == 2
    first_id = report.sent[0]
    [written] = list(outbox.glob(f"{first_id}-*.sms.txt"))
    content = written.read_text(encoding="utf-8")
    assert content.startswith("To: +380501234567\nSegments: ") and "(ucs2)" in content
    assert ticket_link(registration) in content
    with unit_of_work(db_session):
        anonymise_registrations(db_session, [registration.id], utcnow(), reason="erasure")
    assert not list(outbox.glob(f"{first_id}-*.sms.txt"))
    assert len(list(outbox.glob("*.sms.txt"))) == 1  # the other family's stays
