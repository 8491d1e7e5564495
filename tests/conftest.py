"""Fixtures shared by the whole suite.

Every test runs once per database: SQLite always, PostgreSQL too when TEST_DATABASE_URL is
set. Each database is migrated once per session with the real Alembic migrations; every
test starts from empty tables, and its rows are really committed (so concurrency tests
see each other's work).
"""

import os
import tempfile
from datetime import timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine

os.environ.setdefault("EVENTREG_INSTANCE_PATH", tempfile.mkdtemp(prefix="eventreg-test-"))

from eventreg import create_app  # noqa: E402
from eventreg.accounts import service as accounts  # noqa: E402
from eventreg.database import unit_of_work, utcnow  # noqa: E402
from eventreg.events import service as events  # noqa: E402
from eventreg.extensions import db  # noqa: E402
from eventreg.messages.web import sender  # noqa: E402
from eventreg.registrations import service as registrations  # noqa: E402

#: A cheap password hash: the real scrypt costs a tenth of a second per organiser made.
TEST_HASH = "pbkdf2:sha256:1000"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
PASSWORD = "correct horse battery"
PRIVACY = {"en": "We keep your names to run the event, and no longer than we say below.",
           "bg": "Пазим имената ви за събитието и не по-дълго, отколкото пише по-долу.",
           "uk": "Ми зберігаємо ваші імена для події і не довше, ніж написано нижче."}


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = os.environ["TEST_DATABASE_URL"]
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    app = create_app(_test_settings(url, tmp_path_factory.mktemp("outbox")))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _test_settings(url: str, outbox) -> dict:
    return {
        "EVENTREG_ENV": "testing",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_OUTBOX_PATH": str(outbox),
        "SERVER_NAME": "eventreg.test",
        "PASSWORD_HASH_METHOD": TEST_HASH,
    }


@pytest.fixture
def app_settings(database_url, tmp_path):
    """Settings for this test's app; a test may change them before asking for `app`."""
    return _test_settings(database_url, tmp_path / "outbox")


class FreshContextClient(FlaskClient):
    """A test client whose every request has an app context of its own, as in production:
    nothing a request keeps in `g` (the signed-in organiser, the page's language, messages
    to send) leaks into the next one through the test's own context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # What the request queued is sent by a thread after it; a test reads the outcome.
        mail_sender = sender(self.application)
        if mail_sender is not None:
            mail_sender.wait_until_idle()
        if has_app_context():
            # The test's own session then reads what the request wrote, like a second process.
            db.session.rollback()
        return response


@pytest.fixture
def app(app_settings):
    app = create_app(app_settings)
    app.test_client_class = FreshContextClient
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def make_app(app_settings):
    """Another app on this test's database with some settings changed (`app` keeps the
    suite's); the connections each one opened are closed after the test."""
    made = []

    def make(**changes):
        other = create_app({**app_settings, **changes})
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _empty_all_tables() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    return db.session


@pytest.fixture
def outbox(app):
    """The folder where the default mail backend writes .eml files."""
    from pathlib import Path

    return Path(app.config["MAIL_OUTBOX_PATH"])


@pytest.fixture
def make_organiser(db_session):
    created = {"count": 0}

    def make(organisation: str = "Country office", role: str = "admin", email: str | None = None):
        created["count"] += 1
        with unit_of_work(db_session):
            org = accounts.get_or_create_organisation(db_session, organisation)
            return accounts.create_organiser(
                db_session, org, email=email or f"organiser{created['count']}@example.org",
                name=f"Organiser {created['count']}", password=PASSWORD, role=role,
                password_hash_method=TEST_HASH,
            )

    return make


@pytest.fixture
def organiser(make_organiser):
    return make_organiser()


@pytest.fixture
def make_event(db_session, organiser):
    """Make an event (published unless `status` says otherwise) with optional activities."""

    def make(*, by=None, capacity=None, activities=(), questions=(), status="published",
             age_mode="age_group", starts_in=timedelta(days=30), **details):
        by = by or organiser
        starts_at = utcnow() + starts_in
        values = {
            "title": {"en": "World Refugee Day", "uk": "Всесвітній день біженців",
                      "bg": "Световен ден на бежанците"},
            "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=8),
            "privacy_notice": PRIVACY, "venue": "Borisova Gradina", "capacity": capacity,
            "age_mode": age_mode,
        }
        values.update(details)
        with unit_of_work(db_session):
            event = events.create_event(db_session, by, events.EventDetails(**values))
            for activity in activities:
                events.add_activity(db_session, by, event, events.ActivityDetails(**activity))
            for question in questions:
                events.add_question(db_session, by, event, events.QuestionDetails(**question))
            if status == "published":
                events.publish_event(db_session, by, event)
        return event

    return make


@pytest.fixture
def make_registration(db_session):
    """Register a party; `people` is a list of names (all adults) or AttendeeRequests;
    `walk_in` registers at the door (also once the event started)."""

    def make(event, people=("Olena Kovalenko",), walk_in=False, **values):
        attendees = [
            person if isinstance(person, registrations.AttendeeRequest)
            else registrations.AttendeeRequest(
                name=person, age_group="adult",
                sex="prefer_not_to_say" if event.asks_sex else None)
            for person in people
        ]
        values.setdefault("consent", True)
        with unit_of_work(db_session):
            outcome = registrations.register(
                db_session, event, registrations.RegistrationRequest(attendees=attendees,
                                                                     **values),
                phone_region="BG", walk_in=walk_in,
            )
        return outcome.registration

    return make


@pytest.fixture
def whose_ticket(db_session):
    """The attendee a ticket's QR token names (its signature checked), or an error."""
    from eventreg.registrations.models import Attendee
    from eventreg.tickets.service import verify_ticket_token

    def holder(token: str):
        return db_session.get(Attendee, verify_ticket_token(db_session, token).attendee_id)

    return holder


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, organiser, password=PASSWORD):
        return self._client.post("/login", data={"email": organiser.email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
