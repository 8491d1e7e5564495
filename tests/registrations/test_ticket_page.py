"""The private ticket page, its QR images and the calendar file."""

import shutil
import subprocess

import pytest

from eventreg.database import unit_of_work


def test_ticket_page_shows_every_qr_of_the_party(client, make_event, make_registration):
    registration = make_registration(make_event(), ["Olena", "Mykola", "Sofiia"])
    response = client.get(f"/t/{registration.ticket_secret}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<svg") == 3
    for attendee in registration.attendees:
        assert attendee.name in page and attendee.ticket_code in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_cancelled_attendee_has_no_qr_on_the_page(client, db_session, make_event,
                                                  make_registration):
    from eventreg.registrations.service import cancel_attendees

    registration = make_registration(make_event(), ["Olena", "Mykola"])
    with unit_of_work(db_session):
        cancel_attendees(db_session, registration, [registration.attendees[1].id])
    page = client.get(f"/t/{registration.ticket_secret}").get_data(as_text=True)
    assert page.count("<svg") == 1


def test_unknown_ticket_link_is_not_found(client):
    assert client.get("/t/not-a-real-secret-at-all").status_code == 404


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools) is not installed")
def test_png_download_decodes_to_a_token_that_verifies(client, db_session, tmp_path, make_event,
                                                       make_registration, whose_ticket):
    registration = make_registration(make_event(), ["Olena"])
    attendee = registration.attendees[0]
    response = client.get(f"/t/{registration.ticket_secret}/qr/{attendee.id}.png")
    assert response.mimetype == "image/png"
    image = tmp_path / "ticket.png"
    image.write_bytes(response.data)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert whose_ticket(decoded).id == attendee.id


def test_calendar_file_holds_the_event(client, make_event, make_registration):
    from icalendar import Calendar

    event = make_event(venue="Borisova Gradina")
    registration = make_registration(event)
    response = client.get(f"/t/{registration.ticket_secret}/event.ics")
    assert response.mimetype == "text/calendar"
    entry = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert "Borisova Gradina" in str(entry.get("location"))
    assert registration.ticket_secret in str(entry.get("url"))


def test_participant_cancels_one_ticket_from_the_private_link_and_frees_its_place(
    client, db_session, make_event, make_registration, outbox
):
    from sqlalchemy import select

    from eventreg.events.models import Event

    event = make_event(capacity=5)
    family = make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"],
                               email="olena@example.org")
    mykola = family.attendees[1]
    response = client.post(f"/t/{family.ticket_secret}/cancel",
                           data={"attendee_ids": [str(mykola.id)]})
    response.close()
    assert response.status_code == 302
    page = client.get(f"/t/{family.ticket_secret}").get_data(as_text=True)
    assert "Cancelled: Mykola Kovalenko. Their places are free again." in page
    tickets = page.split('class="tickets"')[1].split("cancel-tickets")[0]
    assert "Olena Kovalenko" in tickets and "Mykola Kovalenko" not in tickets
    assert 'data-confirm="Cancel the ticked tickets? This cannot be undone."' in page
    db_session.rollback()
    assert db_session.scalar(select(Event.places_taken).where(Event.id == event.id)) == 1
    [notice] = list(outbox.glob("*.eml"))
    assert b"Mykola Kovalenko" in notice.read_bytes()


def test_tickets_cannot_be_cancelled_from_the_link_once_the_event_started(
    client, db_session, make_event, make_registration
):
    from datetime import timedelta

    event = make_event(starts_in=timedelta(hours=-1))
    party = make_registration(event, ["Olena Kovalenko"])
    client.post(f"/t/{party.ticket_secret}/cancel",
                data={"attendee_ids": [str(party.attendees[0].id)]})
    page = client.get(f"/t/{party.ticket_secret}").get_data(as_text=True)
    assert "can no longer be cancelled" in page
    db_session.rollback()
    assert party.attendees[0].cancelled_at is None


def test_cancelling_nothing_says_what_to_do(client, make_event, make_registration):
    party = make_registration(make_event(), ["Olena Kovalenko"])
    client.post(f"/t/{party.ticket_secret}/cancel", data={})
    assert "Tick the tickets to cancel." in client.get(f"/t/{party.ticket_secret}").get_data(
        as_text=True)


def test_participant_changes_activities_where_places_are_left(client, db_session, make_event,
                                                               make_registration):
    from sqlalchemy import select

    from eventreg.events.models import Activity
    from eventreg.registrations.service import AttendeeRequest

    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 1},
                                   {"title": {"en": "Face painting"}, "capacity": 1}])
    dolls, faces = event.activities
    child = make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                                      activity_ids=[dolls.id])])
    make_registration(event, [AttendeeRequest(name="Daryna", age_group="child",
                                              activity_ids=[faces.id])])
    url = f"/t/{child.ticket_secret}/activities/{child.attendees[0].id}"
    client.post(url, data={"activities": [str(faces.id)]})  # full: refused, nothing changes
    assert "Face painting is full" in client.get(f"/t/{child.ticket_secret}").get_data(
        as_text=True)
    client.post(url, data={})  # drop doll-making: its place is free again
    db_session.rollback()
    taken = dict(db_session.execute(select(Activity.id, Activity.places_taken)).all())
    assert taken == {dolls.id: 0, faces.id: 1}


def test_once_the_event_has_started_the_page_offers_no_cancelling_or_changing(
        client, db_session, make_event, make_registration):
    """The page asks the service what the party may do: it never offers what is refused."""
    from datetime import timedelta

    started = make_event(starts_in=timedelta(hours=-1),
                         activities=[{"title": {"en": "Doll-making"}, "capacity": 5}])
    upcoming = make_event(slug="upcoming",
                          activities=[{"title": {"en": "Doll-making"}, "capacity": 5}])
    late = make_registration(started, ["Olena", "Mykola"])
    early = make_registration(upcoming, ["Ivan", "Petar"])
    page = client.get(f"/t/{late.ticket_secret}").get_data(as_text=True)
    assert "cancel-tickets" not in page and "change-activities" not in page
    refused = client.post(f"/t/{late.ticket_secret}/cancel",
                          data={"attendee_ids": [late.attendees[0].id]}, follow_redirects=True)
    assert "can no longer be cancelled" in refused.get_data(as_text=True)
    page = client.get(f"/t/{early.ticket_secret}").get_data(as_text=True)
    assert "cancel-tickets" in page and "change-activities" in page
