"""What the public statistics page shows, from a snapshot: labels in the page's language, cells, charts.

Nothing here counts anything: every number comes from the snapshot, as published (a count under
the threshold was never stored). Counts that are not published show their mark — ``<10`` or
``×`` — and rates, medians and averages that are not published show ``–``, each with words for
screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import dateformat, formats, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from grievances.models import Category, Grievance
from grievances.public_queries import UNKNOWN_REGION
from grievances.public_tables import TABLES, TOTAL_ROW, WITHHELD_NOTE
from grievances.ratings import SCORE_LABELS
from portal.stats_charts import BarSeries, Label, bar_chart, line_chart
from registry.models import Channel

WITHHELD_MARK = "×"
NOT_SHOWN_MARK = "–"


@dataclass
class DisplayTable:
    """A table as the page draws it: a caption, column headings, and rows of (heading, cells)."""

    name: str
    caption: str
    key_heading: str
    headings: list[str]
    rows: list[tuple[str, list[SafeString]]] = field(default_factory=list)


def month_date(key: str) -> date:
    """``2026-03`` as the first of that month."""
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def month_label(key: str) -> str:
    """The month's name and year in the active language (``March 2026``)."""
    return dateformat.format(month_date(key), "F Y")


def count_cell(value, note: str) -> SafeString:
    """A count, or its mark when not published."""
    if note == WITHHELD_NOTE:
        return format_html(
            '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>', WITHHELD_MARK, _("withheld")
        )
    if note:
        return format_html('<span dir="ltr">{}</span>', note)
    return format_html("{}", formats.number_format(value, use_l10n=True))


def figure_cell(value, kind: str) -> SafeString:
    """A rate (percent), a median (days) or an average (out of 5), or ``–`` when not published."""
    if value is None:
        return format_html(
            '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
            NOT_SHOWN_MARK,
            _("not shown"),
        )
    if kind == "percent":
        return format_html("{}", _("%(value)s%%") % {"value": formats.number_format(value, use_l10n=True)})
    decimals = 0 if kind == "days" and float(value).is_integer() else 1
    return format_html("{}", formats.number_format(value, decimal_pos=decimals, use_l10n=True))


