"""References: ten digits, kind + random + Damm check digit; typing errors are caught."""

from __future__ import annotations

import random
from itertools import pairwise

from registry.references import (
    ReferenceKind,
    damm_check_digit,
    format_reference,
    is_valid_reference,
    new_reference,
    normalise_reference,
)


def test_a_new_reference_has_ten_digits_starting_with_its_kind():
    ref = new_reference(ReferenceKind.GRIEVANCE)
    assert len(ref) == 10 and ref.isdigit() and ref[0] == "2"
    assert is_valid_reference(ref)
    assert is_valid_reference(ref, ReferenceKind.GRIEVANCE)
    assert not is_valid_reference(ref, ReferenceKind.APPLICATION)


def test_references_are_random_not_sequential():
    refs = {new_reference(ReferenceKind.APPLICATION) for _ in range(2000)}
    # Two of 2,000 random 8-digit bodies coincide about one run in fifty (the birthday bound);
    # the unique constraint deals with that. A sequence or a weak source would repeat far more.
    assert len(refs) >= 1995
    bodies = sorted(int(r[1:9]) for r in refs)
    assert max(b - a for a, b in pairwise(bodies)) > 1


def test_every_single_digit_error_and_adjacent_swap_of_1000_references_is_rejected():
    rng = random.Random(20261128)
    for _ in range(1000):
        kind = rng.choice(list(ReferenceKind))
        body = f"{int(kind)}{rng.randrange(10**8):08d}"
        ref = body + str(damm_check_digit(body))
        assert is_valid_reference(ref)
        for position in range(10):
            for digit in "0123456789":
                if digit != ref[position]:
                    wrong = ref[:position] + digit + ref[position + 1 :]
                    assert not is_valid_reference(wrong), (ref, wrong)
        for position in range(9):
            if ref[position] != ref[position + 1]:
                swapped = ref[:position] + ref[position + 1] + ref[position] + ref[position + 2 :]
                assert not is_valid_reference(swapped), (ref, swapped)


def test_spaces_and_dashes_people_type_are_ignored():
    ref = new_reference(ReferenceKind.APPLICATION)
    grouped = format_reference(ref)
    assert grouped == f"{ref[0]} {ref[1:5]} {ref[5:9]} {ref[9]}"
    assert normalise_reference(grouped) == ref
    assert is_valid_reference(grouped.replace(" ", "-"))


def test_letters_wrong_lengths_and_unknown_kinds_are_not_references():
    assert not is_valid_reference("")
    assert not is_valid_reference("12345")
    assert not is_valid_reference("2abc5678901")
    body = "912345678"
    assert not is_valid_reference(body + str(damm_check_digit(body)))
    assert not is_valid_reference("٢٤٨٢١٧٧٣٠٥")  # Arabic-Indic digits are not keypad input


def test_a_reference_typed_in_arabic_or_full_width_digits_is_the_same_reference():
    body = "123456789"
    ref = body + str(damm_check_digit(body))
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in ref)
    full_width = "".join(chr(0xFF10 + int(d)) for d in ref)
    for typed in (arabic, f"{arabic[0]} {arabic[1:5]} {arabic[5:9]} {arabic[9]}", full_width):
        assert normalise_reference(typed) == ref and is_valid_reference(typed)
