"""Fixtures for door check-in: door accesses, their tokens, and attendees' ticket codes."""

import uuid
from datetime import timedelta

import pytest

from eventreg.checkin import doors
from eventreg.checkin import scanning as checkin
from eventreg.database import unit_of_work, utcnow
from eventreg.tickets.service import ticket_tokens
from tests.doors import app_door


@pytest.fixture
def make_door(db_session):
    """Make a door access, as if the day before; returns (door, token).

    A day old, so scans "made" earlier in a test are not older than their door.
    """

    def make(event, name="Main gate", **options):
        with unit_of_work(db_session):
            door, token = doors.create_door_access(db_session, event, name, **options)
            if "created_at" not in options:
                door.created_at = utcnow() - timedelta(days=1)
        return door, token

    return make


@pytest.fixture
def qr_of(db_session):
    """The QR token of an attendee's ticket."""

    def qr(attendee):
        return ticket_tokens(db_session, [attendee])[attendee.id]

    return qr


@pytest.fixture
def scan(db_session, qr_of):
    """Scan an attendee's ticket (or any code) at a door through the service."""

    def do_scan(door, attendee_or_code, *, earliest_wins=False, now=None, **values):
        code = attendee_or_code if isinstance(attendee_or_code, str) else qr_of(attendee_or_code)
        values.setdefault("client_id", uuid.uuid4().hex)
        with unit_of_work(db_session):
            return checkin.check_in(db_session, app_door(door),
                                    checkin.CheckinRequest(qr=code, **values),
                                    earliest_wins=earliest_wins, now=now)

    return do_scan


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
