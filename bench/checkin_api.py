"""Check-in API speed: the door's POST /api/v1/checkins against a bare one-SELECT Flask route.

Both run under gunicorn on the same database on this machine and are measured in the same
run by the same load generator, so their ratio says how much more a check-in costs than
what the stack does at all (Flask, a pooled connection, one indexed SELECT). The figure to
trust on a shared, noisy machine is CPU per answer, not answers a second. Targets (issue 14):
CPU per check-in in the gunicorn workers at most 2.5 times the bare route's, for first
scans and for repeated scans alike; on SQLite at least 70% of PostgreSQL's check-ins a
second in the same run (`--database both`); p99 under 50 ms at 200 check-ins a second.

What it does, for each database asked for (`--database sqlite|postgresql|both`):

1. prepares a fresh, migrated database: a SQLite file in a temporary folder, or the
   PostgreSQL database in BENCH_DATABASE_URL (default
   postgresql+psycopg://postgres@127.0.0.1:5432/eventreg_bench; WIPED with `DROP SCHEMA
   public CASCADE` - point it only at a scratch database), then makes an organiser, a
   published event happening now with `--attendees` attendees (parties of 2, bulk
   inserted), a door access ("Main gate", eventreg.checkin.doors.create_door_access) and
   every attendee's QR token (eventreg.tickets.service.ticket_tokens);
2. starts two gunicorns on free 127.0.0.1 ports, each with `--workers` sync workers:
   the app (`eventreg:create_app()`, EVENTREG_ENV=production, a random 48-character
   SECRET_KEY) and a bare Flask app written to a temporary folder, whose one route
   GET /attendees/<id> runs `SELECT id, name FROM attendees WHERE id = :id` through a
   SQLAlchemy engine (connection pool, no pre-ping) on the same database;
3. warms each up, then measures three kinds of request:
   first   a distinct valid ticket's first scan, a fresh client_id each: good when 200
           with status "checked_in" for that very attendee;
   repeat  a second scan (a fresh client_id) of a ticket the run checked in before, each
           ticket once while there are enough (then a third, and the row says so): good
           when 200 with status "already_checked_in" for that attendee;
   bare    GET /attendees/<id>: good when 200 with that attendee's id;
   in two modes:
   max     `--connections` requests always in flight (closed loop) for `--duration`
           seconds per kind, in `--rounds` slices that alternate between the kinds, so
           load from other programs falls on all alike: the most each does;
   rate    `--rate` requests a second for `--duration` seconds per kind, sent on schedule
           whatever the answers do (open loop, the fixed rate); latency counts from the
           scheduled send time, so queueing shows. When 2 seconds' worth of requests are
           waiting the server cannot keep up: sending stops, and the row says so;
4. stops both gunicorns (also on errors, Ctrl-C and SIGTERM) and checks the counts: the
   database must hold exactly as many checked-in attendees and "checked_in" log rows as
   good first answers came back, and as many "already_checked_in" log rows as good
   repeat answers; then wipes the database again unless `--keep`.

Run it from the project folder with the project's virtualenv:

    .venv/bin/python bench/checkin_api.py                       # both databases
    .venv/bin/python bench/checkin_api.py --database sqlite
    .venv/bin/python bench/checkin_api.py --workers 4 --attendees 40000 --duration 20 --rate 150
    .venv/bin/python bench/checkin_api.py --database postgresql --keep   # look afterwards

Options: --database sqlite|postgresql|both (both), --workers W sync workers per gunicorn
(2), --connections C in flight in max mode (2 x W), --attendees N (20000: the tickets for
the warm-up, the max runs and the rate run; a max run that runs out stops early and says
so), --duration S per kind and mode (10), --rounds R alternating slices of the max runs
(3), --rate R requests a second (200), --keep.

Why 2 sync workers on 2 cores: a sync worker serves one request at a time; a check-in
keeps its worker's core busy most of the time and waits for the database the rest. On
this 2-core machine 2 workers gave the most check-ins a second and the least CPU per
answer; 3, 4, 6 and 8 workers gave 10-30% fewer check-ins a second (context switches, and
more PostgreSQL backends on the same two cores). Try --workers on other machines.
Sync workers do not keep connections alive (gunicorn closes each after its answer, as
behind nginx); the generator keeps connections alive where a server allows it and
otherwise opens one loopback connection per request.

The load generator is one thread of this process driving non-blocking sockets with
`selectors`, with every request built before the clock starts, so it costs well under a
millisecond of CPU per request. It shares the machine all the same, so the table shows who
used the CPU during each measurement.

Output, one table per database, a row per kind and mode: answers, req/s, p50 / p99 / max
latency in ms, errors (anything but a good answer; samples are printed below the table),
then CPU milliseconds per answer used by the server's gunicorn workers (from
/proc/<pid>/stat before and after), by the bench database's PostgreSQL backends (the
client backends of pg_stat_activity; "n/a" on SQLite, which runs inside the workers) and
by the load generator, and "others", the share of the machine everything else used
meanwhile (above 10% the figures get a warning). Then, per database, the workers' CPU per
first and per repeated scan over the bare route's, p99 at the fixed rate, and the counts;
with both databases, SQLite's first-scan check-ins a second over PostgreSQL's. Exit status
1 when an answer was bad or the counts disagree; targets not met are reported but do not
fail the run. Linux only for the CPU columns (/proc).
"""

