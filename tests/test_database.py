"""Wall-clock times read in an event's time zone."""

from datetime import UTC, datetime

import pytest

from eventreg.database import NonexistentLocalTime, local_to_utc


def test_local_time_is_read_in_the_events_zone():
    assert local_to_utc(datetime(2027, 6, 20, 10, 0), "Europe/Sofia") == datetime(
        2027, 6, 20, 7, 0, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_refused():
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(datetime(2027, 3, 28, 3, 30), "Europe/Sofia")


def test_a_repeated_time_is_read_as_the_first():
    assert local_to_utc(datetime(2027, 10, 31, 3, 30), "Europe/Sofia") == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC)
