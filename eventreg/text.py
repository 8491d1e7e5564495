"""Text people type: what cannot be stored, what is not stored as typed, and what is blank.

- **Control characters** (U+0000-0008, U+000B, U+000C, U+000E-001F, U+007F and the C1
  range U+0080-009F) are refused wherever a person types text. Nobody means them; they
  come from pasting out of other programs or from scripts, PostgreSQL cannot store NUL,
  and spreadsheets refuse the rest (openpyxl raises on them). Tab, line feed and carriage
  return are ordinary text.
- **Bidirectional embeddings, overrides and isolates** (U+202A-202E, U+2066-2069) are
  removed before text is stored: they can make a name read backwards in an organiser's
  list ("Trojan Source"). The left-to-right and right-to-left marks (U+200E, U+200F) stay:
  people writing Arabic or Persian use them.
- A **blank** name holds nothing visible: only spaces and invisible characters (U+200B
  zero-width space, U+2060 word joiner, U+3164 Hangul filler, ...).
"""

import re
import unicodedata

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: Characters that are letters or symbols to Unicode but show nothing.
_BLANK_LOOKING = frozenset("\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")
#: Unicode categories that never show anything by themselves: controls, formats,
#: separators, surrogates, private use, unassigned, and combining marks with no base.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp",
                                   "Mn", "Mc", "Me"})


def has_control_characters(value: str) -> bool:
    """True when `value` holds a character that is refused (see the module's docstring)."""
    return CONTROL_CHARACTERS.search(value) is not None


def strip_control_characters(value: str) -> str:
    """`value` without its refused characters: to show a refused form back, ready to resend."""
    return CONTROL_CHARACTERS.sub("", value)


def clean_text(value: str | None) -> str:
    """Text as it is stored: bidirectional controls removed, spaces trimmed."""
    return BIDI_CONTROLS.sub("", value or "").strip()


def is_blank(value: str | None) -> bool:
    """True when `value` shows nothing: empty, spaces, or invisible characters only."""
    return not any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _BLANK_LOOKING
        for char in value or ""
    )


def control_character_paths(value, path: str = "") -> list[str]:
    """The paths (`attendees.0.name`) of every text in a JSON value that holds a refused
    character, dictionary keys included."""
    if isinstance(value, str):
        return [path] if has_control_characters(value) else []
    if isinstance(value, dict):
        return [found for key, item in value.items()
                for found in control_character_paths(key, path)
                + control_character_paths(item, f"{path}.{key}".strip("."))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value)
                for found in control_character_paths(item, f"{path}.{index}".strip("."))]
    return []
