"""Backups as the README describes them, taken while people keep registering, restore a
database that migrates and serves every ticket made before the backup.

SQLite: the online backup (Python's sqlite3.Connection.backup, or the sqlite3 command's
`.backup`), safe while the app writes in WAL mode. PostgreSQL: `pg_dump -Fc`, restored by
`pg_restore` into a new, empty database. Either way, `flask db upgrade` follows the restore.
"""

import os
import shutil
import sqlite3
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from eventreg import create_app
from eventreg.database import unit_of_work
from eventreg.events.models import Event
from eventreg.extensions import db
from eventreg.registrations import service as registrations
from eventreg.registrations.models import Attendee, Registration
from tests.conftest import _test_settings
from tests.deploy.support import CHECKOUT, postgres_database, program, run

pytestmark = pytest.mark.deployment
FLASK = Path(sys.executable).parent / "flask"


class SqliteBackupApi:
    """Python's online backup: one consistent copy, while other connections go on writing."""

    def take(self, live_url: str, folder: Path) -> Path:
        backup = folder / "backup.sqlite3"
        source = sqlite3.connect(make_url(live_url).database)
        target = sqlite3.connect(backup)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return backup

    def restore(self, backup: Path, folder: Path) -> str:
        """Put the backup where the app's database goes (the app stopped)."""
        restored = folder / "restored" / "eventreg.sqlite3"
        restored.parent.mkdir()
        shutil.copyfile(backup, restored)
        return f"sqlite:///{restored}"


class SqliteCommand(SqliteBackupApi):
    """The sqlite3 command's `.backup`, as the README shows it."""

    def take(self, live_url: str, folder: Path) -> Path:
        backup = folder / "backup.sqlite3"
        run([program("sqlite3"), make_url(live_url).database, f".backup '{backup}'"])
        return backup


class PostgresDump:
    """pg_dump's custom format, restored by pg_restore into a new, empty database."""

    def __init__(self, restore_into: str):
        self.restore_into = restore_into

    def take(self, live_url: str, folder: Path) -> Path:
        dump = folder / "eventreg.dump"
        run([program("pg_dump"), "-Fc", "--file", dump, "--dbname", _libpq(live_url)])
        return dump

    def restore(self, dump: Path, folder: Path) -> str:
        run([program("pg_restore"), "--no-owner", "--exit-on-error", "--dbname",
             _libpq(self.restore_into), dump])
        return self.restore_into


def _libpq(url: str) -> str:
    """The address pg_dump and pg_restore take for a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite-backup-api", "sqlite3-command", "pg_dump"])
def backup_method(request, tmp_path):
    """A method of backing up, and the live database it backs up (migrated, empty)."""
    if request.param != "pg_dump":
        url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
        _migrate(url, tmp_path)
        yield (SqliteBackupApi() if request.param == "sqlite-backup-api" else SqliteCommand()), url
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("set TEST_DATABASE_URL for the PostgreSQL backup (.ci/run does)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    with postgres_database("deploy_backup") as live, postgres_database("deploy_restore") as into:
        _migrate(live, tmp_path)
        yield PostgresDump(restore_into=into), live


def _migrate(url: str, folder: Path) -> None:
    app = create_app(_test_settings(url, folder / "outbox"))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture
def database_url(backup_method):
    _method, url = backup_method
    return url


class Registering:
    """A thread that keeps registering one person after another until told to stop."""

    def __init__(self, app, event_id: int):
        self.made = 0
        self._app, self._event_id = app, event_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._register_until_stopped)
        self.error: BaseException | None = None

    def _register_until_stopped(self) -> None:
        try:
            with self._app.app_context():
                event = db.session.get(Event, self._event_id)
                while not self._stop.is_set():
                    with unit_of_work(db.session):
                        registrations.register(
                            db.session, event, registrations.RegistrationRequest(
                                attendees=[registrations.AttendeeRequest(
                                    name=f"Later {self.made}", age_group="adult")],
                                consent=True),
                            phone_region=None)
                    self.made += 1
                db.session.remove()
        except BaseException as error:  # the test reports it
            self.error = error

    def wait_for(self, count: int, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while self.made < count and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.error is None, self.error
        assert self.made >= count, f"only {self.made} registrations in {timeout_s} s"

    @contextmanager
    def running(self):
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(timeout=60)
        assert self.error is None, self.error


def test_backup_taken_while_people_register_restores_every_earlier_ticket(
    app, backup_method, db_session, make_event, make_registration, tmp_path
):
    method, live_url = backup_method
    event = make_event()
    earlier = [make_registration(event, [f"Olena Kovalenko {number}", f"Taras Kovalenko {number}"])
               for number in range(10)]
    tickets = {registration.ticket_secret: [attendee.name for attendee in registration.attendees]
               for registration in earlier}
    db_session.commit()

    with Registering(app, event.id).running() as registering:
        registering.wait_for(5)
        made_before = registering.made
        backup = method.take(live_url, tmp_path)
        made_after = registering.made
        registering.wait_for(made_after + 5)  # still registering after the backup

    restored_url = method.restore(backup, tmp_path)
    run([FLASK, "--app", "eventreg", "db", "upgrade"], cwd=CHECKOUT, env={
        **os.environ, "EVENTREG_ENV": "development", "DATABASE_URL": restored_url,
        "EVENTREG_INSTANCE_PATH": str(tmp_path / "instance")})
    restored = create_app(_test_settings(restored_url, tmp_path / "outbox"))
    client = restored.test_client()
    for secret, names in tickets.items():
        page = client.get(f"/t/{secret}")
        assert page.status_code == 200
        assert all(name in page.text for name in names)
    event_page = client.get(f"/e/{event.slug}")
    assert event_page.status_code == 200 and "World Refugee Day" in event_page.text

    with restored.app_context():
        copied = db.session.scalar(select(func.count()).select_from(Registration))
        attendees = db.session.scalar(select(func.count()).select_from(Attendee))
        places_taken = db.session.get(Event, event.id).places_taken
        db.session.remove()  # its connection back in the pool, which is then closed
        db.engine.dispose()
    # One moment's copy, within the backup's time: whole registrations, and the counter of
    # places agrees with the attendees copied.
    assert made_before <= copied - len(earlier) <= made_after + 1
    assert places_taken == attendees == 2 * len(earlier) + (copied - len(earlier))
