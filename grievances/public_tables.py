"""The published tables of the public statistics: their columns, and how they are added up and protected.

``TABLES`` describes every table and column once: the snapshot builds its rows from it, the open
data files write their columns in its order (the names are stable), and the data dictionary and
the page take their descriptions from it. ``build_tables`` turns the grouped counts of
``grievances.public_queries`` into rows, with every count decided by ``grievances.disclosure``:
no row holds a count under the threshold, nor one that subtraction would reveal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from grievances.disclosure import (
    EARLIER,
    THIS_YEAR,
    TOTAL,
    TWELVE,
    DisclosureRules,
    LinkedTable,
    Status,
    protect_measure,
    publish_alone,
)
from grievances.models import SENSITIVE_CATEGORIES, Category, Grievance
from grievances.public_periods import Periods, month_key, quarter_key
from grievances.public_queries import UNKNOWN_REGION, RawFigures
from grievances.ratings import SCORES
from registry.models import Channel

LAST_12_MONTHS, CURRENT_YEAR = "last_12_months", "current_year"
PERIODS = (LAST_12_MONTHS, CURRENT_YEAR)
TOTAL_ROW = "total"
WITHHELD_NOTE = "withheld"


def note(status: Status, rules: DisclosureRules) -> str:
    """The note beside a count: empty when published, ``<10`` when small, ``withheld`` otherwise."""
    return {Status.PUBLISHED: "", Status.SMALL: f"<{rules.threshold}", Status.WITHHELD: WITHHELD_NOTE}[status]


COUNT, PERCENT, DAYS, AVERAGE, KEY = "count", "percent", "days", "average", "key"


@dataclass(frozen=True)
class Column:
    """One column of a published table; a count column has a ``<name>_note`` column beside it."""

    name: str
    kind: str
    description: object


@dataclass(frozen=True)
class Table:
    """One published table: its key columns (``period`` first where it has one), then its figures."""

    name: str
    title: object
    keys: tuple[Column, ...]
    columns: tuple[Column, ...]

    def field_names(self) -> list[str]:
        """The table's column names, in their published order."""
        names = [column.name for column in self.keys]
        for column in self.columns:
            names.append(column.name)
            if column.kind == COUNT:
                names.append(f"{column.name}_note")
        return names


PERIOD = Column("period", KEY, _("last_12_months or current_year"))
MONTH = Column("month", KEY, _("The month, as YYYY-MM, or total for the whole period"))
COMPLAINT_FIGURES = (
    Column("received", COUNT, _("Complaints received in the month or period")),
    Column("resolved", COUNT, _("Complaints answered (resolved, or not taken forward) in the month or period")),
    Column(
        "resolved_on_time_pct",
        PERCENT,
        _("Share of the answered complaints answered within the deadline of their category, in percent"),
    ),
    Column("median_days_to_resolve", DAYS, _("Median number of whole days from receipt to answer")),
    Column("ratings", COUNT, _("Answers rated by the person who complained")),
    Column("average_rating", AVERAGE, _("Average rating, from 1 (very poor) to 5 (very good)")),
)

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table("complaints_by_month", _("Complaints by month"), (PERIOD, MONTH), COMPLAINT_FIGURES),
        Table(
            "complaints_by_category",
            _("Complaints by what they are about"),
            (PERIOD, Column("category", KEY, _("The category code, or total"))),
            COMPLAINT_FIGURES,
        ),
        Table(
            "complaints_by_region",
            _("Complaints by region"),
            (
                PERIOD,
                Column("region", KEY, _("The region code (unknown where the complaint names no area), or total")),
            ),
            COMPLAINT_FIGURES,
        ),
        Table(
            "complaints_by_channel",
            _("Complaints by how they reached us"),
            (PERIOD, Column("channel", KEY, _("web, ussd, sms or call_centre, or total"))),
            COMPLAINT_FIGURES,
        ),
        Table(
            "appeals_by_month",
            _("Appeals by month"),
            (PERIOD, MONTH),
            (
                Column("appeals_received", COUNT, _("Appeals received (of an answer or of a programme's decision)")),
                Column("appeals_decided", COUNT, _("Appeals decided")),
            ),
        ),
        Table(
            "appeal_outcomes",
            _("How appeals ended"),
            (
                PERIOD,
                Column(
                    "outcome", KEY, _("upheld, partly_upheld, not_upheld or rejected (not taken forward), or total")
                ),
            ),
            (Column("appeals_decided", COUNT, _("Appeals decided with this outcome")),),
        ),
        Table(
            "ratings_by_score",
            _("Ratings of our answers"),
            (PERIOD, Column("score", KEY, _("The rating, 1 (very poor) to 5 (very good), or total"))),
            (Column("ratings", COUNT, _("Answers given this rating")),),
        ),
        Table(
            "sensitive_by_quarter",
            _("Complaints about fraud, sexual exploitation and abuse, and staff behaviour"),
            (
                Column("quarter", KEY, _("The quarter, as YYYY-Qn")),
                Column("category", KEY, _("fraud_corruption, sexual_exploitation or staff_misconduct")),
            ),
            (
                Column("received", COUNT, _("Complaints received in the whole country in the quarter")),
                Column("resolved", COUNT, _("Complaints answered in the whole country in the quarter")),
            ),
        ),
    )
}

