"""Queueing messages and delivering them with retries.

A message is queued in the same breath as what it tells about (a registration, a
promotion), and delivered later: right after the web answer has gone out, and by `flask
deliver-messages` (run it from cron or as a worker) for retries. Sending never slows or
breaks a registration. A message that keeps failing is retried with growing pauses and,
after MAX_ATTEMPTS, marked failed with the server's last words for organisers to see.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.database import utcnow, write_transaction
from eventreg.mail import build_message, send_message
from eventreg.messages.models import (
    STATUS_FAILED,
    STATUS_PENDING,
    STATUS_SENT,
    OutboxMessage,
)

#: Pauses before the 2nd, 3rd, ... attempt; after the last the message is failed.
RETRY_PAUSES = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1


def queue_message(
    session: Session, *, kind: str, to: str, subject: str, text: str, html: str | None = None,
    registration_id: int | None = None, now: datetime | None = None,
) -> OutboxMessage:
    """Add a message to the outbox (inside the caller's transaction, if any)."""
    message = OutboxMessage(
        kind=kind, to_address=to, subject=subject, text_body=text, html_body=html,
        registration_id=registration_id, next_attempt_at=now or utcnow(),
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
    """Try every pending message that is due (or just `only_ids`); return what happened.

    Each message is claimed under a row lock (`SKIP LOCKED` on PostgreSQL, so two workers
    never send the same message) and its outcome committed before the next.
    """
    now = now or utcnow()
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
        with write_transaction(session):
            message = session.scalar(
                select(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == STATUS_PENDING)
                .with_for_update(skip_locked=True)
            )
            if message is None:
                continue  # another worker has it, or sent it meanwhile
            _attempt(message, now, report)
    return report


def _attempt(message: OutboxMessage, now: datetime, report: DeliveryReport) -> None:
    message.attempts += 1
    try:
        send_message(build_message(message.to_address, message.subject, message.text_body,
                                   message.html_body))
    except Exception as error:  # any failure of any backend: keep the message, say why
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = STATUS_FAILED
            report.failed.append(message.id)
        else:
            message.next_attempt_at = now + RETRY_PAUSES[message.attempts - 1]
            report.retried.append(message.id)
        return
    message.status = STATUS_SENT
    message.sent_at = now
    message.last_error = ""
    report.sent.append(message.id)


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
