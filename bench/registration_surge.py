"""Registration surge: many people registering for the last few places at the same instant.

It runs in one of two modes.

Own app (the default), for each database asked for:

1. prepares a fresh, migrated database (`flask db upgrade`): a SQLite file in a temporary
   folder, or the PostgreSQL database in BENCH_DATABASE_URL (default
   postgresql+psycopg://postgres@127.0.0.1:5432/eventreg_bench, created when missing),
   which is WIPED first with `DROP SCHEMA public CASCADE` - point it only at a scratch
   database;
2. creates an organiser and a published event with `--places` places (no activities), and
   a second event for the warm-up;
3. starts the app under gunicorn with the deployment's settings (deploy/gunicorn.conf.py: the
   app preloaded in the master, an access log) and `--workers` sync workers on a free
   127.0.0.1 port;
   warms it up as a server that has been up: 10 registrations per worker at once for the
   second event, half of them refused as full, so that the workers have answered both
   kinds before the surge (not checked worker by worker: they share one queue). A worker's
   first requests open its database connection and compile the statements they run, some
   tens of ms of CPU; `--cold` skips the warm-up and measures a server whose first work is
   the surge;
4. releases `--clients` threads at the same instant, each sending ONE
   POST /api/v1/events/<slug>/registrations for a party of `--party-size` adults;
5. stops gunicorn and checks the database: the event's places_taken and its attendee rows
   must both equal the places the 201 answers confirmed.

The app it starts has REGISTRATIONS_PER_ADDRESS_PER_EVENT lifted (SURGE_ADDRESS_LIMIT): all
clients come from 127.0.0.1, and the per-address limit would otherwise answer all but the
first few with 429 too_many_requests.

Running app (`--url URL --token TOKEN`): measures an app that is already running, e.g. the
production setup, and neither starts gunicorn nor opens any database itself. Start that app
with REGISTRATIONS_PER_ADDRESS_PER_EVENT lifted too (e.g. "1000000 per minute") for the
run, or the surge meets the per-address limit. TOKEN is an
organiser API token (`flask --app eventreg create-api-token EMAIL`); without --token it is
read from BENCH_API_TOKEN. Everything goes through the API at URL:

1. POST /api/v1/events makes a fresh event of the token's organisation (a unique
   `registration-surge-bench-...` slug, `--places` places, a privacy notice, starting in
   30 days) and POST /api/v1/events/<slug>/publish publishes it; the event stays there;
2. the same surge as step 4 above;
3. GET /api/v1/events/<slug>/registrations (bearer token) checks the outcome: its
   counts.attendees (the event's places taken) and the valid attendees listed must equal
   the places the 201 answers confirmed, and counts.registrations the 201 answers.

Run it from the project folder with the project's virtualenv:

    .venv/bin/python bench/registration_surge.py
    .venv/bin/python bench/registration_surge.py --clients 50 --places 20 --database sqlite
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scratch \\
        .venv/bin/python bench/registration_surge.py --database postgresql --workers 8
    .venv/bin/python bench/registration_surge.py --url http://127.0.0.1:5000 --token erg_...

Options: --clients N (200), --places K (20), --party-size P attendees per registration (1);
own app only: --database sqlite|postgresql|both (both), --workers W gunicorn workers (4),
--cold (no warm-up);
running app only: --url URL (http or https, may end in the path the app is mounted at),
--token TOKEN (else BENCH_API_TOKEN).

It prints one table row per database (one row, "running app", with --url):

    database    the backend, or "running app"
    clients     N, requests sent (one each)
    places      K, the event's capacity
    wall s      from the release of the clients to the last answer
    req/s       requests completed per second over that wall time
    p50 / p99   latency of single requests, in ms (connect + request + answer)
    201         confirmed registrations
    409 full    refusals with error "event_full"
    other       every other answer (status code x count; "conn" = no HTTP answer)
    full?       whether the confirmed places equal K ("yes"/"no")

then, per database, the database check (places_taken, attendee rows, registrations), or
the API's counts for the running app, and the verdict. The expected outcome is
min(K // P, N) confirmed registrations and the rest refused as event_full; the script exits
1 if that is not what happened, if any other answer came back or if the database (or the
API's counts) disagrees, and shows the end of the gunicorn log then (own app).
The own-app mode contacts only 127.0.0.1 and always stops its gunicorn, even on Ctrl-C;
the running-app mode contacts only the host of URL.
"""

