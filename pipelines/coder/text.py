"""Cleaning story text before parsing: what spaCy should never see."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters and bidirectional controls carry no words; left in, they split or glue tokens.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# "KUALA LUMPUR — ", "GENEVA (Example Wire) - ", "NAIROBI, March 3 (Example Wire) -", "BEIJING - ":
# a dateline is no part of the first sentence, and left in, it becomes that sentence's subject in
# the parse.
_UPPER = r"[^\W\da-z_]"  # a capital letter, accented ones included ("BRASÍLIA")
_DATELINE = re.compile(
    rf"^{_UPPER}(?:{_UPPER}|[.' ]){{2,40}}(?:,\s*{_UPPER}[\w.]{{1,20}}(?:\s+\d{{1,2}})?)?"
    r"(?:\s*\([^)]{1,40}\)\s*[-—–]{1,2}|\s*[—–]|\s*--|\s+-)\s+"
)
_DATELINE_PLACE = re.compile(rf"{_UPPER}(?:{_UPPER}|[.' ])+")  # its place words
DATELINE_SPAN = 200  # a dateline sits in the first characters of a story


def clean_text(text: str) -> str:
    """NFC-normalise, drop invisible and control characters, keep one newline between paragraphs,
    and drop the dateline."""
    return _DATELINE.sub("", _normalized(text), count=1)  # a dateline opens a story, nowhere else


def dateline_place(text: str) -> str | None:
    """The place of the dateline that opens a story, in title case: "Kuala Lumpur" for "KUALA
    LUMPUR, March 3 (Example Wire) -"; None without a dateline. `clean_text` drops the dateline
    from what is parsed; the coder still reads where the story was filed from."""
    match = _DATELINE.match(_normalized(text[:DATELINE_SPAN]))
    if match is None:
        return None
    place = _DATELINE_PLACE.match(match.group()).group().strip(" .'")
    return place.title() if place else None


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", text))
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()

