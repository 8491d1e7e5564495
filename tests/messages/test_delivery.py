"""The outbox against a real SMTP server on loopback (aiosmtpd): delivered, refused, down."""

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from eventreg.database import utcnow
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import MAX_ATTEMPTS, deliver_due, queue_message


class Mailbox:
    """An SMTP server's handler that keeps what it accepts, or refuses everything."""

    def __init__(self, refuse: bool = False):
        self.refuse = refuse
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 5.7.1 Mailbox refused by policy"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start a real SMTP server and point the app at it; `refuse=True` makes it say 550."""
    servers = []

    def start(refuse: bool = False) -> Mailbox:
        mailbox = Mailbox(refuse)
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        return mailbox, controller.port

    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def smtp_settings(app, smtp_server):
    """The app sends through a real SMTP server that accepts everything; its mailbox."""
    mailbox, port = smtp_server()
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port,
                      SMTP_TIMEOUT=5)
    return mailbox


def queue(db_session, **values):
    values.setdefault("kind", "confirmation")
    values.setdefault("to", "olena@example.org")
    values.setdefault("subject", "Your tickets: World Refugee Day")
    values.setdefault("text", "Your tickets: https://eventreg.test/t/abc")
    message = queue_message(db_session, html="<p>Your tickets</p>", **values)
    db_session.commit()
    return message.id


def stored(db_session, message_id) -> OutboxMessage:
    db_session.rollback()
    return db_session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))


def test_message_is_delivered_through_smtp_as_text_and_html(app, db_session, smtp_settings):
    message_id = queue(db_session, to="Олена <olena@example.org>")
    report = deliver_due(db_session)
    assert report.sent == [message_id]
    [received] = smtp_settings.received
    assert received["Subject"] == "Your tickets: World Refugee Day"
    assert received.get_body(("plain",)).get_content().startswith("Your tickets")
    assert received.get_body(("html",)) is not None
    message = stored(db_session, message_id)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")


def test_refused_message_is_retried_later_and_failed_after_the_last_attempt(
    app, db_session, smtp_server
):
    mailbox, port = smtp_server(refuse=True)
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    message_id = queue(db_session)
    now = utcnow()
    assert deliver_due(db_session, now=now).retried == [message_id]
    message = stored(db_session, message_id)
    assert message.status == "pending" and "550" in message.last_error
    assert message.next_attempt_at > now
    assert deliver_due(db_session, now=now).retried == []  # not due yet
    for _attempt in range(2, MAX_ATTEMPTS + 1):
        now += timedelta(hours=3)
        report = deliver_due(db_session, now=now)
    assert report.failed == [message_id]
    message = stored(db_session, message_id)
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert mailbox.received == []


def test_server_down_keeps_the_message_for_a_retry(app, db_session):
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(),
                      SMTP_TIMEOUT=2)
    message_id = queue(db_session)
    assert deliver_due(db_session).retried == [message_id]
    message = stored(db_session, message_id)
    assert message.status == "pending"
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()


def test_registration_succeeds_and_queues_its_confirmation_when_smtp_is_down(
    app, client, db_session, make_event
):
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(),
                      SMTP_TIMEOUT=2)
    event = make_event()
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "contact": {"email": "olena@example.org"},
        "attendees": [{"name": "Olena Kovalenko", "age_group": "adult"}],
    })
    assert response.status_code == 201
    response.close()  # the server closes the answer; delivery is tried then, and fails
    db_session.rollback()
    [message] = db_session.scalars(select(OutboxMessage)).all()
    assert message.kind == "confirmation" and message.to_address == "olena@example.org"
    assert (message.status, message.attempts) == ("pending", 1)


