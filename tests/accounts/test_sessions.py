"""Sign-in sessions live on the server: a copied cookie stops working once its session ends."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.accounts import sessions
from eventreg.accounts.models import SignInSession
from eventreg.accounts.service import authenticate, create_api_token
from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work
from tests.conftest import PASSWORD, TEST_HASH, AuthActions

NEW_PASSWORD = "a brand new passphrase"


def signed_in_client(app, organiser):
    client = app.test_client()
    assert AuthActions(client).login(organiser).status_code == 302
    return client


def set_every_session(db_session, **values) -> None:
    db_session.rollback()  # a fresh transaction: the app wrote since this one began
    db_session.execute(SignInSession.__table__.update().values(**values))
    db_session.commit()


def session_cookie(client) -> str:
    return client.get_cookie("session", domain="eventreg.test").value


def replay(app, cookie: str, address: str = "203.0.113.50"):
    """A second browser elsewhere, holding a copy of the session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie, domain="eventreg.test")
    return thief, {"REMOTE_ADDR": address}


def can_download_and_make_tokens(client, event, environ=None) -> tuple[int, int]:
    download = client.get(f"/manage/events/{event.slug}/attendees.csv",
                          environ_base=environ or {})
    token = client.post("/manage/api-tokens", data={"name": "stolen"},
                        environ_base=environ or {})
    return download.status_code, token.status_code


def test_a_cookie_copied_before_signing_out_no_longer_works(app, db_session, organiser,
                                                            make_event):
    event = make_event()
    browser = signed_in_client(app, organiser)
    copied = session_cookie(browser)
    thief, where = replay(app, copied)
    assert can_download_and_make_tokens(thief, event, where) == (200, 200)
    browser.post("/logout")
    assert can_download_and_make_tokens(thief, event, where) == (302, 302)
    assert db_session.scalar(select(SignInSession.end_reason)) == "signed_out"


def test_signing_out_one_browser_leaves_the_others_signed_in(app, organiser, make_event,
                                                             make_organiser):
    event = make_event()
    laptop, phone = signed_in_client(app, organiser), signed_in_client(app, organiser)
    colleague = signed_in_client(app, make_organiser())
    laptop.post("/logout")
    assert phone.get("/manage/").status_code == 200
    assert colleague.get("/manage/").status_code == 200
    assert laptop.get(f"/manage/events/{event.slug}").status_code == 302


def test_sign_out_everywhere_ends_every_session_of_that_organiser_only(app, db_session,
                                                                       organiser,
                                                                       make_organiser):
    laptop, phone = signed_in_client(app, organiser), signed_in_client(app, organiser)
    colleague = signed_in_client(app, make_organiser())
    response = laptop.post("/manage/account/sign-out-everywhere")
    assert response.status_code == 302 and "/login" in response.location
    assert laptop.get("/manage/").status_code == 302
    assert phone.get("/manage/").status_code == 302
    assert colleague.get("/manage/").status_code == 200
    audit = db_session.scalar(select(AuditEntry).where(
        AuditEntry.action == "account.signed_out_everywhere"))
    assert audit.details == {"sessions_ended": 2}


def test_changing_the_password_needs_the_current_one(app, db_session, organiser):
    browser = signed_in_client(app, organiser)
    response = browser.post("/manage/account", data={
        "current_password": "not it at all", "new_password": NEW_PASSWORD,
        "repeat_password": NEW_PASSWORD})
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)
    assert authenticate(db_session, organiser.email, PASSWORD, password_hash_method=TEST_HASH) is not None