import argparse
import contextlib
import errno
import json
import math
import os
import random
import secrets
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

# registration_surge.py lives next to this file: importable however this file is run.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from registration_surge import (  # noqa: E402
    DEFAULT_POSTGRES_URL,
    HOST,
    PROJECT_ROOT,
    _gunicorn_has_control_socket,
    bench_environment,
    environment,
    free_port,
    log_tail,
    migrate,
    percentile,
    stop_gunicorn,
    wait_until_healthy,
    wipe_postgres,
)

EVENT_SLUG = "checkin-api-bench"
ORGANISER_EMAIL = "bench-organiser@example.org"
DOOR_NAME = "Main gate"
PARTY_SIZE = 2
WARMUP_S = 2.0
#: An answer slower than this is counted as an error ("timeout") and its socket dropped.
REQUEST_TIMEOUT_S = 120.0
#: The open loop stops sending once this many seconds' worth of requests wait for answers:
#: the server cannot keep up, and more would only lengthen the run.
MAX_BACKLOG_S = 2.0
#: Tickets held back from the max runs so the rate run always has enough.
RATE_TICKET_MARGIN = 1.1
CHECKIN_PATH = "/api/v1/checkins"
BARE_PATH = "/attendees/{}"
#: Above this share of the machine used by other programs, the figures get a warning.
OTHERS_WARNING = 0.10
#: The workers' CPU per check-in (first or repeated scan) over the bare route's, at most.
TARGET_CPU_RATIO = 2.5
TARGET_P99_MS = 50.0
#: SQLite's first-scan check-ins a second over PostgreSQL's in the same run, at least.
TARGET_SQLITE_SHARE = 0.70
FIRST, REPEAT, BARE = "first", "repeat", "bare"
KINDS = (FIRST, REPEAT, BARE)

BARE_APP_SOURCE = '''
"""A bare Flask app: one route, one indexed SELECT, a pooled psycopg connection."""

import os

from flask import Flask, abort, jsonify
from sqlalchemy import create_engine, text

# No connection is opened until the first request, i.e. after gunicorn forked the worker.
engine = create_engine(os.environ["DATABASE_URL"], pool_size=2, max_overflow=0)
app = Flask(__name__)
SELECT_ATTENDEE = text("SELECT id, name FROM attendees WHERE id = :id")


@app.get("/attendees/<int:attendee_id>")
def attendee(attendee_id):
    """Return one attendee's id and name."""
    with engine.connect() as connection:
        row = connection.execute(SELECT_ATTENDEE, {"id": attendee_id}).first()
    if row is None:
        abort(404)
    return jsonify(id=row.id, name=row.name)


@app.get("/healthz")
def healthz():
    """Answer 200 once the worker can reach the database."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return jsonify(status="ok")
'''


# --- 1. database --------------------------------------------------------------------------------


@dataclass
class BenchData:
    event_id: int
    door_token: str
    #: (attendee id, QR token) of every attendee, in a fixed shuffled order.
    tickets: list[tuple[int, str]]


def app_environment(database_url: str, instance: Path) -> dict[str, str]:
    """The environment of a production deployment, on the bench database."""
    env = bench_environment(database_url, instance)
    env.update(EVENTREG_ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
               PUBLIC_BASE_URL="http://127.0.0.1")
    env.pop("TICKET_KEY_SECRET", None)
    return env


