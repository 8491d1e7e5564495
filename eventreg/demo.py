"""Demo data built from the two seed pages: a World Refugee Day celebration in a park and the
closing event of a Roma migration-awareness project. Loaded by `flask load-demo` (and `make run`)
into an empty database.
"""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eventreg.accounts import service as accounts
from eventreg.checkin.doors import create_door_access, revoke_door_access
from eventreg.checkin.scanning import NO_TIME_RULES, CheckinRequest, DoorView, check_in
from eventreg.database import local_to_utc
from eventreg.events import service as events
from eventreg.events.models import Event
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest, register

DEMO_EMAIL = "organiser@example.org"
DEMO_PASSWORD = "demo-password"
DEMO_ORGANISATION = "Migration agency, Bulgaria office (demo)"
REFUGEE_DAY_SLUG = "world-refugee-day"
CLOSING_EVENT_SLUG = "roma-migration-awareness-closing"
ZONE = "Europe/Sofia"

PRIVACY_NOTICE = {
    "en": "We ask only what we need to run this event: names, age group (and sex, where an "
          "event asks it for its reports), activity choices and, "
          "if you give them, an email or phone number to reach you about it. Only the "
          "organisers see them.",
    "bg": "Питаме само за това, което ни е нужно за събитието: имена, възрастова група (и пол, "
          "където събитието го пита за отчетите си), избрани "
          "дейности и, ако ги дадете, имейл или телефон, за да се свържем с вас. Виждат ги само "
          "организаторите.",
    "uk": "Ми просимо лише те, що потрібно для цієї події: імена, вікову групу (і стать, де "
          "подія питає її для звітів), обрані заняття "
          "і, якщо ви їх вкажете, email або телефон, щоб зв'язатися з вами. Їх бачать лише "
          "організатори.",
}


def _at(text: str) -> datetime:
    return local_to_utc(datetime.fromisoformat(text), ZONE)


def load_demo_data(session: Session, *, password_hash_method: str) -> bool:
    """Create the demo organisation, organiser and events; do nothing if any event exists."""
    if session.scalar(select(func.count(Event.id))):
        return False
    organisation = accounts.get_or_create_organisation(session, DEMO_ORGANISATION)
    organiser = accounts.find_organiser_or_none(session, DEMO_EMAIL) or accounts.create_organiser(
        session, organisation, email=DEMO_EMAIL, name="Demo Organiser",
        password=DEMO_PASSWORD, role="admin", password_hash_method=password_hash_method,
    )
    _refugee_day(session, organiser)
    closing_event = _closing_event(session, organiser)
    _past_info_sessions(session, organiser, closing_event.programme_id)
    return True


