"""Personal data is anonymised when its time is up, and every figure stays as it was.

The proof is a generated programme (families, repeat visitors, same-person decisions,
cancellations, walk-ins, a sign-in sheet, a waiting party, messages sent, optional
consents given and withdrawn): its full report
is the same before and after the purge, and afterwards no text of any table, no outbox
file and no audit entry holds any of its names, emails, phones or ticket secrets.
"""

import io
import random
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.checkin.sign_in_sheets import enter_sign_in_sheet
from eventreg.consents.models import Consent
from eventreg.consents.service import give_consents, withdraw_consent
from eventreg.database import unit_of_work, utcnow
from eventreg.events import service as events
from eventreg.extensions import db
from eventreg.messages.service import deliver_due
from eventreg.privacy.purge import purge_personal_data
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.notifications import add_party_message
from eventreg.registrations.search import spelling
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest, cancel_attendees
from eventreg.reports.people import decide_same_person
from eventreg.reports.service import programme_report
from eventreg.waitlist.models import WaitlistEntry
from eventreg.waitlist.service import join_waitlist
from tests.reports.test_programme_report import attend, door_of, held_event

#: Long after every generated event: all of it is due.
LATER = datetime(2028, 1, 1, tzinfo=UTC)
FIRST = ["Оксана", "Мирослава", "Bogdana", "Тарас", "Zlatka", "Ферхат", "Nikolina", "Юліан"]
LAST = ["Бондаренко", "Кирилова", "Shevchuk", "Асенова", "Velichkova", "Мустафова"]


def seed_programme(db_session, organiser, seed=2026):
    """A programme of six held events drawn from a pool of families; returns the programme
    and everything that identifies someone in it (to be searched for afterwards)."""
    rng = random.Random(seed)
    consenting = random.Random(seed + 1)  # its own draws: the programme stays as it was
    families = []
    for number in range(14):
        surname = LAST[number % len(LAST)]
        members = [(f"{rng.choice(FIRST)} {surname}", rng.choice(["adult", "child"]),
                    rng.choice(["female", "male", "prefer_not_to_say"]))
                   for _ in range(rng.choice([1, 1, 2, 3]))]
        families.append({"members": members,
                         "phone": f"+3598879{number:05d}" if number % 3 else "",
                         "email": f"family{number}.{seed}@example.net" if number % 4 == 1 else ""})
    with unit_of_work(db_session):
        programme = events.create_programme(db_session, organiser, f"Generated {seed}")
    held = []
    for number in range(6):
        event = held_event(db_session, organiser, programme, date(2026, 2 + number, 14),
                           rng.choice(["Fakulteta", "Stolipinovo"]), f"p{seed}-{number}",
                           asks_sex=number % 2 == 0)
        door = door_of(db_session, event, "Gate")
        if number % 3:
            with unit_of_work(db_session):
                event.optional_consents = ["photos", "future_contact", "partner_sharing"]
                event.consent_partner = "Caritas Sofia"
        for family in rng.sample(families, 6):
            registration = attend(db_session, event, door, *family["members"],
                                  phone=family["phone"], email=family["email"],
                                  checked_in=rng.random() < 0.85)
            give_some_consents(db_session, consenting, event, registration)
            if family["email"]:
                with unit_of_work(db_session):
                    add_party_message(db_session, registration, "confirmation")
            if len(registration.attendees) > 1 and rng.random() < 0.3:
                with unit_of_work(db_session):
                    cancel_attendees(db_session, registration,
                                     [registration.attendees[-1].id], by=organiser)
        held.append(event)
    # A whole party cancelled, and a sign-in sheet typed in.
    late = attend(db_session, held[0], door_of(db_session, held[0], "Tent"),
                  ("Радослава Проданова", "adult", "female"), phone="+359887700001",
                  checked_in=False)
    with unit_of_work(db_session):
        cancel_attendees(db_session, late, by=organiser)
    with unit_of_work(db_session):
        enter_sign_in_sheet(db_session, organiser, held[1], [
            AttendeeRequest(name="Севдалина Маринова", age_group="adult"),
            AttendeeRequest(name="Kostadin Marinov", age_group="child")],
            sheet_id=uuid.uuid4().hex)
    deliver_due(db_session, now=utcnow() + timedelta(minutes=1))
    # The organiser decides on some possible duplicates, both ways.
    report = year_report(db_session, organiser, programme)
    assert len(report.possible_duplicates) >= 2, "the seed gives decisions to make"
    for index, group in enumerate(report.possible_duplicates[:4]):
        with unit_of_work(db_session):
            decide_same_person(db_session, organiser, [p.attendee_ids for p in group],
                               same_person=index % 2 == 0)
    return programme, identifying_texts(db_session)


