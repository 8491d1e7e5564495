"""The privacy notice people consent to: the organiser's words, then how long the data is
really kept, written from the configured periods in the person's language.

An organiser's own notice may not state a period of its own (`states_a_period`): the
sentence added here is the only promise of a period, and it is the one kept.
"""

import re

from flask_babel import force_locale, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from eventreg.events.models import Event
from eventreg.i18n import localized
from eventreg.privacy.retention import periods_of


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
