"""A worker forked from a master that built the app (deploy/gunicorn.conf.py preloads it)
opens database connections of its own, never one the master pooled."""

import gc
import os

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from eventreg import create_app
from eventreg.database import forget_inherited_connections
from eventreg.extensions import db

PARENTS = "opened by the parent"


def _connection_seen(app) -> str:
    """Which connection the pool hands out now, used for a statement: the parent's mark,
    and PostgreSQL's backend."""
    with app.app_context(), db.engine.connect() as connection:
        mark = connection.connection.info.get("mark", "new")
        backend = (text("SELECT pg_backend_pid()") if connection.dialect.name == "postgresql"
                   else text("SELECT 1"))
        return f"{mark} {connection.execute(backend).scalar()}"


def _in_a_forked_child(app, *, forget: bool) -> str:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report the connection it gets, then leave at once
        try:
            if forget:
                forget_inherited_connections(app)
            gc.collect()  # what it dropped is collected, as it would be in a worker
            os.write(writing, _connection_seen(app).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as answer:
        seen = answer.read().decode()
    os.waitpid(pid, 0)
    return seen


def test_a_forked_worker_opens_its_own_connection_and_leaves_the_parents_open(app):
    with app.app_context(), db.engine.connect() as connection:
        connection.connection.info["mark"] = PARENTS
    parents = _connection_seen(app)
    assert parents.startswith(PARENTS)

    # Without the step, the child is handed the very connection the parent pooled.
    assert _in_a_forked_child(app, forget=False) == parents

    child = _in_a_forked_child(app, forget=True)
    assert not child.startswith(PARENTS)
    # The parent's connection still answers: the child dropped it without closing it.
    assert _connection_seen(app) == parents


def test_building_the_app_opens_no_database_connection(app_settings):
    """What makes preloading safe: the master that builds the app holds no connection."""
    opened = []

    def count(dbapi_connection, connection_record):
        opened.append(connection_record)

    event.listen(Engine, "connect", count)
    try:
        create_app(app_settings)
    finally:
        event.remove(Engine, "connect", count)
    assert opened == []
