"""While the database is down, every page and API call answers 503 with Retry-After (JSON for
programs, a page in the person's language), the log says so once, and the app recovers by
itself when the database is back."""

import json

import pytest

from tests.servers import (
    PrivatePostgres,
    app_environment,
    free_port,
    gunicorn,
    http,
    migrate,
    publish_event_with_door,
)


def test_an_unreachable_database_is_answered_503_in_json_and_in_the_persons_language(
        make_app):
    closed = free_port()
    app = make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{closed}/nothing",
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True,
                                              "connect_args": {"connect_timeout": 2}})
    client = app.test_client()
    api = client.get("/api/v1/events/world-refugee-day")
    assert api.status_code == 503
    assert api.get_json()["error"] == "database_unavailable"
    assert api.headers["Retry-After"] == "30"
    page = client.get("/e/world-refugee-day", headers={"Accept-Language": "uk"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "Нічого не змінено" in page.get_data(as_text=True)
    form = client.post("/e/world-refugee-day/register", data={"attendees.0.name": "Olena"})
    assert form.status_code == 503


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()


def test_pages_answer_503_while_postgresql_is_stopped_and_recover_without_a_restart(
        tmp_path, private_postgres):
    env = app_environment(tmp_path, DATABASE_URL=private_postgres.url)
    migrate(env)
    slug, door_token = publish_event_with_door(private_postgres.url, tmp_path / "outbox")
    log_path = tmp_path / "gunicorn.log"
    door = {"Authorization": f"Bearer {door_token}"}
    registration = json.dumps({"consent": True, "attendees": [
        {"name": "Olena", "age_group": "adult"}]}).encode()
    with gunicorn(env, workers=1, log_path=log_path) as base:
        assert http("GET", f"{base}/e/{slug}")[0] == 200
        assert http("GET", f"{base}/api/v1/door", headers=door)[0] == 200
        private_postgres.stop()
        answers = [
            http("GET", f"{base}/e/{slug}", headers={"Accept-Language": "bg"}),
            http("GET", f"{base}/api/v1/events/{slug}"),
            http("GET", f"{base}/api/v1/door", headers=door),
            http("POST", f"{base}/api/v1/events/{slug}/registrations", registration,
                 headers={"Content-Type": "application/json"}),
            http("GET", f"{base}/"),
            http("GET", f"{base}/healthz"),
        ]
        assert [status for status, _ in answers] == [503] * 6
        assert "Нищо не е променено" in answers[0][1].decode()
        assert json.loads(answers[2][1])["error"] == "database_unavailable"
        private_postgres.start()
        assert http("GET", f"{base}/e/{slug}")[0] == 200
        status, body = http("POST", f"{base}/api/v1/events/{slug}/registrations",
                            registration, headers={"Content-Type": "application/json"})
        assert status == 201, body
    log = log_path.read_text()
    assert log.count("database unavailable") == 1
    assert "database available again" in log
    assert "Traceback" not in log


def test_a_connection_the_server_dropped_while_it_sat_idle_is_replaced_before_use(
        make_app, private_postgres):
    """Pooled connections are pinged only after sitting idle (DATABASE_PING_AFTER_IDLE_SECONDS):
    a restart while nobody used the app costs no request an error."""
    import time

    app = make_app(SQLALCHEMY_DATABASE_URI=private_postgres.url,
                   DATABASE_PING_AFTER_IDLE_SECONDS=0.2)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    private_postgres.stop()
    private_postgres.start()
    time.sleep(0.3)
    answer = client.get("/healthz")
    assert answer.status_code == 200, answer.get_json()
    assert client.get("/healthz").status_code == 200
