"""Queueing messages and delivering them with retries.

A message is queued in the same transaction as what it tells about (a registration, a
promotion): a small row naming its kind, its registration and its address, so queueing
costs an INSERT and never holds a write lock while mail is written. It is written and sent
later, with no transaction open while the mail server is talked to: by the web process's
sending thread once the request is done (eventreg/messages/web.py), and by `flask
deliver-messages` (the mail worker, or cron) for whatever is due, retries included. Sending never slows or breaks a registration. A message that keeps failing is
retried with growing pauses and, after MAX_ATTEMPTS, marked failed with the server's last
words for organisers to see.

Text messages (channel "sms") go the same way: queued with the change, written at delivery
by the writer registered for their kind and channel (the text only: its subject is empty),
and sent by eventreg/sms.py, which counts the segments they went in.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eventreg.database import unit_of_work, utcnow
from eventreg.mail import build_message, send_message
from eventreg.messages.models import (
    CHANNEL_EMAIL,
    CHANNEL_SMS,
    STATUS_FAILED,
    STATUS_PENDING,
    STATUS_SENT,
    OutboxMessage,
)
from eventreg.sms import send_text

#: Pauses before the 2nd, 3rd, ... attempt; after the last the message is failed.
RETRY_PAUSES = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1
#: How long a claimed message is left to the worker sending it before another may try it
#: (if that worker died mid-send, the message goes out again: at least once).
CLAIM_LEASE = timedelta(minutes=10)

#: How each kind of message is written: (session, message) -> (subject, text, html); a
#: text message's writer gives ("", text, None).
Writer = Callable[[Session, OutboxMessage], tuple[str, str, str | None]]
_writers: dict[tuple[str, str], Writer] = {}


class CannotBeWritten(Exception):
    """The message can never be written (e.g. its registration was deleted): not retried."""


def public_url(endpoint: str, **values) -> str:
    """An absolute link for a message, on PUBLIC_BASE_URL (never a request's Host header,
    which a sender could forge), also from commands run outside any request."""
    base = current_app.config["PUBLIC_BASE_URL"]
    parts = urlsplit(base)
    with current_app.test_request_context(base_url=base):
        return f"{parts.scheme}://{parts.netloc}{url_for(endpoint, **values)}"


def register_writer(kind: str, writer: Writer, *, channel: str = CHANNEL_EMAIL) -> None:
    """Say how messages of `kind` on `channel` queued without their words are written at
    delivery."""
    _writers[(channel, kind)] = writer


def queue_message(
    session: Session, *, kind: str, to: str, registration_id: int | None = None,
    context: dict | None = None, subject: str | None = None, text: str | None = None,
    html: str | None = None, now: datetime | None = None, channel: str = CHANNEL_EMAIL,
) -> OutboxMessage:
    """Add a message to the outbox (inside the caller's transaction, if any): with its words
    given, or with `context` for the writer of its kind to write them at delivery. On the
    "sms" channel `to` is a phone in E.164 form and `text` the whole text message."""
    message = OutboxMessage(
        kind=kind, channel=channel, to_address=to, registration_id=registration_id, context=context or {},
        subject=subject, text_body=text, html_body=html, next_attempt_at=now or utcnow(),
    )
    session.add(message)
    return message


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def deliver_due(
    session: Session, *, now: datetime | None = None, limit: int = 100,
    only_ids: list[int] | None = None,
) -> DeliveryReport:
    """Try every pending message that is due at `now` (or just `only_ids`); return what
    happened.

    Each message is first claimed in a short transaction (its next attempt moved a lease
    ahead, under `SKIP LOCKED` on PostgreSQL, so two workers never send it at once), then
    written and sent with no transaction open, then its outcome committed, but only if the
    claim still holds. Leases, retry pauses and sending times count from the moment of each
    message, `now` plus the time the run has taken so far.
    """
    started, now = utcnow(), now or utcnow()

    def clock() -> datetime:
        return now + (utcnow() - started)

    report = DeliveryReport()
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == STATUS_PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if only_ids is not None:
        query = query.where(OutboxMessage.id.in_(only_ids))
    for message_id in list(session.scalars(query)):
        claimed_until = _claim(session, message_id, clock())
        if claimed_until is not None:
            _attempt(session, message_id, claimed_until, clock, report)
    session.commit()
    return report


def _claim(session: Session, message_id: int, at: datetime) -> datetime | None:
    """Take the message for one attempt; returns when the lease ends (None: not taken)."""
    with unit_of_work(session):
        message_id = session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == STATUS_PENDING,
                   OutboxMessage.next_attempt_at <= at)
            .with_for_update(skip_locked=True)
        )
        if message_id is None:
            return None  # another worker has it, or sent it meanwhile
        claimed_until = at + CLAIM_LEASE
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id)
            .values(next_attempt_at=claimed_until, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    return claimed_until


def _attempt(session: Session, message_id: int, claimed_until: datetime,
             clock: Callable[[], datetime], report: DeliveryReport) -> None:
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    outcome: dict = {}
    try:
        if message.text_body is None:
            writer = _writers.get((message.channel, message.kind))
            if writer is None:
                raise CannotBeWritten(f"no writer for {message.channel} messages of kind "
                                      f"{message.kind!r}")
            subject, text, html = writer(session, message)
            outcome.update(subject=subject, text_body=text, html_body=html)
        else:
            subject, text, html = message.subject, message.text_body, message.html_body
        to_address, channel = message.to_address, message.channel
        session.commit()  # no transaction stays open while the mail server is talked to
        if channel == CHANNEL_SMS:
            outcome["segments"] = send_text(to_address, text, outbox_id=message_id)
        else:
            send_message(build_message(to_address, subject, text, html, outbox_id=message_id))
    except Exception as error:  # any failure of any backend: keep the message, say why
        session.rollback()
        attempts = session.get(OutboxMessage, message_id).attempts
        outcome["last_error"] = f"{type(error).__name__}: {error}"[:2000]
        if isinstance(error, CannotBeWritten) or attempts >= MAX_ATTEMPTS:
            outcome["status"] = STATUS_FAILED
            report.failed.append(message_id)
        else:
            outcome["next_attempt_at"] = clock() + RETRY_PAUSES[attempts - 1]
            report.retried.append(message_id)
    else:
        outcome.update(status=STATUS_SENT, sent_at=clock(), last_error="")
        report.sent.append(message_id)
    with unit_of_work(session):
        # Only while the claim holds: after its lease another worker may have the message.
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id == message_id,
                               OutboxMessage.next_attempt_at == claimed_until)
                        .values(**outcome).execution_options(synchronize_session=False))


def messages_by_registration(session: Session, registration_ids: list[int]
                             ) -> dict[int, list[OutboxMessage]]:
    """The messages of some registrations, oldest first, for organisers to see."""
    found: dict[int, list[OutboxMessage]] = {}
    if not registration_ids:
        return found
    for message in session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.registration_id.in_(registration_ids))
        .order_by(OutboxMessage.id)
    ):
        found.setdefault(message.registration_id, []).append(message)
    return found
