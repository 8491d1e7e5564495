"""How long the personal data of an event's people is kept, and what the people are told.

Each organisation keeps it for `Organisation.retention_days` after an event ends (an
event may shorten that, never lengthen it), and a cancelled registration, a cancelled
person or a party taken off a waiting list for `Organisation.cancelled_retention_days`
after it happened; eventreg/privacy/ deletes it then and keeps the figures.

The privacy notice people consent to is the organiser's words, then how long the data is
really kept, written here from these periods in the person's language. An organiser's own
notice may not state a period of its own (`states_a_period`): the sentence added here is
the only promise of a period, and it is the one kept.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from eventreg.accounts.models import Organisation
from eventreg.errors import ValidationFailed
from eventreg.events.models import Event
from eventreg.i18n import localized

#: Door links work until a day after the event ends (eventreg/checkin/doors.py): with at
#: least two days, no phone holds a name past the retention.
MIN_RETENTION_DAYS = 2
#: Ten years: beyond that a period is a mistake, not a policy.
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True)
class Periods:
    """The days personal data is kept: after the event ends, and after a cancellation."""

    after_event: int
    after_cancellation: int


def periods_of(event: Event, organisation: Organisation) -> Periods:
    after_event = organisation.retention_days
    if event.retention_days is not None:
        after_event = min(after_event, event.retention_days)
    return Periods(after_event, min(organisation.cancelled_retention_days, after_event))


def deletion_due_at(event: Event, organisation: Organisation) -> datetime:
    """When the personal data of the event's people is anonymised."""
    return event.ends_at + timedelta(days=periods_of(event, organisation).after_event)


def check_period(days: int | None, *, field: str, longest: int | None = None) -> None:
    """Refuse a retention period out of bounds, naming the field; None passes (unset)."""
    if days is None:
        return
    longest = MAX_RETENTION_DAYS if longest is None else longest
    if not MIN_RETENTION_DAYS <= days <= longest:
        message = _l("Keep personal data between %(shortest)s and %(longest)s days.",
                     shortest=MIN_RETENTION_DAYS, longest=longest)
        raise ValidationFailed(message, fields={field: message}, reason="invalid_retention")


def privacy_notice(event: Event, language: str | None = None) -> str:
    """The whole notice in `language` (the page's, when None): paragraphs split by blank
    lines, the last one the retention sentence."""
    language = language or str(get_locale() or "en")
    own = localized(event.privacy_notice, language).strip()
    sentence = retention_sentence(event, language)
    return f"{own}\n\n{sentence}" if own else sentence


def retention_sentence(event: Event, language: str) -> str:
    """The notice's sentence on how long data is kept, in the person's language."""
    periods = periods_of(event, event.organisation)
    with force_locale(language):
        kept = ngettext(
            "We delete your names, contact details and answers %(num)d day after the "
            "event ends.",
            "We delete your names, contact details and answers %(num)d days after the "
            "event ends.", periods.after_event)
        cancelled = ngettext(
            "If you cancel, or leave the waiting list, we delete them %(num)d day later.",
            "If you cancel, or leave the waiting list, we delete them %(num)d days later.",
            periods.after_cancellation)
        figures = gettext("We keep only figures without names (how many came, by age and "
                          "sex) for our reports.")
        return f"{kept} {cancelled} {figures}"


#: A number followed by a unit of time, in English, Bulgarian or Ukrainian.
_PERIOD = re.compile(
    r"\d+\s*(?:-?\s*)(?:day|week|month|year|ден|дни|дена|седмиц|месец|месеца|годин|"
    r"день|дні|днів|тиж|місяц|рок|рік)", re.IGNORECASE)


def states_a_period(text: str) -> bool:
    """Whether an organiser's notice states how long data is kept (it may not: the
    period people are told is the one configured, added by `retention_sentence`)."""
    return bool(_PERIOD.search(text or ""))


#: Why a notice stating a period of its own is refused.
NOTICE_STATES_A_PERIOD = _l("Leave out how long data is kept: the notice people see ends "
                            "with the period really configured, added by eventreg.")
