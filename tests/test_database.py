"""Wall-clock times read in an event's time zone, and units of work."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from eventreg.database import NonexistentLocalTime, local_to_utc, unit_of_work


def test_local_time_is_read_in_the_events_zone():
    assert local_to_utc(datetime(2027, 6, 20, 10, 0), "Europe/Sofia") == datetime(
        2027, 6, 20, 7, 0, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_refused():
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(datetime(2027, 3, 28, 3, 30), "Europe/Sofia")


def test_a_repeated_time_is_read_as_the_first():
    assert local_to_utc(datetime(2027, 10, 31, 3, 30), "Europe/Sofia") == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC)


def test_a_unit_that_keeps_loaded_leaves_its_objects_as_written_after_the_commit(
        db_session, make_event):
    event, other = make_event(), make_event(slug="another-day")
    with unit_of_work(db_session, keep_loaded=True):
        event.venue = "Yuzhen Park"
    assert not inspect(event).expired_attributes  # read with no query
    assert event.venue == "Yuzhen Park"
    # The next unit expires as before, and what was kept loaded was committed.
    with unit_of_work(db_session):
        other.venue = "Community hall"
    assert {"venue"} <= inspect(other).expired_attributes
    db_session.expire_all()
    assert (event.venue, other.venue) == ("Yuzhen Park", "Community hall")


def test_a_unit_that_keeps_loaded_and_fails_keeps_nothing(db_session, make_event):
    event = make_event()
    with pytest.raises(RuntimeError), unit_of_work(db_session, keep_loaded=True):
        event.venue = "Yuzhen Park"
        raise RuntimeError("refused")
    assert db_session().expire_on_commit  # the session's own setting is back
    assert event.venue != "Yuzhen Park"
