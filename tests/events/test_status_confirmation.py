"""Cancelling an event asks once more, naming whom it tells; closing registration is undone
by reopening it."""

from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work
from eventreg.errors import Conflict
from eventreg.events import service as events
from eventreg.messages.models import OutboxMessage
from eventreg.registrations.service import cancel_attendees
from eventreg.waitlist import service as waitlist
from eventreg.waitlist.models import WaitlistEntry
from tests.waitlist.test_service import party


def families(make_registration, event):
    """Three parties with an email (one of them with one ticket cancelled), one with only a
    phone, one cancelled whole: four are told, three by email and one by text message."""
    told = [make_registration(event, ["Olena", "Mykola"], email="olena@example.org"),
            make_registration(event, ["Maria"], email="maria@example.org"),
            make_registration(event, ["Ivan", "Petar"], email="ivan@example.org")]
    phone_only = make_registration(event, ["Aisha"], phone="+359 88 123 4567")
    gone = make_registration(event, ["Samir"], email="samir@example.org")
    return told, phone_only, gone


def test_people_told_of_a_cancellation_are_the_parties_with_a_contact_and_a_valid_ticket(
    db_session, make_event, make_registration
):
    event = make_event(capacity=20)
    other = make_event(title={"en": "Info session"}, capacity=20)
    told, _phone_only, gone = families(make_registration, event)
    make_registration(other, ["Elsewhere"], email="elsewhere@example.org")
    with unit_of_work(db_session):
        cancel_attendees(db_session, gone)
        cancel_attendees(db_session, told[2], [told[2].attendees[0].id])
    preview = events.people_told_of_status_change(db_session, event, "cancelled")
    assert (preview.by_email, preview.by_text, preview.parties) == (3, 1, 4)
    assert events.people_told_of_status_change(db_session, event, "closed") is None
    pending = set(db_session.scalars(select(OutboxMessage.id)))
    organiser = event.organisation.organisers[0]
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "cancelled")
    notices = db_session.scalars(select(OutboxMessage).where(
        OutboxMessage.id.not_in(pending))).all()
    assert len(notices) == preview.by_email + preview.by_text  # what was shown is what went
    assert {notice.kind for notice in notices} == {"event_cancelled"}


def test_cancelling_a_draft_tells_nobody(db_session, make_event):
    draft = make_event(status="draft")
    assert events.people_told_of_status_change(db_session, draft, "cancelled") is None


def test_reopening_registration_publishes_again_audited_and_moves_the_line(
    db_session, organiser, make_event, make_registration
):
    event = make_event(capacity=2)
    make_event(title={"en": "Info session"}, capacity=2)
    first = make_registration(event, ["Olena"], email="olena@example.org")
    make_registration(event, ["Maria"])
    with unit_of_work(db_session):
        entry = waitlist.join_waitlist(db_session, event, party("Ivan"), phone_region="BG")
        waitlist.join_waitlist(db_session, event, party("Petar", "Anna"), phone_region="BG")
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "closed")
        cancel_attendees(db_session, first)  # no promotion while registration is closed
    assert db_session.get(WaitlistEntry, entry.id).is_waiting
    with unit_of_work(db_session):
        events.reopen_registration(db_session, organiser, event)
    assert event.status == "published"
    assert db_session.get(WaitlistEntry, entry.id).promoted_at is not None
    [audited] = db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "event.registration_reopened")).all()
    assert audited.details == {"status": ["closed", "published"]}
    assert audited.organiser_id == organiser.id and audited.event_id == event.id


def test_only_a_closed_event_can_be_reopened(db_session, organiser, make_event):
    published = make_event()
    cancelled = make_event(title={"en": "Info session"})
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, cancelled, "cancelled")
    for event in (published, cancelled):
        try:
            with unit_of_work(db_session):
                events.reopen_registration(db_session, organiser, event)
        except Conflict as refusal:
            assert refusal.reason == "not_closed"
        else:
            raise AssertionError("reopened an event that was not closed")
    db_session.rollback()
    assert (published.status, cancelled.status) == ("published", "cancelled")


def test_cancel_button_leads_to_a_page_naming_how_many_are_told(
    client, auth, db_session, organiser, make_event, make_registration
):
    event = make_event(capacity=20)
    families(make_registration, event)
    auth.login(organiser)
    overview = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    assert f'href="/manage/events/{event.slug}/status/cancelled"' in overview
    page = client.get(f"/manage/events/{event.slug}/status/cancelled").get_data(as_text=True)
    assert "Cancel “World Refugee Day”?" in page
    assert "It tells 4 parties by email." in page
    assert "The tickets of 7 people are no longer valid at the door." in page
    assert 'name="confirmed" value="yes"' in page and "This cannot be undone." in page


def test_cancelling_an_event_without_the_confirmation_changes_nothing(
    client, auth, db_session, organiser, make_event, make_registration
):
    event = make_event(capacity=20)
    families(make_registration, event)
    auth.login(organiser)
    url = f"/manage/events/{event.slug}/status/cancelled"
    response = client.post(url)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    db_session.refresh(event)
    assert event.status == "published"
    assert db_session.scalar(select(OutboxMessage).where(
        OutboxMessage.kind == "event_cancelled")) is None
    client.post(url, data={"confirmed": "yes"})
    db_session.refresh(event)
    assert event.status == "cancelled"
    assert len(db_session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "event_cancelled")).all()) == 5  # 4 emails and a text


def test_closing_registration_offers_an_undo_that_reopens_it(
    client, auth, db_session, organiser, make_event
):
    event = make_event()
    make_event(title={"en": "Info session"})
    auth.login(organiser)
    page = client.post(f"/manage/events/{event.slug}/status/closed",
                       follow_redirects=True).get_data(as_text=True)
    assert "The event is now closed." in page
    assert f'action="/manage/events/{event.slug}/reopen"' in page
    assert "Undo: reopen registration" in page
    page = client.post(f"/manage/events/{event.slug}/reopen",
                       follow_redirects=True).get_data(as_text=True)
    assert "Registration is open again." in page
    db_session.refresh(event)
    assert event.status == "published"


def test_another_organisation_cannot_see_the_confirmation_or_reopen(
    client, auth, db_session, make_organiser, make_event
):
    event = make_event(status="draft")
    auth.login(make_organiser(organisation="Another NGO"))
    assert client.get(f"/manage/events/{event.slug}/status/cancelled").status_code == 404
    assert client.post(f"/manage/events/{event.slug}/reopen").status_code == 404
