"""Delivering the messages a request queued once its answer has gone out, so nobody waits
for mail. Whatever fails waits for the next retry by `flask deliver-messages`."""

import logging

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import event

from eventreg.extensions import db
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import deliver_due

log = logging.getLogger(__name__)


@event.listens_for(OutboxMessage, "after_insert")
def _remember_queued_in_request(mapper, connection, message: OutboxMessage) -> None:
    if has_request_context():
        g.setdefault("queued_message_ids", []).append(message.id)


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
                # Only the due ones among them: a row rolled back with its change is not there.
                deliver_due(db.session, only_ids=message_ids)
            except Exception:
                log.exception("delivering messages %s failed; they will be retried", message_ids)
            finally:
                db.session.remove()

    response.call_on_close(deliver)
    return response
