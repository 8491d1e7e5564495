"""The rules for setting up events, their activities and questions.

Every function takes the acting organiser and refuses (NotFound) an event of another
organisation, so no view or API endpoint can forget that check.
"""

import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from unicodedata import normalize
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from eventreg import hooks
from eventreg.accounts.models import Organiser
from eventreg.audit.service import record
from eventreg.database import lock_row, utcnow
from eventreg.errors import Conflict, NotFound, ValidationFailed
from eventreg.events.models import (
    AGE_MODES,
    CONSENT_KINDS,
    PARTNER_SHARING,
    PHOTOS,
    QUESTION_KINDS,
    QUESTION_SCOPES,
    STATUS_CANCELLED,
    STATUS_CLOSED,
    STATUS_DRAFT,
    STATUS_PUBLISHED,
    WAITLIST_ORDER_DEFAULT,
    WAITLIST_ORDERS,
    Activity,
    Event,
    HasPlaces,
    Programme,
    Question,
)
from eventreg.events.retention import NOTICE_STATES_A_PERIOD, check_period, states_a_period
from eventreg.i18n import LANGUAGE_CODES, LANGUAGE_NAMES_IN_PAGE, localized
from eventreg.text import clean_text, is_blank

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80
MAX_CAPACITY = 100_000
MAX_POSITION = 1000

#: The most characters each text of an event may hold (in each language, for texts with
#: languages). A longer one is refused with a field error, never cut; the API document's
#: `maxLength` values come from these (and tests/events/test_service.py checks the columns).
EVENT_TEXT_LIMITS = {
    "title": 200, "description": 5000, "privacy_notice": 5000, "venue": 200, "address": 300,
    "consent_partner": 200,
}
#: The same for an activity's texts.
ACTIVITY_TEXT_LIMITS = {"title": 200, "place": 200}
#: The same for a question: its wording, and each of its options.
QUESTION_TEXT_LIMITS = {"label": 500, "options": 200}
#: The same for a programme's name and funder.
PROGRAMME_TEXT_LIMITS = {"name": 300, "funder": 300}

#: Names of the statuses for people, in the page's language.
STATUS_NAMES = {
    STATUS_DRAFT: _l("draft"),
    STATUS_PUBLISHED: _l("published"),
    STATUS_CLOSED: _l("closed"),
    STATUS_CANCELLED: _l("cancelled"),
}
#: The kinds of question as organisers read them.
QUESTION_KIND_NAMES = {
    "yes_no": _l("Yes or no"),
    "single_choice": _l("One of several options"),
    "multiple_choice": _l("Any of several options"),
    "text": _l("Free text"),
}
#: Age groups as people read them; "unknown" is a report's group for no age given.
AGE_GROUP_NAMES = {"child": _l("Child"), "adult": _l("Adult"), "unknown": _l("Age not given")}
#: The answers to the sex question as people read them, in the order they are offered.
SEX_NAMES = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "prefer_not_to_say": _l("Prefer not to say"),
}

#: Which status an event may move to from each status.
STATUS_TRANSITIONS = {
    STATUS_DRAFT: {STATUS_PUBLISHED, STATUS_CANCELLED},
    STATUS_PUBLISHED: {STATUS_CLOSED, STATUS_CANCELLED},
    STATUS_CLOSED: {STATUS_PUBLISHED, STATUS_CANCELLED},
    STATUS_CANCELLED: set(),
}


@dataclass
class EventDetails:
    """What an organiser says about an event; times are aware datetimes."""

    title: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    description: dict[str, str] = field(default_factory=dict)
    privacy_notice: dict[str, str] = field(default_factory=dict)
    #: The venue per language; a plain string stands for every language the event offers.
    venue: dict[str, str] | str = field(default_factory=dict)
    address: str = ""
    timezone: str = "Europe/Sofia"
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    capacity: int | None = None
    age_mode: str = "age_group"
    asks_sex: bool = False
    #: Whether parties with a phone are sent text messages (paid per segment).
    sends_text_messages: bool = True
    #: Turning `asks_sex` off deletes the answers given; the organiser must say so.
    delete_sex_answers: bool = False
    programme_id: int | None = None
    slug: str | None = None
    #: Days after the end that personal data is kept, when shorter than the organisation's.
    retention_days: int | None = None
    #: One of WAITLIST_ORDERS; strict unless the organiser chose otherwise (why: its
    #: comment in eventreg/events/models.py).
    waitlist_order: str = WAITLIST_ORDER_DEFAULT
    #: The optional consents each person is asked (of CONSENT_KINDS); never a condition.
    optional_consents: list[str] = field(default_factory=list)
    #: The partner a "partner_sharing" consent names; required when that one is asked.
    consent_partner: str = ""


