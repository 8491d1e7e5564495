"""Reminders the day before, and notices when an event moves or is cancelled."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext
from sqlalchemy import select

from eventreg.events import service as events
from eventreg.messages.models import OutboxMessage
from eventreg.registrations.notifications import queue_reminders


def queued(db_session, kind):
    db_session.rollback()
    return db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).all()


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
    assert queue_reminders(db_session, now=now) == 1
    assert queue_reminders(db_session, now=now) == 0  # not twice
    [reminder] = queued(db_session, "reminder")
    assert reminder.to_address == "olena@example.org"
    with force_locale("uk"):
        assert gettext("A reminder: %(title)s is tomorrow.",
                       title="Всесвітній день біженців") in reminder.text_body


def test_moving_an_event_tells_everyone_registered(db_session, organiser, make_event,
                                                   make_registration):
    event = make_event()
    make_registration(event, ["Olena"], email="olena@example.org")
    details = events.EventDetails(
        title=event.title, starts_at=event.starts_at + timedelta(hours=2),
        ends_at=event.ends_at + timedelta(hours=2), privacy_notice=event.privacy_notice,
        venue="Yuzhen Park")
    events.update_event(db_session, organiser, event, details)
    [notice] = queued(db_session, "event_changed")
    assert "Yuzhen Park" in notice.text_body


def test_cancelling_an_event_tells_everyone_registered(db_session, organiser, make_event,
                                                       make_registration):
    event = make_event()
    make_registration(event, ["Olena"], email="olena@example.org")
    make_registration(event, ["Ivan"], email="ivan@example.org")
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
    assert "queued 1 reminders; sent 1" in result.output
    assert len(list(outbox.glob("*.eml"))) == 1
