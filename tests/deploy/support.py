"""What the deployment tests share: the programs they run (gunicorn, nginx, flask commands)
and the PostgreSQL databases they make.

Every long-running program is started in its own process group and stopped with it (its
workers too) by `Processes.stop_all`, which the tests call also when they fail.
"""

import os
import random
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

CHECKOUT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
#: The ports this suite's servers may take (other suites on the machine use other ones).
PORTS = range(18000, 19000)
#: The Redis database this suite may use (and empty).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
#: Long enough for the app's production checks; the same for every process of a test.
SECRET_KEY = "deployment-test-secret-key-0123456789abcdefghijk"
STOP_TIMEOUT_S = 10
#: Settings a developer's shell may hold that would make a test's process use the wrong thing.
_INHERITED_SETTINGS = (
    "DATABASE_URL", "EVENTREG_ENV", "EVENTREG_INSTANCE_PATH", "EVENTREG_PASSWORD", "SECRET_KEY",
    "TICKET_KEY_SECRET", "PUBLIC_BASE_URL", "MAIL_BACKEND", "MAIL_OUTBOX_PATH",
    "RATELIMIT_STORAGE_URI", "PROXY_FIX_HOPS", "FLASK_APP", "PYTHONPATH", "VIRTUAL_ENV",
    "GUNICORN_CMD_ARGS",
)


def production_environment(**settings: str) -> dict:
    """The environment of a production process: this machine's, without eventreg's settings
    from the developer's shell, with a real secret key and `settings` on top."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in _INHERITED_SETTINGS}
    environment.update(EVENTREG_ENV="production", SECRET_KEY=SECRET_KEY)
    environment.update(settings)
    return environment


def http_client(certificate_authority: Path | None = None) -> requests.Session:
    """A client of local servers that takes no proxy or CA bundle from the environment,
    trusting `certificate_authority` for HTTPS."""
    session = requests.Session()
    session.trust_env = False
    if certificate_authority:
        session.verify = str(certificate_authority)
    return session


def free_port() -> int:
    """A TCP port in PORTS that nothing listens on right now."""
    for port in random.sample(PORTS, len(PORTS)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


def run(command: list, **options) -> subprocess.CompletedProcess:
    """Run a command to its end; fail the test with its output if it fails."""
    options.setdefault("timeout", 600)
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                            **options)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
                             f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def program(name: str, *folders: Path) -> Path:
    """The path of an installed program; fails the test clearly when it is missing."""
    found = shutil.which(name, path=os.pathsep.join(
        [*(str(folder) for folder in folders), os.environ.get("PATH", ""), "/usr/sbin"]))
    if not found:
        raise AssertionError(f"{name} is not installed: this test needs it "
                             f"(`.ci/run` installs Debian's package when it is missing)")
    return Path(found)


class Processes:
    """The long-running programs one test started; `stop_all` ends them all."""

    def __init__(self, logs: Path):
        self.logs = logs
        self._running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list, **options) -> subprocess.Popen:
        """Start `command` in its own process group, its output going to logs/<name>.log."""
        log_path = self.logs / f"{name}.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen([str(part) for part in command], stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       **options)
        process.log_path = log_path
        self._running.append((name, process))
        return process

    def stop(self, process: subprocess.Popen) -> None:
        """Stop a program and everything it started: TERM, then KILL if it lingers."""
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT_S)
            except ProcessLookupError:
                pass
        self._running = [(name, p) for name, p in self._running if p is not process]

    def stop_all(self) -> None:
        for _name, process in reversed(self._running):
            self.stop(process)

    def wait_until_answers(self, process: subprocess.Popen, url: str, timeout_s: float = 30,
                           certificate_authority: Path | None = None) -> None:
        """Wait until `url` answers at all; fail with the program's log if it exits first."""
        client = http_client(certificate_authority)
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise AssertionError(f"{process.args[0]} exited ({process.returncode}):\n"
                                     f"{log_tail(process.log_path)}")
            try:
                client.get(url, timeout=5, allow_redirects=False)
                return
            except (requests.ConnectionError, requests.Timeout) as error:  # still starting
                if isinstance(error, requests.exceptions.SSLError):
                    raise
                if time.monotonic() > deadline:
                    raise AssertionError(f"{url} did not answer in {timeout_s} s:\n"
                                         f"{log_tail(process.log_path)}") from None
                time.sleep(0.1)


def log_tail(path: Path, characters: int = 4000) -> str:
    return path.read_text(errors="replace")[-characters:] if path.exists() else "(no log)"


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database `name` (deploy_...) on TEST_DATABASE_URL's server,
    dropped afterwards; yields its URL."""
    assert name.startswith("deploy_"), "this suite makes only databases named deploy_..."
    server = make_url(os.environ["TEST_DATABASE_URL"])
    # No pool: each connection is closed when its block ends, none is left behind.
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
