"""The rules an applicant's answers must follow, the same on every channel, with what the person is told.

The web form and the USSD screens ask the same questions; each reads the answer its own way
(boxes, a keypad) and then asks these rules, so a name, a year or a number of children that one
channel refuses the other refuses too.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# Names are kept to 60 characters (given name and family name each).
MAX_NAME_LENGTH = 60
# Between the letters of a name: spaces, hyphens, apostrophes and the dot of an initial.
NAME_JOINERS = frozenset(" -'’.")
OLDEST_AGE = 120


def name_is_plausible(text: str) -> bool:
    """Tell whether ``text`` reads as a name: letters of any script, with spaces, hyphens or apostrophes.

    Letters may carry marks (Arabic vowel signs, accents typed as combining characters). A name of
    digits only, of emoji or symbols, or with digits in it, is not a name.
    """
    text = unicodedata.normalize("NFC", text or "")
    has_letter = False
    for ch in text:
        category = unicodedata.category(ch)
        if category.startswith("L"):
            has_letter = True
        elif not (category.startswith("M") or ch in NAME_JOINERS):
            return False
    return has_letter


def name_message() -> str:
    """What a person who typed something that is not a name is told."""
    return _("Type your name in letters, without numbers or symbols.")


def most_children_under_18(household_size: int) -> int:
    """The most children under 18 a household of ``household_size`` can have: everyone but the applicant.

    The applicant is at least ``settings.APPLICANT_MIN_AGE``; when that is under 18 they may be a
    child themselves, and every member may be.
    """
    if settings.APPLICANT_MIN_AGE < 18:
        return max(0, household_size)
    return max(0, household_size - 1)


def children_message(household_size: int) -> str:
    """What a person who counted more children than the household can hold is told."""
    most = most_children_under_18(household_size)
    return _("A household of %(size)s, you included, has at most %(most)s children under 18.") % {
        "size": household_size,
        "most": most,
    }


def oldest_birth_year() -> int:
    """The earliest year of birth taken (people are at most 120)."""
    return timezone.localdate().year - OLDEST_AGE


def year_in_full_example(typed: str) -> int | None:
    """For a year typed short (``90``), the full year it likely means (``1990``); ``None`` if not short.

    A year of one or two digits is read in the last hundred years; three digits cannot be guessed.
    """
    if not (typed.isascii() and typed.isdigit()) or len(typed) > 3:
        return None
    if len(typed) == 3:
        return 1900 + int(typed[-2:])
    this_year = timezone.localdate().year
    short = int(typed)
    year = 2000 + short
    return year if year <= this_year else 1900 + short


def year_in_full_message(typed: str) -> str:
    """What a person who typed a year with fewer than four digits is told: type it in full, with an example."""
    example = year_in_full_example(typed) or 1990
    return _("Type the year in full, with 4 digits, like %(year)s.") % {"year": example}
