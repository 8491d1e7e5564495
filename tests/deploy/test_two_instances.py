"""Two app instances behind one nginx, as deploy/ ships them, sharing only PostgreSQL and Redis.

The module starts, once: a new PostgreSQL database migrated by `flask db upgrade`, two gunicorns
of the checkout's app with deploy/gunicorn.conf.py (2 workers each, PROXY_FIX_HOPS=1, the
sign-in limit counted in Redis, mail written to one outbox folder) and Debian's nginx with
deploy/nginx.conf, changed only to local ports and a test certificate (HTTPS, as deployed).
Events, tickets and doors are made in this process through the services, in the same database.
"""

import email
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
import trustme
from sqlalchemy import select

from eventreg.checkin.doors import create_door_access
from eventreg.checkin.models import Checkin
from eventreg.database import unit_of_work
from eventreg.tickets.service import ticket_tokens
from tests.deploy.support import (
    CHECKOUT,
    HOST,
    REDIS_URL,
    SECRET_KEY,
    Processes,
    free_port,
    http_client,
    postgres_database,
    production_environment,
    program,
    run,
)

pytestmark = [
    pytest.mark.deployment,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                       reason="the instances share PostgreSQL: set TEST_DATABASE_URL "
                              "(.ci/run does) to run them"),
]
FLASK = Path(sys.executable).parent / "flask"
GUNICORN = Path(sys.executable).parent / "gunicorn"
SIGN_IN_TRIES_PER_MINUTE = 10  # eventreg/accounts/views.py
PASSWORD = "a long enough password"


@dataclass
class Deployment:
    database_url: str
    environment: dict
    #: nginx over HTTPS, its plain-HTTP side, and each instance directly.
    https: str
    http: str
    instance_a: str
    instance_b: str
    certificate_authority: Path
    access_logs: tuple[Path, Path]
    outbox: Path
    folder: Path

    def browser(self) -> requests.Session:
        """A client of the site through nginx that trusts its test certificate."""
        return http_client(self.certificate_authority)

    def flask(self, *arguments: str, **environment: str) -> subprocess.CompletedProcess:
        """Run a `flask --app eventreg` command as the deployment would, in its own folder."""
        return run([FLASK, "--app", "eventreg", *arguments], cwd=CHECKOUT, env={
            **self.environment, "EVENTREG_INSTANCE_PATH": str(self.folder / "instance-cli"),
            **environment})


