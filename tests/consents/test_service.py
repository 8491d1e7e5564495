"""Optional consents: asked per person from a short list, never a condition of admission,
stored with the words agreed to and when, withdrawable at any time."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.checkin.doors import create_door_access
from eventreg.checkin.scanning import CheckinRequest, check_in
from eventreg.consents.models import Consent
from eventreg.consents.service import consents_held, withdraw_consent
from eventreg.database import unit_of_work, utcnow
from eventreg.errors import NotFound, ValidationFailed
from eventreg.events import service as events
from eventreg.registrations.models import Attendee, Registration
from eventreg.registrations.service import (
    AttendeeRequest,
    RegistrationRequest,
    cancel_attendees,
    register,
)
from eventreg.waitlist import service as waitlist
from tests.doors import app_door

ALL_THREE = ["photos", "future_contact", "partner_sharing"]


def family(*people, language="en", **values):
    """`people`: (name, age group, consents) triples."""
    return RegistrationRequest(
        attendees=[AttendeeRequest(name=name, age_group=age, consents=list(consents))
                   for name, age, consents in people],
        consent=True, language=language, **values)


def register_family(db_session, event, *people, **values):
    with unit_of_work(db_session):
        return register(db_session, event, family(*people, **values),
                        phone_region="BG").registration


@pytest.fixture
def asking(make_event):
    """An event asking all three consents, the partner named."""
    return make_event(optional_consents=ALL_THREE, consent_partner="Caritas Sofia")


def test_an_event_asks_consents_of_the_short_list_in_its_order(db_session, make_event):
    event = make_event(optional_consents=["partner_sharing", "photos"],
                       consent_partner="  Caritas Sofia ")
    assert event.optional_consents == ["photos", "partner_sharing"]
    assert event.consent_partner == "Caritas Sofia"
    assert make_event(slug="asks-nothing").optional_consents == []


@pytest.mark.parametrize("consents,partner,field", [
    (["partner_sharing"], "", "consent_partner"),
    (["partner_sharing"], " \u200b ", "consent_partner"),
    (["photos", "marketing"], "", "optional_consents"),
    (["photos", "photos"], "", "optional_consents"),
])
def test_a_partner_consent_needs_the_partners_name_and_kinds_come_from_the_list(
        db_session, organiser, make_event, consents, partner, field):
    event = make_event(optional_consents=["photos"])
    details = events.EventDetails(title={"en": "Picnic"}, starts_at=event.starts_at,
                                  ends_at=event.ends_at, optional_consents=consents,
                                  consent_partner=partner)
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        events.update_event(db_session, organiser, event, details)
    assert set(refused.value.fields) == {field}
    db_session.refresh(event)
    assert event.optional_consents == ["photos"], "nothing changed"


def test_consents_ticked_are_kept_with_their_words_in_the_persons_language_and_time(
        db_session, asking):
    before = utcnow()
    party = register_family(db_session, asking,
                            ("Олена Коваленко", "adult", ["photos", "partner_sharing"]),
                            ("Микола Коваленко", "child", []), language="uk")
    olena, mykola = party.attendees
    assert [(c.kind, c.language, c.partner) for c in olena.consents] == [
        ("photos", "uk", None), ("partner_sharing", "uk", "Caritas Sofia")]
    photos, sharing = olena.consents
    assert "Фото" in photos.text or "фото" in photos.text
    assert "Caritas Sofia" in sharing.text
    assert all(before <= c.given_at <= utcnow() and c.withdrawn_at is None
               for c in olena.consents)
    assert mykola.consents == [], "a box left unticked is no consent"
    assert consents_held(mykola, asking) == []


def test_every_consent_starts_as_no_so_a_childs_photo_consent_is_no_by_default(
        db_session, asking):
    """A parent who ticks nothing for their child has given no photo consent."""
    party = register_family(db_session, asking, ("Olena Kovalenko", "adult", ["photos"]),
                            ("Mykola Kovalenko", "child", []))
    assert consents_held(party.attendees[0], asking) == ["photos"]
    assert consents_held(party.attendees[1], asking) == []
    default = AttendeeRequest(name="Sofia Kovalenko", age_group="child")
    assert default.consents == []


def test_admission_never_depends_on_a_consent(db_session, asking):
    party = register_family(db_session, asking, ("Ahmad Karimi", "adult", []),
                            ("Leyla Karimi", "child", []))
    with unit_of_work(db_session):
        door, _token = create_door_access(db_session, asking, "Main gate")
    with unit_of_work(db_session):
        results = [check_in(db_session, app_door(door), CheckinRequest(client_id=f"scan-{a.id}",
                                                             attendee_id=a.id))
                   for a in party.attendees]
    assert [r.status for r in results] == ["checked_in", "checked_in"]
    assert [r.attendee.no_photos for r in results] == [True, True]


def test_a_consent_the_event_does_not_ask_is_refused_and_nothing_is_registered(
        db_session, make_event):
    event = make_event(optional_consents=["photos"])
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        register(db_session, event, family(("Olena", "adult", ["photos"]),
                                           ("Ivan", "adult", ["future_contact"])),
                 phone_region="BG")
    assert set(refused.value.fields) == {"attendees.1.consents"}
    assert db_session.scalar(select(Registration.id)) is None
    assert db_session.scalar(select(Consent.id)) is None


def test_a_sharing_consent_counts_only_for_the_partner_named(db_session, organiser, asking):
    party = register_family(db_session, asking, ("Olena", "adult", ["partner_sharing"]))
    assert consents_held(party.attendees[0], asking) == ["partner_sharing"]
    shown_before = family(("Ivan", "adult", ["partner_sharing"]),
                          consent_partner="Caritas Sofia")
    with unit_of_work(db_session):
        events.update_event(db_session, organiser, asking, events.EventDetails(
            title=asking.title, starts_at=asking.starts_at, ends_at=asking.ends_at,
            privacy_notice=asking.privacy_notice, optional_consents=ALL_THREE,
            consent_partner="Red Cross Bulgaria"))
    assert consents_held(party.attendees[0], asking) == [], "not for another partner"
    # A form shown before the rename registers, without that consent.
    with unit_of_work(db_session):
        late = register(db_session, asking, shown_before, phone_region="BG").registration
    assert late.attendees[0].consents == []


def test_a_waiting_party_is_promoted_with_the_consents_still_asked(db_session, organiser,
                                                                   make_event,
                                                                   make_registration):
    event = make_event(capacity=1, optional_consents=ALL_THREE, consent_partner="Caritas")
    first = make_registration(event, ["Takes The Place"])
    with unit_of_work(db_session):
        entry = waitlist.join_waitlist(
            db_session, event, family(("Ivan Petrov", "adult", ALL_THREE)), phone_region="BG")
    assert entry.request["consent_partner"] == "Caritas"
    with unit_of_work(db_session):
        events.update_event(db_session, organiser, event, events.EventDetails(
            title=event.title, starts_at=event.starts_at, ends_at=event.ends_at,
            privacy_notice=event.privacy_notice, capacity=1,
            optional_consents=["photos", "partner_sharing"], consent_partner="Other partner"))
    with unit_of_work(db_session):
        cancel_attendees(db_session, first)
    db_session.rollback()
    entry = db_session.get(type(entry), entry.id)
    assert entry.registration is not None, "promoted, not dropped from the line"
    assert [c.kind for c in entry.registration.attendees[0].consents] == ["photos"]


def test_a_withdrawal_keeps_the_consent_with_its_time_and_is_audited_without_a_name(
        db_session, asking, make_event):
    other = make_event(slug="other-day", optional_consents=["photos"])
    register_family(db_session, other, ("Somebody Else", "adult", ["photos"]))
    party = register_family(db_session, asking, ("Olena Kovalenko", "adult", ALL_THREE),
                            ("Mykola Kovalenko", "child", ["photos"]))
    mykola = party.attendees[1]
    changed_before = mykola.changed_at
    when = utcnow() + timedelta(minutes=5)
    with unit_of_work(db_session):
        assert withdraw_consent(db_session, party, mykola.id, "photos", now=when)
    db_session.expire_all()
    [consent] = db_session.get(Attendee, mykola.id).consents
    assert consent.withdrawn_at == when and consent.text
    assert db_session.get(Attendee, mykola.id).changed_at > changed_before, "doors learn it"
    assert consents_held(party.attendees[0], asking) == ALL_THREE, "the others hold"
    [entry] = db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "consent.withdrawn")).all()
    assert entry.details == {"registration": party.id, "attendee": mykola.id, "kind": "photos"}
    assert "Kovalenko" not in repr((entry.target, entry.details, entry.actor))
    with unit_of_work(db_session):
        assert not withdraw_consent(db_session, party, mykola.id, "photos"), "once"
    assert db_session.get(Attendee, mykola.id).consents[0].withdrawn_at == when


def test_a_consent_never_given_or_of_another_party_cannot_be_withdrawn(db_session, asking):
    party = register_family(db_session, asking, ("Olena", "adult", ["photos"]))
    stranger = register_family(db_session, asking, ("Stranger", "adult", ["photos"]))
    with pytest.raises(NotFound) as refused, unit_of_work(db_session):
        withdraw_consent(db_session, party, party.attendees[0].id, "future_contact")
    assert refused.value.reason == "consent_not_found"
    with pytest.raises(NotFound) as refused, unit_of_work(db_session):
        withdraw_consent(db_session, party, stranger.attendees[0].id, "photos")
    assert refused.value.reason == "attendee_not_found"
    assert db_session.scalar(select(Consent.id).where(Consent.withdrawn_at.is_not(None))) is None


def test_erasing_a_person_keeps_their_consents_which_name_no_one(db_session, organiser, asking):
    from eventreg.privacy.erasure import erase

    party = register_family(db_session, asking, ("Olena Kovalenko", "adult", ALL_THREE),
                            ("Mykola Kovalenko", "child", ["photos"]))
    before = [(c.attendee_id, c.kind, c.text, c.given_at)
              for c in db_session.scalars(select(Consent).order_by(Consent.id))]
    with unit_of_work(db_session):
        erase(db_session, party, [party.attendees[1].id], by=organiser)
    db_session.expire_all()
    after = db_session.scalars(select(Consent).order_by(Consent.id)).all()
    assert [(c.attendee_id, c.kind, c.text, c.given_at) for c in after] == before
    assert not [c for c in after if "Kovalenko" in c.text or "Kovalenko" in (c.partner or "")]
    assert db_session.get(Attendee, party.attendees[1].id).name == ""