def give_some_consents(db_session, rng, event, registration) -> None:
    """Each person of the party gives some of the event's optional consents; some are
    withdrawn later from the ticket link."""
    if not event.optional_consents:
        return
    with unit_of_work(db_session):
        for attendee in registration.attendees:
            kinds = [k for k in event.optional_consents if rng.random() < 0.5]
            give_consents(db_session, event, attendee, kinds, language=registration.language,
                          now=utcnow())
    for attendee in registration.attendees:
        if attendee.consents and rng.random() < 0.3:
            with unit_of_work(db_session):
                withdraw_consent(db_session, registration, attendee.id,
                                 attendee.consents[0].kind)


def identifying_texts(db_session) -> set[str]:
    """Every name, spelling of a name, email, phone, ticket secret and code now stored."""
    texts = set()
    for registration in db_session.scalars(select(Registration)):
        texts |= {registration.contact_name, registration.email or "",
                  registration.phone or "", registration.ticket_secret}
        for attendee in registration.attendees:
            texts |= {attendee.name, spelling(attendee.name), attendee.ticket_code}
    for entry in db_session.scalars(select(WaitlistEntry)):
        texts |= {entry.email or "", entry.secret, entry.request.get("phone") or ""}
        texts |= {person["name"] for person in entry.request.get("attendees", [])}
    return {text for text in texts if len(text) >= 5}


def year_report(db_session, organiser, programme):
    return programme_report(db_session, organiser, programme.id, date(2026, 1, 1),
                            date(2026, 12, 31))


def figures(report) -> dict:
    """Everything a donor is given: every figure and breakdown, per event too."""
    return {
        "events": [(e.id, e.title, e.registered, e.attended, e.walk_ins) for e in report.events],
        "registered": report.registered, "attended": report.attended,
        "individuals": report.individuals, "by_age_group": report.by_age_group,
        "by_month": report.by_month, "by_place": report.by_place, "by_sex": report.by_sex,
        "events_asking_sex": report.events_asking_sex,
        "individuals_by_sex": report.individuals_by_sex,
        "individuals_by_age": report.individuals_by_age,
    }


def workbook_cells(client, programme, version="report") -> list:
    answer = client.get(f"/manage/programmes/{programme.id}/{version}.xlsx"
                        "?from=2026-01-01&to=2026-12-31")
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(answer.data))
    return [[cell for cell in row if cell != "Figures as of"]
            for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
            if row[0] != "Figures as of"]


def _without_generated_time(page: str) -> str:
    """The page but its "Figures as of" time and its form token."""
    import re

    return re.sub(r'(Figures as of)[^<]*|name="csrf_token" value="[^"]*"', r"\1", page)


def everything_stored(db_session) -> str:
    """Every value of every table (a new table cannot escape), as one text."""
    db_session.rollback()
    return "\n".join(
        repr(tuple(row))
        for table in db.metadata.sorted_tables
        for row in db_session.execute(select(table))
    ).casefold()


def consent_rows(db_session) -> list[tuple]:
    db_session.rollback()
    return [(c.attendee_id, c.kind, c.partner, c.text, c.language, c.given_at, c.withdrawn_at)
            for c in db_session.scalars(select(Consent).order_by(Consent.id))]


