"""Disclosure control for the public statistics: no count under the threshold published or recoverable.

Every count the public pages show belongs to a *linked table*: one row per value of a dimension
(a month, a category, a region, a channel…) over two overlapping periods, the last 12 months and
this year. Both periods are made of two blocks of whole months: the *earlier* months (those of the
12 that fall in an earlier year) and *this year's*. The pages show each row's 12-month count and
its count this year, with their totals; a row's count in the earlier months, never shown, can be
worked out by subtraction, so it is protected like any shown count.

The rules (``DisclosureRules``, from settings):

1. *Primary suppression*: a count of 1 to ``threshold - 1`` is shown as ``<10``. Zero is shown.
2. *Complementary suppression*: more counts are withheld until no small count — shown or hidden —
   can be worked out exactly from the published numbers and from what everyone can read on the
   page (a ``<10`` cell holds 1 to 9, a withheld one at least 10). Each small count needs a
   *certificate*: another table, consistent with every published number and those bounds, in
   which that count differs. In a table with totals, such alternatives move one case round a
   cycle of unknown cells, so a breadth-first search over the unknown cells either finds one or
   proves there is none.
3. No *sum* of unknown counts that the published numbers fix exactly (two ``<10`` cells whose
   total follows from a row total, say) may come to 1 to 9 either: an exact linear audit finds
   every such sum.
4. The tables of one measure share their two totals. When one of them must stay hidden, each
   table must let the same case move between the hidden totals (a *shift*); otherwise the tables
   taken together could pin the totals down.

Rates, medians and averages are published only where their base is at least ``rate_min_base``.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from django.conf import settings

EARLIER, THIS_YEAR, TWELVE = "earlier", "this_year", "twelve_months"
BLOCKS = (EARLIER, THIS_YEAR)
TOTAL = "__total__"
INFINITY = float("inf")
# The set audit gives up (and asks for more suppression) beyond this many candidate sums.
MAX_SUMS_AUDITED = 200_000

Key = tuple[str, str]  # (row or TOTAL, column)
Shift = tuple[str, str]  # one case moved between two hidden totals: (the column it leaves, the one it enters)


class Status(StrEnum):
    """How a count is published."""

    PUBLISHED = "published"
    SMALL = "small"  # 1 to threshold - 1, shown as "<10"
    WITHHELD = "withheld"  # hidden so that a small count cannot be worked out


@dataclass(frozen=True)
class DisclosureRules:
    """The disclosure rules in force; the public page writes them out in plain words."""

    threshold: int
    rate_min_base: int

    def is_small(self, count: int) -> bool:
        """Tell whether ``count`` is too small to publish (zero is not)."""
        return 0 < count < self.threshold

    def rate_allowed(self, base: int) -> bool:
        """Tell whether a rate, median or average over ``base`` cases may be published."""
        return base >= self.rate_min_base


def rules_from_settings() -> DisclosureRules:
    """The rules set by ``STATS_MIN_COUNT`` and ``STATS_RATE_MIN_BASE``."""
    return DisclosureRules(threshold=settings.STATS_MIN_COUNT, rate_min_base=settings.STATS_RATE_MIN_BASE)


def publish_alone(count: int, rules: DisclosureRules) -> Status:
    """The status of a count that no published total contains (a sensitive quarterly figure)."""
    return Status.SMALL if rules.is_small(count) else Status.PUBLISHED


@dataclass
class LinkedTable:
    """One dimension of one measure: each row's count in the earlier months and in this year's.

    ``absent`` lists the (row, block) pairs that cannot hold a case (a month lies in one block):
    their count must be zero. ``protect_measure`` fills ``status`` for every shown count, keyed
    ``(row, THIS_YEAR)`` and ``(row, TWELVE)``, totals under ``TOTAL``.
    """

    rows: list[str]
    earlier: list[int]
    this_year: list[int]
    absent: set[Key] = field(default_factory=set)
    status: dict[Key, Status] = field(default_factory=dict)

    def __post_init__(self):
        if not len(self.rows) == len(self.earlier) == len(self.this_year):
            raise ValueError("Every row needs a count in each block.")
        for row, block in self.absent:
            if self.count(row, block):
                raise ValueError(f"{row} cannot hold cases {block}.")

    def count(self, row: str, column: str) -> int:
        """The true count of ``row`` (or ``TOTAL``) in ``column`` (a block or ``TWELVE``)."""
        if row == TOTAL:
            return sum(self.count(r, column) for r in self.rows)
        i = self.rows.index(row)
        if column == TWELVE:
            return self.earlier[i] + self.this_year[i]
        return self.earlier[i] if column == EARLIER else self.this_year[i]

    def shown(self, row: str, column: str) -> tuple[int | None, Status]:
        """A shown count: its value when published (``None`` otherwise) and its status."""
        status = self.status[(row, column)]
        return (self.count(row, column) if status == Status.PUBLISHED else None), status


# --- The augmented table and its certificates ------------------------------------------------------


@dataclass
class _Cell:
    count: int
    sign: int  # the augmented table holds sign * count, so that every row and column sums to zero
    known: bool
    lo: int = 0
    hi: float = INFINITY

    def can_move(self, step: int) -> bool:
        """Tell whether the augmented value may change by ``step`` without leaving the public bounds."""
        return not self.known and self.lo <= self.count + self.sign * step <= self.hi


def _bounds(status: Status, rules: DisclosureRules) -> tuple[int, float]:
    if status == Status.SMALL:
        return 1, rules.threshold - 1
    if status == Status.WITHHELD:
        return rules.threshold, INFINITY
    return 0, INFINITY


class _Engine:
    """A linked table as an augmented table: its rows plus a total row; columns earlier, this year, 12 months.

    Counts of the 12 months (and the earlier and this year's totals) are stored negated, so that
    every row and every column sums to zero; a change that keeps the published numbers must then
    move one case round a cycle of unknown cells, raising and lowering them in turn.
    """

    def __init__(self, table: LinkedTable, totals: dict[str, Status], shifts: Sequence[Shift], rules: DisclosureRules):
        self.table, self.rules, self.shifts = table, rules, list(shifts)
        self.order = {row: i for i, row in enumerate(table.rows)}
        self.cells: dict[Key, _Cell] = {}
        for i, row in enumerate(table.rows):
            self.cells[(row, EARLIER)] = _Cell(table.earlier[i], 1, (row, EARLIER) in table.absent)
            self.cells[(row, THIS_YEAR)] = _Cell(table.this_year[i], 1, (row, THIS_YEAR) in table.absent)
            self.cells[(row, TWELVE)] = _Cell(table.earlier[i] + table.this_year[i], -1, False)
        earlier, this_year = sum(table.earlier), sum(table.this_year)
        both_known = totals[THIS_YEAR] == totals[TWELVE] == Status.PUBLISHED
        self.cells[(TOTAL, EARLIER)] = _Cell(earlier, -1, both_known)
        self.cells[(TOTAL, THIS_YEAR)] = _Cell(this_year, -1, False)
        self.cells[(TOTAL, TWELVE)] = _Cell(earlier + this_year, 1, False)
        self.status: dict[Key, Status] = {}
        for column in (THIS_YEAR, TWELVE):
            self._apply((TOTAL, column), totals[column])
        for row in table.rows:
            for column in (THIS_YEAR, TWELVE):
                if (row, column) not in self.status:
                    count = self.cells[(row, column)].count
                    self.set(row, column, Status.SMALL if rules.is_small(count) else Status.PUBLISHED)

    def _apply(self, key: Key, status: Status) -> None:
        cell = self.cells[key]
        cell.known = status == Status.PUBLISHED
        cell.lo, cell.hi = _bounds(status, self.rules)
        if key[1] != EARLIER:
            self.status[key] = status

    def linked(self, row: str, column: str) -> list[Key]:
        """The cells holding the same count as ``(row, column)``: a month's 12-month count is its block's."""
        if (row, EARLIER) in self.table.absent and column in (THIS_YEAR, TWELVE):
            return [(row, THIS_YEAR), (row, TWELVE)]
        if (row, THIS_YEAR) in self.table.absent and column == TWELVE:
            return [(row, TWELVE), (row, EARLIER)]
        return [(row, column)]

    def set(self, row: str, column: str, status: Status) -> None:
        """Publish, or hide with ``status``, a shown count and the cells that hold the same count."""
        for key in self.linked(row, column):
            self._apply(key, status)

    def candidates(self) -> list[Key]:
        """Shown counts that may still be withheld, smallest first (never zeros, small counts or totals)."""
        found = [
            key
            for key, status in self.status.items()
            if key[0] != TOTAL and status == Status.PUBLISHED and self.cells[key].count >= self.rules.threshold
        ]
        return sorted(found, key=lambda key: (self.cells[key].count, self.order[key[0]], key[1]))

    def targets(self) -> list[Key]:
        """Unknown counts of 1 to threshold - 1 in the table's rows, shown or hidden."""
        return [
            key
            for key, cell in self.cells.items()
            if key[0] != TOTAL and not cell.known and self.rules.is_small(cell.count)
        ]

    def snapshot(self) -> tuple:
        return ({k: (c.known, c.lo, c.hi) for k, c in self.cells.items()}, dict(self.status))

    def restore(self, saved: tuple) -> None:
        cells, status = saved
        for key, (known, lo, hi) in cells.items():
            cell = self.cells[key]
            cell.known, cell.lo, cell.hi = known, lo, hi
        self.status = dict(status)

    # -- certificates -----------------------------------------------------------------------------

    def _graph(self, without: Key | None = None, virtual: bool = True) -> dict:
        """The moves of one case unknown cells allow: row -> column raises a cell, column -> row lowers it.

        The total row joins a cycle only through an agreed shift (a column-to-column edge).
        """
        graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for (row, column), cell in self.cells.items():
            if row == TOTAL or cell.known or (row, column) == without:
                continue
            if cell.can_move(+1):
                graph.setdefault(("r", row), []).append(("c", column))
            if cell.can_move(-1):
                graph.setdefault(("c", column), []).append(("r", row))
        if virtual:
            for leave, enter in self.shifts:
                graph.setdefault(("c", leave), []).append(("c", enter))
        return graph

    @staticmethod
    def _reaches(graph: dict, start, goal) -> bool:
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for following in graph.get(node, ()):
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
        return False

    def is_protected(self, key: Key) -> bool:
        """Tell whether a table consistent with everything published gives ``key`` another count."""
        cell = self.cells[key]
        if cell.known:
            return False
        graph = self._graph(without=key)
        row, column = ("r", key[0]), ("c", key[1])
        return (cell.can_move(+1) and self._reaches(graph, column, row)) or (
            cell.can_move(-1) and self._reaches(graph, row, column)
        )

    def follows(self, shift: Shift) -> bool:
        """Tell whether this table allows one case to move between two hidden totals as ``shift`` says."""
        leave, enter = shift
        return self._reaches(self._graph(virtual=False), ("c", enter), ("c", leave))

    # -- the linear audit of sums -----------------------------------------------------------------

    def _atoms(self) -> list[Key]:
        return [(row, block) for row in self.table.rows for block in BLOCKS if (row, block) not in self.table.absent]

    def _vector(self, key: Key, index: dict[Key, int]) -> set[int]:
        row, column = key
        rows = self.table.rows if row == TOTAL else [row]
        blocks = BLOCKS if column == TWELVE else (column,)
        return {index[(r, b)] for r in rows for b in blocks if (r, b) in index}

    def fixed_small_sum(self) -> frozenset[Key] | None:
        """Counts whose sum follows exactly from the published numbers and comes to 1 to threshold - 1.

        Unknown counts of zero are left out of the sums (conservatively: they change no total).
        """
        atoms = self._atoms()
        index = {atom: i for i, atom in enumerate(atoms)}
        count = [self.cells[atom].count for atom in atoms]
        known = [self._vector(key, index) for key, cell in self.cells.items() if cell.known]
        basis = row_reduce([{i: Fraction(1) for i in vector} for vector in known if vector])
        undetermined = {i for i in range(len(atoms)) if reduce_vector({i: Fraction(1)}, basis)}
        for i in range(len(atoms)):
            if i not in undetermined and self.rules.is_small(count[i]):
                return frozenset({atoms[i]})
        # Large counts first, so that they become pivots: a chosen pivot adds its whole count to the sum.
        positive = sorted((i for i in undetermined if count[i] > 0), key=lambda i: (-count[i], i))
        rank = {i: n for n, i in enumerate(positive)}
        projected = row_reduce([{rank[i]: value for i, value in row.items() if i in rank} for _pivot, row in basis])
        limit = self.rules.threshold - 1
        eligible = [(pivot, row) for pivot, row in projected if count[positive[pivot]] <= limit]
        tried = 0
        for chosen in _subsets_within(eligible, [count[positive[p]] for p, _row in eligible], limit):
            tried += 1
            if tried > MAX_SUMS_AUDITED:
                return frozenset(atoms[i] for i in positive)
            total: dict[int, Fraction] = {}
            for _pivot, row in chosen:
                for i, value in row.items():
                    total[i] = total.get(i, Fraction(0)) + value
            support = [i for i, value in total.items() if value]
            if all(total[i] == 1 for i in support):
                value = sum(count[positive[i]] for i in support)
                if self.rules.is_small(value):
                    return frozenset(atoms[positive[i]] for i in support)
        return None


def _subsets_within(items: Sequence, weights: Sequence[int], limit: int):
    """Every non-empty subset of ``items`` whose ``weights`` add up to at most ``limit``."""

    def grow(start: int, chosen: list, weight: int):
        for i in range(start, len(items)):
            if weight + weights[i] <= limit:
                chosen.append(items[i])
                yield list(chosen)
                yield from grow(i + 1, chosen, weight + weights[i])
                chosen.pop()

    yield from grow(0, [], 0)


def reduce_vector(vector: dict[int, Fraction], basis: list[tuple[int, dict[int, Fraction]]]) -> dict[int, Fraction]:
    """What is left of ``vector`` once its part in the span of a fully reduced ``basis`` is taken away."""
    rest = dict(vector)
    for pivot, row in basis:
        factor = rest.get(pivot)
        if factor:
            for i, value in row.items():
                new = rest.get(i, Fraction(0)) - factor * value
                if new:
                    rest[i] = new
                else:
                    rest.pop(i, None)
    return rest


def row_reduce(vectors: Iterable[dict[int, Fraction]]) -> list[tuple[int, dict[int, Fraction]]]:
    """A fully reduced basis, as (pivot, row) pairs, of the span of ``vectors`` (exact arithmetic)."""
    basis: list[tuple[int, dict[int, Fraction]]] = []
    for vector in vectors:
        rest = reduce_vector(vector, basis)
        if not rest:
            continue
        pivot = min(rest)
        row = {i: value / rest[pivot] for i, value in rest.items()}
        basis = [(p, reduce_vector(other, [(pivot, row)])) for p, other in basis] + [(pivot, row)]
    return basis


# --- Protecting one measure ----------------------------------------------------------------------


def decide_totals(earlier: int, this_year: int, rules: DisclosureRules) -> dict[str, Status]:
    """How a measure's two totals are published; their difference (the earlier months) is protected too."""
    statuses = {
        TWELVE: Status.SMALL if rules.is_small(earlier + this_year) else Status.PUBLISHED,
        THIS_YEAR: Status.SMALL if rules.is_small(this_year) else Status.PUBLISHED,
    }
    if rules.is_small(earlier) and statuses[TWELVE] == statuses[THIS_YEAR] == Status.PUBLISHED:
        statuses[THIS_YEAR] = Status.WITHHELD  # else the 12 months minus this year give the earlier months
    return statuses


def total_shifts(earlier: int, this_year: int, totals: dict[str, Status], rules: DisclosureRules) -> list[list[Shift]]:
    """For each hidden small total, the shifts (of one case between two hidden totals) that change it."""
    if totals[TWELVE] == totals[THIS_YEAR] == Status.PUBLISHED:
        return []
    counts = {EARLIER: earlier, THIS_YEAR: this_year, TWELVE: earlier + this_year}
    signs = {EARLIER: -1, THIS_YEAR: -1, TWELVE: 1}
    bounds = {EARLIER: (0, INFINITY), **{c: _bounds(totals[c], rules) for c in (THIS_YEAR, TWELVE)}}
    unknown = [EARLIER, *(c for c in (THIS_YEAR, TWELVE) if totals[c] != Status.PUBLISHED)]

    def feasible(shift: Shift) -> bool:
        return all(
            bounds[column][0] <= counts[column] + signs[column] * step <= bounds[column][1]
            for column, step in ((shift[0], -1), (shift[1], +1))
        )

    return [
        [shift for shift in itertools.permutations(unknown, 2) if target in shift and feasible(shift)]
        for target in unknown
        if rules.is_small(counts[target])
    ]


def protect_measure(tables: Sequence[LinkedTable], rules: DisclosureRules) -> dict[str, Status]:
    """Decide how every count of one measure is published in all its tables; return the totals' statuses.

    The ``tables`` are partitions of the same cases (one per dimension), so they share their totals.
    Each table's ``status`` is filled in. When nothing short of it protects them, every non-zero
    count of the measure is hidden.
    """
    earlier, this_year = sum(tables[0].earlier), sum(tables[0].this_year)
    if any((sum(t.earlier), sum(t.this_year)) != (earlier, this_year) for t in tables):
        raise ValueError("The tables of one measure must count the same cases.")
    totals = decide_totals(earlier, this_year, rules)
    shifts: list[Shift] = []
    for options in total_shifts(earlier, this_year, totals, rules):
        agreed = next(
            (s for s in options if all(_follow(_Engine(t, totals, [], rules), s) for t in tables)),
            None,
        )
        if agreed is None:
            return _withhold_everything(tables, rules)
        shifts.append(agreed)
    decided = []
    for table in tables:
        engine = _Engine(table, totals, shifts, rules)
        if not all(_follow(engine, shift) for shift in shifts) or not _protect(engine):
            return _withhold_everything(tables, rules)
        decided.append(engine.status)
    for table, status in zip(tables, decided, strict=True):
        table.status = dict(status)
    return totals


def _follow(engine: _Engine, shift: Shift) -> bool:
    """Withhold counts until ``engine``'s table follows ``shift``; tell whether it does."""
    while not engine.follows(shift):
        if not _withhold_one(engine, lambda e: e.follows(shift)):
            return False
    return True


def _protect(engine: _Engine) -> bool:
    """Withhold counts until every small count has a certificate and no small sum is fixed."""
    while True:
        exposed = next((key for key in engine.targets() if not engine.is_protected(key)), None)
        if exposed is not None:
            if not _withhold_one(engine, lambda e, key=exposed: e.is_protected(key), near=[exposed]):
                return False
            continue
        fixed = engine.fixed_small_sum()
        if fixed is None:
            return True
        if not _withhold_one(engine, lambda e, s=fixed: e.fixed_small_sum() != s, near=sorted(fixed)):
            return False


def _withhold_one(engine: _Engine, solves: Callable[[_Engine], bool], near: Sequence[Key] = ()) -> bool:
    """Withhold the smallest count that solves the problem, else the smallest one near it.

    Returns False when nothing is left to withhold. Withholding only ever adds unknowns, so a
    certificate found earlier stays valid.
    """
    candidates = engine.candidates()
    if not candidates:
        return False
    for key in candidates:
        saved = engine.snapshot()
        engine.set(*key, Status.WITHHELD)
        if solves(engine):
            return True
        engine.restore(saved)
    rows = {row for row, _column in near}
    engine.set(*next((key for key in candidates if key[0] in rows), candidates[0]), Status.WITHHELD)
    return True


def _withhold_everything(tables: Sequence[LinkedTable], rules: DisclosureRules) -> dict[str, Status]:
    """The last resort: every non-zero count of the measure hidden (small ones still shown as such)."""

    def hidden(count: int) -> Status:
        if count == 0:
            return Status.PUBLISHED
        return Status.SMALL if rules.is_small(count) else Status.WITHHELD

    for table in tables:
        table.status = {
            (row, column): hidden(table.count(row, column))
            for row in [*table.rows, TOTAL]
            for column in (THIS_YEAR, TWELVE)
        }
    return {column: tables[0].status[(TOTAL, column)] for column in (THIS_YEAR, TWELVE)}