import argparse
import http.client
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

# Its own database, made when missing, so a run never wipes the test suite's database.
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/eventreg_bench"
HOST = "127.0.0.1"
EVENT_SLUG = "registration-surge-bench"
WARM_UP_SLUG = "registration-surge-warm-up"
ORGANISER_EMAIL = "bench-organiser@example.org"
STARTUP_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 120
BARRIER_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
LOG_TAIL_LINES = 80
RUNNING_APP = "running app"  # the table's "database" for --url
API_TOKEN_ENV = "BENCH_API_TOKEN"
#: REGISTRATIONS_PER_ADDRESS_PER_EVENT of the app the bench starts: far above any surge.
SURGE_ADDRESS_LIMIT = "1000000 per minute"
#: The warm-up's registrations at once, per gunicorn worker (see `warm_up`).
WARM_UP_CLIENTS_PER_WORKER = 10


@dataclass
class Answer:
    """What one client got back."""

    status: int | None  # None when no HTTP answer came (connection refused, reset, timeout)
    error: str | None  # the API's `error` reason, or the exception's name without an answer
    latency_s: float
    finished_at: float
    body: str = ""


@dataclass(frozen=True)
class Target:
    """Where the app answers: http or https, host, port and the path it is mounted at."""

    scheme: str
    host: str
    port: int
    prefix: str = ""

    @classmethod
    def local(cls, port: int) -> "Target":
        return cls("http", HOST, port)

    @classmethod
    def from_url(cls, url: str) -> "Target":
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    def connection(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return kind(self.host, self.port, timeout=REQUEST_TIMEOUT_S)


@dataclass
class Result:
    database: str
    clients: int
    places: int
    party_size: int
    wall_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    confirmed: int = 0
    refused_full: int = 0
    other: Counter = field(default_factory=Counter)
    other_samples: list[str] = field(default_factory=list)
    places_taken: int | None = None
    attendee_rows: int | None = None
    registration_rows: int | None = None
    problems: list[str] = field(default_factory=list)
    log_tail: str = ""
    warm_up_problems: list[str] = field(default_factory=list)
    checked_in: str = "database"  # where places_taken and the row counts came from

    @property
    def expected_confirmed(self) -> int:
        return min(self.places // self.party_size, self.clients)

    @property
    def full(self) -> bool:
        return self.confirmed * self.party_size == self.places

    @property
    def ok(self) -> bool:
        return not self.problems


# --- the environment the app runs in ---------------------------------------------------------


def bench_environment(database_url: str, instance: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FLASK_APP="eventreg",
        DATABASE_URL=database_url,
        EVENTREG_ENV="development",
        EVENTREG_INSTANCE_PATH=str(instance),
        MAIL_BACKEND="outbox",
        MAIL_OUTBOX_PATH=str(instance / "outbox"),
        # Every client comes from 127.0.0.1: lift the per-address limit (eventreg/
        # registrations/limits.py), or it would refuse the surge with 429 after 5.
        REGISTRATIONS_PER_ADDRESS_PER_EVENT=SURGE_ADDRESS_LIMIT,
    )
    env.pop("FLASK_DEBUG", None)
    return env


@contextmanager
def environment(env: dict[str, str]):
    """Apply `env` to this process (the app reads its settings from it), then restore."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# --- 1. database ------------------------------------------------------------------------------


def wipe_postgres(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s",
                {"name": target.database},
            ).first()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        server.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


def migrate(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


# --- 2. organiser and event -------------------------------------------------------------------


def create_bench_events(env: dict[str, str], places: int,
                        warm_up_places: int) -> tuple[tuple[int, str], str]:
    """Make an organiser, a published event with `places` places and a second one with
    `warm_up_places` for the warm-up; return the first's (id, slug) and the second's slug."""
    from eventreg import create_app
    from eventreg.accounts import service as accounts
    from eventreg.database import unit_of_work, utcnow
    from eventreg.events import service as events
    from eventreg.extensions import db

    with environment(env):
        app = create_app()
    with app.app_context():
        try:
            with unit_of_work(db.session):
                organisation = accounts.get_or_create_organisation(db.session, "Bench organisation")
                organiser = accounts.create_organiser(
                    db.session, organisation, email=ORGANISER_EMAIL, name="Bench Organiser",
                    password="bench-password-not-secret",
                    password_hash_method=app.config["PASSWORD_HASH_METHOD"],
                )
                starts = utcnow() + timedelta(days=30)
                made = []
                for slug, capacity in ((EVENT_SLUG, places), (WARM_UP_SLUG, warm_up_places)):
                    event = events.create_event(db.session, organiser, events.EventDetails(
                        slug=slug,
                        title={"en": "Registration surge benchmark"},
                        privacy_notice={"en": "Benchmark data only; deleted with the scratch "
                                              "database."},
                        venue="Nowhere",
                        timezone="Europe/Sofia",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=3),
                        capacity=capacity,
                        age_mode="age_group",
                    ))
                    events.publish_event(db.session, organiser, event)
                    db.session.flush()
                    made.append((event.id, event.slug))
        finally:
            db.session.remove()
            db.engine.dispose()
    return made[0], made[1][1]


def count_in_database(env: dict[str, str], event_id: int) -> tuple[int, int, int]:
    """Return the event's (places_taken, active attendee rows, active registrations)."""
    from sqlalchemy import func, select

    from eventreg import create_app
    from eventreg.events.models import Event
    from eventreg.extensions import db
    from eventreg.registrations.models import Attendee, Registration

    with environment(env):
        app = create_app()
    with app.app_context():
        try:
            places_taken = db.session.scalar(
                select(Event.places_taken).where(Event.id == event_id))
            attendees = db.session.scalar(
                select(func.count(Attendee.id)).where(
                    Attendee.event_id == event_id, Attendee.cancelled_at.is_(None)))
            registrations = db.session.scalar(
                select(func.count(Registration.id)).where(
                    Registration.event_id == event_id, Registration.cancelled_at.is_(None)))
            return places_taken, attendees, registrations
        finally:
            db.session.remove()
            db.engine.dispose()


# --- 3. gunicorn ------------------------------------------------------------------------------


def start_gunicorn(env: dict[str, str], workers: int, port: int, log_path: Path):
    # The deployment's settings (a preloaded app, its access log, ...), on this port.
    config = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
    command = [sys.executable, "-m", "gunicorn", "-c", str(config),
               "-w", str(workers), "-b", f"{HOST}:{port}"]
    if _gunicorn_has_control_socket():
        # gunicorn >= 27 would otherwise open ~/.gunicorn/gunicorn.ctl, shared by every run.
        command.append("--no-control-socket")
    command.append("eventreg:create_app()")
    log = open(log_path, "wb")  # noqa: SIM115  (closed in stop_gunicorn)
    process = subprocess.Popen(
        command,
        env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_file = log
    return process


def _gunicorn_has_control_socket() -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)


def wait_until_healthy(process, port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode} while starting")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
                last = f"status {answer.status}"
        except urllib.error.HTTPError as error:
            last = f"status {error.code}"
        except OSError as error:
            last = type(error).__name__
        time.sleep(0.2)
    raise RuntimeError(f"GET /healthz did not answer 200 within {STARTUP_TIMEOUT_S}s ({last})")


def stop_gunicorn(process) -> None:
    """Stop the gunicorn master we started (and its workers, in its own process group)."""
    try:
        if process.poll() is None:
            try:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT_S)
    finally:
        process.log_file.close()


def log_tail(log_path: Path) -> str:
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-LOG_TAIL_LINES:])