def test_the_report_is_the_same_and_no_name_is_left_anywhere(
        client, auth, db_session, organiser, outbox):
    programme, identifying = seed_programme(db_session, organiser)
    other_programme, others = seed_programme(db_session, organiser, seed=7)
    assert len(identifying) > 60 and list(outbox.glob("*.eml"))
    auth.login(organiser)
    before = figures(year_report(db_session, organiser, programme))
    before_other = figures(year_report(db_session, organiser, other_programme))
    cells_before = workbook_cells(client, programme)
    donor_before = workbook_cells(client, programme, "report/donor")
    donor_page_before = client.get(f"/manage/programmes/{programme.id}/report/donor"
                                   "?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert before["individuals"] < before["attended"], "repeat visitors are counted once"
    spring = (date(2026, 3, 1), date(2026, 5, 31))
    spring_before = figures(programme_report(db_session, organiser, programme.id, *spring))

    # Some parties ask for erasure first: one through the page, one person through the API.
    families = [r for r in db_session.scalars(select(Registration).order_by(Registration.id))
                if r.event.programme_id == programme.id and len(r.attendees) > 1]
    erased_page = client.post(f"/manage/events/{families[0].event.slug}/registrations/"
                              f"{families[0].id}/erase",
                              data={"confirm": "yes",
                                    "attendee_ids": [a.id for a in families[0].attendees]})
    assert erased_page.status_code == 302
    assert "Erased the personal data" in client.get(erased_page.headers["Location"]).get_data(
        as_text=True)
    with unit_of_work(db_session):
        from eventreg.accounts.service import create_api_token

        token = create_api_token(db_session, organiser, "erasure")[1]
    erased_api = client.post(f"/api/v1/registrations/{families[1].id}/erase",
                             headers={"Authorization": f"Bearer {token}"},
                             json={"attendee_ids": [families[1].attendees[0].id]})
    assert erased_api.get_json()["erased_people"] == 1
    assert figures(year_report(db_session, organiser, programme)) == before

    consents_before = consent_rows(db_session)
    assert len(consents_before) > 20 and [c for c in consents_before if c[-1] is not None]

    report = purge_personal_data(db_session, now=LATER, batch_size=7)
    assert report.batches > 1 and report.done.total_people > 0
    assert consent_rows(db_session) == consents_before, "consents stay: they name no one"

    assert figures(year_report(db_session, organiser, programme)) == before
    assert figures(year_report(db_session, organiser, other_programme)) == before_other
    assert figures(programme_report(db_session, organiser, programme.id, *spring)) == (
        spring_before)
    assert workbook_cells(client, programme) == cells_before
    assert workbook_cells(client, programme, "report/donor") == donor_before
    donor_page = client.get(f"/manage/programmes/{programme.id}/report/donor"
                            "?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert _without_generated_time(donor_page) == _without_generated_time(donor_page_before)
    stored = everything_stored(db_session)
    left = sorted(text for text in identifying | others if text.casefold() in stored)
    assert left == []
    files = "\n".join(path.read_text(errors="replace") for path in outbox.rglob("*")
                      if path.is_file()).casefold()
    assert not [text for text in identifying | others if text.casefold() in files]
    # Nothing is left to offer as a possible duplicate, and a second run does nothing.
    assert year_report(db_session, organiser, programme).possible_duplicates == []
    again = purge_personal_data(db_session, now=LATER)
    assert again.done.total_people == 0 and again.batches == 0


def test_each_anonymisation_is_audited_per_event_without_a_name(db_session, organiser):
    programme, identifying = seed_programme(db_session, organiser)
    purge_personal_data(db_session, now=LATER)
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "privacy.anonymised")).all()
    people = db_session.scalars(select(Attendee)).all()
    assert {e.event_id for e in entries} == {a.event_id for a in people}
    assert sum(e.details["people"] for e in entries) == len(people)
    assert {e.actor for e in entries} == {"retention"}
    assert not [t for e in entries for t in identifying if t in repr((e.target, e.details))]


