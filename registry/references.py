"""Public references: ten digits a person can read out and type on a keypad.

One kind digit (1 application, 2 grievance), eight random digits and a Damm check digit. The Damm
algorithm detects every single-digit error and every transposition of neighbouring digits, so a
mistyped reference is caught before any database lookup. References are random, never sequential,
so they cannot be enumerated.
"""

from __future__ import annotations

import secrets
from enum import IntEnum

from registry.digits import ascii_digits

# The Damm quasigroup of order 10 (weakly totally anti-symmetric).
_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

REFERENCE_LENGTH = 10


class ReferenceKind(IntEnum):
    """The first digit of a reference says what it refers to."""

    APPLICATION = 1
    GRIEVANCE = 2


def damm_check_digit(digits: str) -> int:
    """Return the Damm check digit for a string of decimal digits."""
    interim = 0
    for char in digits:
        interim = _DAMM_TABLE[interim][ord(char) - 48]
    return interim


def new_reference(kind: ReferenceKind) -> str:
    """Return a fresh random reference of the given kind (uniqueness is the caller's job)."""
    body = f"{int(kind)}{secrets.randbelow(10**8):08d}"
    return body + str(damm_check_digit(body))


def normalise_reference(raw: str) -> str:
    """Strip the spaces, dashes and dots people type between groups of digits; digits as 0-9."""
    return "".join(ch for ch in ascii_digits(raw or "") if ch not in " -.\u00a0\t")


def is_valid_reference(raw: str, kind: ReferenceKind | None = None) -> bool:
    """Tell whether ``raw`` is a well-formed reference (of ``kind``, when given) with a good check digit."""
    ref = normalise_reference(raw)
    if len(ref) != REFERENCE_LENGTH or not ref.isascii() or not ref.isdigit():
        return False
    if ref[0] not in {str(int(k)) for k in ReferenceKind}:
        return False
    if kind is not None and ref[0] != str(int(kind)):
        return False
    return damm_check_digit(ref) == 0


def format_reference(ref: str) -> str:
    """Group a reference for reading aloud: ``2 4821 7730 5``."""
    ref = normalise_reference(ref)
    if len(ref) != REFERENCE_LENGTH:
        return ref
    return f"{ref[0]} {ref[1:5]} {ref[5:9]} {ref[9]}"
