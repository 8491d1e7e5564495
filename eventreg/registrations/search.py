"""How registrations are found by a name typed in either alphabet.

Names and queries are reduced to one Latin spelling, so that "kovalenko" finds
"Коваленко", "Honcharenko" finds "Гончаренко" and "Daryna" finds "Дарина". The door's
scanner does the same on the phone (static/js/door/spelling.js): both are held to one table
of cases, tests/cases/spelling.json; change them together.
"""

import re
import unicodedata

#: The longest search the API takes (`q`), in characters.
MAX_SEARCH_LENGTH = 200

#: Bulgarian and Ukrainian letters in Latin (after accents are taken off й and ї).
LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ы": "i", "ь": "", "э": "e",
    "ю": "iu", "я": "ia", "'": "", "’": "",
}
_FOLDS = [
    (re.compile("shch"), "sht"),
    (re.compile("c(?!h)"), "ts"),
    (re.compile("kh"), "h"),  # х
    (re.compile("(?<![zcs])h"), "g"),  # Ukrainian г is written h, х is h or kh: one letter
    (re.compile("[yj]"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
]


def spelling(text: str) -> str:
    """The text as compared: no accents or case, in one Latin spelling, spaces single."""
    plain = "".join(ch for ch in unicodedata.normalize("NFD", text)
                    if not unicodedata.combining(ch)).lower()
    latin = "".join(LATIN.get(ch, ch) for ch in plain)
    for pattern, replacement in _FOLDS:
        latin = pattern.sub(replacement, latin)
    return " ".join(latin.split())


def search_key(registration) -> str:
    """What organisers' searches look in: the party's contact and its people's names and
    ticket codes (none of an anonymised person)."""
    return spelling(" ".join(
        [registration.contact_name, registration.email or "", registration.phone or ""]
        + [f"{a.name} {a.ticket_code}" for a in registration.attendees
           if a.anonymised_at is None]
    ))


#: A word that may be a ticket code typed without its dash (XWKQLZT3BM for XWKQL-ZT3BM).
_CODE_WITHOUT_DASH = re.compile(r"^([a-z0-9]{5})([a-z0-9]{5})$", re.IGNORECASE)


def search_words(query: str) -> list[tuple[str, ...]]:
    """The words a search must all find, each as the spellings any of which will do: ten
    letters and digits also as a ticket code written with its dash (a name or a phone
    number is still found as typed)."""
    words = []
    for typed in query.split():
        forms = dict.fromkeys([typed, _CODE_WITHOUT_DASH.sub(r"\1-\2", typed)])
        spelt = tuple(dict.fromkeys(spelling(form) for form in forms if spelling(form)))
        if spelt:
            words.append(spelt)
    return words


def finds(text: str, words: list[tuple[str, ...]]) -> bool:
    """Whether the spelt `text` holds every word, in one of its spellings."""
    return all(any(form in text for form in forms) for forms in words)
