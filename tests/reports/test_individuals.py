"""Individuals reached by sex and by age band, each person once, against hand counts."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from eventreg.database import unit_of_work
from eventreg.reports.people import decide_same_person
from eventreg.reports.service import age_band, programme_report

from .seed import EXPECTED, PERIOD, PERIOD_QUERY, SOFIA, attend, held_event, seed_programme


@pytest.fixture
def seeded(db_session, organiser, make_organiser):
    seeded = seed_programme(db_session, organiser, make_organiser("Other office"))
    with unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[a.id] for a in seeded.anas],
                           same_person=True)
    return seeded


def report_of(db_session, organiser, programme):
    return programme_report(db_session, organiser, programme.id, *PERIOD,
                            now=datetime(2026, 11, 30, tzinfo=SOFIA))


def test_seeded_programme_matches_the_hand_counts(db_session, organiser, seeded):
    report = report_of(db_session, organiser, seeded.programme)
    assert {key: getattr(report, key) for key in EXPECTED} == EXPECTED
    assert sum(report.individuals_by_sex.values()) == report.individuals
    assert sum(report.individuals_by_age.values()) == report.individuals


def test_without_the_same_person_decision_the_two_anas_are_two_people(db_session, organiser,
                                                                       make_organiser):
    seeded = seed_programme(db_session, organiser, make_organiser("Other office"))
    report = report_of(db_session, organiser, seeded.programme)
    assert report.individuals == 10
    # The Ana of Nadezhda, which did not ask, is "not asked"; both are adults.
    assert report.individuals_by_sex == {**EXPECTED["individuals_by_sex"], "not_asked": 2}
    assert report.individuals_by_age == {**EXPECTED["individuals_by_age"], "adult": 4}


def test_a_person_counts_under_their_latest_answer_by_the_events_dates(db_session,
                                                                        organiser):
    """Entered in the opposite order to the events' dates: the later event wins, not the
    later row."""
    with unit_of_work(db_session):
        from eventreg.events import service as events

        programme = events.create_programme(db_session, organiser, "Awareness")
    later = held_event(db_session, organiser, programme, date(2026, 6, 1), "Sofia", "late",
                       age_mode="birth_year", asks_sex=True)
    earlier = held_event(db_session, organiser, programme, date(2025, 12, 1), "Sofia", "early",
                         age_mode="birth_year", asks_sex=True)
    attend(db_session, later, ("Sasha Koval", 2008, "prefer_not_to_say"),
           phone="+359881000003")
    attend(db_session, earlier, ("Sasha Koval", 2008, "female"), phone="+359881000003")
    report = programme_report(db_session, organiser, programme.id, date(2025, 1, 1),
                              date(2026, 11, 30))
    assert report.individuals == 1
    assert report.individuals_by_sex == {"prefer_not_to_say": 1}
    assert report.individuals_by_age == {"18-59": 1}  # 18 in 2026; 17 at the earlier one


def test_a_year_of_birth_anywhere_beats_a_later_child_or_adult(db_session, organiser):
    with unit_of_work(db_session):
        from eventreg.events import service as events

        programme = events.create_programme(db_session, organiser, "Awareness")
    first = held_event(db_session, organiser, programme, date(2026, 3, 1), "Sofia", "by-year",
                       age_mode="birth_year")
    second = held_event(db_session, organiser, programme, date(2026, 5, 1), "Sofia", "by-group")
    attend(db_session, first, ("Mykola", 2024, None), ("Olena", 1990, None), phone="+359881000002")
    attend(db_session, second, ("Mykola", "child", None), ("Olena", "adult", None),
           ("Petro", "child", None), phone="+359881000002")
    report = programme_report(db_session, organiser, programme.id, date(2026, 1, 1),
                              date(2026, 11, 30))
    assert report.individuals_by_age == {"0-4": 1, "18-59": 1, "child": 1}
    assert report.events_asking_birth_year == 1
    assert report.individuals_by_sex == {"not_asked": 3}


@pytest.mark.parametrize("age, band", [(0, "0-4"), (4, "0-4"), (5, "5-17"), (17, "5-17"),
                                       (18, "18-59"), (59, "18-59"), (60, "60+"),
                                       (101, "60+"), (-1, None)])
def test_ages_fall_in_the_humanitarian_bands(age, band):
    assert age_band(age) == band


def test_page_shows_individuals_by_sex_and_age_with_what_was_asked(client, auth, db_session,
                                                                   organiser, seeded):
    auth.login(organiser)
    page = client.get(f"/manage/programmes/{seeded.programme.id}/report?{PERIOD_QUERY}"
                      ).get_data(as_text=True)
    assert "Individuals reached by sex" in page and "Individuals reached by age" in page
    assert ("Age bands from the year of birth at 3 of 5 events; child or adult at the "
            "others.") in page
    assert ("Asked at 3 of 5 events; people who came only to the others are counted as not "
            "asked.") in page
    assert '<th scope="row">60+</th><td class="number">1</td>' in page
    assert '<th scope="row">Not asked</th><td class="number">1</td>' in page


def test_workbook_holds_individuals_by_sex_and_age(client, auth, db_session, organiser,
                                                   seeded):
    auth.login(organiser)
    workbook = load_workbook(io.BytesIO(client.get(
        f"/manage/programmes/{seeded.programme.id}/report.xlsx?{PERIOD_QUERY}").data))
    assert dict(workbook["Individuals by sex"].iter_rows(min_row=2, values_only=True)) == {
        "Female": 3, "Male": 3, "Prefer not to say": 1, "Not recorded": 1, "Not asked": 1}
    assert dict(workbook["Individuals by age"].iter_rows(min_row=2, values_only=True)) == {
        "0-4": 1, "5-17": 1, "18-59": 3, "60+": 1, "Adult": 3}
    summary = dict(workbook["Summary"].iter_rows(values_only=True))
    assert (summary["Attendance"], summary["Individuals reached"]) == (16, 9)
