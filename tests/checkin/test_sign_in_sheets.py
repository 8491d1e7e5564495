"""A paper sign-in sheet typed in after the event counts as attendance."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from eventreg.audit.models import AuditEntry
from eventreg.checkin.models import DoorAccess
from eventreg.checkin.sign_in_sheets import SIGN_IN_SHEET_DOOR, enter_sign_in_sheet
from eventreg.database import unit_of_work
from eventreg.errors import Conflict, ValidationFailed
from eventreg.events import service as events
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.service import AttendeeRequest
from eventreg.reports.service import programme_report
from tests.checkin.conftest import bearer

_sheets = iter(range(1, 1000))


def next_sheet() -> str:
    return f"sheet{next(_sheets):05d}"


def row(name, sex=None, age_group="adult"):
    return AttendeeRequest(name=name, age_group=age_group, sex=sex)


def count(db_session, model) -> int:
    db_session.rollback()
    return db_session.scalar(select(func.count()).select_from(model))


def test_the_sheets_people_count_as_walk_ins_checked_in_at_the_sign_in_sheet_door(
    client, db_session, organiser, make_event
):
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Info sessions")
    event = make_event(asks_sex=True, programme_id=programme.id, starts_in=-timedelta(days=2),
                       questions=[{"label": {"en": "Where did you hear of it?"},
                                   "kind": "text", "required": True}])
    with unit_of_work(db_session):
        entered = enter_sign_in_sheet(db_session, organiser, event, sheet_id=next_sheet(), people=[
            row("Айше Мехмед", "female"), row(""), row("Асен Тодоров", "male", "child"),
        ])
    assert entered == 2  # the empty line is skipped; the question is not on paper
    db_session.rollback()
    people = db_session.scalars(select(Attendee).order_by(Attendee.id)).all()
    assert [(p.name, p.sex, p.age_group) for p in people] == [
        ("Айше Мехмед", "female", "adult"), ("Асен Тодоров", "male", "child")]
    assert all(p.registration.walk_in for p in people)
    # They arrived when the event began, not when someone typed the sheet in.
    assert {p.checked_in_at for p in people} == {event.starts_at}
    [door] = db_session.scalars(select(DoorAccess)).all()
    assert door.name == SIGN_IN_SHEET_DOOR and door.for_sign_in_sheets
    assert {p.checked_in_door_id for p in people} == {door.id}
    # The door is a name in the figures, never a link anyone could open.
    from eventreg.checkin.doors import door_token

    assert client.get("/api/v1/door", headers=bearer(door_token(door))).status_code == 401
    # A second sheet goes through the same door.
    with unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, sheet_id=next_sheet(),
                            people=[row("Тодорка Тодорова", "female")])
    assert count(db_session, DoorAccess) == 1
    year = event.starts_at.year
    report = programme_report(db_session, organiser, programme.id, date(year, 1, 1),
                              date(year, 12, 31))
    assert (report.attended, report.by_sex) == (3, {"female": 2, "male": 1})
    actions = db_session.scalars(select(AuditEntry.action)).all()
    assert actions.count("sign_in_sheet.entered") == 2


def test_the_same_sheet_sent_twice_or_with_a_line_added_records_each_line_once(
    db_session, organiser, make_event, make_registration
):
    event = make_event(capacity=3)
    sheet = next_sheet()
    lines = [row("Ivan"), row("Petar")]
    for _ in range(2):
        with unit_of_work(db_session):
            assert enter_sign_in_sheet(db_session, organiser, event, sheet_id=sheet,
                                       people=lines) == 2
    assert count(db_session, Registration) == 2
    # A third line when one place is left: the first two are not counted again.
    lines.append(row("Stoyan"))
    with unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, sheet_id=sheet, people=lines)
    assert count(db_session, Registration) == 3


def test_a_sheet_with_a_line_that_finds_no_room_saves_nothing_and_names_the_line(
        db_session, organiser, make_event, make_registration):
    """The database decides: the last place was taken online just before the sheet."""
    event = make_event(capacity=4)
    make_registration(event, ["Olena", "Mykola"])
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, sheet_id=next_sheet(),
                            people=[row("Ivan"), row(""), row("Petar"), row("Stoyan")])
    assert refused.value.reason == "event_full"
    assert str(refused.value.message).startswith("Line 4 was refused: there is no room left")
    assert "Nothing from this sheet was saved." in str(refused.value.message)
    assert list(refused.value.fields) == ["rows.3"]
    assert count(db_session, Registration) == 1
    db_session.refresh(event)
    assert event.places_taken == 2


def test_an_organisers_own_door_called_sign_in_sheet_is_left_alone(db_session, organiser,
                                                                   make_event, make_door):
    event = make_event()
    own, _token = make_door(event, SIGN_IN_SHEET_DOOR)
    with unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, sheet_id=next_sheet(),
                            people=[row("Ivan")])
    db_session.rollback()
    doors = db_session.scalars(select(DoorAccess).order_by(DoorAccess.id)).all()
    assert [(d.id == own.id, d.for_sign_in_sheets, d.revoked_at is None) for d in doors] == [
        (True, False, True), (False, True, False)]


def test_a_row_the_event_would_refuse_is_named_by_its_line_and_nothing_is_saved(
    db_session, organiser, make_event
):
    event = make_event(asks_sex=True)
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, sheet_id=next_sheet(), people=[
            row("Айше Мехмед", "female"), row(""), row("Асен Тодоров"),
            row("x" * 300, "male")])
    assert set(refused.value.fields) == {"rows.2.sex", "rows.3.name"}
    assert count(db_session, Registration) == 0


def test_an_empty_sheet_or_one_with_more_people_than_places_saves_nothing(
    db_session, organiser, make_event, make_registration
):
    event = make_event(capacity=3)
    make_registration(event, ["Olena", "Mykola"])
    with pytest.raises(ValidationFailed), unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, sheet_id=next_sheet(), people=[row(""), row("  ")])
    with pytest.raises(Conflict) as refused, unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, event, sheet_id=next_sheet(), people=[row("Ivan"), row("Petar")])
    assert refused.value.reason == "event_full"
    assert "(places left before this sheet: 1, people on the sheet: 2)" in str(
        refused.value.message)
    with pytest.raises(Conflict) as draft_refused, unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, make_event(status="draft", slug="draft"),
                            sheet_id=next_sheet(), people=[row("Ivan")])
    assert draft_refused.value.reason == "registration_closed"
    assert count(db_session, DoorAccess) == 0  # no stray door either
    assert count(db_session, Registration) == 1


def test_organiser_types_in_a_sheet_keeps_what_was_typed_on_a_mistake_then_saves(
    client, auth, db_session, organiser, make_event
):
    event = make_event(asks_sex=True)
    auth.login(organiser)
    url = f"/manage/events/{event.slug}/sign-in-sheet/enter"
    page = client.get(url).get_data(as_text=True)
    assert page.count('<li class="sheet-row') == 10
    [sheet_id] = re.findall(r'name="sheet_id" value="([^"]+)"', page)
    more = client.post(url, data={"row_count": "10", "action": "more_rows", "sheet_id": sheet_id,
                                  "rows.0.name": "Айше Мехмед"}).get_data(as_text=True)
    assert more.count('<li class="sheet-row') == 20 and 'value="Айше Мехмед"' in more
    assert f'name="sheet_id" value="{sheet_id}"' in more  # the same sheet
    typed = {"row_count": "20", "action": "save", "sheet_id": sheet_id,
             "rows.0.name": "Айше Мехмед", "rows.0.sex": "female",
             "rows.4.name": "Асен Тодоров", "rows.4.child": "yes"}
    mistake = client.post(url, data=typed)
    page = mistake.get_data(as_text=True)
    assert mistake.status_code == 422
    assert 'id="f-rows-4-sex-error"' in page and 'value="Асен Тодоров"' in page
    assert '<a href="#f-rows-4-sex">line 5</a>' in page  # named in the list at the top
    assert '<option value="female" selected>' in page
    saved = client.post(url, data={**typed, "rows.4.sex": "prefer_not_to_say"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/dashboard")
    again = client.post(url, data={**typed, "rows.4.sex": "prefer_not_to_say"})  # Back, send
    assert again.status_code == 302
    dashboard = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "2 people from the sign-in sheet now count as attendance." in dashboard
    assert SIGN_IN_SHEET_DOOR in dashboard
    db_session.rollback()
    ages = db_session.execute(select(Attendee.name, Attendee.age_group)
                              .order_by(Attendee.id)).all()
    assert ages == [("Айше Мехмед", "adult"), ("Асен Тодоров", "child")]  # each once


def test_only_the_events_organisation_types_in_its_sheets(client, auth, make_event,
                                                          make_organiser):
    event = make_event()
    auth.login(make_organiser("Other office"))
    assert client.get(f"/manage/events/{event.slug}/sign-in-sheet/enter").status_code == 404
