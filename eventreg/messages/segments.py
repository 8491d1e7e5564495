"""How many SMS segments a text costs, and the parts it is sent in. Pure: no app, no I/O.

An operator bills per segment. A text that every character of fits the GSM 03.38 default
alphabet goes as GSM-7: 160 characters in one segment, 153 a segment when it must be
split (the concatenation header takes the rest); the characters of the extension table
(`{ } [ ] ~ \\ | ^ €` and the form feed) count twice, since each is sent as an escape and
the character. Any other character (Cyrillic, most accents, emoji) makes the whole text
UCS-2: 70 UTF-16 code units in one segment, 67 when split; characters outside the Basic
Multilingual Plane (emoji) take two units. Parts are cut so that no escape pair and no
surrogate pair is split between two segments, which is why a part may hold one unit less
than the limit; `count_segments` counts exactly the parts `split_parts` makes, so what
organisers are shown is what the backend sends.
"""

from dataclasses import dataclass

GSM7 = "gsm7"
UCS2 = "ucs2"

#: The GSM 03.38 default alphabet, in code order (0x1B, the escape, stands as a space
#: here and is never accepted as text).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The extension table: each is sent as 0x1B and this code.
GSM7_EXTENSION = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C,
                  "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65}
_BASIC_CODES = {char: code for code, char in enumerate(GSM7_BASIC) if char != "\x1b"}

#: (one segment, each segment when split), in septets for GSM-7, UTF-16 units for UCS-2.
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SegmentCount:
    """What a text costs: its encoding, its length in that encoding's units, segments."""

    encoding: str
    units: int
    segments: int


def encoding_of(text: str) -> str:
    """GSM7 when every character is in the default alphabet or its extension, else UCS2."""
    if all(char in _BASIC_CODES or char in GSM7_EXTENSION for char in text):
        return GSM7
    return UCS2


def _units(char: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def split_parts(text: str) -> list[str]:
    """The text as the segments it is sent in (one part when it fits one segment; an empty
    text is one empty part)."""
    encoding = encoding_of(text)
    single, each = LIMITS[encoding]
    if sum(_units(char, encoding) for char in text) <= single:
        return [text]
    parts, current, used = [], [], 0
    for char in text:
        size = _units(char, encoding)
        if used + size > each:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    parts.append("".join(current))
    return parts


def count_segments(text: str) -> SegmentCount:
    """The encoding, length and number of segments of `text`."""
    encoding = encoding_of(text)
    return SegmentCount(encoding=encoding,
                        units=sum(_units(char, encoding) for char in text),
                        segments=len(split_parts(text)))


def encode_gsm7(text: str) -> bytes:
    """GSM-7 text as SMPP sends it with data_coding 0: one octet a septet, unpacked;
    raises ValueError for a character outside the alphabet."""
    out = bytearray()
    for char in text:
        if char in _BASIC_CODES:
            out.append(_BASIC_CODES[char])
        elif char in GSM7_EXTENSION:
            out += bytes((0x1B, GSM7_EXTENSION[char]))
        else:
            raise ValueError(f"{char!r} is not in the GSM-7 alphabet")
    return bytes(out)


def decode_gsm7(data: bytes) -> str:
    """The reverse of `encode_gsm7` (for tests and local servers)."""
    extension = {code: char for char, code in GSM7_EXTENSION.items()}
    chars, escaped = [], False
    for byte in data:
        if escaped:
            chars.append(extension.get(byte, " "))
            escaped = False
        elif byte == 0x1B:
            escaped = True
        else:
            chars.append(GSM7_BASIC[byte])
    return "".join(chars)
