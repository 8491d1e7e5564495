"""Programme reports checked against the hand-counted figures of a generated programme."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.checkin import scanning as checkin
from eventreg.checkin.doors import create_door_access
from eventreg.checkin.models import DoorAccess
from eventreg.database import unit_of_work
from eventreg.errors import NotFound, ValidationFailed
from eventreg.events import service as events
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest
from eventreg.reports.models import PersonMatch
from eventreg.reports.people import decide_same_person, undo_decision
from eventreg.reports.service import programme_report
from tests.doors import app_door

SOFIA = ZoneInfo("Europe/Sofia")


def door_of(db_session, event, name):
    """A door of the event made when it began (the events here are mostly over)."""
    with unit_of_work(db_session):
        return create_door_access(db_session, event, name, created_at=event.starts_at)[0]


def held_event(db_session, organiser, programme, day, venue, slug, *, asks_sex=False,
               publish=True):
    starts = datetime.combine(day, datetime.min.time(), SOFIA).replace(hour=17)
    with unit_of_work(db_session):
        event = events.create_event(db_session, organiser, events.EventDetails(
            title={"en": f"Info session {slug}"}, starts_at=starts, ends_at=starts + timedelta(hours=2),
            privacy_notice={"en": "Names are deleted after the project."}, venue=venue,
            programme_id=programme.id, slug=slug, registration_closes_at=starts + timedelta(hours=2),
            asks_sex=asks_sex))
    if publish:
        with unit_of_work(db_session):
            events.publish_event(db_session, organiser, event)
    return event


def attend(db_session, event, door, *people, email="", phone="", checked_in=True):
    """Register a party and check (some of) it in; `people` are (name, age_group) pairs or
    (name, age_group, sex) triples."""
    from eventreg.registrations.service import register

    with unit_of_work(db_session):
        outcome = register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name=name, age_group=age, sex=sex)
                       for name, age, sex in (person + (None,) * (3 - len(person))
                                              for person in people)],
            consent=True, email=email, phone=phone), walk_in=True, phone_region="BG")
    if checked_in:
        for attendee in outcome.registration.attendees:
            with unit_of_work(db_session):
                checkin.check_in(db_session, app_door(door), checkin.CheckinRequest(
                    client_id=uuid.uuid4().hex, attendee_id=attendee.id))
    return outcome.registration


def test_report_counts_events_attendance_and_people_reached_once(db_session, organiser):
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Roma migration awareness",
                                            "Norwegian Financial Mechanism")
    with unit_of_work(db_session):
        other = events.create_programme(db_session, organiser, "Other project")
    fakulteta = held_event(db_session, organiser, programme, date(2026, 3, 12), "Fakulteta", "a")
    stolipinovo = held_event(db_session, organiser, programme, date(2026, 4, 2), "Stolipinovo", "b")
    outside = held_event(db_session, organiser, programme, date(2025, 12, 1), "Fakulteta", "c")
    elsewhere = held_event(db_session, organiser, other, date(2026, 3, 20), "Sofia", "d")
    doors = {e.id: door_of(db_session, e, "Door")
             for e in (fakulteta, stolipinovo, outside, elsewhere)}

    # Fakulteta: a family of 3 (all came), a pair registered who never came.
    attend(db_session, fakulteta, doors[fakulteta.id], ("Мария Иванова", "adult"),
           ("Иван Иванов", "child"), ("Петя Иванова", "child"), phone="+359 88 111 2222")
    attend(db_session, fakulteta, doors[fakulteta.id], ("Georgi Asenov", "adult"),
           ("Elena Asenova", "adult"), checked_in=False)
    # Stolipinovo: Maria again (same phone: one person), and Ana.
    attend(db_session, stolipinovo, doors[stolipinovo.id], ("мария иванова", "adult"),
           phone="+359881112222")
    attend(db_session, stolipinovo, doors[stolipinovo.id], ("Ana Dimitrova", "adult"))
    # Outside the period or the programme: not counted.
    attend(db_session, outside, doors[outside.id], ("Someone Else", "adult"))
    attend(db_session, elsewhere, doors[elsewhere.id], ("Another Person", "adult"))
    # Not held: a draft, and an event still to come when the report is made.
    held_event(db_session, organiser, programme, date(2026, 5, 5), "Sofia", "draft",
               publish=False)
    upcoming = held_event(db_session, organiser, programme, date(2026, 10, 15), "Sofia", "next")
    attend(db_session, upcoming, door_of(db_session, upcoming, "D"),
           ("Registered Early", "adult"), checked_in=False)

    report = programme_report(db_session, organiser, programme.id, date(2026, 1, 1),
                              date(2026, 12, 31), now=datetime(2026, 10, 1, tzinfo=SOFIA))
    assert report.events_held == 2
    assert report.registered == 7          # 3 + 2 at Fakulteta, 2 at Stolipinovo
    assert report.attended == 5            # 3 + 2
    assert report.individuals == 4         # Maria counted once
    assert report.by_age_group == {"adult": 3, "child": 2}
    assert report.by_month == {"2026-03": 3, "2026-04": 2}
    assert report.by_place == {"Fakulteta": 3, "Stolipinovo": 2}
    assert [e.attended for e in report.events] == [3, 2]


def test_same_name_without_shared_contact_is_listed_as_a_possible_duplicate(db_session,
                                                                            organiser):
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Awareness")
    first = held_event(db_session, organiser, programme, date(2026, 5, 1), "Fakulteta", "e")
    second = held_event(db_session, organiser, programme, date(2026, 6, 1), "Fakulteta", "f")
    attend(db_session, first, door_of(db_session, first, "D"), ("Ana Dimitrova", "adult"))
    attend(db_session, second, door_of(db_session, second, "D"), ("Ana  Dimitrova", "adult"))
    attend(db_session, second, db_session.scalars(select(DoorAccess)).all()[-1],
           ("Boris Dimitrov", "adult"))
    report = year_report(db_session, organiser, programme)
    assert report.individuals == 3
    [group] = report.possible_duplicates
    assert [person.name for person in group] == ["Ana Dimitrova", "Ana  Dimitrova"]
    assert [person.event_ids for person in group] == [{first.id}, {second.id}]


def year_report(db_session, organiser, programme):
    return programme_report(db_session, organiser, programme.id, date(2026, 1, 1),
                            date(2026, 12, 31))


def two_anas(db_session, organiser, slugs=("h", "i")):
    """A programme where an Ana Dimitrova came to each of two events, with other phones."""
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, f"Awareness {slugs}")
    first = held_event(db_session, organiser, programme, date(2026, 5, 1), "Fakulteta", slugs[0])
    second = held_event(db_session, organiser, programme, date(2026, 6, 1), "Hristo Botev",
                        slugs[1])
    ana = [attend(db_session, event, door_of(db_session, event, "D"),
                  ("Ana Dimitrova", "adult"), phone=phone).attendees[0]
           for event, phone in ((first, "+359881000001"), (second, "+359881000002"))]
    return programme, ana


def test_organiser_says_same_person_and_they_count_once_until_taken_back(db_session,
                                                                          organiser):
    programme, ana = two_anas(db_session, organiser)
    assert year_report(db_session, organiser, programme).individuals == 2
    with unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[ana[1].id], [ana[0].id]], same_person=True)
    report = year_report(db_session, organiser, programme)
    assert report.individuals == 1
    assert report.possible_duplicates == []
    [decision] = report.decisions
    assert decision.same_person and decision.decided_by == organiser.name
    with unit_of_work(db_session):
        undo_decision(db_session, organiser, decision.id)
    report = year_report(db_session, organiser, programme)
    assert (report.individuals, len(report.possible_duplicates)) == (2, 1)


def test_organiser_says_different_people_and_the_name_is_not_offered_again(db_session,
                                                                            organiser):
    programme, ana = two_anas(db_session, organiser)
    with unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[ana[0].id], [ana[1].id]], same_person=False)
    report = year_report(db_session, organiser, programme)
    assert (report.individuals, report.possible_duplicates) == (2, [])
    # A later decision on the same pair replaces the earlier one.
    with unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[ana[0].id], [ana[1].id]], same_person=True)
    report = year_report(db_session, organiser, programme)
    assert report.individuals == 1
    assert [d.same_person for d in report.decisions] == [True]


def test_a_third_ana_is_offered_again_after_two_were_merged(db_session, organiser):
    programme, ana = two_anas(db_session, organiser)
    with unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[ana[0].id], [ana[1].id]], same_person=True)
    third = held_event(db_session, organiser, programme, date(2026, 7, 1), "Sofia", "j")
    attend(db_session, third, door_of(db_session, third, "D"),
           ("ANA DIMITROVA", "adult"))
    report = year_report(db_session, organiser, programme)
    assert report.individuals == 2
    [group] = report.possible_duplicates
    assert [person.event_ids for person in group] == [{ana[0].event_id, ana[1].event_id},
                                                      {third.id}]


def test_two_people_of_one_name_at_the_same_event_are_never_offered(db_session, organiser):
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Awareness")
    event = held_event(db_session, organiser, programme, date(2026, 5, 1), "Fakulteta", "k")
    door = door_of(db_session, event, "D")
    attend(db_session, event, door, ("Ana Dimitrova", "adult"), phone="+359881000001")
    attend(db_session, event, door, ("Ana Dimitrova", "child"))
    report = year_report(db_session, organiser, programme)
    assert (report.individuals, report.possible_duplicates) == (2, [])


def test_decisions_need_two_people_of_the_organisers_own_events(db_session, organiser,
                                                               make_organiser):
    _, ana = two_anas(db_session, organiser)
    with pytest.raises(ValidationFailed), unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[ana[0].id], [ana[0].id]], same_person=True)
    with pytest.raises(NotFound), unit_of_work(db_session):
        decide_same_person(db_session, make_organiser("Other office"),
                           [[ana[0].id], [ana[1].id]], same_person=True)
    assert db_session.scalars(select(PersonMatch)).all() == []


def test_by_sex_counts_only_the_events_that_asked(db_session, organiser):
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "World Refugee Day")
    asking = held_event(db_session, organiser, programme, date(2026, 6, 20), "Park", "l",
                        asks_sex=True)
    silent = held_event(db_session, organiser, programme, date(2026, 6, 21), "Park", "m")
    attend(db_session, asking, door_of(db_session, asking, "D"),
           ("Olena", "adult", "female"), ("Mykola", "child", "male"),
           ("Sasha", "child", "prefer_not_to_say"), ("Daryna", "child", "female"))
    attend(db_session, asking, door_of(db_session, asking, "D2"),
           ("Never came", "adult", "male"), checked_in=False)
    attend(db_session, silent, door_of(db_session, silent, "D"),
           ("Ivan", "adult"), ("Petar", "adult"))
    report = year_report(db_session, organiser, programme)
    assert report.attended == 6
    assert report.events_asking_sex == 1
    assert report.by_sex == {"female": 2, "male": 1, "prefer_not_to_say": 1}


def test_report_page_and_workbook_show_the_figures_to_the_organisation_only(
    client, auth, db_session, organiser, make_organiser
):
    import io

    from openpyxl import load_workbook

    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Awareness", "EEA Grants")
    event = held_event(db_session, organiser, programme, date(2026, 5, 1), "Fakulteta", "g")
    attend(db_session, event, door_of(db_session, event, "D"),
           ("Ana Dimitrova", "adult"), ("Boris Dimitrov", "child"))
    auth.login(organiser)
    period = "from=2026-01-01&to=2026-12-31"
    page = client.get(f"/manage/programmes/{programme.id}/report?{period}").get_data(
        as_text=True)
    assert "EEA Grants" in page and "Fakulteta" in page and "May 2026" in page
    workbook = load_workbook(io.BytesIO(client.get(
        f"/manage/programmes/{programme.id}/report.xlsx?{period}").data))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert (summary["Attendance"], summary["Individuals reached"]) == (2, 2)
    auth.logout()
    auth.login(make_organiser("Other office"))
    assert client.get(f"/manage/programmes/{programme.id}/report").status_code == 404


def test_organiser_merges_and_takes_back_on_the_report_page(client, auth, db_session,
                                                           organiser, make_organiser):
    programme, ana = two_anas(db_session, organiser)
    auth.login(organiser)
    report_url = f"/manage/programmes/{programme.id}/report?from=2026-01-01&to=2026-12-31"
    page = client.get(report_url).get_data(as_text=True)
    assert "Possibly the same person" in page
    assert "+359881000001" in page and "+359881000002" in page
    response = client.post(
        f"/manage/programmes/{programme.id}/report/same-person?from=2026-01-01&to=2026-12-31",
        data={"person": [str(ana[0].id), str(ana[1].id)], "decision": "same"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        "report?from=2026-01-01&to=2026-12-31")
    page = client.get(report_url).get_data(as_text=True)
    assert "Counted as one person." in page
    assert "Possibly the same person" not in page
    assert ("Ana Dimitrova (Info session h, May 1, 2026) · "
            "Ana Dimitrova (Info session i, Jun 1, 2026)") in page
    assert "Individuals reached</dt><dd>1<" in page
    [match] = db_session.scalars(select(PersonMatch)).all()
    one_ticked = client.post(f"/manage/programmes/{programme.id}/report/same-person",
                             data={"person": [str(ana[0].id)], "decision": "different"})
    assert "Tick at least two people." in client.get(
        one_ticked.headers["Location"]).get_data(as_text=True)
    auth.logout()
    auth.login(make_organiser("Other office"))
    assert client.post(f"/manage/programmes/{programme.id}/report/decisions/{match.id}/undo"
                       ).status_code == 404
    auth.logout()
    auth.login(organiser)
    client.post(f"/manage/programmes/{programme.id}/report/decisions/{match.id}/undo")
    assert "Possibly the same person" in client.get(report_url).get_data(as_text=True)
    db_session.rollback()
    actions = db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["people.same_person", "people.decision_undone"]


def test_by_sex_is_on_the_page_and_in_the_workbook_only_where_asked(client, auth, db_session,
                                                                   organiser):
    import io

    from openpyxl import load_workbook

    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "World Refugee Day")
    asking = held_event(db_session, organiser, programme, date(2026, 6, 20), "Park", "n",
                        asks_sex=True)
    attend(db_session, asking, door_of(db_session, asking, "D"),
           ("Olena", "adult", "female"), ("Sasha", "child", "prefer_not_to_say"))
    with unit_of_work(db_session):
        silent_programme = events.create_programme(db_session, organiser, "Info sessions")
    silent = held_event(db_session, organiser, silent_programme, date(2026, 6, 21), "Park", "o")
    attend(db_session, silent, door_of(db_session, silent, "D"), ("Ivan", "adult"))
    auth.login(organiser)
    period = "from=2026-01-01&to=2026-12-31"
    page = client.get(f"/manage/programmes/{programme.id}/report?{period}").get_data(
        as_text=True)
    assert "Attendance by sex" in page and "Prefer not to say" in page
    assert "Asked at 1 of 1" in page
    assert "by sex" not in client.get(
        f"/manage/programmes/{silent_programme.id}/report?{period}").get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(client.get(
        f"/manage/programmes/{programme.id}/report.xlsx?{period}").data))
    assert dict(workbook["By sex"].iter_rows(min_row=2, values_only=True)) == {
        "Female": 1, "Prefer not to say": 1}
    assert dict(workbook["By age group"].iter_rows(min_row=2, values_only=True)) == {
        "Adult": 1, "Child": 1}


def test_generated_programme_matches_figures_counted_one_by_one(db_session, organiser):
    """A seeded programme of 8 info sessions drawn from a pool of 40 people; the expected
    figures are counted here person by person, without the report's code."""
    import random

    rng = random.Random(2026)
    pool = [{"name": f"Person {n:02d}", "age": rng.choice(["adult", "child"]),
             "sex": rng.choice(["female", "male", "prefer_not_to_say"]),
             # Two in three left a phone; the others can only be counted per attendance.
             "phone": f"+3598810{n:05d}" if n % 3 else ""} for n in range(40)]
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Generated awareness")
    sessions = []
    for number in range(8):
        event = held_event(db_session, organiser, programme, date(2026, 2 + number, 10),
                           rng.choice(["Fakulteta", "Stolipinovo", "Nadezhda"]),
                           f"generated-{number}", asks_sex=number % 2 == 0)
        door = door_of(db_session, event, "D")
        came, stayed_away = [], []
        for person in rng.sample(pool, 9):
            (came if rng.random() < 0.8 else stayed_away).append(person)
        for group, checked_in in ((came, True), (stayed_away, False)):
            for person in group:
                attend(db_session, event, door, (person["name"], person["age"], person["sex"]),
                       phone=person["phone"], checked_in=checked_in)
        sessions.append((event, came, stayed_away))

    attendances = [(event, person) for event, came, _ in sessions for person in came]
    with_phone = {p["name"] for _, p in attendances if p["phone"]}
    without_phone = [p["name"] for _, p in attendances if not p["phone"]]
    events_of = {}
    for event, person in attendances:
        events_of.setdefault(person["name"], set()).add(event.id)
    expected_duplicates = sorted(name for name in set(without_phone)
                                 if len(events_of[name]) > 1)
    expected_sexes = {}
    for event, person in attendances:
        if event.asks_sex:
            expected_sexes[person["sex"]] = expected_sexes.get(person["sex"], 0) + 1
    assert expected_duplicates and expected_sexes, "the seed gives something to check"

    report = year_report(db_session, organiser, programme)
    assert report.events_held == 8
    assert report.registered == 8 * 9
    assert report.attended == len(attendances)
    assert report.individuals == len(with_phone) + len(without_phone)
    assert sorted(group[0].name for group in report.possible_duplicates) == expected_duplicates
    assert report.by_sex == expected_sexes
    assert report.by_age_group == {
        age: sum(p["age"] == age for _, p in attendances) for age in ("adult", "child")
        if any(p["age"] == age for _, p in attendances)}
    assert sum(report.by_place.values()) == report.attended
    assert [figures.attended for figures in report.events] == [len(c) for _, c, _ in sessions]

    # The organiser confirms each possible duplicate as one person: each then counts once.
    for group in report.possible_duplicates:
        with unit_of_work(db_session):
            decide_same_person(db_session, organiser, [person.attendee_ids for person in group],
                               same_person=True)
    assert year_report(db_session, organiser, programme).individuals == (
        len(with_phone) + len(set(without_phone)))


