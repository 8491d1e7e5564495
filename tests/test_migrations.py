"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eventreg.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_search_keys_of_earlier_registrations_are_respelled(app_settings, tmp_path):
    """Registrations made before names were found across alphabets are found too."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from eventreg import create_app
    from eventreg.registrations.search import spelling

    app = create_app({**app_settings,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="ef2509c7cd1f")
        with db.engine.begin() as connection:
            _insert_an_organisation_and_its_event(connection)
            connection.execute(text(
                "INSERT INTO registrations (id, event_id, client_id, ticket_secret, "
                "contact_name, language, consent_given_at, consent_text, created_at, "
                "search_text, submission_fingerprint, walk_in) VALUES (1, 1, 'c', 's', '', "
                "'uk', '2026-01-01', '', '2026-01-01', 'олена коваленко abcde-fghjk', '', 0)"))
            connection.execute(text(
                "INSERT INTO attendees (id, registration_id, event_id, name, ticket_code, "
                "position, changed_at) VALUES (1, 1, 1, 'Олена Коваленко', 'ABCDE-FGHJK', 0, "
                "'2026-01-01')"))
        upgrade()
        with db.engine.connect() as connection:
            key = connection.execute(text("SELECT search_text FROM registrations")).scalar()
        assert key == spelling("Олена Коваленко ABCDE-FGHJK") and "kovalenko" in key
        downgrade(revision="ef2509c7cd1f")
        with db.engine.connect() as connection:
            key = connection.execute(text("SELECT search_text FROM registrations")).scalar()
        assert key == "олена коваленко abcde-fghjk"
        db.engine.dispose()


def test_phones_of_earlier_waiting_parties_are_stored_in_e164(app_settings, tmp_path):
    """A party that joined with "088 123 4567" before phones were normalised is promoted."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from eventreg import create_app

    app = create_app({**app_settings,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="c41d7e5b9f20")
        with db.engine.begin() as connection:
            _insert_an_organisation_and_its_event(connection)
            for entry_id, phone in ((1, "088 123 4567"), (2, "+380671234567"), (3, "12"),
                                    (4, "")):
                connection.execute(text(
                    "INSERT INTO waitlist_entries (id, event_id, request, secret, party_size, "
                    "joined_at) VALUES (:id, 1, :request, :secret, 1, '2026-01-01')"),
                    {"id": entry_id, "secret": f"s{entry_id}",
                     "request": f'{{"phone": "{phone}", "attendees": []}}'})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT request FROM waitlist_entries ORDER BY id")).scalars().all()
        db.engine.dispose()
    import json

    phones = [(json.loads(r) if isinstance(r, str) else r)["phone"] for r in rows]
    assert phones == ["+359881234567", "+380671234567", "12", ""]


def _insert_an_organisation_and_its_event(connection) -> None:
    """Rows as the migrations before personal-data retention left them."""
    from sqlalchemy import text

    connection.execute(text(
        "INSERT INTO organisations (id, name, created_at) VALUES (1, 'O', '2026-01-01')"))
    connection.execute(text(
        "INSERT INTO events (id, organisation_id, slug, title, description, "
        "privacy_notice, venue, address, timezone, starts_at, ends_at, status, "
        "places_taken, age_mode, asks_sex, created_at, updated_at) VALUES (1, 1, 'e', "
        "'{}', '{}', '{}', '', '', 'Europe/Sofia', '2026-06-20', '2026-06-20', "
        "'published', 1, 'age_group', 0, '2026-01-01', '2026-01-01')"))