@dataclass
class ActivityDetails:
    title: dict[str, str]
    #: Where in the venue, per language; a plain string stands for every language the
    #: event offers.
    place: dict[str, str] | str = field(default_factory=dict)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = None
    position: int = 0
    #: A children's workshop: pick-up codes for the children (eventreg/checkin/pickup.py).
    asks_pickup_codes: bool = False


@dataclass
class QuestionDetails:
    label: dict[str, str]
    kind: str
    required: bool = False
    asked_per: str = "party"
    #: For choice questions: each option's label per language, in order.
    option_labels: list[dict[str, str]] = field(default_factory=list)
    position: int = 0


# --- reading -------------------------------------------------------------------------------


def get_organiser_event(session: Session, organiser: Organiser, slug: str) -> Event:
    """Return the organiser's organisation's event `slug`; NotFound for any other."""
    event = session.scalar(
        select(Event).where(Event.slug == slug, Event.organisation_id == organiser.organisation_id)
    )
    if event is None:
        raise NotFound(_l("No such event."), reason="event_not_found")
    return event


def list_organiser_events(session: Session, organiser: Organiser) -> list[Event]:
    return list(
        session.scalars(
            select(Event)
            .where(Event.organisation_id == organiser.organisation_id)
            .order_by(Event.starts_at.desc())
        )
    )


def published_event_statement(slug: str) -> Select:
    """SELECT the public event at `slug` (published, closed or cancelled): drafts do not
    exist publicly. For a caller that reads more with it (see `get_published_event`)."""
    return select(Event).where(Event.slug == slug, Event.status != STATUS_DRAFT)


def event_not_found() -> NotFound:
    return NotFound(_l("No such event."), reason="event_not_found")


def get_published_event(session: Session, slug: str) -> Event:
    """Return a public event (published, closed or cancelled); drafts do not exist publicly."""
    event = session.scalar(published_event_statement(slug))
    if event is None:
        raise event_not_found()
    return event


def list_published_events(session: Session, *, now: datetime | None = None) -> list[Event]:
    """Published events that have not ended yet, soonest first."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(Event)
            .where(Event.status == STATUS_PUBLISHED, Event.ends_at > now)
            .order_by(Event.starts_at)
            .options(
                selectinload(Event.activities),
                selectinload(Event.questions),
                selectinload(Event.programme),
            )
        )
    )


def list_programmes(session: Session, organiser: Organiser) -> list[Programme]:
    return list(
        session.scalars(
            select(Programme)
            .where(Programme.organisation_id == organiser.organisation_id)
            .order_by(Programme.name)
        )
    )


def get_programme(session: Session, organiser: Organiser, programme_id: int) -> Programme:
    """One of the organiser's organisation's programmes, else NotFound."""
    programme = session.get(Programme, programme_id)
    if programme is None or programme.organisation_id != organiser.organisation_id:
        raise NotFound(_l("No such programme."), reason="programme_not_found")
    return programme


def registration_is_open(event: Event, now: datetime | None = None) -> bool:
    """Whether people may register now: published, and inside the registration window."""
    now = now or utcnow()
    if event.status != STATUS_PUBLISHED:
        return False
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    closes_at = event.registration_closes_at or event.ends_at
    return now < closes_at


# --- events --------------------------------------------------------------------------------


def create_event(session: Session, organiser: Organiser, details: EventDetails) -> Event:
    """Create a draft event of the organiser's organisation, with its ticket signing key.

    Refuses with ValidationFailed (`fields` says which) missing or malformed details, and
    any text longer than EVENT_TEXT_LIMITS allows.
    """
    _validate_event(session, organiser, details, event=None)
    with _slug_taken_is_a_field_error():
        event = Event(organisation_id=organiser.organisation_id, status=STATUS_DRAFT)
        _apply_event_details(event, details)
        event.slug = details.slug or _free_slug(session, _title_for_slug(details.title))
        session.add(event)
        session.flush()
        hooks.event_created.send(session, event=event)
        _audit(session, organiser, event, "event.created")
    return event


def update_event(
    session: Session, organiser: Organiser, event: Event, details: EventDetails
) -> Event:
    """Change an event's details; capacity may not drop below the places already taken."""
    _check_owner(organiser, event)
    _validate_event(session, organiser, details, event=event)
    with _slug_taken_is_a_field_error():
        lock_row(session, event)
        _refuse_capacity_below_places_taken(details.capacity, event)
        before = _audited_fields(event)
        _apply_event_details(event, details)
        if details.slug:
            event.slug = details.slug
        after = _audited_fields(event)
        if (PHOTOS in before["optional_consents"]) != (PHOTOS in after["optional_consents"]):
            hooks.photo_consent_asked_changed.send(session, event=event, now=utcnow())
        if before["asks_sex"] and not after["asks_sex"]:
            hooks.sex_question_dropped.send(session, event=event,
                                            confirmed=details.delete_sex_answers)
        moved = [before[k] for k in ("starts_at", "ends_at", "venue", "address")] != [
            after[k] for k in ("starts_at", "ends_at", "venue", "address")]
        _audit(session, organiser, event, "event.updated",
               **{key: [before[key], after[key]] for key in after if before[key] != after[key]})
        if moved and event.status in (STATUS_PUBLISHED, STATUS_CLOSED):
            hooks.event_changed.send(session, event=event, kind="event_changed")
        session.flush()  # a slug taken meanwhile is refused here, as a field error
    hooks.places_freed.send(session, event=event, now=utcnow())  # a raised capacity
    return event


