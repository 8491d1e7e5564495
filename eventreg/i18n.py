"""Languages: which one a request speaks, per-language texts, and local dates.

The language is, in order: one chosen on the page (remembered in a cookie), the best match
of the browser's Accept-Language, then English.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

LANGUAGE_COOKIE = "lang"
#: The languages every page is translated into; the first is the fallback.
LANGUAGE_CODES = ("en", "bg", "uk")
#: Names of the languages in themselves, for the language switcher.
LANGUAGE_NAMES = {"en": "English", "bg": "Български", "uk": "Українська"}
#: Names of the languages in the page's language, for sentences ("not written in Bulgarian").
LANGUAGE_NAMES_IN_PAGE = {"en": _l("English"), "bg": _l("Bulgarian"), "uk": _l("Ukrainian")}


def select_locale() -> str:
    """Pick the language of the current request (English outside a request)."""
    if not has_request_context():
        return LANGUAGE_CODES[0]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGE_CODES:
        return chosen
    return request.accept_languages.best_match(LANGUAGE_CODES, default=LANGUAGE_CODES[0])


def current_language() -> str:
    return str(get_locale() or "en")


def localized(texts: dict[str, str] | None, language: str | None = None) -> str:
    """Return the text in `language` (default: the page's), else English, else any one given."""
    if not texts:
        return ""
    language = language or current_language()
    for candidate in (language, "en", *texts.keys()):
        if texts.get(candidate):
            return texts[candidate]
    return ""


def format_local(value: datetime | None, timezone: str, style: str = "medium") -> str:
    """Format a UTC datetime in `timezone`, in the page's language: the date spelled out
    (`style` "long": with the weekday) and the time without seconds, e.g. "Jun 20, 2027,
    10:00 AM" - never an all-digit date, which reads differently in the US and in Europe."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(timezone))
    language = current_language()
    date_text = babel_dates.format_date(local.date(), format="full" if style == "long"
                                        else "medium", locale=language)
    return f"{date_text}, {babel_dates.format_time(local, format='short', locale=language)}"


def format_local_date(value: date | datetime | None, timezone: str, style: str = "full") -> str:
    """A moment's date where the event is, or a calendar date as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(timezone)).date()
    return babel_dates.format_date(value, format=style, locale=current_language())


def format_month(year_month: str) -> str:
    """"2026-03" as the month is named in the page's language, e.g. "March 2026"."""
    year, month = (int(part) for part in year_month.split("-"))
    return babel_dates.format_date(date(year, month, 1), format="LLLL y",
                                   locale=current_language())


def format_local_time(value: datetime | None, timezone: str) -> str:
    if value is None:
        return ""
    return babel_dates.format_time(
        value, format="short", tzinfo=ZoneInfo(timezone), locale=current_language()
    )
