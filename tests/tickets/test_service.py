"""Checking a scanned code on the server."""

import pytest

from eventreg.database import unit_of_work
from eventreg.tickets.service import TicketRefused, check_ticket, ticket_tokens


def test_valid_ticket_names_its_attendee(db_session, make_event, make_registration):
    registration = make_registration(make_event(), ["Olena"])
    token = ticket_tokens(db_session, registration.attendees)[registration.attendees[0].id]
    assert check_ticket(db_session, token).attendee.name == "Olena"


def test_ticket_of_another_event_is_refused(db_session, make_event, make_registration):
    registration = make_registration(make_event(), ["Olena"])
    other_event = make_event()
    token = ticket_tokens(db_session, registration.attendees)[registration.attendees[0].id]
    with pytest.raises(TicketRefused) as refused:
        check_ticket(db_session, token, event=other_event)
    assert refused.value.reason == "wrong_event"


def test_token_signed_for_a_missing_attendee_is_unknown(app, db_session, make_event):
    from eventreg.tickets.models import EventSigningKey
    from eventreg.tickets.signing import load_private_key, sign_ticket

    event = make_event()
    stored = db_session.get(EventSigningKey, event.id)
    key = load_private_key(stored.private_key_encrypted, app.config["TICKET_KEY_SECRET"])
    with pytest.raises(TicketRefused) as refused:
        check_ticket(db_session, sign_ticket(key, event.id, 999999))
    assert refused.value.reason == "unknown"


def test_forged_token_is_invalid(db_session, make_event, make_registration):
    registration = make_registration(make_event(), ["Olena"])
    token = ticket_tokens(db_session, registration.attendees)[registration.attendees[0].id]
    forged = token[:-5] + ("AAAAA" if not token.endswith("AAAAA") else "BBBBB")
    with pytest.raises(TicketRefused) as refused:
        check_ticket(db_session, forged)
    assert refused.value.reason == "invalid"


def test_ticket_of_a_cancelled_event_is_refused(db_session, organiser, make_event,
                                                make_registration):
    from eventreg.events.service import change_event_status

    event = make_event()
    registration = make_registration(event, ["Olena"])
    token = ticket_tokens(db_session, registration.attendees)[registration.attendees[0].id]
    with unit_of_work(db_session):
        change_event_status(db_session, organiser, event, "cancelled")
    with pytest.raises(TicketRefused) as refused:
        check_ticket(db_session, token)
    assert refused.value.reason == "event_cancelled"
