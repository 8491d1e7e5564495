"""Database plumbing shared by every feature: UTC timestamps and write transactions.

SQLite has no row locks: a transaction that reads and then writes fails with "database is
locked" instead of waiting. So every write that guards a rule opens its transaction with
`BEGIN IMMEDIATE` (through `write_transaction`), which takes SQLite's write lock up front and
waits up to `busy_timeout` for it. PostgreSQL needs nothing special: the rules are written as
conditional `UPDATE`s and unique constraints, which it decides under row locks.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

#: The largest id a row can have (PostgreSQL's integer); a larger one names no row.
MAX_ID = 2**31 - 1

SQLITE_BUSY_TIMEOUT_MS = 30_000

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
def write_transaction(session: Session) -> Iterator[Session]:
    """Run the block in a fresh transaction that holds the write lock from its first statement.

    Any read transaction the session had open is ended first (its loaded objects are
    expired and reload on access). The block's work is committed when it ends, or rolled
    back whole when it raises: a refused write leaves nothing half-made.
    """
    session.commit()
    token = _sqlite_begin_immediate.set(True)
    try:
        session.connection()
    finally:
        _sqlite_begin_immediate.reset(token)
    try:
        yield session
        session.commit()
    except BaseException:
        # Also when the commit itself fails (a unique constraint met at flush time): the
        # session must be usable again for the caller's next step.
        session.rollback()
        raise


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
