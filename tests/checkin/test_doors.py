"""Door accesses: making them, their secret tokens, and `flask create-door-access`."""

import hashlib
import re

import pytest
from sqlalchemy import select

from eventreg.checkin import doors
from eventreg.checkin.models import DoorAccess, door_access_activities
from eventreg.database import unit_of_work
from eventreg.errors import ValidationFailed

DOLLS = {"title": {"en": "Doll-making"}}


@pytest.mark.parametrize("name", ["", "   ", "x" * 101], ids=["empty", "blank", "too-long"])
def test_door_without_a_usable_name_is_refused(db_session, make_event, name):
    event = make_event()
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        doors.create_door_access(db_session, event, name)
    assert "name" in refused.value.fields
    db_session.rollback()
    assert db_session.scalars(select(DoorAccess)).all() == []


def test_door_for_an_activity_of_another_event_is_refused(db_session, make_event):
    event = make_event(activities=[DOLLS])
    other = make_event(slug="other-event", activities=[DOLLS])
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        doors.create_door_access(db_session, event, "Tent",
                                 activity_ids=[event.activities[0].id, other.activities[0].id])
    assert "activities" in refused.value.fields
    db_session.rollback()
    assert db_session.scalars(select(DoorAccess)).all() == []


def test_door_for_its_own_events_activity_serves_that_activity(db_session, make_event):
    event = make_event(activities=[DOLLS, {"title": {"en": "Stage"}}])
    dolls_id = event.activities[0].id
    with unit_of_work(db_session):
        door, _ = doors.create_door_access(db_session, event, "  Doll-making tent ",
                                           activity_ids=[dolls_id, dolls_id])
    db_session.rollback()
    stored = db_session.get(DoorAccess, door.id)
    assert stored.name == "Doll-making tent"
    assert [activity.id for activity in stored.activities] == [dolls_id]


def test_token_shown_again_is_the_token_first_given(make_event, make_door):
    door, token = make_door(make_event())
    assert token.startswith("door_")
    assert doors.door_token(door) == token


def test_token_is_stored_only_as_its_hash_and_encrypted(db_session, make_event, make_door):
    door, token = make_door(make_event())
    db_session.rollback()
    row = db_session.execute(
        select(DoorAccess.__table__).where(DoorAccess.id == door.id)).one()._mapping
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    for column, value in row.items():
        stored = value if isinstance(value, bytes) else str(value).encode()
        assert token.encode() not in stored, column
        assert token.removeprefix("door_").encode() not in stored, column


def test_token_opens_its_own_door(db_session, make_event, make_door):
    event = make_event()
    make_door(event, "Side entrance")
    door, token = make_door(event, "Main gate")
    assert doors.door_for_token(db_session, token).id == door.id


def test_token_with_one_character_changed_opens_no_door(db_session, make_event, make_door):
    _, token = make_door(make_event())
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(doors.DoorAccessRefused) as refused:
        doors.door_for_token(db_session, altered)
    assert refused.value.reason == "door_unknown"


# --- flask create-door-access ---------------------------------------------------------------


def test_cli_prints_a_door_link_and_a_token_that_opens_the_door(runner, db_session, make_event):
    event = make_event()
    result = runner.invoke(args=["create-door-access", event.slug, "Main gate"])
    assert result.exit_code == 0, result.output
    link = re.search(r"^Link: (\S+)$", result.output, re.MULTILINE).group(1)
    token = re.search(r"^Token: (\S+)$", result.output, re.MULTILINE).group(1)
    assert re.fullmatch(r"https?://[^/]+/door/door_[\w-]+", link)
    assert link.endswith(f"/door/{token}")
    door = doors.door_for_token(db_session, token)
    assert (door.name, door.event_id) == ("Main gate", event.id)


def test_cli_makes_an_activity_door_that_records_exits(runner, db_session, make_event):
    event = make_event(activities=[DOLLS])
    dolls_id = event.activities[0].id
    result = runner.invoke(args=["create-door-access", event.slug, "Doll-making tent",
                                 "--activity", str(dolls_id), "--records-exits"])
    assert result.exit_code == 0, result.output
    door = db_session.scalar(select(DoorAccess))
    assert door.records_exits
    assert db_session.execute(select(door_access_activities.c.activity_id)).scalars().all() == [
        dolls_id]


def test_cli_for_an_unknown_slug_fails_with_a_clear_message(runner, db_session, make_event):
    make_event()
    result = runner.invoke(args=["create-door-access", "no-such-event", "Main gate"])
    assert result.exit_code != 0
    assert "No event with the slug 'no-such-event'" in result.output
    assert db_session.scalars(select(DoorAccess)).all() == []


def test_cli_explains_a_missing_door_name(runner, make_event):
    event = make_event()
    result = runner.invoke(args=["create-door-access", event.slug, "  "])
    assert result.exit_code != 0
    assert "Name the door" in result.output


def test_activity_a_door_serves_cannot_be_removed(db_session, organiser, make_event, make_door):
    from eventreg.errors import Conflict
    from eventreg.events import service as events

    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 20}])
    dolls = event.activities[0]
    make_door(event, "Doll-making tent", activity_ids=[dolls.id])
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        events.remove_activity(db_session, organiser, dolls)
    assert refused.value.reason == "activity_in_use"
    assert "door" in refused.value.message


def test_no_door_link_is_made_for_an_event_that_is_over(db_session, client, auth, organiser,
                                                        make_event, runner):
    from datetime import timedelta

    from eventreg.checkin.models import DoorAccess
    from eventreg.errors import Conflict

    event = make_event(starts_in=timedelta(days=-2))
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        doors.create_door_access(db_session, event, "Main gate")
    assert refused.value.reason == "event_over"
    result = runner.invoke(args=["create-door-access", event.slug, "Main gate"])
    assert result.exit_code != 0 and "This event is over" in result.output
    auth.login(organiser)
    page = client.post(f"/manage/events/{event.slug}/doors", data={"name": "Main gate"})
    assert "This event is over" in page.get_data(as_text=True)
    assert db_session.scalars(select(DoorAccess)).all() == []
    running = make_event(slug="running-now", starts_in=timedelta(hours=-1))
    assert doors.create_door_access(db_session, running, "Main gate")[0].event_id == running.id
