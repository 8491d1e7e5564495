"""What typed text may hold: control characters refused, bidi controls removed, blanks seen."""

import pytest

from eventreg.text import (
    clean_text,
    control_character_paths,
    has_control_characters,
    is_blank,
    strip_control_characters,
)

#: Every character the issue names (U+0001-0008, U+000B, U+000C, U+000E-001F), NUL, DEL.
REFUSED = [chr(c) for c in [0, *range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85]]


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_control_characters_are_found_and_can_be_left_out(char):
    assert has_control_characters(f"Eve{char}")
    assert strip_control_characters(f"Eve{char}n") == "Even"


@pytest.mark.parametrize("text", ["Eve\tAdams", "line one\nline two\r\n", "Олена", "مريم",
                                  "Ελένη", "José 😀"])
def test_ordinary_text_has_no_refused_characters(text):
    assert not has_control_characters(text)


def test_bidirectional_overrides_are_not_kept_but_rtl_marks_are():
    assert clean_text("\u202eEve\u202c ") == "Eve"
    assert clean_text("\u2067مريم\u2069") == "مريم"
    assert clean_text("مريم\u200f") == "مريم\u200f"


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "\u202e", "\u200b\u202e\u2060",
                                  "\u3164\u3164", "\u00a0\u2003", "\u0301\u0302", "\ufeff"])
def test_names_of_invisible_characters_only_are_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["E", "\u200bEve", "Й", "مريم", "李", "1", "-"])
def test_names_with_something_to_see_are_not_blank(text):
    assert not is_blank(text)


def test_control_characters_are_found_at_their_path_in_json():
    body = {"contact": {"name": "ok", "email": "a\x1b@b.c"},
            "attendees": [{"name": "fine"}, {"name": "Eve\x07"}], "k\x01": 1}
    assert sorted(control_character_paths(body)) == [
        "", "attendees.1.name", "contact.email"]