PUBLIC_CATEGORIES = [c for c in Category.values if c not in SENSITIVE_CATEGORIES]
SENSITIVE_ORDER = [c for c in Category.values if c in SENSITIVE_CATEGORIES]
APPEAL_OUTCOMES = [
    Grievance.Outcome.UPHELD,
    Grievance.Outcome.PARTLY_UPHELD,
    Grievance.Outcome.NOT_UPHELD,
    Grievance.Outcome.REJECTED,
]
# Where each dimension sits in the keys of RawFigures' counters: (month, category, region, channel[, score]),
# and (month, outcome) for decided appeals.
POSITION = {"category": 1, "region": 2, "channel": 3, "score": 4, "outcome": 1}


# --- Adding up -------------------------------------------------------------------------------------


def _month_of(key) -> date:
    return key[0] if isinstance(key, tuple) else key


def _value_of(dimension: str, key):
    return month_key(_month_of(key)) if dimension == "month" else key[POSITION[dimension]]


def _by_month_and(counter: Counter, dimension: str, extra: bool = False) -> dict:
    """Counts keyed (month, value) — or, with ``extra``, Counters of the key's last part — from raw counts."""
    out: dict = {}
    for key, n in counter.items():
        where = (_month_of(key), _value_of(dimension, key))
        if extra:
            out.setdefault(where, Counter())[key[-1]] += n
        else:
            out[where] = out.get(where, 0) + n
    return out


class _Measure:
    """One measure (say, complaints received) added up for each dimension, then protected together."""

    def __init__(self, counter: Counter, dimensions: dict[str, list], periods: Periods, rules: DisclosureRules):
        earlier, this_year = set(periods.earlier), set(periods.this_year)
        self.tables: dict[str, LinkedTable] = {}
        for name, rows in dimensions.items():
            by_value: dict = {}
            for (month, value), n in _by_month_and(counter, name).items():
                block = EARLIER if month in earlier else THIS_YEAR if month in this_year else None
                if block:
                    by_value[(value, block)] = by_value.get((value, block), 0) + n
            absent: set = set()
            if name == "month":
                absent = {
                    (row, THIS_YEAR if m in earlier else EARLIER) for row, m in zip(rows, periods.months, strict=True)
                }
            self.tables[name] = LinkedTable(
                [str(row) for row in rows],
                [by_value.get((row, EARLIER), 0) for row in rows],
                [by_value.get((row, THIS_YEAR), 0) for row in rows],
                absent=absent,
            )
        protect_measure(list(self.tables.values()), rules)
        self.rules = rules

    def shown(self, dimension: str, row, period: str) -> tuple[int | None, str]:
        """A published count and its note (``""``, ``<10`` or ``withheld``)."""
        column = TWELVE if period == LAST_12_MONTHS else THIS_YEAR
        value, status = self.tables[dimension].shown(TOTAL if row == TOTAL_ROW else str(row), column)
        return value, note(status, self.rules)


class _Ratios:
    """Rates, medians and averages of complaints, per dimension value and months, from the raw counts."""

    def __init__(self, raw: RawFigures, dimension: str):
        self.resolved = _by_month_and(raw.resolved, dimension)
        self.on_time = _by_month_and(raw.on_time, dimension)
        self.days = _by_month_and(raw.days, dimension, extra=True)
        self.scores = _by_month_and(raw.rated, dimension, extra=True)

    @staticmethod
    def _sum(table: dict, months: Iterable[date], row) -> int | Counter:
        total = None
        for (month, value), found in table.items():
            if month in months and (row == TOTAL_ROW or value == row):
                total = found if total is None else total + found
        return total if total is not None else 0

    def figures(self, months: set[date], row, rules: DisclosureRules) -> dict:
        resolved = self._sum(self.resolved, months, row)
        on_time = self._sum(self.on_time, months, row)
        days = self._sum(self.days, months, row) or Counter()
        scores = self._sum(self.scores, months, row) or Counter()
        rated = sum(scores.values())
        enough = rules.rate_allowed(resolved)
        return {
            "resolved_on_time_pct": _percent(on_time, resolved) if enough else None,
            "median_days_to_resolve": median(days) if enough else None,
            "average_rating": round(sum(s * n for s, n in scores.items()) / rated, 1)
            if rules.rate_allowed(rated)
            else None,
        }


