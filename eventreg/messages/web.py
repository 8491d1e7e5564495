"""Sending the messages a request queued, soon after, without any web worker waiting on mail.

Messages are noted when their row is flushed and handed to the request only when the
transaction commits; a rollback forgets them, so a request tries exactly what it queued.
Once the answer is made, their ids go to this process's one sending thread through a
bounded queue, and the request is done: a mail server that is slow, or accepts and never
answers, holds up that thread (for at most SMTP_TIMEOUT a message), never a page. When the
queue is full the ids are simply not handed over: the messages stay in the outbox for
`flask deliver-messages` (the mail worker), which sends whatever is due. With
MAIL_SEND_FROM_WEB off, web processes send nothing and the mail worker sends everything.
"""

import logging
import os
import queue
import threading

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from eventreg.extensions import db
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import deliver_due

log = logging.getLogger(__name__)
_FLUSHED = "outbox_messages_flushed"
#: Requests' batches of message ids waiting for the sending thread, at most.
QUEUE_SIZE = 200


@event.listens_for(Session, "after_flush")
def _note_flushed_messages(session: Session, flush_context) -> None:
    flushed = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if flushed:
        session.info.setdefault(_FLUSHED, []).extend(flushed)


@event.listens_for(Session, "after_commit")
def _hand_committed_messages_to_the_request(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the unit of work has not committed yet
    committed = session.info.pop(_FLUSHED, None)
    if committed and has_request_context():
        g.setdefault("queued_message_ids", []).extend(committed)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_messages(session: Session) -> None:
    # A savepoint's rollback (a refused promotion) leaves the unit of work and what it
    # queued before; ids of messages the savepoint took back find nothing to send.
    if not session.in_nested_transaction():
        session.info.pop(_FLUSHED, None)


class BackgroundSender:
    """One daemon thread per process that delivers batches of message ids, one at a time.

    Started on first use in each process (so a server that forks workers gets one per
    worker, made after the fork).
    """

    def __init__(self, app: Flask):
        self.app = app
        self.batches: queue.Queue[list[int]] = queue.Queue(maxsize=QUEUE_SIZE)
        self._pid: int | None = None
        self._lock = threading.Lock()

    def hand_over(self, message_ids: list[int]) -> bool:
        """Give the thread these ids; False (nothing waits) when it is too far behind."""
        self._ensure_thread()
        try:
            self.batches.put_nowait(message_ids)
        except queue.Full:
            log.warning("mail sending is behind; messages %s are left to the mail worker",
                        message_ids)
            return False
        return True

    def wait_until_idle(self) -> None:
        """Block until every batch handed over so far is done (for tests and shutdown)."""
        if self._pid == os.getpid():
            self.batches.join()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            if self._pid is not None:  # a forked child: the parent's thread is not here
                self.batches = queue.Queue(maxsize=QUEUE_SIZE)
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="eventreg-mail", daemon=True).start()

    def _run(self) -> None:
        while True:
            message_ids = self.batches.get()
            try:
                with self.app.app_context():
                    try:
                        deliver_due(db.session, only_ids=message_ids)
                    finally:
                        db.session.remove()
            except Exception:
                log.exception("delivering messages %s failed; they will be retried",
                              message_ids)
            finally:
                self.batches.task_done()


def init_app(app: Flask) -> None:
    if app.config["MAIL_SEND_FROM_WEB"]:
        app.extensions["eventreg_mail_sender"] = BackgroundSender(app)
        app.after_request(_hand_over_after_response)


def sender(app: Flask) -> BackgroundSender | None:
    return app.extensions.get("eventreg_mail_sender")


def _hand_over_after_response(response):
    message_ids = g.pop("queued_message_ids", None)
    if message_ids:
        sender(current_app).hand_over(message_ids)
    return response
