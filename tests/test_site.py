"""Settings, health, languages and security headers."""

import pytest

from eventreg.config import ConfigurationError, load_settings
from eventreg.database import unit_of_work


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("EVENTREG_ENV", "production")
    with pytest.raises(ConfigurationError):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigurationError):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        load_settings()  # the links in messages would lead nowhere
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://events.example.org")
    settings = load_settings()
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(make_app):
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


@pytest.mark.parametrize("accept,expected", [("uk-UA,uk;q=0.9", "uk"), ("bg", "bg"),
                                             ("de-DE", "en")])
def test_language_follows_the_browser(client, make_event, accept, expected):
    event = make_event()
    page = client.get(f"/e/{event.slug}", headers={"Accept-Language": accept})
    assert f'<html lang="{expected}">' in page.get_data(as_text=True)


def test_chosen_language_is_remembered_over_the_browsers(client, make_event):
    event = make_event()
    response = client.get(f"/language/bg?next=/e/{event.slug}")
    assert response.headers["Location"] == f"/e/{event.slug}"
    page = client.get(f"/e/{event.slug}", headers={"Accept-Language": "uk"})
    text = page.get_data(as_text=True)
    assert '<html lang="bg">' in text
    assert "Световен ден на бежанците" in text


def test_language_switch_never_redirects_to_another_site(client):
    response = client.get("/language/uk?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_dates_are_shown_in_the_pages_language_and_the_events_time_zone(client, make_event):
    from datetime import UTC, datetime

    event = make_event(starts_at=datetime(2027, 6, 20, 7, 0, tzinfo=UTC),
                       ends_at=datetime(2027, 6, 20, 15, 0, tzinfo=UTC))
    page = client.get(f"/e/{event.slug}", headers={"Accept-Language": "uk"}).get_data(
        as_text=True)
    assert "20 червня 2027" in page and "10:00" in page  # 07:00 UTC is 10:00 in Sofia


def test_pages_send_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_organiser_pages_are_translated_into_bulgarian(client, auth, organiser):
    auth.login(organiser)
    page = client.get("/manage/", headers={"Accept-Language": "bg"}).get_data(as_text=True)
    assert '<html lang="bg">' in page
    assert "New event" not in page


def test_behind_a_proxy_each_client_address_has_its_own_sign_in_limit(make_app, organiser):
    client = make_app(PROXY_FIX_HOPS=1).test_client()

    def sign_in_from(address, email):
        return client.post("/login", data={"email": email, "password": "guess"},
                           headers={"X-Forwarded-For": address}).status_code

    tries = [sign_in_from("198.51.100.7", f"person{n}@example.org") for n in range(11)]
    assert tries == [401] * 10 + [429]
    assert sign_in_from("203.0.113.9", organiser.email) == 401


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x01", "\x0b", "\x0c", "\x1f", "\x7f"])
def test_text_with_a_control_character_is_refused_by_the_api(client, db_session, make_event,
                                                            char):
    event = make_event()
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "attendees": [{"name": f"Eve{char}", "age_group": "adult"}]})
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["attendees.0.name"]
    assert "control characters" in response.get_json()["message"]
    db_session.refresh(event)
    assert event.places_taken == 0


def test_control_characters_in_an_organiser_form_are_refused_with_the_field_named(
        client, auth, organiser):
    auth.login(organiser)
    page = client.post("/manage/api-tokens", data={"name": "script\x1b"})
    assert page.status_code == 422
    assert "control characters" in page.get_data(as_text=True)
    assert "name" in page.get_data(as_text=True)


def test_control_characters_in_the_query_string_are_refused(client, auth, organiser,
                                                            make_event):
    event = make_event()
    auth.login(organiser)
    response = client.get(f"/manage/events/{event.slug}/registrations?q=Eve%1B")
    assert response.status_code == 422


def test_production_answers_say_https_only(make_app):
    production = make_app(EVENTREG_ENV="production", SECRET_KEY="p" * 48,
                          PUBLIC_BASE_URL="https://events.example.org")
    hsts = production.test_client().get("/healthz").headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains"
    development = make_app().test_client().get("/healthz")
    assert "Strict-Transport-Security" not in development.headers


def test_api_answers_with_personal_data_are_never_cached(client, db_session, organiser,
                                                         make_event, make_registration):
    from eventreg.accounts.service import create_api_token
    from eventreg.checkin.doors import create_door_access

    event = make_event()
    make_registration(event, ["Olena Kovalenko"])
    with unit_of_work(db_session):
        _, token = create_api_token(db_session, organiser, "reports")
    with unit_of_work(db_session):
        _, door_token = create_door_access(db_session, event, "Main gate")
    for path, bearer in [(f"/api/v1/events/{event.slug}/registrations", token),
                         ("/api/v1/door/attendees", door_token)]:
        response = client.get(path, headers={"Authorization": f"Bearer {bearer}"})
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"]
    created = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "attendees": [{"name": "Mykola", "age_group": "adult"}]})
    assert created.status_code == 201 and "no-store" in created.headers["Cache-Control"]


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_arabic_and_persian_participant_pages_are_right_to_left(client, make_event, language):
    event = make_event(title={"en": "World Refugee Day", "ar": "اليوم العالمي للاجئين"})
    page = client.get(f"/e/{event.slug}", headers={"Accept-Language": language})
    text = page.get_data(as_text=True)
    assert f'<html lang="{language}" dir="rtl">' in text
    # The event's own Arabic title, else its English one.
    assert ("اليوم العالمي للاجئين" if language == "ar" else "World Refugee Day") in text
    for code in ("en", "bg", "uk", "ar", "fa"):
        assert f'hreflang="{code}"' in text or f'lang="{code}" dir=' in text


def test_organiser_pages_offer_only_their_languages_and_leave_arabic_for_english(client, auth,
                                                                                 organiser):
    client.get("/language/ar?next=/")
    auth.login(organiser)
    page = client.get("/manage/", headers={"Accept-Language": "ar, bg;q=0.5"})
    text = page.get_data(as_text=True)
    assert '<html lang="bg">' in text  # the browser's best organiser language
    assert 'hreflang="ar"' not in text and 'hreflang="fa"' not in text


def test_a_message_in_arabic_is_right_to_left_with_codes_left_to_right(app, db_session,
                                                                       make_event,
                                                                       make_registration):
    from eventreg.registrations.notifications import _compose

    event = make_event(title={"en": "World Refugee Day", "ar": "اليوم العالمي للاجئين"})
    registration = make_registration(event, ["Olena Kovalenko"], language="ar",
                                     email="olena@example.org")
    code = registration.attendees[0].ticket_code
    with app.test_request_context():
        subject, body, html = _compose(registration, "confirmation", {})
    assert subject == "تذاكركم: اليوم العالمي للاجئين"
    assert '<html lang="ar" dir="rtl">' in html and f'<span dir="ltr">{code}</span>' in html
    assert f"(\u2068{code}\u2069)" in body  # isolated in the plain text too