def create_checkin_data(env: dict[str, str], attendees: int) -> BenchData:
    """Make an organiser, a published event happening now with `attendees` attendees
    (bulk inserted, parties of PARTY_SIZE), a door access and every attendee's QR token."""
    from sqlalchemy import insert, select, update
    from sqlalchemy.orm import load_only

    from eventreg import create_app
    from eventreg.accounts import service as accounts
    from eventreg.checkin.doors import create_door_access
    from eventreg.database import unit_of_work, utcnow
    from eventreg.events import service as events
    from eventreg.events.models import Event
    from eventreg.extensions import db
    from eventreg.registrations.models import Attendee, Registration
    from eventreg.tickets.service import ticket_tokens

    with environment(env):
        app = create_app()
    with app.app_context():
        session = db.session
        try:
            organisation = accounts.get_or_create_organisation(session, "Bench organisation")
            organiser = accounts.create_organiser(
                session, organisation, email=ORGANISER_EMAIL, name="Bench Organiser",
                password="bench-password-not-secret",
                password_hash_method=app.config["PASSWORD_HASH_METHOD"],
            )
            now = utcnow().replace(microsecond=0)
            event = events.create_event(session, organiser, events.EventDetails(
                slug=EVENT_SLUG,
                title={"en": "Check-in API benchmark"},
                privacy_notice={"en": "Benchmark data only; deleted with the scratch database."},
                venue="Nowhere",
                timezone="Europe/Sofia",
                starts_at=now - timedelta(minutes=30),
                ends_at=now + timedelta(hours=6),
                capacity=attendees,
                age_mode="age_group",
            ))
            events.publish_event(session, organiser, event)
            event_id = event.id

            parties = math.ceil(attendees / PARTY_SIZE)
            registration_ids = list(session.scalars(
                insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
                [{"event_id": event_id, "client_id": f"bench-{n}",
                  "ticket_secret": secrets.token_urlsafe(24), "contact_name": f"Bench Party {n}",
                  "consent_given_at": now, "created_at": now, "search_text": f"bench party {n}"}
                 for n in range(parties)],
            ))
            session.execute(insert(Attendee), [
                {"registration_id": registration_ids[n // PARTY_SIZE], "event_id": event_id,
                 "name": f"Bench Person {n}", "age_group": "adult",
                 "ticket_code": f"{n:010d}"[:5] + "-" + f"{n:010d}"[5:],
                 "position": n % PARTY_SIZE, "changed_at": now}
                for n in range(attendees)
            ])
            session.execute(update(Event).where(Event.id == event_id)
                            .values(places_taken=attendees))
            session.commit()

            with unit_of_work(session):
                _door, door_token = create_door_access(session, session.get(Event, event_id),
                                                       DOOR_NAME)
            rows = list(session.scalars(
                select(Attendee).where(Attendee.event_id == event_id)
                .options(load_only(Attendee.id, Attendee.event_id))
            ))
            tokens = ticket_tokens(session, rows)
            session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()
    tickets = sorted(tokens.items())
    random.Random(20260620).shuffle(tickets)
    return BenchData(event_id, door_token, tickets)


def count_checked_in(env: dict[str, str], event_id: int) -> tuple[int, int, int]:
    """Return the event's attendees with checked_in_at set, its "checked_in" log rows and
    its "already_checked_in" log rows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            attendees = connection.execute(text(
                "SELECT count(*) FROM attendees WHERE event_id = :e AND checked_in_at IS NOT NULL"
            ), {"e": event_id}).scalar_one()
            log_rows = connection.execute(text(
                "SELECT count(*) FROM checkins WHERE event_id = :e AND status = 'checked_in'"
            ), {"e": event_id}).scalar_one()
            repeats = connection.execute(text(
                "SELECT count(*) FROM checkins WHERE event_id = :e "
                "AND status = 'already_checked_in'"
            ), {"e": event_id}).scalar_one()
    finally:
        engine.dispose()
    return attendees, log_rows, repeats


# --- 2. gunicorn --------------------------------------------------------------------------------


class Server:
    """One gunicorn master we started, in its own process group."""

    def __init__(self, name: str, app_spec: str, env: dict[str, str], workers: int,
                 folder: Path, python_path: Path | None = None):
        self.name = name
        self.port = free_port()
        self.log_path = folder / f"gunicorn-{name}.log"
        command = [sys.executable, "-m", "gunicorn", "--worker-class", "sync",
                   "-w", str(workers), "-b", f"{HOST}:{self.port}", "--error-logfile", "-"]
        if python_path is not None:
            command += ["--pythonpath", str(python_path)]
        if _gunicorn_has_control_socket():
            command.append("--no-control-socket")
        command.append(app_spec)
        log = open(self.log_path, "wb")  # noqa: SIM115  (closed in stop_gunicorn)
        self.process = subprocess.Popen(
            command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.process.log_file = log

    def wait_until_healthy(self) -> None:
        try:
            wait_until_healthy(self.process, self.port)
        except RuntimeError as error:
            error.add_note(f"--- end of the {self.name} gunicorn log ---\n"
                           f"{log_tail(self.log_path)}\n--- end ---")
            raise

    def stop(self) -> None:
        stop_gunicorn(self.process)


def start_servers(env: dict[str, str], workers: int, folder: Path) -> list[Server]:
    """Start the app and the bare route; stop whatever started if either fails."""
    bare_folder = folder / "bare"
    bare_folder.mkdir()
    (bare_folder / "bare_select_app.py").write_text(textwrap.dedent(BARE_APP_SOURCE))
    servers = []
    try:
        servers.append(Server("check-in", "eventreg:create_app()", env, workers, folder))
        servers.append(Server("bare", "bare_select_app:app", env, workers, folder,
                              python_path=bare_folder))
        for server in servers:
            server.wait_until_healthy()
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers: list[Server]) -> None:
    for server in servers:
        try:
            server.stop()
        except Exception as error:  # stop the others all the same
            print(f"could not stop the {server.name} gunicorn: {error}", file=sys.stderr)


# --- who used the CPU ---------------------------------------------------------------------------


def _process_cpu_s(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a process, from /proc; None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_s() -> float:
    """CPU seconds all CPUs spent busy since boot (idle and iowait excluded)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Counts the CPU seconds the measured server's gunicorn workers, the bench database's
    PostgreSQL backends (none on SQLite: it runs inside the workers), this load generator
    and everything else on the machine ("others": other programs, gunicorn's master,
    PostgreSQL's own background work) use meanwhile.

    Linux only (/proc); elsewhere it measures nothing and the table shows "-".
    """

    def __init__(self, database_url: str):
        from sqlalchemy import create_engine

        self.available = os.path.exists("/proc/stat")
        self.on_postgres = database_url.startswith("postgresql")
        self.engine = (create_engine(database_url)
                       if self.available and self.on_postgres else None)

    def _backend_pids(self) -> list[int]:
        from sqlalchemy import text

        if self.engine is None:
            return []
        with self.engine.connect() as connection:
            return list(connection.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )).scalars())

    def snapshot(self, server: Server) -> dict | None:
        if not self.available:
            return None
        workers = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                found = _process_cpu_s(int(entry.name))
                if found and found[0] == server.process.pid:
                    workers[int(entry.name)] = found[1]
        postgres = {}
        for pid in self._backend_pids():
            found = _process_cpu_s(pid)
            if found:
                postgres[pid] = found[1]
        return {"gunicorn": workers, "postgres": postgres, "generator": time.process_time(),
                "machine": _machine_busy_s()}

    @staticmethod
    def used(before: dict | None, after: dict | None) -> dict[str, float]:
        """CPU seconds by group between two snapshots (a process new in `after` counts all)."""
        if before is None or after is None:
            return {}
        used = {}
        for group in ("gunicorn", "postgres"):
            used[group] = sum(cpu - before[group].get(pid, 0.0)
                              for pid, cpu in after[group].items())
        used["generator"] = after["generator"] - before["generator"]
        machine = after["machine"] - before["machine"]
        used["others"] = max(0.0, machine - sum(used.values()))
        return used

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


# --- 3. the load generator ----------------------------------------------------------------------


@dataclass
class Planned:
    """One request, built before the clock starts, and what a good answer names."""

    payload: bytes
    expected_id: int


#: Says what is wrong with an answer (status, body, expected attendee id), or None if good.
Judge = Callable[[int, bytes, int], str | None]


@dataclass
class Outcome:
    server: str
    mode: str
    planned: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    good: int = 0
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    #: Open loop only: the server fell so far behind that sending stopped early.
    overloaded: bool = False
    #: CPU seconds used meanwhile, by whom (see CpuMeter); empty where /proc is missing.
    cpu_s: dict[str, float] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.answered / self.wall_s if self.wall_s > 0 else 0.0

    def absorb(self, other: "Outcome") -> None:
        """Add another slice of the same measurement to this one."""
        self.planned += other.planned
        self.latencies_ms = sorted(self.latencies_ms + other.latencies_ms)
        self.good += other.good
        self.errors.update(other.errors)
        self.error_samples = (self.error_samples + other.error_samples)[:3]
        self.wall_s += other.wall_s
        self.overloaded = self.overloaded or other.overloaded
        self.cpu_s = ({group: self.cpu_s.get(group, 0.0) + used
                       for group, used in other.cpu_s.items()} if other.cpu_s else {})

    def note_error(self, label: str, sample: str) -> None:
        self.errors[label] += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(f"{label}: {sample[:300]}")


class _Exchange:
    """One request on one socket, from connect to the end of its answer."""

    __slots__ = ("planned", "scheduled", "sock", "unsent", "received", "reused", "done")

    def __init__(self, planned: Planned, scheduled: float):
        self.planned = planned
        self.scheduled = scheduled
        self.sock: socket.socket | None = None
        self.unsent = memoryview(planned.payload)
        self.received = bytearray()
        self.reused = False
        self.done = False


def _parse_answer(received: bytearray, *, at_eof: bool = False
                  ) -> tuple[int, bytes, bool] | None:
    """Return (status, body, keep_alive) once the whole answer is in, else None.

    An answer without Content-Length ends where the server closes (`at_eof`)."""
    head_end = received.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    head = bytes(received[:head_end]).decode("latin-1").lower().split("\r\n")
    status = int(head[0].split()[1])
    length = None
    connection = ""
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            connection = value.strip()
    if head[0].startswith("http/1.1"):
        keep_alive = connection != "close"
    else:
        keep_alive = connection == "keep-alive"
    if length is None:
        return (status, bytes(received[head_end + 4:]), False) if at_eof else None
    if len(received) < head_end + 4 + length:
        return None
    return status, bytes(received[head_end + 4:head_end + 4 + length]), keep_alive


def drive(
    outcome: Outcome,
    port: int,
    planned: list[Planned],
    judge: Judge,
    *,
    duration_s: float,
    connections: int | None = None,
    rate: float | None = None,
) -> int:
    """Send `planned` requests to 127.0.0.1:`port`; return how many were used.

    Closed loop (`connections`): keep that many requests in flight until `duration_s` has
    passed or the requests run out; latency runs from the start of each request.
    Open loop (`rate`): start request i at i / rate seconds whatever the answers do;
    latency runs from that scheduled time. If MAX_BACKLOG_S worth of requests are waiting,
    it stops sending (`outcome.overloaded`) and waits for the answers.
    """
    selector = selectors.DefaultSelector()
    idle: list[socket.socket] = []  # kept-alive sockets, when the server allows it
    closing: set[socket.socket] = set()  # answered; waiting for the server's FIN
    in_flight: set[_Exchange] = set()
    address = (HOST, port)
    next_index = 0

    def open_socket(exchange: _Exchange) -> None:
        if idle:
            exchange.sock, exchange.reused = idle.pop(), True
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            code = sock.connect_ex(address)
            if code not in (0, errno.EINPROGRESS):
                sock.close()
                raise ConnectionError(errno.errorcode.get(code, str(code)))
            exchange.sock, exchange.reused = sock, False
        selector.register(exchange.sock, selectors.EVENT_WRITE, exchange)

    def start(planned_request: Planned, scheduled: float) -> None:
        exchange = _Exchange(planned_request, scheduled)
        in_flight.add(exchange)
        try:
            open_socket(exchange)
        except OSError as error:
            fail(exchange, type(error).__name__, str(error))

    def finish(exchange: _Exchange) -> None:
        exchange.done = True
        in_flight.discard(exchange)

    def fail(exchange: _Exchange, label: str, sample: str) -> None:
        finished = time.perf_counter()
        outcome.latencies_ms.append((finished - exchange.scheduled) * 1000)
        outcome.note_error(label, sample)
        drop(exchange.sock)
        finish(exchange)

    def drop(sock: socket.socket | None) -> None:
        if sock is None:
            return
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(sock)
        closing.discard(sock)
        sock.close()

    def on_writable(exchange: _Exchange) -> None:
        sock = exchange.sock
        if not exchange.reused and exchange.unsent.nbytes == len(exchange.planned.payload):
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                fail(exchange, "connect", os.strerror(code))
                return
        try:
            sent = sock.send(exchange.unsent)
        except OSError as error:
            retry_or_fail(exchange, error)
            return
        exchange.unsent = exchange.unsent[sent:]
        if not exchange.unsent.nbytes:
            selector.modify(sock, selectors.EVENT_READ, exchange)

    def retry_or_fail(exchange: _Exchange, error: OSError | None) -> None:
        # A kept-alive socket the server closed meanwhile: send again on a fresh one.
        if exchange.reused and not exchange.received:
            drop(exchange.sock)
            exchange.unsent = memoryview(exchange.planned.payload)
            try:
                open_socket(exchange)
            except OSError as reopen_error:
                fail(exchange, type(reopen_error).__name__, str(reopen_error))
            return
        label = type(error).__name__ if error else "closed before the answer"
        fail(exchange, label, str(error or bytes(exchange.received)))

    def on_readable(exchange: _Exchange) -> None:
        sock = exchange.sock
        try:
            data = sock.recv(65536)
        except OSError as error:
            retry_or_fail(exchange, error)
            return
        if data:
            exchange.received += data
        answer = _parse_answer(exchange.received, at_eof=not data)
        if answer is None:
            if not data:
                retry_or_fail(exchange, None)
            return
        finished = time.perf_counter()
        status, body, keep_alive = answer
        outcome.latencies_ms.append((finished - exchange.scheduled) * 1000)
        problem = judge(status, body, exchange.planned.expected_id)
        if problem is None:
            outcome.good += 1
        else:
            outcome.note_error(problem, f"{status} {body.decode(errors='replace')}")
        finish(exchange)
        if not data:
            drop(sock)
        elif keep_alive:
            selector.unregister(sock)
            idle.append(sock)
        else:
            # Let the server close first, so TIME_WAIT stays on its side, not on our ports.
            selector.modify(sock, selectors.EVENT_READ, None)
            closing.add(sock)

    def on_closing(key: selectors.SelectorKey) -> None:
        try:
            data = key.fileobj.recv(4096)
        except OSError:
            data = b""
        if not data:
            drop(key.fileobj)

    started = time.perf_counter()
    deadline = started + duration_s
    if rate is not None:
        count = min(len(planned), round(rate * duration_s))
        interval = 1.0 / rate
    else:
        count = len(planned)
        for _ in range(min(connections, count)):
            start(planned[next_index], time.perf_counter())
            next_index += 1

    next_timeout_check = started + 1.0
    while True:
        now = time.perf_counter()
        if rate is not None:
            while next_index < count and started + next_index * interval <= now:
                if len(in_flight) >= rate * MAX_BACKLOG_S:
                    outcome.overloaded, count = True, next_index
                    break
                start(planned[next_index], started + next_index * interval)
                next_index += 1
        else:
            while len(in_flight) < connections and next_index < count and now < deadline:
                start(planned[next_index], now)
                next_index += 1
        if not in_flight and (rate is None or next_index >= count):
            break
        if rate is not None and next_index < count:
            timeout = max(0.0, started + next_index * interval - time.perf_counter())
        else:
            timeout = 0.5
        for key, events in selector.select(timeout):
            exchange = key.data
            if exchange is None:
                on_closing(key)
            elif exchange.done:
                continue
            elif events & selectors.EVENT_WRITE:
                on_writable(exchange)
            else:
                on_readable(exchange)
        now = time.perf_counter()
        if now >= next_timeout_check:
            next_timeout_check = now + 1.0
            for exchange in [e for e in in_flight if now - e.scheduled > REQUEST_TIMEOUT_S]:
                fail(exchange, "timeout", f"no answer within {REQUEST_TIMEOUT_S:.0f}s")

    outcome.wall_s = time.perf_counter() - started
    for sock in list(closing) + idle:
        drop(sock)
    selector.close()
    outcome.planned = next_index
    outcome.latencies_ms.sort()
    return next_index


# --- what the two servers are sent, and what a good answer is -----------------------------------


def checkin_requests(tickets: list[tuple[int, str]], door_token: str, port: int) -> list[Planned]:
    """A scan of each ticket, each with a fresh client_id."""
    head = (f"POST {CHECKIN_PATH} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            f"Authorization: Bearer {door_token}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json\r\n")
    planned = []
    for attendee_id, qr in tickets:
        body = json.dumps({"qr": qr, "client_id": str(uuid.uuid4())}).encode()
        planned.append(Planned(
            (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body, attendee_id))
    return planned


def bare_requests(attendee_ids: list[int], port: int) -> list[Planned]:
    return [
        Planned((f"GET {BARE_PATH.format(attendee_id)} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                 f"Accept: application/json\r\n\r\n").encode(), attendee_id)
        for attendee_id in attendee_ids
    ]


def _judge_scan(expected_status: str) -> Judge:
    def judge(status: int, body: bytes, attendee_id: int) -> str | None:
        if status != 200:
            return f"HTTP {status}"
        try:
            answer = json.loads(body)
        except ValueError:
            return "not JSON"
        if answer.get("status") != expected_status:
            return f"status {answer.get('status')}"
        if (answer.get("attendee") or {}).get("id") != attendee_id:
            return "another attendee"
        return None

    return judge


judge_checkin = _judge_scan("checked_in")
judge_repeat = _judge_scan("already_checked_in")


def judge_bare(status: int, body: bytes, attendee_id: int) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(body)
    except ValueError:
        return "not JSON"
    return None if answer.get("id") == attendee_id else "another attendee"


class TicketBook:
    """Hands out each first scan once (a ticket is checked in at most once), and second
    scans of the tickets checked in so far, each once while there are enough."""

    def __init__(self, tickets: list[tuple[int, str]], door_token: str, port: int):
        self.tickets = tickets
        self.door_token = door_token
        self.port = port
        self.planned = checkin_requests(tickets, door_token, port)
        self.used = 0
        #: Indexes (into `tickets`) of those a good first answer checked in, in order.
        self.checked_in: list[int] = []
        self.repeated = 0
        #: A repeat run had to scan tickets a third time or more.
        self.wrapped = False

    def remaining(self) -> list[Planned]:
        return self.planned[self.used:]

    def take(self, count: int) -> list[Planned]:
        return self.planned[self.used:self.used + count]

    def mark_used(self, count: int, good: list[bool]) -> None:
        self.checked_in += [self.used + i for i, ok in enumerate(good) if ok]
        self.used += count

    def repeats(self, count: int) -> list[Planned]:
        """`count` repeated scans (fresh client ids), second scans first."""
        if not self.checked_in:
            return []
        order = [self.checked_in[(self.repeated + n) % len(self.checked_in)]
                 for n in range(count)]
        return checkin_requests([self.tickets[i] for i in order], self.door_token, self.port)

    def mark_repeated(self, count: int) -> None:
        self.repeated += count
        self.wrapped = self.wrapped or self.repeated > len(self.checked_in)


# --- the runs -----------------------------------------------------------------------------------


@dataclass
class Measurements:
    database: str
    outcomes: list[Outcome] = field(default_factory=list)
    warmups: list[Outcome] = field(default_factory=list)
    repeats_wrapped: bool = False
    counts_check: str = ""
    counts_ok: bool = False

    def find(self, server: str, mode: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.server == server and o.mode == mode), None)

    def good(self, kind: str) -> int:
        return sum(o.good for o in self.outcomes + self.warmups if o.server == kind)

    def errors(self) -> int:
        return sum(sum(o.errors.values()) for o in self.outcomes + self.warmups)


def _drive_recording(outcome: Outcome, port: int, planned: list[Planned], judge: Judge,
                     **how) -> tuple[int, list[bool]]:
    """`drive` first scans (each of a distinct attendee), noting which of the requests
    used got a good answer, in order."""
    index_of = {p.expected_id: i for i, p in enumerate(planned)}
    verdicts: dict[int, bool] = {}

    def judging(status: int, body: bytes, expected_id: int) -> str | None:
        problem = judge(status, body, expected_id)
        verdicts[index_of[expected_id]] = problem is None
        return problem

    used = drive(outcome, port, planned, judging, **how)
    return used, [verdicts.get(i, False) for i in range(used)]


def measure(servers: list[Server], data: BenchData, args, results: Measurements,
            meter: CpuMeter) -> None:
    """Warm the servers up, then measure max and rate for first scans, repeated scans and
    the bare route, in that order each time."""
    checkin, bare = servers
    book = TicketBook(data.tickets, data.door_token, checkin.port)
    attendee_ids = [attendee_id for attendee_id, _qr in data.tickets]
    bare_planned = bare_requests(attendee_ids, bare.port)
    rate_count = math.ceil(args.rate * args.duration * RATE_TICKET_MARGIN)
    # Enough repeats for any slice: they are made per slice from the tickets checked in.
    repeat_budget = 100_000

    def run(kind: str, mode: str, **how) -> Outcome:
        server = bare if kind == BARE else checkin
        outcome = Outcome(kind, mode)
        if kind == FIRST:
            if mode in ("max", "warm-up"):
                planned = book.remaining()
                planned = planned[:max(0, len(planned) - rate_count)]
            else:
                planned = book.take(rate_count)
        elif kind == REPEAT:
            # Built before the clock starts, like every request: as many as the slice
            # could use, from the tickets checked in so far.
            wanted = rate_count if "rate" in how else repeat_budget
            planned = book.repeats(min(wanted, max(len(book.checked_in), 1) * 4))
        else:
            planned = bare_planned
        before = meter.snapshot(server)
        if kind == FIRST:
            used, good = _drive_recording(outcome, server.port, planned, judge_checkin, **how)
            book.mark_used(used, good)
        elif kind == REPEAT:
            book.mark_repeated(drive(outcome, server.port, planned, judge_repeat, **how))
        else:
            drive(outcome, server.port, planned, judge_bare, **how)
        outcome.cpu_s = meter.used(before, meter.snapshot(server))
        return outcome

    label = {"max": f"max, {args.connections} conns", "rate": f"{args.rate:g}/s fixed rate"}
    for kind in KINDS:
        print(f"  warming up {kind} ...", flush=True)
        results.warmups.append(run(kind, "warm-up", duration_s=WARMUP_S,
                                   connections=args.connections))
    # Max runs alternate in slices, so load from other programs falls on all kinds alike.
    print(f"  measuring max ({args.connections} conns): {args.duration:g}s per kind, in "
          f"{args.rounds} alternating slices ...", flush=True)
    totals = {kind: Outcome(kind, label["max"]) for kind in KINDS}
    for _round in range(args.rounds):
        for kind in KINDS:
            totals[kind].absorb(run(kind, "max", duration_s=args.duration / args.rounds,
                                    connections=args.connections))
    results.outcomes.extend(totals.values())
    if totals[FIRST].wall_s < args.duration * 0.9:
        print(f"  (ran out of tickets after {totals[FIRST].wall_s:.1f}s: "
              f"raise --attendees for a full {args.duration:g}s)", flush=True)
    for kind in KINDS:
        print(f"  measuring {kind}: {label['rate']}, {args.duration:g}s ...", flush=True)
        results.outcomes.append(run(kind, label["rate"], duration_s=args.duration,
                                    rate=args.rate))
    results.repeats_wrapped = book.wrapped


# --- 4. report ----------------------------------------------------------------------------------


def cpu_per_answer_ms(outcome: Outcome | None, group: str = "gunicorn") -> float | None:
    if outcome is None or not outcome.cpu_s or not outcome.answered:
        return None
    return 1000 * outcome.cpu_s[group] / outcome.answered


def _verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def print_report(results: Measurements, args) -> None:
    headers = ["kind", "mode", "answers", "req/s", "p50 ms", "p99 ms", "max ms", "errors",
               "workers", "postgres", "gen", "others"]
    on_postgres = results.database == "postgresql"
    rows = []
    for o in results.outcomes:
        lat = o.latencies_ms

        def per_request(group: str, o: Outcome = o) -> str:
            if group == "postgres" and not on_postgres:
                return "n/a"
            value = cpu_per_answer_ms(o, group)
            return "-" if value is None else f"{value:.2f}"

        capacity_s = o.wall_s * (os.cpu_count() or 1)
        rows.append([
            o.server, o.mode, str(o.answered), f"{o.per_second:.0f}",
            f"{percentile(lat, 0.50):.1f}", f"{percentile(lat, 0.99):.1f}",
            f"{lat[-1]:.1f}" if lat else "-", str(sum(o.errors.values())),
            per_request("gunicorn"), per_request("postgres"), per_request("generator"),
            f"{100 * o.cpu_s['others'] / capacity_s:.0f}%" if o.cpu_s and capacity_s else "-",
        ])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    print()
    print(f"[{results.database}] check-in API (first and repeated scans) vs a bare one-SELECT "
          f"Flask route: gunicorn -w {args.workers} (sync), {os.cpu_count()} CPUs, "
          f"{args.attendees} attendees")
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))
    print("  latency in ms from the (scheduled) send; workers, postgres, gen: CPU ms per answer "
          "of the server's\n  gunicorn workers, the database's PostgreSQL backends (n/a: SQLite "
          "runs in the workers) and this\n  load generator; others: the share of the machine's "
          "CPU everything else used meanwhile")
    busy = [o for o in results.outcomes if o.cpu_s and o.wall_s
            and o.cpu_s["others"] > OTHERS_WARNING * o.wall_s * (os.cpu_count() or 1)]
    if busy:
        print(f"  WARNING: other programs used over {OTHERS_WARNING:.0%} of the machine during "
              f"{len(busy)} of the measurements: req/s and latencies are lower than this "
              f"machine gives when quiet (CPU per answer suffers less)")
    if results.repeats_wrapped:
        print("  (some repeated scans were third scans or more: too few tickets checked in)")
    for o in results.outcomes:
        if o.overloaded:
            print(f"  [{o.server}, {o.mode}] fell behind: sending stopped after {o.planned} "
                  f"requests ({MAX_BACKLOG_S:g}s worth were waiting); its latencies are a "
                  f"lower bound")
    for o in results.outcomes + results.warmups:
        for sample in o.error_samples:
            print(f"  [{o.server}, {o.mode}] {sample}")
    print()
    for mode in (f"max, {args.connections} conns", f"{args.rate:g}/s fixed rate"):
        bare_cpu = cpu_per_answer_ms(results.find(BARE, mode))
        for kind in (FIRST, REPEAT):
            cpu = cpu_per_answer_ms(results.find(kind, mode))
            if cpu is None or not bare_cpu:
                continue
            ratio = cpu / bare_cpu
            print(f"[{results.database}] workers' CPU per {kind} scan / bare ({mode}): "
                  f"{cpu:.2f} / {bare_cpu:.2f} ms = {ratio:.2f} "
                  f"(target <= {TARGET_CPU_RATIO:g}: {_verdict(ratio <= TARGET_CPU_RATIO)})")
    for kind in (FIRST, REPEAT):
        outcome = results.find(kind, f"{args.rate:g}/s fixed rate")
        if outcome is None:
            continue
        p99 = math.inf if outcome.overloaded else percentile(outcome.latencies_ms, 0.99)
        shown = "unbounded (fell behind)" if math.isinf(p99) else f"{p99:.1f} ms"
        print(f"[{results.database}] {kind} scan p99 at {args.rate:g}/s: {shown} "
              f"(target < {TARGET_P99_MS:g} ms: {_verdict(p99 < TARGET_P99_MS)})")
    print(f"[{results.database}] {results.counts_check}")


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both",
                        help="the database(s) to run on, one after the other (both)")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn sync workers per server (2)")
    parser.add_argument("--connections", type=int,
                        help="requests in flight in max mode (2 x workers)")
    parser.add_argument("--attendees", type=int, default=20_000,
                        help="attendees, i.e. distinct tickets to check in (20000)")
    parser.add_argument("--duration", type=float, default=10.0,
                        help="seconds per kind and mode (10)")
    parser.add_argument("--rate", type=float, default=200.0,
                        help="requests a second in the fixed-rate runs (200)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="slices the max runs alternate in (3)")
    parser.add_argument("--keep", action="store_true",
                        help="leave the data in the database afterwards")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be from 1 to 64")
    args.connections = args.connections or 2 * args.workers
    if not 1 <= args.connections <= 1000:
        parser.error("--connections must be from 1 to 1000")
    if not 0 < args.duration <= 600:
        parser.error("--duration must be over 0 and at most 600 seconds")
    if not 1 <= args.rounds <= 100:
        parser.error("--rounds must be from 1 to 100")
    if not 0 < args.rate <= 10_000:
        parser.error("--rate must be over 0 and at most 10000")
    needed = math.ceil(args.rate * args.duration * RATE_TICKET_MARGIN) + 100
    if not needed <= args.attendees <= 1_000_000:
        parser.error(f"--attendees must be from {needed} (the rate run's tickets and some "
                     f"for the max run) to 1000000")
    return args


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # the same clean stop as Ctrl-C


def run_one(database: str, args, folder: Path) -> Measurements:
    """Prepare `database`, measure, check the counts; wipe it again unless --keep."""
    results = Measurements(database)
    instance = folder / database
    instance.mkdir()
    if database == "sqlite":
        url = f"sqlite:///{instance / 'bench.sqlite3'}"
    else:
        url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL)
    env = app_environment(url, instance)
    try:
        print(f"[{database}] preparing {url} (wiped), {args.attendees} attendees ...",
              flush=True)
        if database == "postgresql":
            wipe_postgres(url)
        migrate(env)
        started = time.perf_counter()
        data = create_checkin_data(env, args.attendees)
        print(f"  made in {time.perf_counter() - started:.1f}s; starting gunicorn x2 ...",
              flush=True)
        meter = CpuMeter(url)
        servers = start_servers(env, args.workers, instance)
        try:
            measure(servers, data, args, results, meter)
        except BaseException as error:
            for server in servers:
                error.add_note(f"--- end of the {server.name} gunicorn log ---\n"
                               f"{log_tail(server.log_path)}\n--- end ---")
            raise
        finally:
            stop_servers(servers)
            meter.close()

        attendees_in, log_rows, repeat_rows = count_checked_in(env, data.event_id)
        first, repeats = results.good(FIRST), results.good(REPEAT)
        results.counts_ok = attendees_in == first == log_rows and repeat_rows == repeats
        results.counts_check = (
            f"counts: {attendees_in} attendees checked in, {log_rows} checked_in log rows, "
            f"{first} answers checked_in; {repeat_rows} already_checked_in log rows, "
            f"{repeats} answers already_checked_in: "
            f"{'OK' if results.counts_ok else 'MISMATCH'}")
        timeouts = sum(o.errors["timeout"] for o in results.outcomes + results.warmups)
        if timeouts and not results.counts_ok:
            results.counts_check += (f" ({timeouts} requests timed out: the server may have "
                                     f"checked them in after the generator gave up)")
        if args.keep:
            results.counts_check += (f"\nkept: {url} (event {EVENT_SLUG}, door token "
                                     f"{data.door_token})")
    finally:
        if database == "postgresql" and not args.keep:
            try:
                wipe_postgres(url)
            except Exception as error:  # the figures are still worth printing
                print(f"could not wipe {url}: {error}", file=sys.stderr)
    return results


def main(argv=None) -> int:
    args = parse_arguments(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    runs: dict[str, Measurements] = {}
    keep = tempfile.mkdtemp(prefix="eventreg-bench-checkin-") if args.keep else None
    with tempfile.TemporaryDirectory(prefix="eventreg-bench-checkin-") as scratch:
        folder = Path(keep or scratch)
        try:
            for database in databases:
                runs[database] = run_one(database, args, folder)
        except KeyboardInterrupt:
            print("interrupted; gunicorn stopped" + ("" if args.keep else ", database wiped"))
            return 130
    for results in runs.values():
        print_report(results, args)
    if len(runs) == 2:
        mode = f"max, {args.connections} conns"
        sqlite, postgres = runs["sqlite"].find(FIRST, mode), runs["postgresql"].find(FIRST, mode)
        if sqlite and postgres and postgres.per_second:
            share = sqlite.per_second / postgres.per_second
            print()
            print(f"SQLite / PostgreSQL first-scan check-ins a second ({mode}): "
                  f"{sqlite.per_second:.0f} / {postgres.per_second:.0f} = {share:.2f} "
                  f"(target >= {TARGET_SQLITE_SHARE:.2f}: {_verdict(share >= TARGET_SQLITE_SHARE)})")
    ok = all(results.counts_ok and not results.errors() for results in runs.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