def nginx_site(https_port: int, http_port: int, upstreams: tuple[int, int], certificate: Path,
               key: Path) -> str:
    """deploy/nginx.conf with local ports and the test certificate, nothing else changed."""
    site = (CHECKOUT / "deploy" / "nginx.conf").read_text()
    for shipped, local in [
        ("server 127.0.0.1:8001 ", f"server {HOST}:{upstreams[0]} "),
        ("server 127.0.0.1:8002 ", f"server {HOST}:{upstreams[1]} "),
        ("    listen 80;\n", f"    listen {HOST}:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;\n", f"    listen {HOST}:{https_port} ssl http2;\n"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/letsencrypt/live/events.example.org/fullchain.pem", str(certificate)),
        ("/etc/letsencrypt/live/events.example.org/privkey.pem", str(key)),
    ]:
        assert site.count(shipped) == 1, f"deploy/nginx.conf no longer has {shipped!r}"
        site = site.replace(shipped, local)
    return site


def nginx_main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, kept inside the test's folder."""
    temp_paths = "".join(f"    {kind}_temp_path {folder / kind};\n"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # One worker, so that nginx's round robin takes turns between the instances exactly.
    return (f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} info;\n"
            + ("user root root;\n" if os.geteuid() == 0 else "")  # to read the test's folder
            + "events { worker_connections 256; }\n"
            f"http {{\n    access_log {folder / 'access.log'};\n{temp_paths}"
            f"    include {site};\n}}\n")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    nginx = program("nginx")
    folder = tmp_path_factory.mktemp("two-instances")
    processes = Processes(folder)
    try:
        limits = redis.Redis.from_url(REDIS_URL)
        limits.ping()
    except redis.RedisError as error:
        raise AssertionError(
            f"Redis does not answer at {REDIS_URL} (TEST_REDIS_URL): {error}") from error
    limits.flushdb()
    with postgres_database("deploy_two_instances") as database_url:
        try:
            yield _start(nginx, folder, processes, database_url)
        finally:
            processes.stop_all()
            limits.flushdb()


def _start(nginx: Path, folder: Path, processes: Processes, database_url: str) -> Deployment:
    https_port, http_port, port_a, port_b = (free_port() for _ in range(4))
    environment = production_environment(
        DATABASE_URL=database_url, PUBLIC_BASE_URL=f"https://{HOST}:{https_port}",
        PROXY_FIX_HOPS="1", RATELIMIT_STORAGE_URI=REDIS_URL, MAIL_BACKEND="outbox",
        MAIL_OUTBOX_PATH=str(folder / "outbox"))
    run([FLASK, "--app", "eventreg", "db", "upgrade"], cwd=CHECKOUT,
        env={**environment, "EVENTREG_INSTANCE_PATH": str(folder / "instance-cli")})

    instances = []
    for name, port in (("a", port_a), ("b", port_b)):
        instances.append(processes.start(f"gunicorn-{name}", [
            GUNICORN, "--config", CHECKOUT / "deploy" / "gunicorn.conf.py",
            "--bind", f"{HOST}:{port}", "--workers", "2",
            "--access-logfile", folder / f"access-{name}.log"],
            cwd=CHECKOUT, env={**environment,
                               "EVENTREG_INSTANCE_PATH": str(folder / f"instance-{name}")}))

    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    issued = authority.issue_cert(HOST, "localhost")
    issued.private_key_pem.write_to_path(str(folder / "privkey.pem"))
    for index, pem in enumerate(issued.cert_chain_pems):
        pem.write_to_path(str(folder / "fullchain.pem"), append=index > 0)
    nginx_folder = folder / "nginx"
    nginx_folder.mkdir()
    site = nginx_folder / "eventreg.conf"
    site.write_text(nginx_site(https_port, http_port, (port_a, port_b),
                               folder / "fullchain.pem", folder / "privkey.pem"))
    (nginx_folder / "nginx.conf").write_text(nginx_main_config(nginx_folder, site))
    proxy = processes.start("nginx", [nginx, "-p", nginx_folder, "-c", nginx_folder / "nginx.conf",
                                      "-e", nginx_folder / "error.log"])

    deployment = Deployment(
        database_url=database_url, environment=environment,
        https=f"https://{HOST}:{https_port}", http=f"http://{HOST}:{http_port}",
        instance_a=f"http://{HOST}:{port_a}", instance_b=f"http://{HOST}:{port_b}",
        certificate_authority=folder / "ca.pem",
        access_logs=(folder / "access-a.log", folder / "access-b.log"),
        outbox=folder / "outbox", folder=folder)
    for instance, url in zip(instances, (deployment.instance_a, deployment.instance_b),
                             strict=True):
        processes.wait_until_answers(instance, f"{url}/healthz", timeout_s=60)
    processes.wait_until_answers(proxy, f"{deployment.https}/healthz",
                                 certificate_authority=deployment.certificate_authority)
    return deployment


@pytest.fixture
def database_url(deployment):
    """The tests' own app (for making events and tickets) uses the instances' database."""
    return deployment.database_url


@pytest.fixture
def app_settings(app_settings):
    # Ticket keys are encrypted with the secret: the instances must read what this app makes.
    return {**app_settings, "SECRET_KEY": SECRET_KEY, "TICKET_KEY_SECRET": SECRET_KEY}


@pytest.fixture
def sign_in_tries(deployment):
    """Forget the sign-in tries counted so far (in Redis); count this test's alone."""
    redis.Redis.from_url(REDIS_URL).flushdb()


def csrf_token(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _posts_to_login(log: Path) -> int:
    return log.read_text().count('"POST /login ') if log.exists() else 0


def test_https_is_the_only_way_in_and_every_answer_says_so_once(deployment):
    plain = http_client().get(f"{deployment.http}/manage/events", allow_redirects=False,
                              timeout=10)
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://{HOST}/manage/events"
    answer = deployment.browser().get(f"{deployment.https}/", timeout=10)
    assert answer.status_code == 200
    assert answer.raw.headers.getlist("Strict-Transport-Security") == ["max-age=31536000"]


def test_a_session_made_through_one_instance_works_through_the_other(deployment, app):
    deployment.flask("create-organiser", "ana@example.org", "--name", "Ana Petrova",
                     "--organisation", "Country office", "--role", "admin",
                     EVENTREG_PASSWORD=PASSWORD)
    browser = deployment.browser()
    login_page = browser.get(f"{deployment.https}/login", timeout=10)
    signed_in = browser.post(
        f"{deployment.https}/login", allow_redirects=False, timeout=10,
        headers={"Referer": f"{deployment.https}/login"},  # checked on HTTPS, like a browser
        data={"csrf_token": csrf_token(login_page), "email": "ana@example.org",
              "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.text
    assert signed_in.headers["Location"] == "/manage/"
    session_cookie = {"session": browser.cookies["session"]}

    for instance in (deployment.instance_a, deployment.instance_b):
        page = http_client().get(f"{instance}/manage/", cookies=session_cookie,
                            allow_redirects=False, timeout=10)
        assert page.status_code == 200, instance
        assert "Sign out" in page.text
        stranger = http_client().get(f"{instance}/manage/", allow_redirects=False,
                                     timeout=10)
        assert stranger.status_code == 302


def test_sign_in_limit_counts_tries_through_both_instances_together(deployment, sign_in_tries):
    # Another account each time: the per-address limit is counted, not the account's.
    browser = deployment.browser()
    token = csrf_token(browser.get(f"{deployment.https}/login", timeout=10))
    before = [_posts_to_login(log) for log in deployment.access_logs]
    statuses = [
        browser.post(f"{deployment.https}/login", timeout=10,
                     headers={"Referer": f"{deployment.https}/login"},
                     data={"csrf_token": token, "email": f"person{number}@example.org",
                           "password": f"wrong guess {number}"}).status_code
        for number in range(SIGN_IN_TRIES_PER_MINUTE + 1)
    ]
    assert statuses == [401] * SIGN_IN_TRIES_PER_MINUTE + [429]
    # nginx took turns: each instance answered about half of the tries. (gunicorn logs a
    # request just after answering it: give the last line a moment.)
    deadline = time.monotonic() + 5
    while True:
        answered = [_posts_to_login(log) - count
                    for log, count in zip(deployment.access_logs, before, strict=True)]
        if sum(answered) == len(statuses) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert sorted(answered) == [5, 6]


def test_sign_in_limit_ignores_an_address_the_client_makes_up(deployment, sign_in_tries):
    browser = deployment.browser()
    token = csrf_token(browser.get(f"{deployment.https}/login", timeout=10))
    statuses = [
        browser.post(f"{deployment.https}/login", timeout=10,
                     headers={"Referer": f"{deployment.https}/login",
                              "X-Forwarded-For": f"203.0.113.{number}"},
                     data={"csrf_token": token, "email": f"person{number}@example.org",
                           "password": f"wrong guess {number}"}).status_code
        for number in range(SIGN_IN_TRIES_PER_MINUTE + 1)
    ]
    assert statuses == [401] * SIGN_IN_TRIES_PER_MINUTE + [429]


def _scan_at_the_same_moment(doors: list[tuple[str, str]], qr: str) -> list[dict]:
    """POST a ticket's check-in through each (instance, door token), from threads let go
    together; returns each answer's JSON with its HTTP status as "http"."""
    barrier = threading.Barrier(len(doors))

    def scan(door: tuple[str, str]) -> dict:
        instance, token = door
        client = http_client()
        barrier.wait()
        answer = client.post(f"{instance}/api/v1/checkins", timeout=30,
                             headers={"Authorization": f"Bearer {token}"},
                             json={"client_id": uuid.uuid4().hex, "qr": qr})
        return {"http": answer.status_code, **answer.json()}

    with ThreadPoolExecutor(max_workers=len(doors)) as pool:
        return list(pool.map(scan, doors))


def test_a_ticket_scanned_through_both_instances_at_once_is_admitted_once(
    deployment, db_session, make_event, make_registration
):
    event = make_event()
    with unit_of_work(db_session):
        _main_gate, main_gate = create_door_access(db_session, event, "Main gate")
        _side_gate, side_gate = create_door_access(db_session, event, "Side gate")
    attendees = [make_registration(event, [f"Person {number}"]).attendees[0]
                 for number in range(5)]
    db_session.commit()
    qrs = ticket_tokens(db_session, attendees)

    for attendee in attendees:
        answers = _scan_at_the_same_moment(
            [(deployment.instance_a, main_gate), (deployment.instance_b, side_gate)],
            qrs[attendee.id])
        assert [answer["http"] for answer in answers] == [200, 200], answers
        assert sorted(answer["status"] for answer in answers) == [
            "already_checked_in", "checked_in"], answers
        db_session.rollback()  # a fresh snapshot: see what the instances wrote
        logged = db_session.scalars(
            select(Checkin.status).where(Checkin.attendee_id == attendee.id)).all()
        assert sorted(logged) == ["already_checked_in", "checked_in"]


def _messages_to(outbox: Path, address: str) -> int:
    count = 0
    for path in outbox.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        count += address in (message.get("To") or "")
    return count


def test_a_message_queued_through_one_instance_is_sent_once(deployment, make_event):
    event = make_event()
    address = f"olena-{uuid.uuid4().hex[:8]}@example.org"
    form_url = f"{deployment.instance_a}/e/{event.slug}/register"
    form = http_client().get(form_url, timeout=10)
    # The session cookie is Secure: a browser would send it back over HTTPS only.
    cookies = {"session": form.cookies["session"]}
    registered = http_client().post(form_url, cookies=cookies, allow_redirects=False, timeout=10,
                                    data={
        "csrf_token": csrf_token(form), "action": "register", "party_size": "1",
        "client_id": uuid.uuid4().hex, "attendees.0.name": "Olena Kovalenko",
        "attendees.0.age_group": "adult", "consent": "yes", "email": address})
    assert registered.status_code == 302, registered.text

    deployment.flask("deliver-messages")  # the mail worker's pass, maybe while A sends it
    deadline = time.monotonic() + 15
    while _messages_to(deployment.outbox, address) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # time enough for a second copy from anyone
    deployment.flask("deliver-messages")
    assert _messages_to(deployment.outbox, address) == 1
