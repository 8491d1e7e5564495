"""A programme to report on, seeded with more than one of everything, and its hand counts.

Two organisations, two programmes of the first, events asking the year of birth or child
and adult, the sex or not, held out of the order they were entered in; families, repeat
visitors matched by phone, namesakes without a contact, one same-person decision, people
who registered and never came, and the same people at the other programme's and the other
organisation's events (never counted here).
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from eventreg.checkin import scanning as checkin
from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work
from eventreg.events import service as events
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest, register
from tests.doors import app_door

SOFIA = ZoneInfo("Europe/Sofia")
PERIOD = (date(2025, 11, 1), date(2026, 11, 30))
PERIOD_QUERY = "from=2025-11-01&to=2026-11-30"


def held_event(db_session, organiser, programme, day, venue, slug, *,
               age_mode="age_group", asks_sex=False):
    starts = datetime.combine(day, datetime.min.time(), SOFIA).replace(hour=17)
    with unit_of_work(db_session):
        event = events.create_event(db_session, organiser, events.EventDetails(
            title={"en": f"Info session {slug}"}, starts_at=starts,
            ends_at=starts + timedelta(hours=2), venue=venue, programme_id=programme.id,
            privacy_notice={"en": "Names are deleted after the project."}, slug=slug,
            registration_closes_at=starts + timedelta(hours=2), age_mode=age_mode,
            asks_sex=asks_sex))
        events.publish_event(db_session, organiser, event)
    with unit_of_work(db_session):
        door = create_door_access(db_session, event, "Door", created_at=event.starts_at)[0]
    event.door = door
    return event


def attend(db_session, event, *people, phone="", email="", checked_in=True,
           sex_unrecorded=False):
    """Register a party at the door and check it in. Each person is (name, age, sex): an
    int age is a year of birth, else "child" or "adult". `sex_unrecorded` makes a party
    whose sex was not recorded (as one from a waiting list joined before it was asked)."""
    with unit_of_work(db_session):
        outcome = register(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(
                name=name, sex=sex,
                **({"birth_year": age} if isinstance(age, int) else {"age_group": age}))
                for name, age, sex in people],
            consent=True, email=email, phone=phone),
            walk_in=not sex_unrecorded, from_waitlist=sex_unrecorded, phone_region="BG")
    if checked_in:
        for attendee in outcome.registration.attendees:
            with unit_of_work(db_session):
                checkin.check_in(db_session, app_door(event.door), checkin.CheckinRequest(
                    client_id=uuid.uuid4().hex, attendee_id=attendee.id))
    return outcome.registration


@dataclass
class Seeded:
    programme: object
    other_programme: object
    other_office_programme: object
    #: The two attendances of Ana Dimitrova (no contact), for a same-person decision.
    anas: list
    names: list[str]
    emails: list[str]
    phones: list[str]


def seed_programme(db_session, organiser, other_office):
    """Seed the programme described in the module's docstring (see EXPECTED)."""
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, "Roma migration awareness",
                                            "Norwegian Financial Mechanism")
        other_programme = events.create_programme(db_session, organiser, "Other project")
        other_office_programme = events.create_programme(db_session, other_office,
                                                         "Roma migration awareness")
    # Entered out of the order they were held: "latest" must follow the events' dates.
    park = held_event(db_session, organiser, programme, date(2026, 6, 20), "Park", "e3",
                      age_mode="birth_year")
    fakulteta = held_event(db_session, organiser, programme, date(2026, 2, 10), "Fakulteta",
                           "e1", age_mode="birth_year", asks_sex=True)
    stolipinovo = held_event(db_session, organiser, programme, date(2026, 4, 15),
                             "Stolipinovo", "e2", asks_sex=True)
    autumn = held_event(db_session, organiser, programme, date(2025, 11, 20), "Fakulteta",
                        "e0", age_mode="birth_year", asks_sex=True)
    nadezhda = held_event(db_session, organiser, programme, date(2026, 9, 1), "Nadezhda", "e4")
    elsewhere = held_event(db_session, organiser, other_programme, date(2026, 5, 5), "Sofia",
                           "e5", age_mode="birth_year", asks_sex=True)
    other_office_event = held_event(db_session, other_office, other_office_programme,
                                    date(2026, 5, 6), "Sofia", "e6", asks_sex=True)

    attend(db_session, park, ("Olena Kovalenko", 1985, None), phone="+359881000001",
           email="olena@example.org")
    attend(db_session, park, ("Ivan Petrov", 2008, None), phone="+359881000004")
    attend(db_session, stolipinovo, ("Sasha Koval", "adult", "prefer_not_to_say"),
           phone="+359881000003")
    attend(db_session, fakulteta, ("Olena Kovalenko", 1985, "female"), phone="+359881000001",
           email="olena@example.org")
    attend(db_session, fakulteta, ("Mykola Shevchenko", 2022, "male"),
           ("Daryna Shevchenko", 2009, "female"), ("Petro Shevchenko", 1960, "male"),
           phone="+359881000002")
    attend(db_session, fakulteta, ("Sasha Koval", 2000, "female"), phone="+359881000003")
    attend(db_session, fakulteta, ("Elena Stoyanova", 1995, "female"), phone="+359881000009",
           checked_in=False)
    attend(db_session, stolipinovo, ("Olena Kovalenko", "adult", "female"),
           phone="+359 88 100 0001")
    first_ana = attend(db_session, stolipinovo, ("Ana Dimitrova", "adult", "female"))
    attend(db_session, stolipinovo, ("Boris Angelov", "adult", None), sex_unrecorded=True)
    attend(db_session, autumn, ("Ivan Petrov", 2008, "male"), phone="+359881000004")
    attend(db_session, nadezhda, ("Mykola Shevchenko", "child", None),
           ("Daryna Shevchenko", "adult", None), phone="+359881000002")
    second_ana = attend(db_session, nadezhda, ("Ana Dimitrova", "adult", None))
    attend(db_session, nadezhda, ("Georgi Yordanov", "adult", None), email="georgi@example.org")
    attend(db_session, nadezhda, ("Registered Only", "adult", None), phone="+359881000010",
           checked_in=False)
    # The same people elsewhere: not this programme's, not this office's.
    attend(db_session, elsewhere, ("Olena Kovalenko", 1985, "female"), phone="+359881000001")
    attend(db_session, elsewhere, ("Zoran Iliev", 1950, "male"), phone="+359881000011")
    attend(db_session, other_office_event, ("Olena Kovalenko", "adult", "female"),
           phone="+359881000001")
    return Seeded(
        programme, other_programme, other_office_programme,
        anas=[first_ana.attendees[0], second_ana.attendees[0]],
        names=["Olena Kovalenko", "Ivan Petrov", "Sasha Koval", "Mykola Shevchenko",
               "Daryna Shevchenko", "Petro Shevchenko", "Elena Stoyanova", "Ana Dimitrova",
               "Boris Angelov", "Georgi Yordanov", "Registered Only", "Zoran Iliev",
               "Kovalenko", "Shevchenko", "Dimitrova"],
        emails=["olena@example.org", "georgi@example.org"],
        phones=["+359881000001", "+359881000002", "+359881000003", "+359881000004",
                "+359881000009", "+359881000010", "+359881000011", "881000001", "100 0001"],
    )


