"""The donor version of a programme report: no names or contacts, small figures hidden."""

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from eventreg.accounts.service import set_small_cell_threshold
from eventreg.database import unit_of_work
from eventreg.events import service as events
from eventreg.reports.donor import donor_version
from eventreg.reports.people import decide_same_person
from eventreg.reports.service import programme_report

from .seed import PERIOD, PERIOD_QUERY, SOFIA, attend, held_event, seed_programme

YEAR = "from=2026-01-01&to=2026-11-30"


@pytest.fixture
def seeded(db_session, organiser, make_organiser):
    seeded = seed_programme(db_session, organiser, make_organiser("Other office"))
    with unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[a.id] for a in seeded.anas],
                           same_person=True)
    return seeded


def sexes_programme(db_session, organiser, *, others=2, unsaid=0):
    """Two events asking sex: at the park 8 women, 6 men, `others` "other" and `unsaid`
    "prefer not to say", each party with its own phone; at the hall 3 other women."""
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "World Refugee Day",
                                            "EEA Grants")
    park = held_event(db_session, organiser, programme, date(2026, 6, 20), "Park", "park",
                      asks_sex=True)
    hall = held_event(db_session, organiser, programme, date(2026, 7, 1), "Hall", "hall",
                      asks_sex=True)
    for number, (sex, count) in enumerate([("female", 8), ("male", 6), ("other", others),
                                           ("prefer_not_to_say", unsaid)]):
        if count:
            attend(db_session, park, *((f"{sex.title()} {n}", "adult", sex)
                                       for n in range(count)),
                   phone=f"+35988100{number:04d}")
    attend(db_session, hall, *((f"Hall {n}", "adult", "female") for n in range(3)),
           phone="+359881009999")
    return programme


def page_of(client, programme, version="report/donor", period=YEAR):
    return client.get(f"/manage/programmes/{programme.id}/{version}?{period}").get_data(
        as_text=True)


def workbook_of(client, programme, period=YEAR):
    response = client.get(f"/manage/programmes/{programme.id}/report/donor.xlsx?{period}")
    assert response.status_code == 200
    assert "donor" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data))


def rows(page, heading):
    """The (label, figure, has a bar) rows of the breakdown under `heading`."""
    section = page.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]
    return [(label, figure, "<rect" in bar) for label, figure, bar in re.findall(
        r'<tr><th scope="row">(.*?)</th><td class="number">(.*?)</td>\s*'
        r'<td class="bar-cell">(.*?)</td></tr>', section, re.S)]


def test_one_small_cell_hides_the_next_smallest_on_the_page_and_in_the_workbook(
    client, auth, db_session, organiser
):
    programme = sexes_programme(db_session, organiser)
    auth.login(organiser)
    page = page_of(client, programme)
    # 19 less 11 would be the two "other" without a second cell hidden.
    assert rows(page, "Individuals reached by sex") == [
        ("Female", "11", True), ("Male", "hidden", False), ("Other", "&lt;5", False)]
    # Bars go to the largest figure shown, never to a hidden one.
    assert '<rect width="100.0"' in page.split("Individuals reached by sex")[1]
    assert "Individuals reached</dt><dd>19<" in page
    sheet = workbook_of(client, programme)["Individuals by sex"]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("Female", 11), ("Male", "hidden"), ("Other", "<5")]


def test_two_small_cells_hide_each_other_and_nothing_more(client, auth, db_session,
                                                          organiser):
    programme = sexes_programme(db_session, organiser, others=2, unsaid=3)
    auth.login(organiser)
    page = page_of(client, programme)
    # 11, 6, 2, 3: the two small ones leave 5 between them, which could be 1 + 4, 2 + 3, ...
    for heading in ("Individuals reached by sex", "Attendance by sex"):
        assert [(label, figure) for label, figure, _ in rows(page, heading)] == [
            ("Female", "11"), ("Male", "6"), ("Other", "&lt;5"),
            ("Prefer not to say", "&lt;5")]
    by_sex = workbook_of(client, programme)["By sex"]
    assert list(by_sex.iter_rows(min_row=2, values_only=True)) == [
        ("Female", 11), ("Male", 6), ("Other", "<5"), ("Prefer not to say", "<5")]


def test_the_events_attendance_hides_a_small_event_and_the_next_smallest(client, auth,
                                                                          db_session,
                                                                          organiser):
    programme = sexes_programme(db_session, organiser)
    auth.login(organiser)
    page = page_of(client, programme)
    events_table = page.split("<h2>Events</h2>", 1)[1]
    assert re.findall(r'<td>(Park|Hall)</td><td class="number">(.*?)</td>', events_table) == [
        ("Park", "hidden"), ("Hall", "&lt;5")]
    sheet = workbook_of(client, programme)["Events"]
    assert [row[2:] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("Park", "hidden"), ("Hall", "<5")]
    assert "Registered" not in [cell.value for cell in sheet[1]]


