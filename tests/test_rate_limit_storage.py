"""The sign-in limit counts in Redis; when Redis dies it counts in memory (a warning in the
log, never an error page) and goes back to Redis when Redis answers again."""

import logging
import shutil
import subprocess
import time

import pytest

from tests.servers import free_port, wait_for_port


class PrivateRedis:
    """A redis-server of the test's own on a free port (never the machine's shared one)."""

    def __init__(self, folder):
        self.port = free_port()
        self.folder = folder
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def keys(self) -> list[bytes]:
        import redis

        return redis.Redis(port=self.port).keys("*")


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is missing: apt-get install redis-server")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


def test_sign_in_keeps_working_when_redis_dies_and_counts_in_redis_again_when_it_is_back(
        app, make_app, organiser, private_redis, caplog):
    from eventreg.extensions import limiter

    shared = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{private_redis.port}")
    client = shared.test_client()

    def wrong_password():
        return client.post("/login", data={"email": organiser.email, "password": "guess"},
                           environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code

    assert wrong_password() == 401
    assert private_redis.keys(), "the limit is counted in Redis"
    private_redis.kill()
    with caplog.at_level(logging.WARNING):
        statuses = [wrong_password() for _ in range(4)]
    assert statuses == [401] * 4
    assert "falling back to in-memory storage" in caplog.text
    assert "Traceback" not in caplog.text
    # Counting starts again in this process's memory: five failed tries, then refused.
    assert [wrong_password() for _ in range(2)] == [401, 429]
    private_redis.start()
    assert private_redis.keys() == []
    deadline = time.monotonic() + 40  # Flask-Limiter checks again after 1, 2, 4, ... s
    while not private_redis.keys() and time.monotonic() < deadline:
        time.sleep(0.5)
        client.post("/login", data={"email": "someone@example.org", "password": "guess"},
                    environ_base={"REMOTE_ADDR": "203.0.113.1"})
    assert private_redis.keys(), "counting went back to Redis"
    assert not limiter._storage_dead
    with shared.app_context():
        limiter.reset()