# --- 4-5. the surge ---------------------------------------------------------------------------


def registration_body(client: int, party_size: int, run: str = "surge") -> bytes:
    if party_size == 1:
        attendees = [{"name": f"Bench Person {client}", "age_group": "adult"}]
    else:
        attendees = [{"name": f"Bench Person {client}.{n}", "age_group": "adult"}
                     for n in range(1, party_size + 1)]
    return json.dumps({
        "consent": True,
        "language": "en",
        "client_id": f"bench-{run}-{client:06d}-{os.getpid()}",
        "attendees": attendees,
    }).encode()


def surge(target: Target, slug: str, clients: int, party_size: int,
          run: str = "surge") -> tuple[list[Answer], float]:
    """Release `clients` POSTs at once; return each answer and the release time."""
    path = f"{target.prefix}/api/v1/events/{slug}/registrations"
    bodies = [registration_body(i, party_size, run) for i in range(1, clients + 1)]
    released: list[float] = []
    barrier = threading.Barrier(
        clients, action=lambda: released.append(time.perf_counter()), timeout=BARRIER_TIMEOUT_S
    )

    def one_client(body: bytes) -> Answer:
        barrier.wait()
        started = time.perf_counter()
        connection = target.connection()
        try:
            connection.request("POST", path, body=body, headers={
                "Content-Type": "application/json", "Accept": "application/json",
            })
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            finished = time.perf_counter()
            try:
                error = json.loads(text).get("error")
            except (ValueError, AttributeError):
                error = None
            return Answer(response.status, error, finished - started, finished, text[:500])
        except (OSError, http.client.HTTPException) as exc:
            finished = time.perf_counter()
            return Answer(None, type(exc).__name__, finished - started, finished, str(exc))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=clients) as pool:
        answers = list(pool.map(one_client, bodies))
    return answers, released[0]