def test_the_organisations_setting_changes_the_threshold(client, auth, db_session, organiser):
    programme = sexes_programme(db_session, organiser)
    with unit_of_work(db_session):
        set_small_cell_threshold(db_session, organiser, 7)
    auth.login(organiser)
    page = page_of(client, programme)
    assert "fewer than 7 people" in page
    # At 5 the men (6) were hidden only to cover the two "other"; at 7 they are small.
    assert [(label, figure) for label, figure, _ in rows(page, "Individuals reached by sex")
            ] == [("Female", "11"), ("Male", "&lt;7"), ("Other", "&lt;7")]
    with unit_of_work(db_session):
        set_small_cell_threshold(db_session, organiser, 3)
    assert [(label, figure) for label, figure, _ in rows(
        page_of(client, programme), "Individuals reached by sex")] == [
        ("Female", "11"), ("Male", "hidden"), ("Other", "&lt;3")]
    summary = dict(workbook_of(client, programme)["Summary"].iter_rows(values_only=True))
    assert "fewer than 3 people" in summary["Hidden figures"]


def test_a_breakdown_that_cannot_be_protected_is_withheld(client, auth, db_session,
                                                          organiser):
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Small project")
    event = held_event(db_session, organiser, programme, date(2026, 5, 1), "Sofia", "small",
                       age_mode="birth_year", asks_sex=True)
    attend(db_session, event, ("Olena Kovalenko", 1985, "female"),
           ("Daryna Kovalenko", 2015, "female"), phone="+359881000001")
    auth.login(organiser)
    page = page_of(client, programme)
    # Two women: "<5" beside a total of 2 would say it; so would two cells of 1.
    for heading in ("Individuals reached by sex", "Individuals reached by age"):
        section = page.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]
        assert "Too few people to break this down" in section and "<tr>" not in section
    sheet = workbook_of(client, programme)["Individuals by sex"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Too few people to break this down: any figure shown would give one under 5 away."]


def test_donor_page_and_workbook_hold_no_seeded_name_email_or_phone(client, auth, db_session,
                                                                     organiser, seeded):
    auth.login(organiser)
    full_page = page_of(client, seeded.programme, "report", PERIOD_QUERY)
    assert "Ana Dimitrova" in full_page  # the organisers' report names people; this one not
    page = page_of(client, seeded.programme, "report/donor", PERIOD_QUERY)
    assert "Individuals reached</dt><dd>9<" in page
    workbook = workbook_of(client, seeded.programme, PERIOD_QUERY)
    cells = " ".join(str(cell) for sheet in workbook.worksheets
                     for row in sheet.iter_rows(values_only=True) for cell in row)
    assert "Individuals reached" in cells
    for text in (page.casefold(), cells.casefold()):
        found = [seen for seen in seeded.names + seeded.emails + seeded.phones
                 if seen.casefold() in text]
        assert found == []
    assert "Possibly the same person" not in page and "same person" not in page


def test_donor_version_of_the_seeded_programme_matches_the_hand_counts(db_session, organiser,
                                                                      seeded):
    """Every individual's cell is under 5: all show "<5", none can be worked out (9 over
    five cells of 1 to 4)."""
    report = programme_report(db_session, organiser, seeded.programme.id, *PERIOD,
                              now=datetime(2026, 11, 30, tzinfo=SOFIA))
    donor = donor_version(report, threshold=5)
    assert (donor.events_held, donor.registered, donor.attended, donor.individuals) == (
        5, 18, 16, 9)
    assert [(c.key, c.hidden) for c in donor.individuals_by_sex.cells] == [
        (key, "small") for key in ("female", "male", "prefer_not_to_say", "not_recorded",
                                   "not_asked")]
    # By age, 1, 1, 3, 1, 3: with N = 3 only the three 1s are small, and 3 between three
    # cells is 1 each: both 3s are hidden too, and "hidden" (3 or more) beside them leaves
    # nothing to show.
    assert donor_version(report, threshold=3).individuals_by_age.withheld
    # Attendance by event: 6 at Fakulteta, 2 at the Park... (see the seed).
    attended = {event.title: donor.attended_by_event.cell(event.id) for event in donor.events}
    assert {title: (cell.count, cell.hidden) for title, cell in attended.items()} == {
        "Info session e0": (None, "small"), "Info session e1": (5, None),
        "Info session e2": (None, "small"), "Info session e3": (None, "small"),
        "Info session e4": (None, "small")}


def test_donor_version_is_for_the_organisation_only(client, auth, db_session, organiser,
                                                    make_organiser):
    programme = sexes_programme(db_session, organiser)
    base = f"/manage/programmes/{programme.id}/report/donor"
    assert client.get(base).status_code == 302  # to the sign-in page
    auth.login(make_organiser("Other office"))
    assert client.get(base).status_code == 404
    assert client.get(f"{base}.xlsx").status_code == 404


def test_the_full_report_links_to_its_donor_version(client, auth, db_session, organiser):
    programme = sexes_programme(db_session, organiser)
    auth.login(organiser)
    assert (f'href="/manage/programmes/{programme.id}/report/donor?from=2026-01-01&amp;'
            'to=2026-11-30"') in page_of(client, programme, "report")
