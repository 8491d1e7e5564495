"""Reminders the day before, and notices when an event moves or is cancelled."""

from datetime import datetime, timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from eventreg.database import unit_of_work
from eventreg.events import service as events
from eventreg.messages.models import OutboxMessage
from eventreg.messages.service import deliver_due
from eventreg.registrations.notifications import queue_reminders


def queued(db_session, kind):
    db_session.rollback()
    return db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).all()


def written(db_session, message: OutboxMessage) -> OutboxMessage:
    """The message as delivery wrote (and sent) it."""
    message_id = message.id
    assert deliver_due(db_session, only_ids=[message_id]).sent == [message_id]
    db_session.rollback()
    return db_session.get(OutboxMessage, message_id)


def test_reminders_go_once_to_parties_of_tomorrows_events_in_their_language(
    db_session, make_event, make_registration
):
    sofia = ZoneInfo("Europe/Sofia")
    now = datetime(2027, 6, 19, 9, 0, tzinfo=sofia)
    tomorrow = make_event(starts_in=timedelta(days=1), slug="tomorrow")
    tomorrow.starts_at = datetime(2027, 6, 20, 10, 0, tzinfo=sofia)
    later = make_event(slug="later")
    db_session.commit()
    make_registration(tomorrow, ["Олена"], email="olena@example.org", language="uk")
    make_registration(tomorrow, ["Ivan"])  # no email: nothing to send
    make_registration(later, ["Petar"], email="petar@example.org")
    for expected in (1, 0):  # not twice
        with unit_of_work(db_session):
            assert queue_reminders(db_session, now=now) == expected
    [reminder] = queued(db_session, "reminder")
    assert reminder.to_address == "olena@example.org"
    with force_locale("uk"):
        assert gettext("A reminder: %(title)s is tomorrow.",
                       title="Всесвітній день біженців") in written(db_session, reminder).text_body


def test_moving_an_event_tells_everyone_registered(db_session, organiser, make_event,
                                                   make_registration):
    event = make_event()
    make_registration(event, ["Olena"], email="olena@example.org")
    details = events.EventDetails(
        title=event.title, starts_at=event.starts_at + timedelta(hours=2),
        ends_at=event.ends_at + timedelta(hours=2), privacy_notice=event.privacy_notice,
        venue="Yuzhen Park")
    with unit_of_work(db_session):
        events.update_event(db_session, organiser, event, details)
    [notice] = queued(db_session, "event_changed")
    assert notice.text_body is None  # written when it goes out, not under the event's lock
    assert "Yuzhen Park" in written(db_session, notice).text_body


def test_cancelling_an_event_tells_everyone_registered(db_session, organiser, make_event,
                                                       make_registration):
    event = make_event()
    make_registration(event, ["Olena"], email="olena@example.org")
    make_registration(event, ["Ivan"], email="ivan@example.org")
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "cancelled")
    assert {m.to_address for m in queued(db_session, "event_cancelled")} == {
        "olena@example.org", "ivan@example.org"}


def test_send_reminders_command_queues_and_sends(app, db_session, runner, make_event,
                                                 make_registration, outbox):
    event = make_event()
    make_registration(event, ["Olena"], email="olena@example.org")
    zone = ZoneInfo(event.timezone)
    tomorrow_noon = (datetime.now(zone) + timedelta(days=1)).replace(hour=12, minute=0)
    event.starts_at, event.ends_at = tomorrow_noon, tomorrow_noon + timedelta(hours=3)
    db_session.commit()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    # The registration's confirmation was still waiting for a worker: sent with the reminder.
    assert "queued 1 reminders; sent 2" in result.output
    subjects = sorted(message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"]
                      for path in outbox.glob("*.eml"))
    assert subjects == ["Tomorrow: World Refugee Day", "Your tickets: World Refugee Day"]
    assert "queued 0 reminders" in runner.invoke(args=["send-reminders"]).output


def test_confirmation_is_queued_with_the_registration_or_not_at_all(db_session, make_event,
                                                                   make_registration,
                                                                   monkeypatch):
    from eventreg.registrations import notifications
    from eventreg.registrations.models import Registration

    event = make_event(capacity=10)
    registration = make_registration(event, ["Olena"], email="olena@example.org")
    [confirmation] = queued(db_session, "confirmation")
    assert confirmation.registration_id == registration.id

    def outbox_fails(*args, **kwargs):
        raise RuntimeError("the outbox table is not there")

    monkeypatch.setattr(notifications, "queue_message", outbox_fails)
    with pytest.raises(RuntimeError):
        make_registration(event, ["Ivan"], email="ivan@example.org")
    db_session.rollback()
    assert [r.id for r in db_session.scalars(select(Registration))] == [registration.id]
    db_session.refresh(event)
    assert event.places_taken == 1


def test_organiser_cancelling_a_ticket_tells_the_party_right_after_the_answer(
    client, auth, db_session, organiser, make_event, make_registration, outbox
):
    event = make_event()
    family = make_registration(event, ["Olena", "Mykola"], email="olena@example.org")
    auth.login(organiser)
    response = client.post(f"/manage/events/{event.slug}/registrations/{family.id}/cancel",
                           data={"attendee_id": family.attendees[1].id, "confirmed": "yes"})
    assert response.status_code == 302
    [sent] = outbox.glob("*.eml")
    notice = message_from_bytes(sent.read_bytes(), policy=policy.default)
    assert notice["Subject"] == "Tickets cancelled: World Refugee Day"
    text = notice.get_body(("plain",)).get_content()
    assert "- Mykola" in text and "The other tickets stay valid" in text
    [row] = queued(db_session, "cancellation")
    assert row.status == "sent"
    # Only what this request queued went out; the confirmation waits for the worker.
    [confirmation] = queued(db_session, "confirmation")
    assert confirmation.status == "pending"
