"""Delivering the messages a request queued once its answer has gone out, so nobody waits
for mail. Whatever fails waits for the next retry by `flask deliver-messages`.

Messages are noted when their row is flushed and handed to the request only when the
transaction commits; a rollback forgets them, so a request tries exactly what it queued.
"""

import logging

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from eventreg.extensions import db
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import deliver_due

log = logging.getLogger(__name__)
_FLUSHED = "outbox_messages_flushed"


@event.listens_for(Session, "after_flush")
def _note_flushed_messages(session: Session, flush_context) -> None:
    flushed = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if flushed:
        session.info.setdefault(_FLUSHED, []).extend(flushed)


@event.listens_for(Session, "after_commit")
def _hand_committed_messages_to_the_request(session: Session) -> None:
    committed = session.info.pop(_FLUSHED, None)
    if committed and has_request_context():
        g.setdefault("queued_message_ids", []).extend(committed)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_messages(session: Session) -> None:
    session.info.pop(_FLUSHED, None)


def init_app(app: Flask) -> None:
    app.after_request(_deliver_after_response)


def _deliver_after_response(response):
    message_ids = g.pop("queued_message_ids", None)
    if not message_ids:
        return response
    app = current_app._get_current_object()

    def deliver():
        with app.app_context():
            try:
                deliver_due(db.session, only_ids=message_ids)
            except Exception:
                log.exception("delivering messages %s failed; they will be retried", message_ids)
            finally:
                db.session.remove()

    # Called once the answer is sent: right away under gunicorn; Werkzeug's development
    # server calls it only when the browser closes the connection (`make run` therefore
    # also runs `flask deliver-messages --loop`).
    response.call_on_close(deliver)
    return response