def _refugee_day(session: Session, organiser) -> Event:
    programme = events.create_programme(
        session, organiser, "World Refugee Day activities 2027",
        "Japanese Ministry of Foreign Affairs",
    )
    event = events.create_event(session, organiser, events.EventDetails(
        slug=REFUGEE_DAY_SLUG,
        title={
            "en": "World Refugee Day celebration in the park",
            "bg": "Световен ден на бежанците: празник в парка",
            "uk": "Всесвітній день біженців: свято в парку",
        },
        description={
            "en": "A day of music, workshops for children, food tasting and a charity market "
                  "on the meadows of Borisova Gradina, with families who fled the war in "
                  "Ukraine and their neighbours in Sofia.\n\nChildren's ensembles from Ukraine "
                  "perform on the stage. Places in the doll-making workshop and on the buses "
                  "from the meeting points are limited: choose them when you register.",
            "bg": "Ден с музика, работилници за деца, дегустация на храни и благотворителен "
                  "базар на поляните в Борисовата градина, със семейства, избягали от войната в "
                  "Украйна, и техните съседи в София.\n\nДетски ансамбли от Украйна излизат на "
                  "сцената. Местата в работилницата за кукли и в автобусите от сборните пунктове "
                  "са ограничени: изберете ги при регистрацията.",
            "uk": "День музики, майстер-класів для дітей, дегустації страв і благодійного "
                  "ярмарку на галявинах Борисової градини, з родинами, які втекли від війни в "
                  "Україні, та їхніми сусідами в Софії.\n\nДитячі ансамблі з України виступають "
                  "на сцені. Місць на майстер-класі з виготовлення ляльок і в автобусах від "
                  "місць збору обмаль: оберіть їх під час реєстрації.",
        },
        privacy_notice=PRIVACY_NOTICE,
        venue="Borisova Gradina, Sofia",
        address="Borisova Gradina park, the meadow near the Ariana lake, 1164 Sofia",
        timezone=ZONE,
        starts_at=_at("2027-06-20T10:00"),
        ends_at=_at("2027-06-20T18:00"),
        capacity=600,
        age_mode="age_group",
        asks_sex=True,
        optional_consents=["photos", "future_contact"],
        programme_id=programme.id,
    ))
    activities = [
        ({"en": "Therapeutic doll-making for children (morning)",
          "bg": "Терапевтична изработка на кукли за деца (сутрин)",
          "uk": "Терапевтичне виготовлення ляльок для дітей (ранок)"},
         "Doll-making tent", "2027-06-20T10:30", "2027-06-20T12:00", 20),
        ({"en": "Therapeutic doll-making for children (afternoon)",
          "bg": "Терапевтична изработка на кукли за деца (следобед)",
          "uk": "Терапевтичне виготовлення ляльок для дітей (після обіду)"},
         "Doll-making tent", "2027-06-20T14:00", "2027-06-20T15:30", 20),
        ({"en": "Stage performances by children's ensembles from Ukraine",
          "bg": "Сценични изпълнения на детски ансамбли от Украйна",
          "uk": "Виступи дитячих ансамблів з України"},
         "Main stage", "2027-06-20T11:00", "2027-06-20T13:00", None),
        ({"en": "Bus from the meeting point at Lyulin metro station",
          "bg": "Автобус от сборния пункт на метростанция „Люлин“",
          "uk": "Автобус від місця збору на станції метро «Люлин»"},
         "Lyulin metro station, exit A", "2027-06-20T09:15", "2027-06-20T09:50", 50),
    ]
    for position, (title, place, starts, ends, capacity) in enumerate(activities):
        events.add_activity(session, organiser, event, events.ActivityDetails(
            title=title, place=place, starts_at=_at(starts), ends_at=_at(ends),
            capacity=capacity, position=position,
        ))
    events.add_question(session, organiser, event, events.QuestionDetails(
        label={"en": "Will you take part in the charity market with things to sell?",
               "bg": "Ще участвате ли в благотворителния базар с неща за продажба?",
               "uk": "Чи візьмете ви участь у благодійному ярмарку зі своїми речами?"},
        kind="yes_no", asked_per="party",
    ))
    events.add_question(session, organiser, event, events.QuestionDetails(
        label={"en": "Food allergies we should know about for the tasting",
               "bg": "Хранителни алергии, които да знаем за дегустацията",
               "uk": "Харчові алергії, про які нам слід знати для дегустації"},
        kind="text", asked_per="attendee",
    ))
    events.publish_event(session, organiser, event)
    return event


def _closing_event(session: Session, organiser) -> Event:
    programme = events.create_programme(
        session, organiser,
        "Raising the awareness of local communities in areas with significant Roma "
        "populations on asylum and migration issues",
        "Norwegian Financial Mechanism",
    )
    event = events.create_event(session, organiser, events.EventDetails(
        slug=CLOSING_EVENT_SLUG,
        title={
            "en": "Closing event of the migration-awareness project",
            "bg": "Заключително събитие на проекта за информираност за миграцията",
            "uk": "Заключна подія проєкту з обізнаності щодо міграції",
        },
        description={
            "en": "After four years, 73 info events and more than 2,100 people reached in Roma "
                  "communities, the project closes with speeches, a presentation of results "
                  "and a discussion, 'Roma and Migration: Reflections from Accumulated "
                  "Experience', with health mediators and partner organisations.",
            "bg": "След четири години, 73 информационни събития и над 2100 души в ромските "
                  "общности, проектът завършва с приветствия, представяне на резултатите и "
                  "дискусия „Роми и миграция: размисли от натрупания опит“ със здравни "
                  "медиатори и партньорски организации.",
        },
        privacy_notice=PRIVACY_NOTICE,
        venue="G8 Cultural Center",
        address="Sofia",
        timezone=ZONE,
        starts_at=_at("2027-02-18T10:00"),
        ends_at=_at("2027-02-18T13:30"),
        capacity=80,
        age_mode="age_group",
        programme_id=programme.id,
    ))
    for position, (title, starts, ends) in enumerate([
        ({"en": "Opening speech by the Head of Office", "bg": "Откриване от ръководителя на офиса"},
         "2027-02-18T10:00", "2027-02-18T10:20"),
        ({"en": "Roma and Migration: Reflections from Accumulated Experience (discussion)",
          "bg": "Роми и миграция: размисли от натрупания опит (дискусия)"},
         "2027-02-18T10:20", "2027-02-18T11:30"),
        ({"en": "Results of the project and its information campaigns",
          "bg": "Резултати от проекта и информационните кампании"},
         "2027-02-18T11:45", "2027-02-18T12:30"),
    ]):
        events.add_activity(session, organiser, event, events.ActivityDetails(
            title=title, place="Main hall", starts_at=_at(starts), ends_at=_at(ends),
            position=position,
        ))
    events.add_question(session, organiser, event, events.QuestionDetails(
        label={"en": "Organisation you represent", "bg": "Организация, която представлявате"},
        kind="text", asked_per="attendee",
    ))
    events.add_question(session, organiser, event, events.QuestionDetails(
        label={"en": "You are coming as", "bg": "Идвате като"},
        kind="single_choice", asked_per="attendee",
        option_labels=[
            {"en": "Invited official", "bg": "Поканен официален представител"},
            {"en": "Partner organisation", "bg": "Партньорска организация"},
            {"en": "Health mediator", "bg": "Здравен медиатор"},
            {"en": "Community member", "bg": "Член на общността"},
        ],
    ))
    events.publish_event(session, organiser, event)
    return event