def test_deliver_messages_command_sends_what_is_due(app, db_session, runner, smtp_settings):
    queue(db_session)
    queue(db_session, to="ivan@example.org")
    result = runner.invoke(args=["deliver-messages"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    assert {str(m["To"]) for m in smtp_settings.received} == {"olena@example.org",
                                                              "ivan@example.org"}


def test_organiser_sees_an_undelivered_confirmation_and_why(app, client, db_session, organiser,
                                                            auth, make_event, make_registration):
    event = make_event()
    registration = make_registration(event, email="olena@example.org")
    message_id = queue(db_session, registration_id=registration.id)
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(),
                      SMTP_TIMEOUT=2)
    now = utcnow()
    for _attempt in range(MAX_ATTEMPTS):
        deliver_due(db_session, now=now)
        now += timedelta(hours=3)
    assert stored(db_session, message_id).status == "failed"
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "not delivered" in page
    assert "ConnectionRefusedError" in page


def test_a_confirmation_is_written_when_it_goes_out_in_the_partys_language(
    app, db_session, make_event, make_registration, smtp_settings
):
    from flask_babel import force_locale, gettext

    event = make_event()
    registration = make_registration(event, ["Олена"], email="olena@example.org",
                                     language="uk")
    [message] = db_session.scalars(select(OutboxMessage)).all()
    assert (message.kind, message.text_body) == ("confirmation", None)  # words come later
    assert deliver_due(db_session).sent == [message.id]
    [received] = smtp_settings.received
    with force_locale("uk"):
        assert received["Subject"] == gettext("Your tickets: %(title)s",
                                              title="Всесвітній день біженців")
    link = f"{app.config['PUBLIC_BASE_URL']}/t/{registration.ticket_secret}"
    assert link in received.get_body(("plain",)).get_content()
    assert link in stored(db_session, message.id).text_body  # kept: what was sent


def test_no_transaction_is_open_while_the_mail_server_is_talked_to(db_session, monkeypatch):
    from eventreg.messages import service

    open_transactions = []
    monkeypatch.setattr(service, "send_message",
                        lambda message: open_transactions.append(db_session().in_transaction()))
    queue(db_session)
    queue(db_session, to="ivan@example.org")
    report = deliver_due(db_session)
    assert len(report.sent) == 2, stored(db_session, report.retried[0]).last_error
    assert open_transactions == [False, False]


def test_a_message_whose_registration_was_deleted_fails_at_once_and_says_why(
    db_session, make_event, make_registration
):
    from sqlalchemy import delete

    from eventreg.registrations.models import Registration

    registration = make_registration(make_event(), email="olena@example.org")
    db_session.execute(delete(Registration).where(Registration.id == registration.id))
    db_session.commit()
    [message] = db_session.scalars(select(OutboxMessage)).all()
    assert deliver_due(db_session).failed == [message.id]
    message = stored(db_session, message.id)
    assert (message.status, message.attempts) == ("failed", 1)
    assert "deleted" in message.last_error


def test_a_worker_killed_while_sending_leaves_the_message_to_the_next_after_a_lease(
    db_session, monkeypatch, outbox
):
    from eventreg.messages import service

    message_id = queue(db_session)

    def killed(message):
        raise KeyboardInterrupt  # the worker is stopped in the middle of sending

    monkeypatch.setattr(service, "send_message", killed)
    now = utcnow()
    with pytest.raises(KeyboardInterrupt):
        deliver_due(db_session, now=now)
    db_session.rollback()
    monkeypatch.undo()
    assert deliver_due(db_session, now=now + timedelta(minutes=1)).sent == []  # still claimed
    later = now + service.CLAIM_LEASE + timedelta(seconds=1)
    assert deliver_due(db_session, now=later).sent == [message_id]
    assert stored(db_session, message_id).attempts == 2
    assert len(list(outbox.glob("*.eml"))) == 1


def test_a_request_tries_only_the_messages_it_committed(app, db_session):
    from flask import g

    with app.test_request_context():
        queue_message(db_session, kind="confirmation", to="olena@example.org", subject="S",
                      text="T")
        db_session.flush()
        db_session.rollback()
        kept = queue_message(db_session, kind="confirmation", to="ivan@example.org",
                             subject="S", text="T")
        db_session.commit()
        assert g.queued_message_ids == [kept.id]


def test_a_slow_batch_keeps_each_message_leased_from_its_own_claim(db_session, monkeypatch):
    """The mail server takes 6 minutes a message, so the batch outlasts a 10-minute lease: a
    second worker started meanwhile must not send the message the first is still sending."""
    from eventreg.messages import service

    clock = [utcnow()]
    monkeypatch.setattr(service, "utcnow", lambda: clock[0])
    first, second = queue(db_session), queue(db_session, to="ivan@example.org")
    sent, second_worker = [], []

    def slow_server(message):
        clock[0] += service.CLAIM_LEASE * 0.6
        sent.append(str(message["To"]))
        if len(sent) == 2:  # while the first worker sends the second message
            second_worker.append(deliver_due(db_session))

    monkeypatch.setattr(service, "send_message", slow_server)
    report = deliver_due(db_session)
    assert report.sent == [first, second]
    assert sent == ["olena@example.org", "ivan@example.org"]  # each once
    assert second_worker[0].sent == []
    message = stored(db_session, second)
    assert (message.status, message.attempts) == ("sent", 1)
    assert message.sent_at == clock[0]  # when it went, not when the run began
