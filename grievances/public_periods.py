"""The periods the public statistics cover: whole months and whole quarters only.

Figures run to the end of the last complete month, so that a published month never changes from
one night to the next (and no day's cases can be worked out from two nights' figures). The last
12 months are the 12 complete months before this one; this year is the complete months of the
current year (none in January); sensitive categories are counted per complete quarter, for the
last four.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

QUARTERS_SHOWN = 4


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) the month starting on ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_key(first: date) -> str:
    """``2026-03``."""
    return f"{first.year:04d}-{first.month:02d}"


def quarter_key(first: date) -> str:
    """``2026-Q1`` for the quarter that starts on ``first``."""
    return f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"


def quarter_of(first: date) -> date:
    """The first day of the quarter the month starting on ``first`` belongs to."""
    return date(first.year, (first.month - 1) // 3 * 3 + 1, 1)


@dataclass(frozen=True)
class Periods:
    """The months and quarters a snapshot made on ``made_on`` covers."""

    made_on: date
    months: tuple[date, ...]  # the last 12 complete months, oldest first
    this_year: tuple[date, ...]  # the complete months of ``made_on``'s year
    quarters: tuple[date, ...]  # the last complete quarters, oldest first

    @classmethod
    def for_day(cls, made_on: date) -> Periods:
        """The periods of a snapshot made on ``made_on`` (local date)."""
        last = add_months(month_start(made_on), -1)
        months = tuple(add_months(last, -n) for n in range(11, -1, -1))
        this_year = tuple(m for m in months if m.year == made_on.year)
        last_quarter = quarter_of(add_months(last, -2)) if last.month % 3 else quarter_of(last)
        quarters = tuple(add_months(last_quarter, -3 * n) for n in range(QUARTERS_SHOWN - 1, -1, -1))
        return cls(made_on, months, this_year, quarters)

    @property
    def figures_to(self) -> date:
        """The last day the figures cover."""
        return add_months(self.months[-1], 1) - timedelta(days=1)

    @property
    def earlier(self) -> tuple[date, ...]:
        """The months of the 12 that fall in an earlier year."""
        return tuple(m for m in self.months if m not in self.this_year)

    def start(self) -> datetime:
        """The first moment any published figure counts (local time, aware)."""
        return _local_midnight(min(self.months[0], self.quarters[0]))

    def end(self) -> datetime:
        """The moment the figures stop (exclusive): the start of this month."""
        return _local_midnight(add_months(self.months[-1], 1))

    def months_of_quarter(self, first: date) -> tuple[date, ...]:
        """The three months of the quarter starting on ``first``."""
        return tuple(add_months(first, n) for n in range(3))


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))