#: Info sessions already held in the awareness project, with the people checked in at each
#: (name, age group or year of birth, sex, phone): the programme report has figures to
#: show. Maria Asenova came twice with the same phone (one person); Ivan Kostov twice
#: without one (offered to the organiser as possibly the same person). The session in
#: Nadezhda asked the year of birth, so the report has age bands too.
PAST_INFO_SESSIONS = [
    ("info-session-fakulteta", "Fakulteta, Sofia", "2026-03-12T17:00", [
        ("Мария Асенова", "adult", "female", "+359881000101"),
        ("Стефан Асенов", "child", "male", "+359881000101"),
        ("Ivan Kostov", "adult", "male", ""),
        ("Ралица Димитрова", "adult", "female", ""),
        ("Росица Янкова", "adult", "prefer_not_to_say", ""),
    ]),
    ("info-session-stolipinovo", "Stolipinovo, Plovdiv", "2026-05-21T17:00", [
        ("Мария Асенова", "adult", "female", "+359 88 100 0101"),
        ("Ivan Kostov", "adult", "male", ""),
        ("Даниела Петрова", "adult", "female", "+359881000202"),
        ("Кирил Петров", "child", "male", "+359881000202"),
    ]),
    ("info-session-nadezhda", "Nadezhda, Sliven", "2026-09-17T17:00", [
        ("Асен Тодоров", 1958, "male", ""),
        ("Тодорка Тодорова", 1961, "female", ""),
        ("Айше Мехмед", 1994, "female", "+359881000303"),
        ("Мехмед Мехмедов", 2021, "male", "+359881000303"),
    ]),
]


def _past_info_sessions(session: Session, organiser, programme_id: int) -> None:
    """Hold the PAST_INFO_SESSIONS: each registered at its door and checked in."""

    for slug, venue, starts, people in PAST_INFO_SESSIONS:
        event = events.create_event(session, organiser, events.EventDetails(
            slug=slug,
            title={"en": "Info session on asylum and migration",
                   "bg": "Информационна среща за убежището и миграцията"},
            privacy_notice=PRIVACY_NOTICE, venue=venue, timezone=ZONE,
            starts_at=_at(starts), ends_at=_at(starts.replace("T17", "T19")),
            asks_sex=True, programme_id=programme_id,
            age_mode="birth_year" if isinstance(people[0][1], int) else "age_group",
        ))
        events.publish_event(session, organiser, event)
        door, _ = create_door_access(session, event, "Entrance", created_at=event.starts_at)
        by_phone: dict[str, list[AttendeeRequest]] = {}
        for name, age, sex, phone in people:
            person = AttendeeRequest(name=name, sex=sex, **(
                {"birth_year": age} if isinstance(age, int) else {"age_group": age}))
            by_phone.setdefault(phone or name, []).append(person)
        for key, party in by_phone.items():
            outcome = register(session, event, RegistrationRequest(
                attendees=party, consent=True, language="bg",
                phone=key if key.startswith("+") else ""), walk_in=True,
                phone_region=None)  # the demo's phones carry their country code
            for attendee in outcome.registration.attendees:
                check_in(session, DoorView.of(door, NO_TIME_RULES), CheckinRequest(
                    client_id=f"demo-{attendee.id}", attendee_id=attendee.id))
        revoke_door_access(session, door)
