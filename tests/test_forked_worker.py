"""A worker forked from a master that built the app (deploy/gunicorn.conf.py preloads it)
opens database connections of its own, never one the master pooled."""

import os

from sqlalchemy import text

from eventreg.database import forget_inherited_connections
from eventreg.extensions import db

PARENTS = "opened by the parent"


def _connection_seen(app) -> str:
    """Which connection the pool hands out now: the parent's mark, and PostgreSQL's backend."""
    with app.app_context(), db.engine.connect() as connection:
        mark = connection.connection.info.get("mark", "new")
        if connection.dialect.name == "postgresql":
            mark += f" backend {connection.execute(text('SELECT pg_backend_pid()')).scalar()}"
        return mark


def _in_a_forked_child(app, *, forget: bool) -> str:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report the connection it gets, then leave at once
        try:
            if forget:
                forget_inherited_connections(app)
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
    assert child != parents
    # The parent's connection still works: the child dropped it without closing it.
    assert _connection_seen(app) == parents
