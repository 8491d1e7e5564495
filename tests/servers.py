"""Real servers for tests that need them: the app under gunicorn, and free ports.

Whatever is started here is stopped by the context manager that started it, also when the
test fails.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: The secret every app started here runs with (tests making rows for it use it too).
SECRET_KEY = "s" * 48


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def http(method: str, url: str, body: bytes | None = None, *, timeout: float = 10,
         headers: dict | None = None) -> tuple[int, bytes]:
    """One request; answers (status, body) for any status, raises on a timeout."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def app_environment(tmp_path: Path, **settings) -> dict:
    """Environment variables for the app in production mode, with its state in `tmp_path`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVENTREG_", "DATABASE"))}
    env.update({
        "EVENTREG_ENV": "production", "SECRET_KEY": SECRET_KEY,
        "PUBLIC_BASE_URL": "https://events.example.org",
        "EVENTREG_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'eventreg.sqlite3'}",
        "MAIL_OUTBOX_PATH": str(tmp_path / "outbox"),
    })
    env.update({key: str(value) for key, value in settings.items()})
    return env


def publish_event_with_door(database_url: str, outbox: Path) -> tuple[str, str]:
    """Write an organiser and a published event with a door into the database an app under
    gunicorn uses (rows made from the test's own process); answer the event's slug and the
    door's token."""
    from datetime import timedelta

    from eventreg import create_app
    from eventreg.accounts import service as accounts
    from eventreg.checkin.doors import create_door_access
    from eventreg.database import unit_of_work, utcnow
    from eventreg.events import service as events
    from eventreg.extensions import db
    from tests.conftest import PASSWORD, PRIVACY, TEST_HASH

    app = create_app({"EVENTREG_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": SECRET_KEY, "MAIL_OUTBOX_PATH": str(outbox)})
    with app.app_context(), unit_of_work(db.session):
        office = accounts.get_or_create_organisation(db.session, "Country office")
        organiser = accounts.create_organiser(db.session, office, email="o@example.org",
                                              name="O", password=PASSWORD, role="admin", password_hash_method=TEST_HASH)
        starts_at = utcnow() + timedelta(days=1)
        event = events.create_event(db.session, organiser, events.EventDetails(
            title={"en": "World Refugee Day"}, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=8), privacy_notice=PRIVACY, venue="Park",
            capacity=100))
        events.publish_event(db.session, organiser, event)
        _door, token = create_door_access(db.session, event, "Main gate")
        slug = event.slug
    with app.app_context():
        db.engine.dispose()
    return slug, token


def migrate(env: dict) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "eventreg", "db", "upgrade"], env=env,
                   cwd=ROOT, check=True, capture_output=True)


@contextmanager
def gunicorn(env: dict, *, workers: int = 1, log_path: Path | None = None):
    """The app under gunicorn (sync workers) on a free port; yields its base URL."""
    port = free_port()
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "120", "eventreg:create_app()"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own, on a free port, that a test may stop and
    start again (never the machine's shared server). Run as the `postgres` user when the
    tests run as root, since PostgreSQL refuses to run as root."""

    def __init__(self):
        import glob
        import pwd
        import tempfile

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            raise RuntimeError("PostgreSQL's server programs are missing: apt-get install "
                               "postgresql")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="eventreg-pg-"))
        self.as_user = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.folder / "data"), "--auth=trust", "-U", "postgres",
                  "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-w", "-l",
                  str(self.folder / "server.log"), "-o",
                  f"-p {self.port} -c listen_addresses=127.0.0.1 "
                  f"-c unix_socket_directories={self.folder} -c fsync=off", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-w", "-m", "fast", "stop")

    def remove(self) -> None:
        import shutil

        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D",
                        str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / program), *args], check=True,
                       capture_output=True, cwd=self.folder)
