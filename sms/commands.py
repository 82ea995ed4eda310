"""Reading an inbound SMS: which command it is, in which language, and its argument.

Forgiving about what phones and people do to text: case, extra spaces, punctuation around the
keyword (``*help*``, ``Track: 2 4821 7730 5``), accents (``ETAT`` = ``ÉTAT``), Arabic
diacritics, letter variants and the article (``الحالة`` = ``حالة``), Arabic-Indic digits and a
keyword glued to its number (``TRACK2482177305``). The keyword tables are in ``sms.keywords``.

A message that is one digit from 1 to 5 and nothing else (``4``, `` ٤. ``) is a rating: the
answer to the SMS that told the person their case was answered.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from registry.digits import ascii_digits
from sms.keywords import CONFIRM_WORDS, KEYWORDS, LANGUAGE_NAMES

_ARABIC_FOLD = str.maketrans(
    {
        "\u0629": "\u0647",  # ة → ه
        "\u0649": "\u064a",  # ى → ي
        "\u0640": None,  # tatweel
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
    }
)
_ARABIC_ARTICLE = "\u0627\u0644"  # ال


def fold(text: str) -> str:
    """Fold ``text`` for comparison: no case, no accents or diacritics, one spelling per letter."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_ARABIC_FOLD).casefold()


def _variants(folded_word: str) -> list[str]:
    """A folded word and, for an Arabic word with the article, the word without it."""
    if folded_word.startswith(_ARABIC_ARTICLE) and len(folded_word) > 3:
        return [folded_word, folded_word[2:]]
    return [folded_word]


def _build_index() -> dict[str, tuple[str, tuple[str, ...]]]:
    index: dict[str, tuple[str, list[str]]] = {}
    for language, table in KEYWORDS.items():
        for command, words in table.items():
            for word in words:
                key = fold(word)
                found = index.setdefault(key, (command, []))
                if found[0] != command:
                    raise ValueError(f"SMS keyword {word!r} means both {found[0]} and {command}.")
                if language not in found[1]:
                    found[1].append(language)
    return {key: (command, tuple(languages)) for key, (command, languages) in index.items()}


KEYWORD_INDEX = _build_index()
LANGUAGE_INDEX = {fold(name): code for code, names in LANGUAGE_NAMES.items() for name in names}


# Not a keyword: a bare digit 1 to 5, the reply to "case answered, rate it".
RATE = "rate"
RATING_DIGITS = frozenset("12345")


@dataclass(frozen=True)
class ParsedCommand:
    """What an inbound SMS asks: ``command`` is ``None`` when no keyword was recognised."""

    command: str | None
    languages: tuple[str, ...] = ()
    argument: str = ""


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.combining(ch) > 0 or ch == "\u0640"


def _first_word(text: str) -> tuple[int, int]:
    """Start and end of the first word of ``text`` (letters, digits and their marks)."""
    start = 0
    while start < len(text) and not _is_word_char(text[start]):
        start += 1
    end = start
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    return start, end


def _lookup(word: str) -> tuple[str, tuple[str, ...]] | None:
    for variant in _variants(fold(word)):
        if variant in KEYWORD_INDEX:
            return KEYWORD_INDEX[variant]
    return None


def _is_edge_noise(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] == "P" or ch in "*#=+~|"


def _trim_argument(text: str) -> str:
    """Collapse spaces and drop the punctuation people put around a keyword's argument."""
    text = " ".join(text.split())
    start, end = 0, len(text)
    while start < end and _is_edge_noise(text[start]):
        start += 1
    while end > start and _is_edge_noise(text[end - 1]):
        end -= 1
    return text[start:end]


def parse_command(text: str) -> ParsedCommand:
    """Find the keyword an SMS starts with, the languages it belongs to and what follows it."""
    text = text or ""
    bare = _trim_argument(fold(text))
    if len(bare) == 1 and bare in RATING_DIGITS:
        return ParsedCommand(RATE, argument=bare)
    start, end = _first_word(text)
    if start == end:
        return ParsedCommand(None, argument=_trim_argument(text))
    word = text[start:end]
    found = _lookup(word)
    if found is not None:
        return ParsedCommand(found[0], found[1], _trim_argument(text[end:]))
    # A keyword glued to what follows it: TRACK2482177305.
    split = next((i for i, ch in enumerate(word) if fold(ch).isdigit()), None)
    if split:
        found = _lookup(word[:split])
        if found is not None:
            return ParsedCommand(found[0], found[1], _trim_argument(text[start + split :]))
    return ParsedCommand(None, argument=_trim_argument(text))


def parse_track_argument(argument: str) -> tuple[str, str]:
    """Split ``<reference> [PIN]`` into the reference's digits and the PIN (``""`` when absent).

    People group digits as they like (``2 4821 7730 5``, ``2-4821-7730-5 1234``): the first ten
    digits are the reference, any further digits the PIN.
    """
    digits = "".join(ch for ch in ascii_digits(fold(argument)) if ch.isdigit() and ch.isascii())
    if len(digits) > 10:
        return digits[:10], digits[10:]
    return digits, ""


CONFIRM_INDEX = frozenset(fold(word) for word in CONFIRM_WORDS)


def is_confirmation(argument: str) -> bool:
    """Tell whether the argument after a keyword is a yes (``YES``, ``oui``, ``Ndiyo``, ``نعم``)."""
    start, end = _first_word(argument or "")
    return end > start and any(variant in CONFIRM_INDEX for variant in _variants(fold(argument[start:end])))


def parse_language_argument(argument: str) -> str | None:
    """The language code an argument such as ``fr``, ``Kiswahili`` or ``العربية`` names, or ``None``."""
    start, end = _first_word(argument or "")
    for variant in _variants(fold(argument[start:end])) if end > start else []:
        if variant in LANGUAGE_INDEX:
            return LANGUAGE_INDEX[variant]
    return None
