"""Answering while the database is down: 503 with Retry-After, and one log line per outage.

A request that cannot reach the database (refused connection, a connection lost mid-way,
a full pool, SQLite's lock held past its busy timeout) is answered 503 `database_unavailable`
with `Retry-After`: JSON for the API, a page in the person's language otherwise. Nothing was
changed, so trying again later is safe. The log says once that the database is unavailable
and once that it is back (the first new connection made afterwards), not a traceback per
request. Door scanners take any 5xx as "offline" and keep working from their list.
"""

import contextlib
import logging
import threading
import time

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, InvalidatePoolError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from eventreg.extensions import db, login_manager

log = logging.getLogger(__name__)
#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


class _Outage:
    """Whether this process has seen the database down, since when (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.since: float | None = None

    def started(self, error: Exception) -> None:
        with self._lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        log.error("database unavailable: %s: %s", type(error).__name__,
                  str(getattr(error, "orig", error)).splitlines()[0][:300])

    def ended(self) -> None:
        with self._lock:
            if self.since is None:
                return
            lasted, self.since = time.monotonic() - self.since, None
        log.warning("database available again after %.0f s", lasted)


outage = _Outage()


@event.listens_for(Engine, "connect")
def _database_answered(dbapi_connection, connection_record) -> None:
    outage.ended()


def _answer_database_unavailable(error: Exception):
    outage.started(error)
    with contextlib.suppress(Exception):  # the connection is gone; the session is reset below
        db.session.rollback()
    db.session.remove()
    # The page must not ask the database who is signed in: it is shown as to a visitor.
    g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    message = _("The service cannot reach its database just now. Nothing was changed: "
                "please try again in a minute.")
    if request.path.startswith("/api/"):
        return jsonify(error="database_unavailable", message=message, fields={}), 503, headers
    return render_template("errors.html", code=503, message=message), 503, headers


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """SQLAlchemy's pre-ping, for a pooled connection that sat idle longer than
    `idle_seconds` only: a connection the server dropped while nobody used it (a restart)
    is found and replaced before a request uses it (the pool's documented checkout hook),
    while a busy worker, a door scanning a ticket a second, skips a round trip per request.
    A connection that breaks between two busy requests fails that one request (503, the
    pool starts afresh), as with pre-ping it would have failed mid-request."""

    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_when_idle(dbapi_connection, record, proxy) -> None:
        since = record.info.get(_IDLE_SINCE)  # none for a new connection
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            alive, reason = False, error
        else:
            reason = None
        if not alive:
            # As pre-ping: the pool's other idle connections went with it (a restart).
            raise InvalidatePoolError("the pooled connection was dropped") from reason


_IDLE_SINCE = "eventreg_idle_since"


def init_app(app: Flask) -> None:
    with app.app_context():
        ping_after_idle(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    for error_class in UNAVAILABLE:
        app.register_error_handler(error_class, _answer_database_unavailable)