def test_only_what_is_due_goes(db_session, organiser, make_event, make_registration):
    """An event ended 10 days ago is kept (180 days); one 200 days ago is not; a party
    cancelled 40 days ago goes (30 days), one cancelled 10 days ago stays."""
    now = utcnow()
    recent = make_event(starts_in=timedelta(days=-10))
    old = make_event(starts_in=timedelta(days=-200), slug="old-one")
    coming = make_event(slug="to-come")
    kept = make_registration(recent, ["Kept Recently"], walk_in=True)
    gone = make_registration(old, ["Gone Long Ago"], walk_in=True)
    cancelled_long_ago = make_registration(coming, ["Cancelled Long Ago"])
    cancelled_lately = make_registration(coming, ["Cancelled Lately"])
    with unit_of_work(db_session):
        cancel_attendees(db_session, cancelled_long_ago, now=now - timedelta(days=40))
        cancel_attendees(db_session, cancelled_lately, now=now - timedelta(days=10))
    purge_personal_data(db_session, now=now)
    names = {r.id: [a.name for a in r.attendees]
             for r in db_session.scalars(select(Registration))}
    assert names == {kept.id: ["Kept Recently"], gone.id: [""],
                     cancelled_long_ago.id: [""], cancelled_lately.id: ["Cancelled Lately"]}


def test_a_shorter_period_of_the_event_counts_and_a_cancelled_person_goes_alone(
        db_session, organiser, make_event, make_registration):
    now = utcnow()
    short = make_event(starts_in=timedelta(days=-20), retention_days=14)
    family = make_registration(short, ["Stays Named", "Leaves Early"], walk_in=True)
    with unit_of_work(db_session):
        cancel_attendees(db_session, family, [family.attendees[1].id],
                         now=now - timedelta(days=31))
    coming = make_event(slug="later-one")
    party = make_registration(coming, ["Anna Stays", "Boris Cancelled"], phone="+359881234567")
    with unit_of_work(db_session):
        cancel_attendees(db_session, party, [party.attendees[1].id],
                         now=now - timedelta(days=31))
    purge_personal_data(db_session, now=now)
    db_session.expire_all()
    assert [a.name for a in family.attendees] == ["", ""]  # 20 days > the event's 14
    assert [a.name for a in party.attendees] == ["Anna Stays", ""]
    assert party.phone == "+359881234567" and spelling("Anna") in party.search_text
    assert spelling("Boris") not in party.search_text


def test_a_waiting_party_taken_off_the_line_is_emptied_later(
        db_session, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event, ["Takes The Place"])
    with unit_of_work(db_session):
        entry = join_waitlist(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Waiting Vasylyna", age_group="adult")],
            consent=True, email="vasylyna@example.net", phone="0881234567"),
            phone_region="BG")
    entry.removed_at = utcnow() - timedelta(days=31)
    db_session.commit()
    purge_personal_data(db_session)
    db_session.expire_all()
    assert entry.email is None and entry.request == {"party_size": 1}
    assert "vasylyna" not in everything_stored(db_session)


def test_two_purges_at_once_anonymise_each_party_once(app, db_session, organiser):
    seed_programme(db_session, organiser)
    people = len(db_session.scalars(select(Attendee)).all())
    db_session.commit()  # the threads' work is read in a fresh transaction
    reports, errors = [], []

    def purge():
        try:
            with app.app_context():
                reports.append(purge_personal_data(db.session, now=LATER, batch_size=5))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r.done.total_people for r in reports) == people, [r.lines() for r in reports]
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "privacy.anonymised")).all()
    assert sum(e.details["people"] for e in entries) == people