class StatsPage:
    """The page of one period (the last 12 months, or this year) from one snapshot's data."""

    def __init__(self, data: dict, period: str):
        self.data, self.period = data, period
        self.language = translation.get_language() or "en"
        self.rtl = translation.get_language_bidi()
        self.months = data["periods"][period]
        self.threshold = data["rules"]["threshold"]
        self.rate_min_base = data["rules"]["rate_min_base"]

    # -- rows ------------------------------------------------------------------------------------

    def rows(self, table: str) -> list[dict]:
        """The rows of ``table`` for this page's period (the sensitive table has no period)."""
        rows = self.data["tables"][table]
        return rows if table == "sensitive_by_quarter" else [r for r in rows if r["period"] == self.period]

    def total(self, table: str) -> dict:
        key = TABLES[table].keys[1].name
        return next((r for r in self.rows(table) if r[key] == TOTAL_ROW), {})

    # -- labels ----------------------------------------------------------------------------------

    def label(self, dimension: str, value) -> str:
        """The words for one row of a table."""
        if value == TOTAL_ROW:
            return _("Total")
        if dimension == "month":
            return month_label(value)
        if dimension == "category":
            return str(Category(value).label)
        if dimension == "region":
            if value == UNKNOWN_REGION:
                return _("Region not known")
            names = self.data["regions"].get(value, {})
            return names.get(self.language) or names.get("en") or value
        if dimension == "channel":
            return str(Channel(value).label)
        if dimension == "outcome":
            return str(Grievance.Outcome(value).label)
        if dimension == "score":
            return _("%(score)s – %(label)s") % {"score": value, "label": SCORE_LABELS[int(value)]}
        return str(value)

    def quarter_label(self, key: str) -> str:
        year, number = key.split("-Q")
        return _("Quarter %(number)s, %(year)s") % {"number": number, "year": year}

    # -- the headline ----------------------------------------------------------------------------

    def headline(self) -> list[tuple[str, SafeString]]:
        """The period's main figures, as (what, value) pairs."""
        totals = self.total("complaints_by_month")
        appeals = self.total("appeals_by_month")
        if not totals:
            return []
        return [
            (_("Complaints received"), count_cell(totals["received"], totals["received_note"])),
            (_("Complaints answered"), count_cell(totals["resolved"], totals["resolved_note"])),
            (_("Answered within the deadline"), figure_cell(totals["resolved_on_time_pct"], "percent")),
            (_("Median days to answer"), figure_cell(totals["median_days_to_resolve"], "days")),
            (
                _("Appeals received"),
                count_cell(appeals.get("appeals_received"), appeals.get("appeals_received_note", "")),
            ),
            (_("Average rating of our answers (out of 5)"), figure_cell(totals["average_rating"], "average")),
        ]

    # -- tables ----------------------------------------------------------------------------------

    def complaints_table(self, dimension: str, caption: str, key_heading: str) -> DisplayTable:
        """Complaints by ``dimension``: counts, share on time, median days, ratings."""
        table = DisplayTable(
            f"complaints_by_{dimension}",
            caption,
            key_heading,
            [
                _("Received"),
                _("Answered"),
                _("Within the deadline"),
                _("Median days"),
                _("Ratings"),
                _("Average rating"),
            ],
        )
        for row in self.rows(table.name):
            cells = [
                count_cell(row["received"], row["received_note"]),
                count_cell(row["resolved"], row["resolved_note"]),
                figure_cell(row["resolved_on_time_pct"], "percent"),
                figure_cell(row["median_days_to_resolve"], "days"),
                count_cell(row["ratings"], row["ratings_note"]),
                figure_cell(row["average_rating"], "average"),
            ]
            table.rows.append((self.label(dimension, row[dimension]), cells))
        return table

    def counts_table(self, name: str, dimension: str, caption: str, key_heading: str, columns) -> DisplayTable:
        """A table of counts only (appeals, outcomes, ratings by score)."""
        table = DisplayTable(name, caption, key_heading, [heading for _column, heading in columns])
        for row in self.rows(name):
            cells = [count_cell(row[column], row[f"{column}_note"]) for column, _heading in columns]
            table.rows.append((self.label(dimension, row[dimension]), cells))
        return table

    def sensitive_table(self) -> DisplayTable:
        """Sensitive categories: national counts per quarter."""
        table = DisplayTable(
            "sensitive_by_quarter",
            _("Received and answered in the whole country, per quarter"),
            _("Quarter"),
            [],
        )
        quarters: dict[str, dict[str, dict]] = {}
        categories: list[str] = []
        for row in self.rows("sensitive_by_quarter"):
            quarters.setdefault(row["quarter"], {})[row["category"]] = row
            if row["category"] not in categories:
                categories.append(row["category"])
        for category in categories:
            label = str(Category(category).label)
            table.headings += [
                _("%(category)s: received") % {"category": label},
                _("%(category)s: answered") % {"category": label},
            ]
        for quarter, by_category in quarters.items():
            cells = []
            for category in categories:
                row = by_category[category]
                cells += [
                    count_cell(row["received"], row["received_note"]),
                    count_cell(row["resolved"], row["resolved_note"]),
                ]
            table.rows.append((self.quarter_label(quarter), cells))
        return table

    # -- charts ----------------------------------------------------------------------------------

    def _month_labels(self) -> list[Label]:
        labels, year = [], None
        for key in self.months:
            first = month_date(key)
            labels.append(Label(dateformat.format(first, "M"), str(first.year) if first.year != year else ""))
            year = first.year
        return labels

    def _month_rows(self) -> list[dict]:
        return [r for r in self.rows("complaints_by_month") if r["month"] != TOTAL_ROW]

    def volume_chart(self) -> SafeString:
        """Bars: complaints received and answered, month by month."""
        rows = self._month_rows()

        def series(column: str, label: str) -> BarSeries:
            marks = [WITHHELD_MARK if r[f"{column}_note"] == WITHHELD_NOTE else r[f"{column}_note"] for r in rows]
            return BarSeries(label, [r[column] for r in rows], marks)

        svg = bar_chart(
            f"chart-volume-{self.period}",
            _("Complaints received and answered, by month"),
            _("The numbers are in the table below the charts."),
            self._month_labels(),
            [series("received", _("Received")), series("resolved", _("Answered"))],
            self.rtl,
        )
        return mark_safe(svg)  # noqa: S308 - built from escaped text by portal.stats_charts

    def on_time_chart(self) -> SafeString:
        """A line: the share answered within the deadline, month by month."""
        svg = line_chart(
            f"chart-on-time-{self.period}",
            _("Share of complaints answered within the deadline, by month"),
            _("The numbers are in the table below the charts."),
            self._month_labels(),
            [r["resolved_on_time_pct"] for r in self._month_rows()],
            _("Answered within the deadline"),
            self.rtl,
        )
        return mark_safe(svg)  # noqa: S308 - built from escaped text by portal.stats_charts

    # -- everything ------------------------------------------------------------------------------

    def context(self) -> dict:
        """Everything the template needs."""
        if not self.months:
            return {"empty_period": True}
        return {
            "headline": self.headline(),
            "volume_chart": self.volume_chart(),
            "on_time_chart": self.on_time_chart(),
            "by_month": self.complaints_table("month", _("Complaints by month"), _("Month")),
            "by_category": self.complaints_table("category", _("Complaints by what they are about"), _("About")),
            "by_region": self.complaints_table("region", _("Complaints by region"), _("Region")),
            "by_channel": self.complaints_table("channel", _("Complaints by how they reached us"), _("Channel")),
            "appeals": self.counts_table(
                "appeals_by_month",
                "month",
                _("Appeals by month"),
                _("Month"),
                [("appeals_received", _("Received")), ("appeals_decided", _("Decided"))],
            ),
            "outcomes": self.counts_table(
                "appeal_outcomes",
                "outcome",
                _("How the appeals decided ended"),
                _("Outcome"),
                [("appeals_decided", _("Appeals"))],
            ),
            "scores": self.counts_table(
                "ratings_by_score",
                "score",
                _("Ratings given to our answers"),
                _("Rating"),
                [("ratings", _("Answers"))],
            ),
        }