# --- the warm-up -----------------------------------------------------------------------------


def warm_up_clients(workers: int) -> int:
    """Registrations sent at once before the surge: enough that each worker likely serves
    several (sync workers take connections from one queue as they come free)."""
    return WARM_UP_CLIENTS_PER_WORKER * workers


def warm_up_places(workers: int, party_size: int) -> int:
    """The warm-up event's places: about half its registrations fit, the rest are refused."""
    return warm_up_clients(workers) // 2 * party_size


def warm_up(target: Target, slug: str, args) -> list[str]:
    """Register for the warm-up event as a surge does, so that the workers have served both
    kinds of answer before the measured surge, as those of a server that has been up (their
    connections open, their statements compiled); return what went wrong (any answer but
    201 and 409 event_full)."""
    answers, _released = surge(target, slug, warm_up_clients(args.workers), args.party_size,
                               run="warm-up")
    wrong = Counter(f"{a.status} {a.error or ''}".strip() for a in answers
                    if a.status != 201 and not (a.status == 409 and a.error == "event_full"))
    return [f"warm-up: {count} x {answer}" for answer, count in wrong.items()]


# --- one database -----------------------------------------------------------------------------


def run_one(database: str, args) -> Result:
    result = Result(database, args.clients, args.places, args.party_size)
    with tempfile.TemporaryDirectory(prefix=f"eventreg-bench-{database}-") as folder:
        instance = Path(folder)
        if database == "sqlite":
            url = f"sqlite:///{instance / 'bench.sqlite3'}"
        else:
            url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL)
            wipe_postgres(url)
        env = bench_environment(url, instance)
        migrate(env)
        (event_id, slug), warm_up_slug = create_bench_events(
            env, args.places, warm_up_places(args.workers, args.party_size))

        port = free_port()
        log_path = instance / "gunicorn.log"
        process = start_gunicorn(env, args.workers, port, log_path)
        try:
            wait_until_healthy(process, port)
            if not args.cold:
                result.warm_up_problems = warm_up(Target.local(port), warm_up_slug, args)
            answers, released = surge(Target.local(port), slug, args.clients, args.party_size)
        except BaseException as error:
            error.add_note(f"--- end of the gunicorn log ---\n{log_tail(log_path)}\n--- end ---")
            raise
        finally:
            stop_gunicorn(process)

        tally(result, answers, released)

        places_taken, attendees, registrations = count_in_database(env, event_id)
        result.places_taken = places_taken
        result.attendee_rows = attendees
        result.registration_rows = registrations
        judge(result)
        result.problems.extend(result.warm_up_problems)
        if result.problems:
            result.log_tail = log_tail(log_path)
    return result


def tally(result: Result, answers: list[Answer], released: float) -> None:
    """Record the surge's timings and sort its answers into 201, event_full and other."""
    result.wall_s = max(a.finished_at for a in answers) - released
    result.latencies_ms = sorted(a.latency_s * 1000 for a in answers)
    for answer in answers:
        if answer.status == 201:
            result.confirmed += 1
        elif answer.status == 409 and answer.error == "event_full":
            result.refused_full += 1
        else:
            label = str(answer.status) if answer.status is not None else "conn"
            if answer.error:
                label += f" {answer.error}"
            result.other[label] += 1
            if len(result.other_samples) < 3:
                result.other_samples.append(f"{label}: {answer.body.strip()}")


# --- the running app (--url) ------------------------------------------------------------------


