"""A party taken off the waiting list by mistake is put back in its old place."""

from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work
from eventreg.errors import Conflict
from eventreg.events import service as events
from eventreg.registrations.service import cancel_attendees
from eventreg.waitlist import line
from eventreg.waitlist import service as waitlist
from eventreg.waitlist.models import WaitlistEntry
from tests.waitlist.test_service import party


def full_event_with_a_line(db_session, make_event, make_registration):
    event = make_event(capacity=1)
    make_event(title={"en": "Info session"}, capacity=1)
    first = make_registration(event, ["Olena"])
    with unit_of_work(db_session):
        line_ = [waitlist.join_waitlist(db_session, event, party(name), phone_region="BG")
                 for name in ("Ivan", "Maria", "Petar")]
    return event, first, [entry.id for entry in line_]


def test_a_removed_party_is_put_back_in_its_old_place_audited(
    db_session, organiser, make_event, make_registration
):
    event, _first, (ivan, maria, petar) = full_event_with_a_line(
        db_session, make_event, make_registration)
    with unit_of_work(db_session):
        waitlist.remove_from_waitlist(db_session, db_session.get(WaitlistEntry, maria),
                                      by=organiser)
    assert [e.id for e in line.list_waiting(db_session, event)] == [ivan, petar]
    with unit_of_work(db_session):
        entry = waitlist.put_back_on_waitlist(db_session, db_session.get(WaitlistEntry, maria),
                                              by=organiser)
    assert entry.is_waiting and line.place_in_line(db_session, entry) == 2
    assert [e.id for e in line.list_waiting(db_session, event)] == [ivan, maria, petar]
    actions = db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["waitlist.removed", "waitlist.put_back"]


def test_a_party_put_back_after_the_line_moved_waits_first_in_line(
    db_session, organiser, make_event, make_registration
):
    event, first, (ivan, maria, _petar) = full_event_with_a_line(
        db_session, make_event, make_registration)
    with unit_of_work(db_session):
        waitlist.remove_from_waitlist(db_session, db_session.get(WaitlistEntry, ivan),
                                      by=organiser)
        cancel_attendees(db_session, first)  # Maria, first in line now, gets the place
    assert db_session.get(WaitlistEntry, maria).promoted_at is not None
    with unit_of_work(db_session):
        entry = waitlist.put_back_on_waitlist(db_session, db_session.get(WaitlistEntry, ivan),
                                              by=organiser)
    assert entry.is_waiting and line.place_in_line(db_session, entry) == 1


def test_a_party_still_waiting_registered_or_of_a_cancelled_event_is_not_put_back(
    db_session, organiser, make_event, make_registration
):
    event, first, (ivan, maria, petar) = full_event_with_a_line(
        db_session, make_event, make_registration)
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)  # Ivan is registered
        waitlist.remove_from_waitlist(db_session, db_session.get(WaitlistEntry, petar),
                                      by=organiser)
        events.change_event_status(db_session, organiser, event, "cancelled")
    for entry_id in (ivan, maria, petar):
        try:
            with unit_of_work(db_session):
                waitlist.put_back_on_waitlist(db_session, db_session.get(WaitlistEntry, entry_id),
                                              by=organiser)
        except Conflict as refusal:
            assert refusal.reason == "not_removed"
        else:
            raise AssertionError(f"put back entry {entry_id}")
    assert db_session.get(WaitlistEntry, petar).removed_at is not None


def test_removing_from_the_page_offers_an_undo_that_puts_the_party_back(
    client, auth, db_session, organiser, make_event, make_registration
):
    event, _first, (ivan, maria, petar) = full_event_with_a_line(
        db_session, make_event, make_registration)
    auth.login(organiser)
    page = client.post(f"/manage/events/{event.slug}/waitlist/{maria}/remove",
                       follow_redirects=True).get_data(as_text=True)
    assert "Maria taken off the waiting list." in page
    undo = f"/manage/events/{event.slug}/waitlist/{maria}/put-back"
    assert f'action="{undo}"' in page and "Undo: put back in the same place" in page
    page = client.post(undo, follow_redirects=True).get_data(as_text=True)
    assert "Back on the waiting list, in place 2." in page
    assert [e.id for e in line.list_waiting(db_session, event)] == [ivan, maria, petar]
    refused = client.post(undo, follow_redirects=True).get_data(as_text=True)
    assert "can no longer be put back" in refused
