"""An attacker's view of published tables, written apart from the disclosure engine to check it.

From the published numbers only (and the rules everyone can read: ``<10`` means 1 to 9, a withheld
count is at least 10), it looks for any count of 1 to 9 — a single cell, a hidden part of a row, or
a sum of several — that can be worked out exactly: by linear algebra (subtraction), and by trying
every nearby table that agrees with what is published.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

from grievances.disclosure import BLOCKS, EARLIER, TOTAL, TWELVE, DisclosureRules, LinkedTable, Status


def atoms_of(tables: Sequence[LinkedTable]) -> list[tuple[int, str, str]]:
    """Every (table, row, block) count that can hold cases."""
    return [
        (n, row, block)
        for n, table in enumerate(tables)
        for row in table.rows
        for block in BLOCKS
        if (row, block) not in table.absent
    ]


def _members(table_index: int, table: LinkedTable, row: str, column: str) -> set[tuple[int, str, str]]:
    rows = table.rows if row == TOTAL else [row]
    blocks = BLOCKS if column == TWELVE else (column,)
    return {(table_index, r, b) for r in rows for b in blocks if (r, b) not in table.absent}


def public_facts(tables: Sequence[LinkedTable]):
    """What anyone learns: (equations as (members, value), bounds as (members, low, high)).

    Tables of one measure count the same cases, so their earlier and this-year totals are equal.
    """
    equations, bounds = [], []
    for n, table in enumerate(tables):
        for (row, column), status in table.status.items():
            members = _members(n, table, row, column)
            if status == Status.PUBLISHED:
                equations.append((members, table.count(row, column)))
            elif status == Status.SMALL:
                bounds.append((members, 1, 9))
            else:
                bounds.append((members, 10, None))
    links = []
    for n in range(1, len(tables)):
        for block in BLOCKS:
            links.append((_members(0, tables[0], TOTAL, block), _members(n, tables[n], TOTAL, block)))
    return equations, bounds, links


def _echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Rows in reduced echelon form, as (pivot column, row)."""
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        row = _remainder(row, basis)
        pivot = next((i for i, value in enumerate(row) if value != 0), None)
        if pivot is None:
            continue
        row = [value / row[pivot] for value in row]
        basis = [(p, [a - b[pivot] * c for a, c in zip(b, row, strict=True)]) for p, b in basis]
        basis.append((pivot, row))
    return basis


def _remainder(row: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    row = list(row)
    for pivot, base in basis:
        if row[pivot] != 0:
            factor = row[pivot]
            row = [a - factor * b for a, b in zip(row, base, strict=True)]
    return row


def linear_leaks(tables: Sequence[LinkedTable], threshold: int = 10) -> list[set]:
    """Sets of counts, 1 to threshold - 1 in all, whose sum follows from the published numbers by subtraction.

    Counts of zero may join any set without changing its sum, so a set is reported when some mix of
    it and zero counts is determined.
    """
    atoms = atoms_of(tables)
    value = {atom: tables[atom[0]].count(atom[1], atom[2]) for atom in atoms}
    equations, _bounds, links = public_facts(tables)
    rows = [[Fraction(1 if atom in members else 0) for atom in atoms] for members, _value in equations]
    rows += [[Fraction((atom in left) - (atom in right)) for atom in atoms] for left, right in links]
    rows += [[Fraction(1 if atom == zero else 0) for atom in atoms] for zero in atoms if value[zero] == 0]
    basis = _echelon(rows)
    nonzero = [atom for atom in atoms if value[atom] > 0]
    leaks = []

    def grow(start: int, chosen: list, total: int) -> None:
        for i in range(start, len(nonzero)):
            weight = total + value[nonzero[i]]
            if weight >= threshold:
                continue
            chosen.append(nonzero[i])
            vector = [Fraction(1 if atom in chosen else 0) for atom in atoms]
            if not any(_remainder(vector, basis)):
                leaks.append(set(chosen))
            grow(i + 1, chosen, weight)
            chosen.pop()

    grow(0, [], 0)
    return leaks


def pinned_counts(tables: Sequence[LinkedTable], threshold: int = 10, reach: int = 1) -> list:
    """Small counts (shown or hidden) that every nearby table agreeing with the publication leaves unchanged."""
    atoms = atoms_of(tables)
    value = {atom: tables[atom[0]].count(atom[1], atom[2]) for atom in atoms}
    equations, bounds, links = public_facts(tables)
    targets = [members for members, low, _high in bounds if low == 1]
    targets += [{atom} for atom in atoms if atom[2] == EARLIER and 0 < value[atom] < threshold]
    earlier_total = {atom for atom in atoms if atom[0] == 0 and atom[2] == EARLIER}
    if 0 < sum(value[a] for a in earlier_total) < threshold:
        targets.append(earlier_total)
    ranges = [range(max(0, value[a] - reach), value[a] + reach + 1) for a in atoms]

    def agrees(world: dict) -> bool:
        for members, expected in equations:
            if sum(world[a] for a in members) != expected:
                return False
        for members, low, high in bounds:
            total = sum(world[a] for a in members)
            if total < low or (high is not None and total > high):
                return False
        return all(sum(world[a] for a in left) == sum(world[a] for a in right) for left, right in links)

    movable = [False] * len(targets)
    for combination in itertools.product(*ranges):
        world = dict(zip(atoms, combination, strict=True))
        if not agrees(world):
            continue
        for i, members in enumerate(targets):
            if sum(world[a] for a in members) != sum(value[a] for a in members):
                movable[i] = True
    return [members for i, members in enumerate(targets) if not movable[i]]


def published_small_counts(tables: Sequence[LinkedTable], rules: DisclosureRules) -> list:
    """Published counts of 1 to threshold - 1 (there must be none)."""
    return [
        (n, key)
        for n, table in enumerate(tables)
        for key, status in table.status.items()
        if status == Status.PUBLISHED and rules.is_small(table.count(*key))
    ]
