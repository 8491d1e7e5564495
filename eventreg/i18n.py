"""Languages: which one a request speaks, per-language texts, and local dates.

The language is, in order: one chosen on the page (remembered in a cookie), the best match
of the browser's Accept-Language, then English.

Participant pages (the event pages, the registration form, the waiting-list and ticket pages,
the door scanner) and the messages speak every language in `LANGUAGE_CODES`; organiser pages
only those in `ORGANISER_LANGUAGE_CODES`. A page is a participant page when its blueprint is
in `PARTICIPANT_BLUEPRINTS` and it is not under /manage/ (the waiting list's blueprint also
holds the organisers' page of the line). On an organiser page a chosen Arabic or Persian falls back to
the browser's best organiser language, then English, and the language switcher offers only
the organiser languages; on a participant page it offers all of them.

Arabic and Persian are written right to left: `text_direction` gives `rtl` for them, which
templates/base.html and the messages put on `<html dir>`.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

LANGUAGE_COOKIE = "lang"
#: The languages of participant pages, messages, tickets and the door scanner, and of an
#: event's own texts (title, description, ...); the first is the fallback.
LANGUAGE_CODES = ("en", "bg", "uk", "ar", "fa")
#: The languages every page, organiser pages too, is translated into.
ORGANISER_LANGUAGE_CODES = ("en", "bg", "uk")
#: The languages written right to left.
RIGHT_TO_LEFT = frozenset({"ar", "fa"})
#: Names of the languages in themselves, for the language switcher. Persian is named with
#: its Afghan name too: Dari speakers look for "دری".
LANGUAGE_NAMES = {"en": "English", "bg": "Български", "uk": "Українська", "ar": "العربية",
                  "fa": "فارسی / دری"}
#: Blueprints whose pages participants and door volunteers see: every language.
PARTICIPANT_BLUEPRINTS = frozenset({"events", "registrations", "waitlist", "tickets", "checkin",
                                    "privacy"})


def page_language_codes() -> tuple[str, ...]:
    """The languages the current page is offered in (organiser languages outside a page)."""
    if (has_request_context() and request.blueprint in PARTICIPANT_BLUEPRINTS
            and not request.path.startswith("/manage/")):
        return LANGUAGE_CODES
    return ORGANISER_LANGUAGE_CODES


def page_language_names() -> dict[str, str]:
    """The language switcher's choices on the current page."""
    return {code: LANGUAGE_NAMES[code] for code in page_language_codes()}
#: Names of the languages in the page's language, for sentences ("not written in Bulgarian").
LANGUAGE_NAMES_IN_PAGE = {"en": _l("English"), "bg": _l("Bulgarian"), "uk": _l("Ukrainian"),
                          "ar": _l("Arabic"), "fa": _l("Persian")}


def select_locale() -> str:
    """Pick the language of the current request (English outside a request)."""
    if not has_request_context():
        return LANGUAGE_CODES[0]
    offered = page_language_codes()
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in offered:
        return chosen
    return request.accept_languages.best_match(offered, default=LANGUAGE_CODES[0])


def text_direction(language: str | None = None) -> str:
    """"rtl" for a language written right to left, else "ltr"."""
    return "rtl" if (language or current_language()) in RIGHT_TO_LEFT else "ltr"


def isolated(value) -> str:
    """A name or code in plain text (a text message's body), kept in its own direction inside
    a right-to-left sentence by Unicode's isolates (FSI ... PDI); unchanged in other
    languages. HTML uses `<bdi>` or `dir="ltr"` instead."""
    text = "" if value is None else str(value)
    return f"\u2068{text}\u2069" if text and text_direction() == "rtl" else text


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
