"""An organiser is asked once more before cancelling an event, and undoes closing
registration, in Chromium."""

import pytest
from sqlalchemy import func, select

from eventreg.events.models import Event
from eventreg.messages.models import OutboxMessage
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_server, organiser):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_cancel_the_event_asks_naming_the_people_told_then_cancels(
    app, db_session, live_server, browser, tmp_path, organiser, make_event, make_registration
):
    event = make_event(capacity=30)
    make_event(title={"en": "Info session"}, capacity=30)
    make_registration(event, ["Olena", "Mykola"], email="olena@example.org")
    make_registration(event, ["Maria"], email="maria@example.org")
    make_registration(event, ["Aisha"], phone="+359 88 123 4567")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, organiser)
    page.goto(f"{live_server}/manage/events/{event.slug}")
    page.get_by_role("link", name="Cancel the event").click()
    page.get_by_role("heading", name="Cancel “World Refugee Day”?").wait_for()
    assert page.get_by_text("It tells 2 parties by email.").is_visible()
    assert page.get_by_text("It tells 1 party by text message.").is_visible()  # Aisha
    assert page.get_by_text("The tickets of 4 people are no longer valid").is_visible()
    page.screenshot(path=str(tmp_path / "confirm-cancel-event.png"), full_page=True)
    db_session.rollback()
    assert db_session.get(Event, event.id).status == "published"
    page.get_by_role("button", name="Yes, cancel the event").click()
    page.get_by_text("The event is now cancelled.").wait_for()
    db_session.rollback()
    assert db_session.get(Event, event.id).status == "cancelled"
    sent = db_session.execute(select(OutboxMessage.channel, func.count(OutboxMessage.id))
                              .where(OutboxMessage.kind == "event_cancelled")
                              .group_by(OutboxMessage.channel)).all()
    assert dict(sent) == {"email": 2, "sms": 1}
    context.close()


def test_closed_registration_is_reopened_by_the_undo_button(
    app, db_session, live_server, browser, tmp_path, organiser, make_event
):
    event = make_event()
    make_event(title={"en": "Info session"})
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, organiser)
    page.goto(f"{live_server}/manage/events/{event.slug}")
    page.get_by_role("button", name="Close registration").click()
    page.get_by_text("The event is now closed.").wait_for()
    page.screenshot(path=str(tmp_path / "closed-with-undo.png"), full_page=True)
    db_session.rollback()
    assert db_session.get(Event, event.id).status == "closed"
    page.get_by_role("button", name="Undo: reopen registration").click()
    page.get_by_text("Registration is open again.").wait_for()
    db_session.rollback()
    assert db_session.get(Event, event.id).status == "published"
    context.close()