#: The seeded programme's figures, counted by hand person by person, once Ana Dimitrova's
#: two attendances are said to be one person:
#:   Olena     female (Stolipinovo, her latest answer), 41 at the Park (1985) -> 18-59
#:   Mykola    male, 4 at Fakulteta (2022) -> 0-4 (his year of birth beats the later "child")
#:   Daryna    female, 17 at Fakulteta (2009) -> 5-17 (beats the later "adult")
#:   Petro     male, 66 (1960) -> 60+
#:   Sasha     prefer not to say (Stolipinovo, after "female" at Fakulteta), 26 -> 18-59
#:   Ivan      male (the autumn session, the only one asking), 18 at the Park (2008; 17 the
#:             autumn before) -> 18-59
#:   Ana       female (Stolipinovo), adult
#:   Boris     asked but not recorded, adult
#:   Georgi    only at Nadezhda, which did not ask: not asked, adult
EXPECTED = {
    "events_held": 5,
    "registered": 18,   # 2 Park, 6 Fakulteta, 4 Stolipinovo, 1 autumn, 5 Nadezhda
    "attended": 16,     # less Elena and "Registered Only"
    "individuals": 9,
    "individuals_by_sex": {"female": 3, "male": 3, "prefer_not_to_say": 1,
                           "not_recorded": 1, "not_asked": 1},
    "individuals_by_age": {"0-4": 1, "5-17": 1, "18-59": 3, "60+": 1, "adult": 3},
    "events_asking_sex": 3,
    "events_asking_birth_year": 3,
    # Attendances: at the three events asking it; child/adult (Ivan was 17 in the autumn).
    "by_sex": {"female": 5, "male": 3, "prefer_not_to_say": 1, "not_recorded": 1},
    "by_age_group": {"adult": 12, "child": 4},
    "by_month": {"2025-11": 1, "2026-02": 5, "2026-04": 4, "2026-06": 2, "2026-09": 4},
    "by_place": {"Fakulteta": 6, "Stolipinovo": 4, "Nadezhda": 4, "Park": 2},
}
