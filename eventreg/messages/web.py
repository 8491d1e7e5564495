"""Delivering queued messages once the web answer has gone out, so nobody waits for mail."""

import logging

from flask import after_this_request, current_app

from eventreg.extensions import db
from eventreg.messages.service import deliver_due

log = logging.getLogger(__name__)


def deliver_after_response(message_ids: list[int] | None = None) -> None:
    """Try these messages (None: every message due) when the response is closed; failures
    wait for the next retry."""
    if message_ids == []:
        return
    app = current_app._get_current_object()

    @after_this_request
    def _schedule(response):
        def deliver():
            with app.app_context():
                try:
                    deliver_due(db.session, only_ids=message_ids)
                except Exception:
                    log.exception("delivering messages %s failed; they will be retried",
                                  message_ids)
                finally:
                    db.session.remove()

        response.call_on_close(deliver)
        return response
