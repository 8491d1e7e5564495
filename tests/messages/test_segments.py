"""Counting SMS segments before sending: GSM-7 160/153, UCS-2 (Cyrillic) 70/67."""

import pytest

from eventreg.messages.segments import (
    GSM7,
    UCS2,
    count_segments,
    decode_gsm7,
    encode_gsm7,
    split_parts,
)


@pytest.mark.parametrize(("text", "encoding", "segments"), [
    ("", GSM7, 1),
    ("a" * 160, GSM7, 1),
    ("a" * 161, GSM7, 2),
    ("a" * 306, GSM7, 2),
    ("a" * 307, GSM7, 3),
    ("я" * 70, UCS2, 1),
    ("я" * 71, UCS2, 2),
    ("я" * 134, UCS2, 2),
    ("я" * 135, UCS2, 3),
    ("€" * 80, GSM7, 1),  # two septets each
    ("€" * 81, GSM7, 2),
    ("Световен ден", UCS2, 1),
    ("Всесвітній день біженців", UCS2, 1),
])
def test_segments_are_counted_by_the_encoding_the_text_needs(text, encoding, segments):
    counted = count_segments(text)
    assert (counted.encoding, counted.segments) == (encoding, segments)


def test_one_cyrillic_letter_makes_a_latin_text_ucs2():
    assert count_segments("a" * 100).segments == 1
    assert count_segments("a" * 99 + "ж").segments == 2


def test_an_escape_pair_is_never_split_between_segments():
    text = "a" * 152 + "€" + "b" * 10
    parts = split_parts(text)
    assert parts[0] == "a" * 152 and parts[1].startswith("€")
    assert all(len(encode_gsm7(part)) <= 153 for part in parts)
    assert count_segments(text).segments == len(parts) == 2


def test_an_emoji_takes_two_units_and_is_not_split():
    text = "я" * 66 + "🙂" + "я" * 10
    parts = split_parts(text)
    assert parts[0] == "я" * 66 and parts[1].startswith("🙂")
    assert all(len(part.encode("utf-16-be")) <= 134 for part in parts)


def test_parts_join_back_to_the_text():
    text = "Ваші квитки на Всесвітній день біженців: https://events.example.org/t/abc " * 3
    assert "".join(split_parts(text)) == text


def test_gsm7_encoding_round_trips_and_refuses_other_characters():
    text = "Olena: {tickets} €5 @ Sofia\n"
    assert decode_gsm7(encode_gsm7(text)) == text
    with pytest.raises(ValueError):
        encode_gsm7("Олена")