def test_registrations_go_on_during_a_purge(app, db_session, organiser, make_event):
    seed_programme(db_session, organiser)
    coming = make_event(capacity=200, slug="open-now")
    coming_id = coming.id
    registered = []

    def register_families():
        from eventreg.events.models import Event
        from eventreg.registrations.service import register

        with app.app_context():
            for number in range(15):
                with unit_of_work(db.session):
                    event = db.session.get(Event, coming_id)
                    outcome = register(db.session, event, RegistrationRequest(
                        attendees=[AttendeeRequest(name=f"Coming Family {number}",
                                                   age_group="adult")], consent=True),
                        phone_region="BG")
                registered.append(outcome.registration.id)

    db_session.commit()
    thread = threading.Thread(target=register_families)
    thread.start()
    purge_personal_data(db_session, now=utcnow() + timedelta(days=190), batch_size=5)
    thread.join()
    assert len(registered) == 15
    db_session.rollback()
    names = db_session.scalars(select(Attendee.name).where(Attendee.event_id == coming_id))
    assert sorted(names) == sorted(f"Coming Family {n}" for n in range(15))


def test_the_command_prints_what_it_did(runner, db_session, make_event, make_registration):
    old = make_event(starts_in=timedelta(days=-400))
    make_registration(old, ["Olena", "Mykola"], walk_in=True)
    first = runner.invoke(args=["purge-personal-data"])
    assert first.exit_code == 0
    assert f"event {old.id}: 2 people in 1 parties" in first.output
    assert "2 people anonymised" in first.output
    second = runner.invoke(args=["purge-personal-data"])
    assert "0 people anonymised in 0 batches" in second.output


@pytest.mark.parametrize("days", [1, 181])
def test_an_event_cannot_keep_data_longer_than_its_organisation_or_less_than_two_days(
        db_session, organiser, make_event, days):
    from eventreg.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        make_event(retention_days=days)
    assert "retention_days" in refused.value.fields


def test_no_door_link_outlives_the_shortest_retention(db_session, organiser, make_event):
    """A phone forgets names when its link ends: the link must end before the names go."""
    from eventreg.checkin.doors import create_door_access, door_expires_at
    from eventreg.events.retention import MIN_RETENTION_DAYS, deletion_due_at

    event = make_event(retention_days=MIN_RETENTION_DAYS)
    with unit_of_work(db_session):
        door, _token = create_door_access(db_session, event, "Gate")
    assert door_expires_at(door) < deletion_due_at(event, organiser.organisation)


def test_old_eml_files_that_name_no_message_go_after_the_longest_period(
        db_session, organiser, outbox):
    import os

    outbox.mkdir(parents=True, exist_ok=True)
    old = outbox / "0a1b2c3d4e5f60718293a4b5c6d7e8f9.eml"
    recent = outbox / "1a1b2c3d4e5f60718293a4b5c6d7e8f9.eml"
    named = outbox / "17-2a1b2c3d4e5f60718293a4b5c6d7e8f9.eml"
    for path in (old, recent, named):
        path.write_text("To: someone@example.net\n\nHello")
    long_ago = (utcnow() - timedelta(days=181)).timestamp()
    os.utime(old, (long_ago, long_ago))
    os.utime(named, (long_ago, long_ago))  # goes with its message, not by its age
    report = purge_personal_data(db_session)
    assert report.old_outbox_files == 1
    assert sorted(p.name for p in outbox.glob("*.eml")) == sorted([recent.name, named.name])


def test_cancellations_not_yet_due_elsewhere_never_hold_back_those_due(
        db_session, make_organiser, make_event, make_registration):
    """An office keeping cancellations 60 days must not stop the purge of another's 30:
    many of its cancellations, older ids first, fill no batch."""
    patient = make_organiser(organisation="Keeps 60 days")
    patient.organisation.cancelled_retention_days = 60
    db_session.commit()
    now = utcnow()
    kept_event = make_event(by=patient, slug="keeps-long")
    kept = [make_registration(kept_event, [f"Kept {n}"]) for n in range(4)]
    due_event = make_event(slug="keeps-30")
    due = [make_registration(due_event, [f"Due {n}"]) for n in range(3)]
    with unit_of_work(db_session):
        for registration in kept + due:
            cancel_attendees(db_session, registration, now=now - timedelta(days=40))
    purge_personal_data(db_session, now=now, batch_size=2)
    db_session.expire_all()
    assert [r.attendees[0].name for r in due] == ["", "", ""]
    assert [r.attendees[0].name for r in kept] == [f"Kept {n}" for n in range(4)]
