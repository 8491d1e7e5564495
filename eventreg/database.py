"""Database plumbing shared by every feature: UTC timestamps and units of work.

The caller owns the transaction. A view, an API handler or a command opens one unit of work
(`with unit_of_work(db.session):`) around the services it calls; services only flush. So
composed services (a cancellation and the waiting-list promotion it causes, a sign-in
sheet's walk-ins) commit once, all or nothing. A service whose refusal may come after it
has written (places taken for some people, then an activity found full) makes its writes in
a savepoint, so that a refusal leaves the caller's unit as it was.

SQLite has no row locks: a transaction that reads and then writes fails with "database is
locked" instead of waiting. So every unit of work opens its transaction with `BEGIN
IMMEDIATE`, which takes SQLite's write lock up front and waits up to `busy_timeout` for it.
PostgreSQL needs nothing special: the rules are written as conditional `UPDATE`s and unique
constraints, which it decides under row locks.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeDecorator

from eventreg.extensions import db

#: The largest id a row can have (PostgreSQL's integer); a larger one names no row.
MAX_ID = 2**31 - 1

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Client-made ids that make retries harmless (a registration's, a scan's) have at most
#: this many characters.
MAX_CLIENT_ID_LENGTH = 64

_sqlite_begin_immediate: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" hook below emit BEGIN itself, so it can choose IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql(
        "BEGIN IMMEDIATE" if _sqlite_begin_immediate.get() else "BEGIN"
    )


@contextmanager
def unit_of_work(session: Session, *, keep_loaded: bool = False) -> Iterator[Session]:
    """Run the block in one fresh transaction that holds the write lock from its first
    statement: the caller's unit of work, for the services it calls.

    Any read transaction the session had open is ended first (its loaded objects are
    expired and reload on access). The block's work is committed when it ends, or rolled
    back whole when it raises: a refused change leaves nothing half-made.

    With `keep_loaded`, the objects stay as the block left them after the commit instead
    of expiring, so that an answer made from the rows just written reads nothing again,
    and is made after the lock is released. Only for a caller that reads nothing the
    block changed behind the ORM's back (a Core UPDATE such as the places taken).
    """
    session.commit()
    token = _sqlite_begin_immediate.set(True)
    try:
        session.connection()
    finally:
        _sqlite_begin_immediate.reset(token)
    try:
        yield session
        if keep_loaded:
            _commit_keeping_loaded(session)
        else:
            session.commit()
    except BaseException:
        # Also when the commit itself fails (a unique constraint met at flush time): the
        # session must be usable again for the caller's next step.
        session.rollback()
        raise


def _commit_keeping_loaded(session: Session) -> None:
    own = session() if isinstance(session, scoped_session) else session
    expiring, own.expire_on_commit = own.expire_on_commit, False
    try:
        own.commit()
    finally:
        own.expire_on_commit = expiring


def lock_row(session: Session, obj) -> None:
    """Lock `obj`'s row for the rest of the unit of work and read it afresh (SELECT ... FOR
    UPDATE; SQLite's unit already holds the write lock). What the unit changed in it so far
    is flushed first, so that the read does not undo it."""
    session.flush()
    session.refresh(obj, with_for_update=True)


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks went forward (e.g. 03:30 on DST night)."""


def local_to_utc(value: datetime | None, timezone: str) -> datetime | None:
    """Read a naive datetime as wall-clock time in `timezone`; return it in UTC.

    Aware datetimes are only converted. A time the clocks skipped is refused with
    NonexistentLocalTime; a repeated one (clocks going back) is read as the first.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        zone = ZoneInfo(timezone)
        local = value.replace(tzinfo=zone)
        if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
            raise NonexistentLocalTime(f"{value:%Y-%m-%d %H:%M} does not exist in {timezone}")
        value = local
    return value.astimezone(UTC)


_UNCOMMITTED = "uncommitted_writes"


@event.listens_for(Session, "after_flush")
def _note_flushed_writes(session: Session, flush_context) -> None:
    session.info[_UNCOMMITTED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_executed_writes(orm_execute_state) -> None:
    if orm_execute_state.is_insert or orm_execute_state.is_update or \
            orm_execute_state.is_delete:
        orm_execute_state.session.info[_UNCOMMITTED] = True


def note_write(session: Session) -> None:
    """Note a write the hooks above cannot see (a `text()` statement), so that it must be
    committed like any other."""
    session.info[_UNCOMMITTED] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_writes(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's end leaves the unit's writes
        session.info.pop(_UNCOMMITTED, None)


def execute_core(session: Session, statement, parameters: dict, *, writes: bool = False):
    """Run a Core statement (no objects loaded) on the unit of work's own connection,
    past the ORM's execution path, which costs about a third of a short statement's CPU:
    for the door's busiest statements. Pending ORM changes are flushed first, so the
    statement sees them; `writes` notes a write for the end-of-request check."""
    session.flush()
    if writes:
        note_write(session)
    return session.connection().execute(statement, parameters)


class UncommittedWrites(RuntimeError):
    """A request or command wrote and never committed: a caller forgot its unit of work."""


def refuse_uncommitted_writes(session: Session) -> None:
    """Raise if the session holds writes no unit of work committed (called as a request or
    command ends, so a view that calls a service outside `unit_of_work` fails in tests
    instead of losing its change in silence)."""
    if session.info.pop(_UNCOMMITTED, None):
        session.rollback()
        raise UncommittedWrites("changes were written but never committed: call the "
                                "services inside `with unit_of_work(db.session):`")


def forget_inherited_connections(app) -> None:
    """In a process forked from the one that built `app` (a gunicorn worker of a preloaded
    master): drop the database connections the parent may have pooled, without closing
    them under the parent, so that this process opens its own."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