def change_event_status(
    session: Session, organiser: Organiser, event: Event, new_status: str
) -> Event:
    """Move an event along draft -> published -> closed, or to cancelled.

    Publishing needs a privacy notice, since people consent to it when they register.
    """
    _check_owner(organiser, event)
    lock_row(session, event)
    old_status = event.status
    if new_status not in STATUS_TRANSITIONS.get(old_status, set()):
        raise Conflict(
            _l("An event that is %(status)s cannot become %(new)s.",
               status=STATUS_NAMES.get(old_status, old_status),
               new=STATUS_NAMES.get(new_status, new_status)),
            reason="invalid_status_change",
        )
    if new_status == STATUS_PUBLISHED and not any(event.privacy_notice.values()):
        raise Conflict(
            _l("Write the privacy notice before publishing: people consent to it."),
            reason="privacy_notice_missing",
        )
    event.status = new_status
    if new_status == STATUS_CANCELLED:
        event.cancelled_at = utcnow()
    _audit(session, organiser, event, "event.status_changed", status=[old_status, new_status])
    if new_status == STATUS_CANCELLED and old_status != STATUS_DRAFT:
        hooks.event_changed.send(session, event=event, kind="event_cancelled")
    return event


#: Status changes that cannot be undone, so an organiser is asked once more before them:
#: a cancelled event stays cancelled, and its parties have been told.
IRREVERSIBLE_STATUSES = frozenset({STATUS_CANCELLED})


def is_irreversible(new_status: str) -> bool:
    """Whether moving an event to `new_status` can never be undone."""
    return new_status in IRREVERSIBLE_STATUSES


def people_told_of_status_change(session: Session, event: Event, new_status: str):
    """Whom `change_event_status` would tell if the event became `new_status` now: a
    PeopleToTell (eventreg/registrations/notifications.py), or None when it tells nobody
    (closing, publishing, cancelling a draft)."""
    if new_status == STATUS_CANCELLED and event.status != STATUS_DRAFT:
        return hooks.people_to_tell_of(session, event, "event_cancelled")
    return None


def reopen_registration(session: Session, organiser: Organiser, event: Event) -> Event:
    """Undo closing registration: the event is published again, as it was, and places
    freed while it was closed go to the waiting list.

    Refuses with Conflict `not_closed` unless the event is closed (a cancelled event stays
    cancelled). Recorded in the audit log as `event.registration_reopened`.
    """
    _check_owner(organiser, event)
    lock_row(session, event)
    if event.status != STATUS_CLOSED:
        raise Conflict(_l("Registration for this event is not closed, so there is nothing "
                          "to reopen."), reason="not_closed")
    event.status = STATUS_PUBLISHED
    _audit(session, organiser, event, "event.registration_reopened",
           status=[STATUS_CLOSED, STATUS_PUBLISHED])
    session.flush()
    hooks.places_freed.send(session, event=event, now=utcnow())
    return event