def test_namesakes_who_came_to_one_event_are_never_made_one_person(client, auth, db_session,
                                                                    organiser):
    """Two Anas at the first event and one at the second: the third may be either, but the
    first two cannot be one person, by their phone (a family's) nor by a click."""
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Awareness")
    first = held_event(db_session, organiser, programme, date(2026, 5, 1), "Fakulteta", "p")
    second = held_event(db_session, organiser, programme, date(2026, 6, 1), "Sofia", "q")
    mother, daughter = attend(db_session, first, door_of(db_session, first, "D"),
                              ("Ana Dimitrova", "adult"), ("Ana Dimitrova", "child"),
                              phone="+359881000001").attendees
    later = attend(db_session, second, door_of(db_session, second, "D"),
                   ("Ana Dimitrova", "adult")).attendees[0]
    report = year_report(db_session, organiser, programme)
    assert report.individuals == 3
    [group] = report.possible_duplicates
    assert sorted(p.attendee_ids for p in group) == [[mother.id], [daughter.id], [later.id]]
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[mother.id], [daughter.id], [later.id]],
                           same_person=True)
    assert "came to the same event" in str(refused.value.message)
    auth.login(organiser)
    page = client.get(f"/manage/programmes/{programme.id}/report?from=2026-01-01"
                      "&to=2026-12-31").get_data(as_text=True)
    assert 'name="person"' in page and " checked>" not in page  # three: none ticked for you
    with unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[mother.id], [later.id]], same_person=True)
    report = year_report(db_session, organiser, programme)
    assert report.individuals == 2
    assert report.possible_duplicates == []  # the daughter shares an event with the other