def test_changing_the_password_signs_out_every_other_browser_and_keeps_this_one(
        app, db_session, organiser):
    browser, other = signed_in_client(app, organiser), signed_in_client(app, organiser)
    before = session_cookie(browser)
    response = browser.post("/manage/account", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "repeat_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert browser.get("/manage/").status_code == 200
    assert other.get("/manage/").status_code == 302
    thief, where = replay(app, before)
    assert thief.get("/manage/", environ_base=where).status_code == 302
    db_session.expire_all()
    assert authenticate(db_session, organiser.email, NEW_PASSWORD, password_hash_method=TEST_HASH) is not None
    assert authenticate(db_session, organiser.email, PASSWORD, password_hash_method=TEST_HASH) is None


@pytest.mark.parametrize("new_password, problem", [
    ("short one", "at least 12 characters"),
    ("password1234", "too easy to guess"),
    ("qwertyuiop12", "too easy to guess"),
    ("x" * 129, "at most 128 characters"),
])
def test_a_weak_new_password_is_refused_and_the_old_one_kept(app, db_session, organiser,
                                                             new_password, problem):
    browser = signed_in_client(app, organiser)
    response = browser.post("/manage/account", data={
        "current_password": PASSWORD, "new_password": new_password,
        "repeat_password": new_password})
    assert response.status_code == 422
    assert problem in response.get_data(as_text=True)
    assert authenticate(db_session, organiser.email, PASSWORD, password_hash_method=TEST_HASH) is not None


def test_an_idle_session_ends_and_says_why(app, db_session, organiser):
    browser = signed_in_client(app, organiser)
    set_every_session(db_session, last_seen_at=sessions.utcnow() - timedelta(minutes=31))
    response = browser.get("/manage/")
    assert response.status_code == 302
    page = browser.get(response.location).get_data(as_text=True)
    assert "without use" in page
    assert db_session.scalar(select(SignInSession.end_reason)) == "idle"


def test_a_session_in_use_ends_after_its_lifetime(app, db_session, organiser):
    browser = signed_in_client(app, organiser)
    set_every_session(db_session, created_at=sessions.utcnow() - timedelta(hours=12, minutes=1))
    assert browser.get("/manage/").status_code == 302
    assert db_session.scalar(select(SignInSession.end_reason)) == "expired"


def test_lifetime_and_idle_timeout_are_settings(make_app, db_session, organiser):
    app = make_app(SESSION_IDLE_MINUTES=5)
    browser = signed_in_client(app, organiser)
    set_every_session(db_session, last_seen_at=sessions.utcnow() - timedelta(minutes=6))
    with app.app_context():
        assert browser.get("/manage/").status_code == 302


def test_use_is_noted_at_most_once_a_minute(app, db_session, organiser):
    browser = signed_in_client(app, organiser)
    first = db_session.scalar(select(SignInSession.last_seen_at))
    browser.get("/manage/")
    db_session.expire_all()
    assert db_session.scalar(select(SignInSession.last_seen_at)) == first
    set_every_session(db_session, last_seen_at=first - timedelta(minutes=2))
    browser.get("/manage/")
    db_session.expire_all()
    assert db_session.scalar(select(SignInSession.last_seen_at)) > first


def test_the_form_token_is_renewed_at_sign_in(make_app, organiser):
    app = make_app(WTF_CSRF_ENABLED=True)
    browser = app.test_client()

    def form_token(page):
        return page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]

    before = form_token(browser.get("/login"))
    browser.post("/login", data={"email": organiser.email, "password": PASSWORD,
                                 "csrf_token": before})
    after = form_token(browser.get("/manage/api-tokens"))
    assert after != before
    refused = browser.post("/manage/api-tokens", data={"name": "x", "csrf_token": before})
    assert refused.status_code == 400
    assert browser.post("/manage/api-tokens",
                        data={"name": "x", "csrf_token": after}).status_code == 200


def test_an_admin_switches_a_colleague_off_at_once(app, db_session, make_organiser, make_event):
    admin = make_organiser(role="admin")
    colleague = make_organiser(role="organiser")
    other_office = make_organiser("Another office", role="organiser")
    event = make_event()
    with unit_of_work(db_session):
        _, token = create_api_token(db_session, colleague, "reports")
    with unit_of_work(db_session):
        _, other_token = create_api_token(db_session, other_office, "theirs")
    their_browser = signed_in_client(app, colleague)
    admin_browser = signed_in_client(app, admin)
    api = app.test_client()

    def api_status(bearer):
        return api.get(f"/api/v1/events/{event.slug}/registrations",
                       headers={"Authorization": f"Bearer {bearer}"}).status_code

    assert api_status(token) == 200
    response = admin_browser.post(f"/manage/team/{colleague.id}/switch-off")
    assert response.status_code == 302
    assert their_browser.get("/manage/").status_code == 302
    assert api_status(token) == 401
    assert api_status(other_token) == 404  # another organisation's event: untouched token
    assert authenticate(db_session, colleague.email, PASSWORD, password_hash_method=TEST_HASH) is None
    entry = db_session.scalar(select(AuditEntry).where(
        AuditEntry.action == "team.member_switched_off"))
    assert (entry.target, entry.details) == (colleague.name,
                                             {"sessions_ended": 1, "api_tokens_revoked": 1})
    admin_browser.post(f"/manage/team/{colleague.id}/switch-on")
    db_session.expire_all()
    assert authenticate(db_session, colleague.email, PASSWORD, password_hash_method=TEST_HASH) is not None
    assert api_status(token) == 401  # revoked tokens stay revoked


def test_only_admins_switch_colleagues_off_and_never_themselves_or_other_offices(
        app, db_session, make_organiser):
    admin = make_organiser(role="admin")
    colleague = make_organiser(role="organiser")
    stranger = make_organiser("Another office", role="organiser")
    colleague_browser = signed_in_client(app, colleague)
    assert colleague_browser.post(f"/manage/team/{admin.id}/switch-off").status_code == 403
    admin_browser = signed_in_client(app, admin)
    page = admin_browser.post(f"/manage/team/{admin.id}/switch-off", follow_redirects=True)
    assert "ask another admin" in page.get_data(as_text=True)
    assert admin_browser.post(f"/manage/team/{stranger.id}/switch-off").status_code == 404
    db_session.expire_all()
    assert admin.is_active and stranger.is_active and colleague.is_active