def api_request(target: Target, token: str, method: str, path: str,
                body: dict | None = None, expected: int = 200) -> dict:
    """Send one organiser API request; return its JSON answer, or raise if not `expected`."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection = target.connection()
    try:
        connection.request(method, f"{target.prefix}/api/v1{path}", body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
    finally:
        connection.close()
    if response.status != expected:
        raise RuntimeError(f"{method} /api/v1{path} answered {response.status}, expected "
                           f"{expected}: {text[:500].strip()}")
    return json.loads(text)


def create_event_through_api(target: Target, token: str, places: int) -> str:
    """Make and publish a fresh event with `places` places through the API; return its slug."""
    slug = f"{EVENT_SLUG}-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    api_request(target, token, "POST", "/events", expected=201, body={
        "slug": slug,
        "title": {"en": "Registration surge benchmark"},
        "privacy_notice": {"en": "Benchmark data only; made by bench/registration_surge.py."},
        "venue": "Nowhere",
        "timezone": "Europe/Sofia",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "capacity": places,
        "age_mode": "age_group",
    })
    api_request(target, token, "POST", f"/events/{slug}/publish")
    return slug


def count_through_api(target: Target, token: str, slug: str) -> tuple[int, int, int]:
    """Return the API's (counts.attendees, valid attendees listed, counts.registrations).

    counts.attendees is the event's places_taken; the listed attendees are the rows.
    """
    answer = api_request(target, token, "GET", f"/events/{slug}/registrations")
    listed_attendees = sum(
        1
        for registration in answer["registrations"]
        for attendee in registration["attendees"]
        if attendee["status"] == "valid"
    )
    counts = answer["counts"]
    return counts["attendees"], listed_attendees, counts["registrations"]


def run_against_app(args) -> Result:
    """Surge an already running app at --url: its own fresh event, checked through the API."""
    target = Target.from_url(args.url)
    result = Result(RUNNING_APP, args.clients, args.places, args.party_size,
                    checked_in="API counts")
    slug = create_event_through_api(target, args.token, args.places)
    answers, released = surge(target, slug, args.clients, args.party_size)
    tally(result, answers, released)
    result.places_taken, result.attendee_rows, result.registration_rows = count_through_api(
        target, args.token, slug)
    judge(result)
    return result


# --- the verdict ------------------------------------------------------------------------------


def judge(result: Result) -> None:
    expected = result.expected_confirmed
    expected_places = expected * result.party_size
    confirmed_places = result.confirmed * result.party_size
    if result.confirmed != expected:
        result.problems.append(
            f"confirmed {result.confirmed} registrations, expected min(K // P, N) = {expected}")
    if result.other:
        result.problems.append(f"unexpected answers: {format_other(result.other)}")
    if result.places_taken != confirmed_places or result.places_taken != expected_places:
        result.problems.append(
            f"Event.places_taken = {result.places_taken}, confirmed places = "
            f"{confirmed_places}, expected {expected_places}")
    if result.attendee_rows != result.places_taken:
        result.problems.append(
            f"{result.attendee_rows} attendee rows but places_taken = {result.places_taken}")
    if result.registration_rows != result.confirmed:
        result.problems.append(
            f"{result.registration_rows} registration rows but {result.confirmed} answers 201")
    if result.places_taken is not None and result.places_taken > result.places:
        result.problems.append(
            f"OVERBOOKED: {result.places_taken} places taken of {result.places}")


# --- 7. report --------------------------------------------------------------------------------


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def format_other(other: Counter) -> str:
    if not other:
        return "0"
    return f"{sum(other.values())} (" + ", ".join(
        f"{label} x{count}" for label, count in sorted(other.items())) + ")"


def print_report(results: list[Result], failures: dict[str, str], args) -> None:
    headers = ["database", "clients", "places", "wall s", "req/s", "p50 ms", "p99 ms",
               "201", "409 full", "other", "full?"]
    rows = []
    for r in results:
        rows.append([
            r.database, str(r.clients), str(r.places), f"{r.wall_s:.3f}",
            f"{r.clients / r.wall_s:.1f}" if r.wall_s > 0 else "-",
            f"{percentile(r.latencies_ms, 0.50):.1f}", f"{percentile(r.latencies_ms, 0.99):.1f}",
            str(r.confirmed), str(r.refused_full), format_other(r.other),
            "yes" if r.full else "no",
        ])
    for database in failures:
        rows.append([database] + ["-"] * (len(headers) - 2) + ["error"])
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(cell.rjust(width) if i else cell.ljust(width)
                         for i, (cell, width) in enumerate(zip(cells, widths, strict=True)))

    if args.url:
        server = f"app at {args.url}"
    elif args.cold:
        server = f"gunicorn -w {args.workers}, cold (the surge is its first work)"
    else:
        server = (f"gunicorn -w {args.workers}, warmed up by "
                  f"{warm_up_clients(args.workers)} registrations for another event")
    print()
    print(f"Registration surge: {args.clients} clients x 1 POST, party of {args.party_size}, "
          f"{args.places} places, {server}")
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))
    print()
    for r in results:
        print(f"[{r.database}] {r.checked_in}: places_taken={r.places_taken} "
              f"attendees={r.attendee_rows} registrations={r.registration_rows} "
              f"(expected {r.expected_confirmed} registrations, "
              f"{r.expected_confirmed * r.party_size} places; K={r.places})")
        if r.ok:
            print(f"[{r.database}] OK: no overbooking, every other request refused as event_full")
        else:
            for problem in r.problems:
                print(f"[{r.database}] FAIL: {problem}")
            for sample in r.other_samples:
                print(f"[{r.database}]   sample answer {sample}")
            if r.log_tail:
                print(f"[{r.database}] --- end of the gunicorn log ---")
                print(r.log_tail)
                print(f"[{r.database}] --- end ---")
    for database, message in failures.items():
        print(f"[{database}] FAIL: the run did not complete: {message}")


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (200)")
    parser.add_argument("--places", type=int, default=20, help="event capacity K (20)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"],
                        help="own app: the databases to run against (both)")
    parser.add_argument("--workers", type=int, help="own app: gunicorn workers (4)")
    parser.add_argument("--party-size", type=int, default=1, help="attendees per request (1)")
    parser.add_argument("--cold", action="store_true", help="own app: no warm-up; the surge "
                        "is the new server's first work")
    parser.add_argument("--url", help="measure the app already running there instead, e.g. "
                        "http://127.0.0.1:5000")
    parser.add_argument("--token", help=f"with --url: an organiser API token (else "
                        f"{API_TOKEN_ENV})")
    args = parser.parse_args(argv)
    if args.url:
        if args.database is not None or args.workers is not None or args.cold:
            parser.error("--database, --workers and --cold are for the app this script "
                         "starts; leave them out with --url")
        try:
            Target.from_url(args.url)
        except ValueError as error:
            parser.error(f"--url: {error}")
        args.token = args.token or os.environ.get(API_TOKEN_ENV)
        if not args.token:
            parser.error(f"--url needs an organiser API token: --token or {API_TOKEN_ENV}")
    elif args.token:
        parser.error("--token goes with --url")
    else:
        args.database = "both" if args.database is None else args.database
        args.workers = 4 if args.workers is None else args.workers
    if not 1 <= args.clients <= 2000:
        parser.error("--clients must be from 1 to 2000")
    if not 1 <= args.places <= 100_000:
        parser.error("--places must be from 1 to 100000")
    if args.workers is not None and not 1 <= args.workers <= 64:
        parser.error("--workers must be from 1 to 64")
    if not 1 <= args.party_size <= 20:
        parser.error("--party-size must be from 1 to 20")
    return args


def main(argv=None) -> int:
    args = parse_arguments(argv)
    if args.url:
        runs = [(RUNNING_APP, f"creating and publishing an event at {args.url}",
                 run_against_app)]
    else:
        databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
        runs = [(database, "preparing the database, starting gunicorn", partial(run_one, database))
                for database in databases]
    results: list[Result] = []
    failures: dict[str, str] = {}
    for name, doing, run in runs:
        print(f"[{name}] {doing}, sending {args.clients} registrations ...", flush=True)
        try:
            results.append(run(args))
        except KeyboardInterrupt:
            print("interrupted" if args.url else "interrupted; gunicorn stopped")
            return 130
        except Exception as error:  # report and go on with the next database
            notes = "".join(f"\n{note}" for note in getattr(error, "__notes__", []))
            failures[name] = f"{type(error).__name__}: {error}{notes}"
    print_report(results, failures, args)
    return 0 if not failures and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
