"""A cancelled event's pages say so first, and stop telling people to show their codes."""

from eventreg.database import unit_of_work
from eventreg.events import service as events


def cancelled_event_with_families(db_session, organiser, make_event, make_registration):
    event = make_event(capacity=10)
    make_event(title={"en": "Info session"}, capacity=10)
    families = [make_registration(event, ["Olena", "Mykola"], email="olena@example.org"),
                make_registration(event, ["Maria"])]
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, event, "cancelled")
    return event, families


def test_a_cancelled_events_ticket_page_says_so_first_and_shows_no_codes(
    client, db_session, organiser, make_event, make_registration
):
    _event, (family, _other) = cancelled_event_with_families(
        db_session, organiser, make_event, make_registration)
    page = client.get(f"/t/{family.ticket_secret}").get_data(as_text=True)
    main = page[page.index('<main id="main">'):]
    assert main.index("This event is cancelled.") < main.index("<h1>")
    assert "nothing to show at the entrance" in main
    assert "Show these codes at the entrance" not in page
    assert "<svg" not in main and "Save QR code as image" not in main
    assert "Add to calendar" not in main
    assert "Olena" in main and "Mykola" in main


def test_a_live_events_ticket_page_still_shows_the_codes(client, make_event, make_registration):
    event = make_event(capacity=10)
    family = make_registration(event, ["Olena", "Mykola"])
    make_registration(event, ["Maria"])
    page = client.get(f"/t/{family.ticket_secret}").get_data(as_text=True)
    assert "Show these codes at the entrance" in page and "This event is cancelled." not in page
    assert page.count("<svg") == 2 and 'id="qr-path"' not in page


def test_a_cancelled_events_public_page_does_not_also_say_registration_is_not_open(
    client, db_session, organiser, make_event, make_registration
):
    event, _families = cancelled_event_with_families(
        db_session, organiser, make_event, make_registration)
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "This event is cancelled." in page
    assert "Registration is not open." not in page
    closed = make_event(title={"en": "Closed one"}, slug="closed-one")
    with unit_of_work(db_session):
        events.change_event_status(db_session, organiser, closed, "closed")
    assert "Registration is not open." in client.get("/e/closed-one").get_data(as_text=True)
