"""A mail server that accepts connections and never answers slows no page: web workers
hand mail to a thread of their own, under gunicorn as deployed."""

import json
import socket
import threading
import time

import pytest

from tests.servers import (
    app_environment,
    free_port,
    gunicorn,
    http,
    migrate,
    publish_event_with_door,
)

SMTP_TIMEOUT = 60


class Tarpit:
    """Accepts SMTP connections and never says a word (not even the greeting)."""

    def __init__(self):
        self.port = free_port()
        self.server = socket.create_server(("127.0.0.1", self.port))
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.held.append(connection)

    def wait_for_a_connection(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not self.held and time.monotonic() < deadline:
            time.sleep(0.05)
        return bool(self.held)

    def close(self):
        for connection in self.held:
            connection.close()
        self.server.close()


@pytest.fixture
def tarpit():
    server = Tarpit()
    yield server
    server.close()


def register(base_url: str, slug: str, name: str) -> int:
    body = json.dumps({"consent": True, "contact": {"email": f"{name}@example.org"},
                       "attendees": [{"name": name, "age_group": "adult"}]}).encode()
    status, _ = http("POST", f"{base_url}/api/v1/events/{slug}/registrations", body,
                     headers={"Content-Type": "application/json"}, timeout=5)
    return status


def test_pages_answer_at_once_while_the_mail_server_never_answers(tmp_path, tarpit):
    env = app_environment(tmp_path, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1",
                          SMTP_PORT=tarpit.port, SMTP_TIMEOUT=SMTP_TIMEOUT)
    migrate(env)
    slug, _door_token = publish_event_with_door(env["DATABASE_URL"], tmp_path / "outbox")
    with gunicorn(env, workers=1, log_path=tmp_path / "gunicorn.log") as base_url:
        assert register(base_url, slug, "olena") == 201
        # One sync worker: had it stayed to talk to the mail server, every request below
        # would wait SMTP_TIMEOUT for it. Each must answer within seconds.
        for _ in range(3):
            assert http("GET", f"{base_url}/healthz", timeout=5)[0] == 200
        assert register(base_url, slug, "mykola") == 201
        assert http("GET", f"{base_url}/e/{slug}", timeout=5)[0] == 200
        # The sending thread gets its turn when the worker's requests leave it one: on a
        # busy machine that can be after the pages above have answered.
        assert tarpit.wait_for_a_connection(seconds=20), \
            "the web process did try to send the confirmation"