def publish_event(session: Session, organiser: Organiser, event: Event) -> Event:
    return change_event_status(session, organiser, event, STATUS_PUBLISHED)


def create_programme(
    session: Session, organiser: Organiser, name: str, funder: str | None = None
) -> Programme:
    """Add a programme (project) of the organiser's organisation, with its funder if any."""
    name, funder = (name or "").strip(), (funder or "").strip()
    errors = _too_long({"name": name, "funder": funder}, PROGRAMME_TEXT_LIMITS)
    if not name:
        errors["name"] = _l("Enter a name.")
    if errors:
        raise ValidationFailed(_l("Fix the marked fields."), fields=errors)
    programme = Programme(
        organisation_id=organiser.organisation_id, name=name, funder=funder or None,
    )
    session.add(programme)
    session.flush()
    record(session, organisation_id=organiser.organisation_id, by=organiser,
           action="programme.created", target=programme.name,
           details={"funder": programme.funder})
    return programme


# --- activities ----------------------------------------------------------------------------


def add_activity(
    session: Session, organiser: Organiser, event: Event, details: ActivityDetails
) -> Activity:
    _check_owner(organiser, event)
    _validate_activity(details, event)
    activity = Activity(event_id=event.id)
    _apply_activity_details(activity, details, event)
    session.add(activity)
    session.flush()
    _audit(session, organiser, event, "activity.added", title=localized(activity.title))
    return activity


def update_activity(
    session: Session, organiser: Organiser, activity: Activity, details: ActivityDetails
) -> Activity:
    """Change an activity; its capacity may not drop below the places already taken."""
    _check_owner(organiser, activity.event)
    _validate_activity(details, activity.event)
    lock_row(session, activity)
    _refuse_capacity_below_places_taken(details.capacity, activity)
    _apply_activity_details(activity, details, activity.event)
    _audit(session, organiser, activity.event, "activity.updated",
           title=localized(activity.title), capacity=activity.capacity)
    hooks.places_freed.send(session, event=activity.event, now=utcnow())
    return activity


def remove_activity(session: Session, organiser: Organiser, activity: Activity) -> None:
    """Delete an activity no valid ticket has chosen; refuse one with places taken, or one
    the features using it keep (a door link checks people in to it, or did).

    What else refers to it goes with it (choices of cancelled attendees).
    """
    _check_owner(organiser, activity.event)
    lock_row(session, activity)
    if activity.places_taken:
        raise Conflict(
            _l("People have chosen this activity; cancel their choices first."),
            reason="activity_in_use",
        )
    hooks.activity_removing.send(session, activity=activity)
    _audit(session, organiser, activity.event, "activity.removed",
           title=localized(activity.title))
    session.delete(activity)


