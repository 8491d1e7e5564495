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


def test_venues_and_places_become_every_offered_languages_text_and_come_back(app_settings,
                                                                             tmp_path):
    """A venue or place written once is, after the upgrade, the text of each language the
    event's title is written in (English when none); downgrading keeps the English one."""
    import json

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from eventreg import create_app

    app = create_app({**app_settings,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="16f7d5b989c7")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO organisations (id, name, created_at) VALUES (1, 'O', '2026-01-01')"))
            for event_id, title, venue in (
                    (1, '{"bg": "Среща", "uk": "Зустріч"}', "Читалище"),
                    (2, '{"en": "Day", "uk": "День"}', ""), (3, "{}", "G8")):
                connection.execute(text(
                    "INSERT INTO events (id, organisation_id, slug, title, description, "
                    "privacy_notice, venue, address, timezone, starts_at, ends_at, status, "
                    "places_taken, age_mode, asks_sex, created_at, updated_at) VALUES (:id, 1, "
                    ":slug, :title, '{}', '{}', :venue, '', 'Europe/Sofia', '2026-06-20', "
                    "'2026-06-20', 'published', 0, 'age_group', 0, '2026-01-01', '2026-01-01')"),
                    {"id": event_id, "slug": f"e{event_id}", "title": title, "venue": venue})
            for activity_id, event_id, place in ((1, 1, "Шатра"), (2, 2, "Tent"), (3, 2, "")):
                connection.execute(text(
                    "INSERT INTO activities (id, event_id, title, place, places_taken, "
                    "position) VALUES (:id, :event, '{\"en\": \"A\"}', :place, 0, 0)"),
                    {"id": activity_id, "event": event_id, "place": place})
        upgrade()
        with db.engine.connect() as connection:
            venues = connection.execute(text("SELECT venue FROM events ORDER BY id")).scalars()
            places = connection.execute(text("SELECT place FROM activities ORDER BY id")).scalars()
            venues, places = [json.loads(v) for v in venues], [json.loads(p) for p in places]
        assert venues == [{"bg": "Читалище", "uk": "Читалище"}, {}, {"en": "G8"}]
        assert places == [{"bg": "Шатра", "uk": "Шатра"}, {"en": "Tent", "uk": "Tent"}, {}]
        with db.engine.begin() as connection:
            connection.execute(text("""UPDATE events SET venue = '{"uk": "Ч", "en": "Hall"}'
                                       WHERE id = 1"""))
        downgrade(revision="16f7d5b989c7")
        with db.engine.connect() as connection:
            venues = connection.execute(text("SELECT venue FROM events ORDER BY id")).scalars()
            places = connection.execute(text("SELECT place FROM activities ORDER BY id")).scalars()
            assert (list(venues), list(places)) == (["Hall", "", "G8"], ["Шатра", "Tent", ""])
        db.engine.dispose()


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