def _months_of(periods: Periods, period: str) -> tuple[date, ...]:
    return periods.months if period == LAST_12_MONTHS else periods.this_year


def median(histogram: Counter) -> float | None:
    """The median of the values counted in ``histogram`` ({value: how many times})."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = sorted({(total - 1) // 2, total // 2})
    found, seen = [], 0
    for value in sorted(histogram):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return sum(found) / len(found)


def _percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` in whole percent, rounded half up."""
    return (200 * part + whole) // (2 * whole)


def _rows_of(dimension: str, rows: list, months: tuple[date, ...]) -> list:
    return [*([month_key(m) for m in months] if dimension == "month" else rows), TOTAL_ROW]


def _complaint_rows(dimension: str, rows: list, measures: dict[str, _Measure], raw: RawFigures, periods, rules):
    ratios = _Ratios(raw, dimension)
    out = []
    for period in PERIODS:
        months = _months_of(periods, period)
        for row in _rows_of(dimension, rows, months) if months else []:
            record = {"period": period, dimension: row}
            for measure in ("received", "resolved", "ratings"):
                record[measure], record[f"{measure}_note"] = measures[measure].shown(dimension, row, period)
            record.update(ratios.figures(set(months), row, rules))
            out.append(_ordered("complaints_by_" + dimension, record))
    return out


def _count_rows(table: str, dimension: str, rows: list, columns: dict[str, _Measure], periods: Periods):
    out = []
    for period in PERIODS:
        months = _months_of(periods, period)
        for row in _rows_of(dimension, rows, months) if months else []:
            record = {"period": period, dimension: row}
            for column, measure in columns.items():
                record[column], record[f"{column}_note"] = measure.shown(dimension, row, period)
            out.append(_ordered(table, record))
    return out


def _ordered(table: str, record: dict) -> dict:
    return {name: record.get(name) for name in TABLES[table].field_names()}


def _sensitive_rows(raw: RawFigures, periods: Periods, rules: DisclosureRules) -> list[dict]:
    rows = []
    for first in periods.quarters:
        months = set(periods.months_of_quarter(first))
        for category in SENSITIVE_ORDER:
            record = {"quarter": quarter_key(first), "category": category}
            for column, counter in (("received", raw.sensitive_received), ("resolved", raw.sensitive_resolved)):
                count = sum(n for (month, c), n in counter.items() if c == category and month in months)
                status = publish_alone(count, rules)
                record[column] = count if status == Status.PUBLISHED else None
                record[f"{column}_note"] = note(status, rules)
            rows.append(_ordered("sensitive_by_quarter", record))
    return rows


def build_tables(raw: RawFigures, periods: Periods, rules: DisclosureRules) -> dict[str, list[dict]]:
    """Every published table's rows, protected: what the snapshot stores and the public reads."""
    months = [month_key(m) for m in periods.months]
    dimensions = {
        "month": months,
        "category": PUBLIC_CATEGORIES,
        "region": [*raw.regions, UNKNOWN_REGION],
        "channel": list(Channel.values),
    }
    outcomes = [str(outcome) for outcome in APPEAL_OUTCOMES]
    measures = {
        "received": _Measure(raw.received, dimensions, periods, rules),
        "resolved": _Measure(raw.resolved, dimensions, periods, rules),
        "ratings": _Measure(raw.rated, {**dimensions, "score": list(SCORES)}, periods, rules),
    }
    appeals_received = _Measure(raw.appeals_received, {"month": months}, periods, rules)
    appeals_decided = _Measure(raw.appeals_decided, {"month": months, "outcome": outcomes}, periods, rules)
    tables = {
        f"complaints_by_{dimension}": _complaint_rows(dimension, rows, measures, raw, periods, rules)
        for dimension, rows in dimensions.items()
    }
    appeals = {"appeals_received": appeals_received, "appeals_decided": appeals_decided}
    tables["appeals_by_month"] = _count_rows("appeals_by_month", "month", months, appeals, periods)
    tables["appeal_outcomes"] = _count_rows(
        "appeal_outcomes", "outcome", outcomes, {"appeals_decided": appeals_decided}, periods
    )
    tables["ratings_by_score"] = _count_rows(
        "ratings_by_score", "score", list(SCORES), {"ratings": measures["ratings"]}, periods
    )
    tables["sensitive_by_quarter"] = _sensitive_rows(raw, periods, rules)
    return tables