def get_activity(session: Session, event: Event, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None or activity.event_id != event.id:
        raise NotFound(_l("No such activity."), reason="activity_not_found")
    return activity


# --- questions -----------------------------------------------------------------------------


def add_question(
    session: Session, organiser: Organiser, event: Event, details: QuestionDetails
) -> Question:
    _check_owner(organiser, event)
    _validate_question(details)
    question = Question(event_id=event.id)
    _apply_question_details(question, details)
    session.add(question)
    session.flush()
    _audit(session, organiser, event, "question.added", label=localized(question.label))
    return question


def update_question(
    session: Session, organiser: Organiser, question: Question, details: QuestionDetails
) -> Question:
    """Change a question. Once answered, its kind and scope stay, and its options may be
    reworded or added to but not removed, so that every stored answer keeps its meaning."""
    _check_owner(organiser, question.event)
    _validate_question(details)
    answered = hooks.answers_to(session, question)
    before = (question.kind, question.asked_per, set(question.option_values()))
    _apply_question_details(question, details)
    if answered and (
        question.kind != before[0]
        or question.asked_per != before[1]
        or not before[2] <= set(question.option_values())
    ):
        raise Conflict(
            _l("People have answered this question: you may reword it and add options, "
               "but not change its kind or remove options."),
            reason="question_in_use",
        )
    _audit(session, organiser, question.event, "question.updated",
           label=localized(question.label))
    return question


def remove_question(session: Session, organiser: Organiser, question: Question) -> None:
    """Delete a question nobody has answered; refuse one with answers."""
    _check_owner(organiser, question.event)
    answered = hooks.answers_to(session, question)
    if answered:
        raise Conflict(
            _l("People have answered this question; it can no longer be removed."),
            reason="question_in_use",
        )
    _audit(session, organiser, question.event, "question.removed",
           label=localized(question.label))
    session.delete(question)


def get_question(session: Session, event: Event, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        raise NotFound(_l("No such question."), reason="question_not_found")
    return question


# --- helpers -------------------------------------------------------------------------------


@contextmanager
def _slug_taken_is_a_field_error():
    """Another event may take the address between our check and our commit: say so kindly."""
    try:
        yield
    except IntegrityError as error:
        if "slug" not in str(error.orig).lower():
            raise
        raise ValidationFailed(
            _l("Fix the marked fields."),
            fields={"slug": _l("Another event already uses this address.")},
        ) from error


def _refuse_capacity_below_places_taken(capacity: int | None, row: HasPlaces) -> None:
    if capacity is not None and capacity < row.places_taken:
        raise ValidationFailed(
            _l("Fix the marked fields."),
            fields={"capacity": _l(
                "%(taken)d places are already taken; capacity cannot be lower.",
                taken=row.places_taken,
            )},
        )


def _audited_fields(event: Event) -> dict:
    return {
        "title": localized(event.title), "venue": dict(event.venue), "address": event.address,
        "starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat(),
        "capacity": event.capacity, "timezone": event.timezone, "slug": event.slug,
        "asks_sex": event.asks_sex, "waitlist_order": event.waitlist_order,
        "sends_text_messages": event.sends_text_messages,
        "optional_consents": list(event.optional_consents),
        "consent_partner": event.consent_partner,
        "registration_opens_at": event.registration_opens_at.isoformat()
        if event.registration_opens_at else None,
        "registration_closes_at": event.registration_closes_at.isoformat()
        if event.registration_closes_at else None,
    }


def _audit(session: Session, organiser: Organiser, event: Event, action: str, **details) -> None:
    record(session, organisation_id=event.organisation_id, event_id=event.id, by=organiser,
           action=action, target=event.slug, details=details)


def _check_owner(organiser: Organiser, event: Event) -> None:
    if event.organisation_id != organiser.organisation_id:
        raise NotFound(_l("No such event."), reason="event_not_found")


def _too_long(values: dict, limits: dict[str, int]) -> dict[str, str]:
    """A field error for each value longer than its limit, keyed by the field's path.

    A text per language is checked language by language (`title.bg`); a list of such texts
    (a question's options) names the language and the first line that is too long.
    """
    errors = {}
    for name, limit in limits.items():
        value = values.get(name)
        if isinstance(value, str):
            if len(value) > limit:
                errors[name] = _length_message(limit, len(value))
        elif isinstance(value, dict):
            for code, text in value.items():
                if isinstance(text, str) and len(text) > limit:
                    errors[f"{name}.{code}"] = _length_message(limit, len(text))
        elif isinstance(value, list):
            for line, texts in enumerate(value, start=1):
                for code, text in texts.items():
                    if isinstance(text, str) and len(text) > limit:
                        errors.setdefault(f"{name}.{code}", _l(
                            "Line %(line)d is too long: at most %(limit)d characters, it has "
                            "%(length)d.", line=line, limit=limit, length=len(text)))
    return errors


def _length_message(limit: int, length: int):
    return _l("Too long: at most %(limit)d characters, this has %(length)d.",
              limit=limit, length=length)


def _clean_texts(texts: dict[str, str] | None) -> dict[str, str]:
    return {
        code: text.strip()
        for code, text in (texts or {}).items()
        if code in LANGUAGE_CODES and isinstance(text, str) and text.strip()
    }


def offered_languages(event: Event) -> list[str]:
    """The languages an event offers: those its title is written in, in LANGUAGE_CODES
    order."""
    return [code for code in LANGUAGE_CODES if (event.title or {}).get(code)]


def _texts_per_language(texts: dict[str, str] | str | None, event: Event) -> dict[str, str]:
    """A text per language; one plain string (as venues and places were before they had
    languages, and as API clients of then still send) is the text of every language the
    event offers, like the migration that gave them languages."""
    if isinstance(texts, str):
        texts = {code: texts for code in offered_languages(event) or LANGUAGE_CODES[:1]}
    return _clean_texts(texts)


def language_gaps(event: Event) -> list[str]:
    """What lacks a language the event offers, as sentences for organisers: its privacy
    notice, and each question's wording and options. Publishing warns of them (and
    publishes all the same: a form half in English is better than none)."""
    offered = offered_languages(event)

    def missing(texts: dict) -> str:
        return ", ".join(str(LANGUAGE_NAMES_IN_PAGE[code]) for code in offered
                         if not (texts or {}).get(code))

    gaps = []
    if gap := missing(event.privacy_notice):
        gaps.append(_l("The privacy notice is not written in: %(languages)s.", languages=gap))
    for question in event.questions:
        if gap := missing(question.label) or next(
                (missing(option["label"]) for option in question.options
                 if missing(option["label"])), ""):
            gaps.append(_l("The question “%(question)s” is not written in: %(languages)s.",
                           question=localized(question.label), languages=gap))
    return gaps


def _validate_event(
    session: Session, organiser: Organiser, details: EventDetails, event: Event | None
) -> None:
    errors = _too_long(vars(details), EVENT_TEXT_LIMITS)
    if not _clean_texts(details.title):
        errors["title"] = _l("Give the event a title in at least one language.")
    if details.timezone not in available_timezones():
        errors["timezone"] = _l("Choose a time zone from the list, e.g. Europe/Sofia.")
    if details.starts_at is None:
        errors["starts_at"] = _l("Enter when the event starts.")
    if details.ends_at is None:
        errors["ends_at"] = _l("Enter when the event ends.")
    elif details.starts_at and details.ends_at <= details.starts_at:
        errors["ends_at"] = _l("The event must end after it starts.")
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _l("Registration must close after it opens.")
    if details.capacity is not None and not 1 <= details.capacity <= MAX_CAPACITY:
        errors["capacity"] = _l("Enter a number of places from 1 to 100000, or leave it empty.")
    if details.age_mode not in AGE_MODES:
        errors["age_mode"] = _l("Choose how to ask for age.")
    if details.waitlist_order not in WAITLIST_ORDERS:
        errors["waitlist_order"] = _l("Choose how the waiting list moves.")
    consents = list(details.optional_consents or [])
    if not set(consents) <= set(CONSENT_KINDS) or len(set(consents)) != len(consents):
        errors["optional_consents"] = _l("Choose from the consents listed, each once.")
    elif PARTNER_SHARING in consents and is_blank(details.consent_partner):
        errors["consent_partner"] = _l(
            "Name the partner people may agree to share their details with, or untick "
            "sharing with a partner.")
    if any(states_a_period(text) for text in (details.privacy_notice or {}).values()
           if isinstance(text, str)):
        errors["privacy_notice"] = NOTICE_STATES_A_PERIOD
    try:
        check_period(details.retention_days, field="retention_days",
                     longest=organiser.organisation.retention_days)
    except ValidationFailed as error:
        errors.update(error.fields)
    if details.programme_id is not None:
        programme = session.get(Programme, details.programme_id)
        if programme is None or programme.organisation_id != organiser.organisation_id:
            errors["programme_id"] = _l("Choose one of your organisation's programmes.")
    if details.slug is not None and details.slug != (event.slug if event else None):
        if not SLUG_PATTERN.match(details.slug) or len(details.slug) > MAX_SLUG_LENGTH:
            errors["slug"] = _l(
                "Use lower-case letters, digits and single hyphens, e.g. refugee-day-2026."
            )
        elif session.scalar(select(Event.id).where(Event.slug == details.slug)):
            errors["slug"] = _l("Another event already uses this address.")
    if errors:
        raise ValidationFailed(_l("Fix the marked fields."), fields=errors)


def _apply_event_details(event: Event, details: EventDetails) -> None:
    event.title = _clean_texts(details.title)
    event.description = _clean_texts(details.description)
    event.privacy_notice = _clean_texts(details.privacy_notice)
    event.retention_days = details.retention_days
    event.venue = _texts_per_language(details.venue, event)
    event.address = (details.address or "").strip()
    event.timezone = details.timezone
    event.starts_at = details.starts_at
    event.ends_at = details.ends_at
    event.registration_opens_at = details.registration_opens_at
    event.registration_closes_at = details.registration_closes_at
    event.capacity = details.capacity
    event.age_mode = details.age_mode
    event.asks_sex = bool(details.asks_sex)
    event.waitlist_order = details.waitlist_order or WAITLIST_ORDER_DEFAULT
    event.sends_text_messages = bool(details.sends_text_messages)
    event.optional_consents = [kind for kind in CONSENT_KINDS
                               if kind in (details.optional_consents or [])]
    event.consent_partner = clean_text(details.consent_partner)
    event.programme_id = details.programme_id


def _validate_activity(details: ActivityDetails, event: Event) -> None:
    errors = _too_long(vars(details), ACTIVITY_TEXT_LIMITS)
    if not _clean_texts(details.title):
        errors["title"] = _l("Give the activity a title in at least one language.")
    if details.starts_at and details.ends_at and details.ends_at <= details.starts_at:
        errors["ends_at"] = _l("The activity must end after it starts.")
    if details.capacity is not None and not 1 <= details.capacity <= MAX_CAPACITY:
        errors["capacity"] = _l("Enter a number of places from 1 to 100000, or leave it empty.")
    _validate_position(details.position, errors)
    if errors:
        raise ValidationFailed(_l("Fix the marked fields."), fields=errors)


def _validate_position(position: int, errors: dict) -> None:
    if not -MAX_POSITION <= (position or 0) <= MAX_POSITION:
        errors["position"] = _l("Enter a number from -1000 to 1000.")


def _apply_activity_details(activity: Activity, details: ActivityDetails, event: Event) -> None:
    activity.title = _clean_texts(details.title)
    activity.place = _texts_per_language(details.place, event)
    activity.starts_at = details.starts_at
    activity.ends_at = details.ends_at
    activity.capacity = details.capacity
    activity.position = details.position
    activity.asks_pickup_codes = details.asks_pickup_codes


def _validate_question(details: QuestionDetails) -> None:
    errors = _too_long({"label": details.label, "options": details.option_labels},
                       QUESTION_TEXT_LIMITS)
    if not _clean_texts(details.label):
        errors["label"] = _l("Write the question in at least one language.")
    if details.kind not in QUESTION_KINDS:
        errors["kind"] = _l("Choose a kind of answer.")
    if details.asked_per not in QUESTION_SCOPES:
        errors["asked_per"] = _l("Choose whether to ask once per party or per person.")
    if details.kind in ("single_choice", "multiple_choice"):
        options = [_clean_texts(labels) for labels in details.option_labels]
        if len([labels for labels in options if labels]) < 2:
            errors["options"] = _l("Give at least two options, one per line.")
    _validate_position(details.position, errors)
    if errors:
        raise ValidationFailed(_l("Fix the marked fields."), fields=errors)


def _apply_question_details(question: Question, details: QuestionDetails) -> None:
    question.label = _clean_texts(details.label)
    question.kind = details.kind
    question.required = bool(details.required)
    question.asked_per = details.asked_per
    question.position = details.position
    if details.kind in ("single_choice", "multiple_choice"):
        labels = [_clean_texts(option) for option in details.option_labels]
        # Option N is always line N (blank lines keep their numbers), so stored answers keep
        # their meaning when options are reworded, blanked or added.
        question.options = [
            {"value": f"o{index}", "label": option_labels}
            for index, option_labels in enumerate(labels, start=1)
            if option_labels
        ]
    else:
        question.options = []


def _title_for_slug(title: dict[str, str]) -> str:
    text = title.get("en") or next(iter(title.values()), "event")
    return _slugify(text)


def _slugify(text: str) -> str:
    ascii_text = normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-")
    return slug or "event"


def _free_slug(session: Session, base: str) -> str:
    slug = base
    while session.scalar(select(Event.id).where(Event.slug == slug)):
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug
