"""Organiser forms for events, activities and questions, and their mapping to the service."""

from zoneinfo import ZoneInfo, available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from eventreg.database import NonexistentLocalTime, local_to_utc
from eventreg.errors import ValidationFailed
from eventreg.events.models import (
    FUTURE_CONTACT,
    PARTNER_SHARING,
    PHOTOS,
    WAITLIST_ORDER_DEFAULT,
    Activity,
    Event,
    Question,
)
from eventreg.events.service import (
    QUESTION_KIND_NAMES,
    ActivityDetails,
    EventDetails,
    QuestionDetails,
)
from eventreg.forms import CheckboxesField
from eventreg.i18n import LANGUAGE_CODES

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
#: Fields for texts in a right-to-left language are typed right to left.
AR = {"lang": "ar", "dir": "rtl"}
FA = {"lang": "fa", "dir": "rtl"}
COMMON_TIMEZONES = ("Europe/Sofia", "Europe/Kyiv", "Europe/Bucharest", "Europe/Athens",
                    "Europe/Berlin", "Europe/London", "UTC")


def _per_language(form: FlaskForm, stem: str) -> dict[str, str]:
    return {code: form[f"{stem}_{code}"].data or "" for code in LANGUAGE_CODES}


def _fill_per_language(form: FlaskForm, stem: str, texts: dict[str, str]) -> None:
    for code in LANGUAGE_CODES:
        form[f"{stem}_{code}"].data = (texts or {}).get(code, "")


def _local(value, timezone: str):
    return None if value is None else value.astimezone(ZoneInfo(timezone))


def _utc(field, timezone: str):
    """The field's local time in UTC; a time the clocks skip is the field's error."""
    try:
        return local_to_utc(field.data, timezone)
    except NonexistentLocalTime as error:
        raise ValidationFailed(
            _l("Fix the marked fields."),
            fields={field.name: _l("This time does not exist in %(zone)s: the clocks jump "
                                   "forward then. Choose another time.", zone=timezone)},
        ) from error


class EventForm(FlaskForm):
    title_en = StringField(_l("Title in English"))
    title_bg = StringField(_l("Title in Bulgarian"))
    title_uk = StringField(_l("Title in Ukrainian"))
    title_ar = StringField(_l("Title in Arabic"), render_kw=AR)
    title_fa = StringField(_l("Title in Persian (Dari/Farsi)"), render_kw=FA)
    description_en = TextAreaField(_l("Description in English"))
    description_bg = TextAreaField(_l("Description in Bulgarian"))
    description_uk = TextAreaField(_l("Description in Ukrainian"))
    description_ar = TextAreaField(_l("Description in Arabic"), render_kw=AR)
    description_fa = TextAreaField(_l("Description in Persian (Dari/Farsi)"), render_kw=FA)
    privacy_notice_en = TextAreaField(_l("Privacy notice in English"))
    privacy_notice_bg = TextAreaField(_l("Privacy notice in Bulgarian"))
    privacy_notice_uk = TextAreaField(_l("Privacy notice in Ukrainian"))
    privacy_notice_ar = TextAreaField(_l("Privacy notice in Arabic"), render_kw=AR)
    privacy_notice_fa = TextAreaField(_l("Privacy notice in Persian (Dari/Farsi)"), render_kw=FA)
    venue_en = StringField(_l("Venue in English"))
    venue_bg = StringField(_l("Venue in Bulgarian"))
    venue_uk = StringField(_l("Venue in Ukrainian"))
    venue_ar = StringField(_l("Venue in Arabic"), render_kw=AR)
    venue_fa = StringField(_l("Venue in Persian (Dari/Farsi)"), render_kw=FA)
    address = StringField(_l("Address"))
    timezone = SelectField(_l("Time zone"),
                           default=lambda: current_app.config["DEFAULT_TIMEZONE"])
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMAT,
                                   validators=[InputRequired(_l("Enter when the event starts."))])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT,
                                 validators=[InputRequired(_l("Enter when the event ends."))])
    registration_opens_at = DateTimeLocalField(_l("Registration opens (optional)"),
                                               format=DATETIME_FORMAT, validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Registration closes (optional)"),
                                                format=DATETIME_FORMAT, validators=[Optional()])
    capacity = IntegerField(
        _l("Places in all (leave empty for no limit)"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter 1 or more."))],
    )
    age_mode = SelectField(
        _l("Ask each person's age as"),
        choices=[SelectChoice("age_group", _l("child or adult")), SelectChoice("birth_year", _l("year of birth"))],
    )
    asks_sex = BooleanField(
        _l("Ask each person's sex, for reports by sex (“prefer not to say” is offered)")
    )
    delete_sex_answers = BooleanField(_l("Delete their answers"))
    waitlist_order = SelectField(
        _l("When the first party on the waiting list does not fit the places freed"),
        choices=[SelectChoice("strict", _l("it stays first and everyone waits (strict order)")),
                 SelectChoice("fit", _l("smaller parties behind it that fit go first"))],
        default=WAITLIST_ORDER_DEFAULT,
    )
    sends_text_messages = BooleanField(
        _l("Send text messages to people who gave a phone (each costs money per segment)"),
        default=True)
    optional_consents = CheckboxesField(
        _l("Ask each person, as optional consents"),
        choices=[SelectChoice(PHOTOS, _l("Photos and video")),
                 SelectChoice(FUTURE_CONTACT, _l("Contact about future events")),
                 SelectChoice(PARTNER_SHARING, _l("Sharing their details with a partner "
                                                  "(name it below)"))])
    consent_partner = StringField(_l("Partner's name, for sharing with a partner"))
    retention_days = IntegerField(
        _l("Delete personal data this many days after the event (leave empty for your "
           "organisation's period)"), validators=[Optional()])
    programme_id = SelectField(_l("Programme or project"), coerce=str)
    slug = StringField(_l("Web address"))

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        zones = list(COMMON_TIMEZONES) + sorted(available_timezones() - set(COMMON_TIMEZONES))
        self.timezone.choices = [SelectChoice(zone, zone) for zone in zones]
        self.programme_id.choices = [SelectChoice("", _l("(none)"))] + [
            SelectChoice(str(p.id), f"{p.name} ({p.funder})" if p.funder else p.name) for p in programmes
        ]

    def fill_from(self, event: Event) -> None:
        for stem in ("title", "description", "privacy_notice", "venue"):
            _fill_per_language(self, stem, getattr(event, stem))
        for name in ("address", "timezone", "capacity", "age_mode", "asks_sex",
                     "sends_text_messages", "slug", "retention_days", "waitlist_order",
                     "consent_partner"):
            self[name].data = getattr(event, name)
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            value = _local(getattr(event, name), event.timezone)
            self[name].data = value.replace(tzinfo=None) if value else None
        self.programme_id.data = str(event.programme_id or "")
        self.optional_consents.data = list(event.optional_consents)

    def to_details(self) -> EventDetails:
        zone = self.timezone.data
        return EventDetails(
            title=_per_language(self, "title"),
            description=_per_language(self, "description"),
            privacy_notice=_per_language(self, "privacy_notice"),
            venue=_per_language(self, "venue"),
            address=self.address.data or "",
            timezone=zone,
            starts_at=_utc(self.starts_at, zone),
            ends_at=_utc(self.ends_at, zone),
            registration_opens_at=_utc(self.registration_opens_at, zone),
            registration_closes_at=_utc(self.registration_closes_at, zone),
            capacity=self.capacity.data,
            age_mode=self.age_mode.data,
            asks_sex=self.asks_sex.data,
            delete_sex_answers=self.delete_sex_answers.data,
            sends_text_messages=self.sends_text_messages.data,
            programme_id=int(self.programme_id.data) if self.programme_id.data else None,
            slug=(self.slug.data or "").strip().lower() or None,
            retention_days=self.retention_days.data,
            waitlist_order=self.waitlist_order.data,
            optional_consents=list(self.optional_consents.data or []),
            consent_partner=self.consent_partner.data or "",
        )


def _per_language_aliases(*stems: str) -> dict[str, str]:
    """The form input of each per-language field error the service names (`title.bg`)."""
    return {f"{stem}.{code}": f"{stem}_{code}" for stem in stems for code in LANGUAGE_CODES}


EVENT_FIELD_ALIASES = {
    "title": "title_en", "venue": "venue_en",
    **_per_language_aliases("title", "description", "privacy_notice", "venue"),
}


class ActivityForm(FlaskForm):
    title_en = StringField(_l("Title in English"))
    title_bg = StringField(_l("Title in Bulgarian"))
    title_uk = StringField(_l("Title in Ukrainian"))
    title_ar = StringField(_l("Title in Arabic"), render_kw=AR)
    title_fa = StringField(_l("Title in Persian (Dari/Farsi)"), render_kw=FA)
    place_en = StringField(_l("Place in English"))
    place_bg = StringField(_l("Place in Bulgarian"))
    place_uk = StringField(_l("Place in Ukrainian"))
    place_ar = StringField(_l("Place in Arabic"), render_kw=AR)
    place_fa = StringField(_l("Place in Persian (Dari/Farsi)"), render_kw=FA)
    starts_at = DateTimeLocalField(_l("Starts (optional)"), format=DATETIME_FORMAT,
                                   validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends (optional)"), format=DATETIME_FORMAT,
                                 validators=[Optional()])
    capacity = IntegerField(
        _l("Places (leave empty for no limit)"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter 1 or more."))],
    )
    position = IntegerField(_l("Order on the page"), default=0, validators=[Optional()])
    asks_pickup_codes = BooleanField(_l("A children's workshop: give pick-up codes"))

    def fill_from(self, activity: Activity, timezone: str) -> None:
        _fill_per_language(self, "title", activity.title)
        _fill_per_language(self, "place", activity.place)
        self.capacity.data = activity.capacity
        self.position.data = activity.position
        self.asks_pickup_codes.data = activity.asks_pickup_codes
        for name in ("starts_at", "ends_at"):
            value = _local(getattr(activity, name), timezone)
            self[name].data = value.replace(tzinfo=None) if value else None

    def to_details(self, timezone: str) -> ActivityDetails:
        return ActivityDetails(
            title=_per_language(self, "title"),
            place=_per_language(self, "place"),
            starts_at=_utc(self.starts_at, timezone),
            ends_at=_utc(self.ends_at, timezone),
            capacity=self.capacity.data,
            position=self.position.data or 0,
            asks_pickup_codes=bool(self.asks_pickup_codes.data),
        )


class QuestionForm(FlaskForm):
    label_en = StringField(_l("Question in English"))
    label_bg = StringField(_l("Question in Bulgarian"))
    label_uk = StringField(_l("Question in Ukrainian"))
    label_ar = StringField(_l("Question in Arabic"), render_kw=AR)
    label_fa = StringField(_l("Question in Persian (Dari/Farsi)"), render_kw=FA)
    kind = SelectField(
        _l("Answer"),
        choices=[
            SelectChoice("yes_no", QUESTION_KIND_NAMES["yes_no"]),
            SelectChoice("single_choice", QUESTION_KIND_NAMES["single_choice"]),
            SelectChoice("multiple_choice", QUESTION_KIND_NAMES["multiple_choice"]),
            SelectChoice("text", QUESTION_KIND_NAMES["text"]),
        ],
    )
    asked_per = SelectField(
        _l("Ask"), choices=[SelectChoice("party", _l("once per registration")),
                            SelectChoice("attendee", _l("for each person"))],
    )
    required = BooleanField(_l("An answer is required"))
    options_en = TextAreaField(_l("Options in English, one per line"))
    options_bg = TextAreaField(_l("Options in Bulgarian, one per line"))
    options_uk = TextAreaField(_l("Options in Ukrainian, one per line"))
    options_ar = TextAreaField(_l("Options in Arabic, one per line"), render_kw=AR)
    options_fa = TextAreaField(_l("Options in Persian (Dari/Farsi), one per line"), render_kw=FA)
    position = IntegerField(_l("Order on the form"), default=0, validators=[Optional()])

    def fill_from(self, question: Question) -> None:
        _fill_per_language(self, "label", question.label)
        self.kind.data = question.kind
        self.asked_per.data = question.asked_per
        self.required.data = question.required
        self.position.data = question.position
        # Option "oN" goes back on line N, so saving again keeps every option's value.
        lines = {int(option["value"][1:]): option["label"] for option in question.options}
        for code in LANGUAGE_CODES:
            self[f"options_{code}"].data = "\n".join(
                lines.get(number, {}).get(code, "") for number in range(1, max(lines, default=0) + 1)
            )

    def to_details(self) -> QuestionDetails:
        lines = {
            code: (self[f"options_{code}"].data or "").splitlines() for code in LANGUAGE_CODES
        }
        count = max(len(values) for values in lines.values())
        option_labels = [
            {code: lines[code][index] if index < len(lines[code]) else "" for code in LANGUAGE_CODES}
            for index in range(count)
        ]
        return QuestionDetails(
            label=_per_language(self, "label"),
            kind=self.kind.data,
            required=self.required.data,
            asked_per=self.asked_per.data,
            option_labels=option_labels,
            position=self.position.data or 0,
        )


QUESTION_FIELD_ALIASES = {
    "label": "label_en", "options": "options_en", **_per_language_aliases("label", "options"),
}
ACTIVITY_FIELD_ALIASES = {"title": "title_en", "place": "place_en",
                          **_per_language_aliases("title", "place")}


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Name"))
    funder = StringField(_l("Funder"))
