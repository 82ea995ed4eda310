"""SMS character sets and segment counting (3GPP TS 23.038 / 23.040).

GSM-7 fits 160 characters in one part and 153 per part when split; characters of the extension
table cost two. One character outside GSM-7 turns the whole message into UCS-2: 70 in one part,
67 per part when split (characters outside the Basic Multilingual Plane cost two UTF-16 units).
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7 = "GSM-7"
UCS2 = "UCS-2"


@dataclass(frozen=True)
class SegmentCount:
    """How a text would travel: its encoding, its length in that encoding's units and its parts."""

    encoding: str
    units: int
    parts: int


def is_gsm7(text: str) -> bool:
    """Tell whether every character of ``text`` is in the GSM-7 basic or extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def gsm7_length(text: str) -> int:
    """Septets needed for ``text`` in GSM-7 (extension characters cost two)."""
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def ucs2_length(text: str) -> int:
    """UTF-16 code units needed for ``text`` in UCS-2 (astral characters cost two)."""
    return len(text.encode("utf-16-le")) // 2


def count_segments(text: str) -> SegmentCount:
    """Return the encoding and the number of SMS parts ``text`` needs."""
    if is_gsm7(text):
        units, single, multi = gsm7_length(text), 160, 153
        encoding = GSM7
    else:
        units, single, multi = ucs2_length(text), 70, 67
        encoding = UCS2
    if units <= single:
        parts = 1
    else:
        parts = -(-units // multi)
    return SegmentCount(encoding=encoding, units=units, parts=parts)


def screen_budget(text: str) -> int:
    """The most characters one USSD screen may hold for ``text``'s encoding (182 GSM-7, 80 UCS-2)."""
    return 182 if is_gsm7(text) else 80


def screen_length(text: str) -> int:
    """The length of a USSD screen in its encoding's units."""
    return gsm7_length(text) if is_gsm7(text) else ucs2_length(text)


# Typographic characters people (and word processors) type, with their GSM-7 look-alikes: one of
# them would turn a whole French or English screen into UCS-2 and halve what fits on it.
_PLAIN_EQUIVALENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def plain_punctuation(text: str) -> str:
    """``text`` with typographic quotes, dashes, ellipses and thin spaces replaced by GSM-7 ones."""
    return text.translate(_PLAIN_EQUIVALENTS)