def test_a_decision_holds_in_a_report_of_a_shorter_period(db_session, organiser):
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Awareness")
    anas = []
    for month, slug in ((1, "r"), (3, "s"), (5, "t")):
        event = held_event(db_session, organiser, programme, date(2026, month, 10), "Sofia", slug)
        anas.append(attend(db_session, event, door_of(db_session, event, "D"),
                           ("Ana Dimitrova", "adult")).attendees[0])
    with unit_of_work(db_session):
        decide_same_person(db_session, organiser, [[ana.id] for ana in anas], same_person=True)
    assert year_report(db_session, organiser, programme).individuals == 1
    spring = programme_report(db_session, organiser, programme.id, date(2026, 2, 1),
                              date(2026, 12, 31))
    assert (spring.attended, spring.individuals, spring.possible_duplicates) == (2, 1, [])
    assert len(spring.decisions) == 2  # both links touch this period: either can be taken back


def test_a_strange_decision_or_a_second_take_back_is_answered_clearly(client, auth,
                                                                     db_session, organiser):
    programme, ana = two_anas(db_session, organiser, slugs=("u", "v"))
    auth.login(organiser)
    base = f"/manage/programmes/{programme.id}/report"
    people = {"person": [str(ana[0].id), str(ana[1].id)]}
    assert client.post(f"{base}/same-person", data={**people, "decision": "maybe"}
                       ).status_code == 400
    assert client.post(f"{base}/same-person", data=people).status_code == 400
    assert db_session.scalars(select(PersonMatch)).all() == []
    client.post(f"{base}/same-person", data={**people, "decision": "same"})
    [match_id] = db_session.scalars(select(PersonMatch.id)).all()
    client.post(f"{base}/decisions/{match_id}/undo")
    again = client.post(f"{base}/decisions/{match_id}/undo")
    assert again.status_code == 302
    assert "This decision was already taken back." in client.get(
        again.headers["Location"]).get_data(as_text=True)


def test_a_name_typed_in_the_other_alphabet_with_the_same_phone_is_one_person(db_session,
                                                                             organiser):
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Awareness")
    first = held_event(db_session, organiser, programme, date(2026, 5, 1), "Fakulteta", "w")
    second = held_event(db_session, organiser, programme, date(2026, 6, 1), "Sofia", "x")
    first_door = door_of(db_session, first, "D")
    second_door = door_of(db_session, second, "D")
    attend(db_session, first, first_door, ("Мария Иванова", "adult"), phone="+359881000009")
    attend(db_session, second, second_door, ("Maria Ivanova", "adult"), phone="+359881000009")
    attend(db_session, second, second_door, ("Иван Костов", "adult"))
    attend(db_session, first, first_door, ("Ivan Kostov", "adult"))
    report = year_report(db_session, organiser, programme)
    assert report.individuals == 3  # Maria once; the two Ivans (no contact) offered
    [group] = report.possible_duplicates
    assert sorted(person.name for person in group) == ["Ivan Kostov", "Иван Костов"]
