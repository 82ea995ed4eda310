"""Public statistics: the nightly snapshot, the page, the open data — and that none of them gives anyone away.

The data is built to tempt the rules: cells of 1 to 9, a region whose only sensitive case must not
show, a channel table whose total would give away its two small rows, a December-like earlier
block. Every published number is read back from the HTML, the CSV and the JSON.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from grievances.disclosure import EARLIER, THIS_YEAR, TOTAL, TWELVE, LinkedTable, Status
from grievances.models import SENSITIVE_CATEGORIES, Grievance, PublicStatsSnapshot
from grievances.public_periods import Periods, month_key
from grievances.public_stats import LOCK_KEY, latest_snapshot, make_snapshot
from grievances.public_tables import TABLES
from grievances.tasks import make_public_statistics
from registry.models import AdminArea
from tests.disclosure_audit import linear_leaks, pinned_counts
from tests.stats_helpers import Cases, make_cases

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 7, 15, 2, 15))
PERIODS = Periods.for_day(NOW.date())
JUL_2025, AUG_2025, FEB_2026, MAR_2026, APR_2026, MAY_2026, JUN_2026 = (
    date(2025, 7, 1),
    date(2025, 8, 1),
    date(2026, 2, 1),
    date(2026, 3, 1),
    date(2026, 4, 1),
    date(2026, 5, 1),
    date(2026, 6, 1),
)
RATE_HEADINGS = {"Within the deadline", "Median days", "Average rating"}


@pytest.fixture
def north(areas):
    region = AdminArea.objects.create(code="north", name="North", level="region", translated_names={"sw": "Kaskazini"})
    return AdminArea.objects.create(code="turkana", name="Turkana", level="district", parent=region)


@pytest.fixture
def tempting(areas, north):
    """Large counts in Coast; small cells elsewhere, a lone sensitive case in the North, anonymous cases."""
    groups = [Cases(40, month, area=areas["kilifi"], answered_after_days=3, rating=4) for month in PERIODS.months]
    groups += [
        Cases(3, AUG_2025, area=areas["kibra"], channel="ussd"),  # small, in the earlier months
        Cases(25, FEB_2026, area=areas["kibra"], channel="ussd", answered_after_days=20, late=True, rating=2),
        Cases(4, MAR_2026, area=north, channel="sms", category="data_correction"),
        Cases(1, MAR_2026, area=north, channel="sms", category="sexual_exploitation"),
        Cases(12, APR_2026, area=None, anonymous=True, category="other"),
        Cases(2, MAY_2026, area=areas["mombasa"], channel="call_centre"),
        Cases(11, FEB_2026, area=areas["mombasa"], category="fraud_corruption"),
        Cases(6, MAR_2026, kind=Grievance.Kind.APPEAL, category="decision_appeal", answered_after_days=5),
        Cases(
            9,
            APR_2026,
            kind=Grievance.Kind.APPEAL,
            category="decision_appeal",
            answered_after_days=5,
            outcome=Grievance.Outcome.NOT_UPHELD,
        ),
    ]
    make_cases(*groups)
    make_snapshot(NOW)
    return latest_snapshot()


def rows_of(snapshot, table: str, period: str | None = None) -> list[dict]:
    return [r for r in snapshot.data["tables"][table] if period is None or r.get("period") == period]


def row(snapshot, table: str, period: str, key: str) -> dict:
    name = TABLES[table].keys[1].name
    return next(r for r in rows_of(snapshot, table, period) if r[name] == key)


# --- What is counted ------------------------------------------------------------------------------


def test_the_periods_are_whole_months_and_whole_quarters():
    assert [month_key(m) for m in PERIODS.months][:2] == ["2025-07", "2025-08"]
    assert month_key(PERIODS.months[-1]) == "2026-06" and PERIODS.figures_to == date(2026, 6, 30)
    assert [month_key(m) for m in PERIODS.this_year] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    assert [q.isoformat() for q in PERIODS.quarters] == ["2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01"]
    january = Periods.for_day(date(2027, 1, 20))
    assert january.this_year == () and month_key(january.months[-1]) == "2026-12"


def test_the_snapshot_counts_complaints_by_region_channel_and_month(tempting):
    coast = row(tempting, "complaints_by_region", "last_12_months", "coast")
    assert (coast["received"], coast["resolved"], coast["resolved_on_time_pct"]) == (480 + 2, 480, 100)
    assert (coast["median_days_to_resolve"], coast["ratings"], coast["average_rating"]) == (3, 480, 4.0)
    july = row(tempting, "complaints_by_month", "last_12_months", "2025-07")
    assert july["received"] == 40 and july["received_note"] == ""
    total = row(tempting, "complaints_by_month", "last_12_months", "total")
    assert total["received"] == 480 + 3 + 25 + 4 + 12 + 2
    assert tempting.figures_to == date(2026, 6, 30) and tempting.made_on == date(2026, 7, 15)


def test_anonymous_complaints_are_counted_like_the_others_under_region_not_known(areas):
    make_cases(
        Cases(30, JUN_2026, area=areas["kilifi"]),
        Cases(12, JUN_2026, area=None, anonymous=True, category="other"),
    )
    make_snapshot(NOW)
    snapshot = latest_snapshot()

    assert row(snapshot, "complaints_by_region", "last_12_months", "unknown")["received"] == 12
    assert row(snapshot, "complaints_by_category", "last_12_months", "other")["received"] == 12
    assert row(snapshot, "complaints_by_month", "current_year", "total")["received"] == 42


def test_a_sensitive_case_shows_only_in_the_national_quarterly_table(tempting):
    north = row(tempting, "complaints_by_region", "last_12_months", "north")
    assert north["received"] is None and north["received_note"] == "<10"  # the 4 complaints, not 5
    categories = {r["category"] for r in rows_of(tempting, "complaints_by_category")}
    assert not categories & set(SENSITIVE_CATEGORIES)
    quarter = {(r["quarter"], r["category"]): r for r in rows_of(tempting, "sensitive_by_quarter")}
    assert quarter[("2026-Q1", "sexual_exploitation")]["received_note"] == "<10"
    assert quarter[("2026-Q1", "fraud_corruption")]["received"] == 11
    assert set(quarter[("2026-Q1", "fraud_corruption")]) == {
        "quarter", "category", "received", "received_note", "resolved", "resolved_note"
    }  # fmt: skip


def test_appeals_are_counted_with_how_they_ended(tempting):
    outcomes = {r["outcome"]: r for r in rows_of(tempting, "appeal_outcomes", "last_12_months")}

    assert outcomes["total"]["appeals_decided"] == 15
    assert outcomes["upheld"]["appeals_decided_note"] == "<10"
    assert outcomes["not_upheld"]["appeals_decided_note"] == "<10"


def test_rates_medians_and_averages_need_ten_cases(tempting):
    call_centre = row(tempting, "complaints_by_channel", "last_12_months", "call_centre")
    ussd = row(tempting, "complaints_by_channel", "last_12_months", "ussd")

    assert call_centre["resolved_on_time_pct"] is None and call_centre["average_rating"] is None
    assert (ussd["resolved_on_time_pct"], ussd["median_days_to_resolve"], ussd["average_rating"]) == (0, 20, 2.0)


# --- Nothing small published, nothing small recoverable -----------------------------------------


class TableReader(HTMLParser):
    """Every table of a page as (caption, headings, rows of cell texts)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._in = [], None, None, ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "headings": [], "rows": []})
        elif tag in ("caption", "th", "td"):
            self._in, self._cell = tag, ""
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._row is not None:
            self._row.append(self._cell.strip())
        elif tag == "caption":
            self.tables[-1]["caption"] = self._cell.strip()
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if not table["headings"]:
                table["headings"] = self._row
            else:
                table["rows"].append(self._row)
            self._row = None
        if tag in ("caption", "th", "td"):
            self._in = ""

    def handle_data(self, data):
        if self._in:
            self._cell += data


@pytest.mark.parametrize("path", ["/stats/", "/stats/year/"])
def test_no_count_under_ten_is_shown_on_the_page(client, tempting, path):
    reader = TableReader()
    reader.feed(client.get(path).content.decode())

    checked = 0
    for table in reader.tables:
        for cells in table["rows"]:
            for heading, cell in zip(table["headings"][1:], cells[1:], strict=True):
                if heading in RATE_HEADINGS:
                    continue
                assert cell in ("0", "<10", "×withheld") or int(cell) >= 10, (table["caption"], cells)
                checked += 1
    assert checked > 100


def test_no_count_under_ten_is_in_the_csv_or_the_json(client, tempting):
    for name, table in TABLES.items():
        counts = [c.name for c in table.columns if c.kind == "count"]
        text = client.get(f"/stats/data/{name}.csv").content.decode()
        for record in csv.DictReader(io.StringIO(text)):
            for column in counts:
                assert record[column] == "" or record[column] == "0" or int(record[column]) >= 10, (name, record)
        for record in json.loads(client.get(f"/stats/data/{name}.json").content)["rows"]:
            for column in counts:
                assert record[column] is None or record[column] == 0 or record[column] >= 10, (name, record)
    everything = json.loads(client.get("/stats/data/all.json").content)
    assert everything["tables"] == tempting.data["tables"]


def _true_count(measure: str, dimension: str, value: str, months) -> int:
    cases = Grievance.objects.filter(is_sensitive=False).exclude(kind=Grievance.Kind.APPEAL)
    start, end = _local(months[0]), _local(_next(months[-1]))
    if measure == "received":
        cases = cases.filter(created_at__gte=start, created_at__lt=end)
    elif measure == "resolved":
        cases = cases.filter(resolved_at__gte=start, resolved_at__lt=end) | cases.filter(
            resolved_at__isnull=True, resolution_outcome="rejected", closed_at__gte=start, closed_at__lt=end
        )
    else:
        cases = cases.filter(rated_at__gte=start, rated_at__lt=end)
    if value == "total" or dimension == "month":
        return cases.count()
    if dimension == "region":
        if value == "unknown":
            return cases.filter(area__isnull=True).count()
        return (cases.filter(area__code=value) | cases.filter(area__parent__code=value)).count()
    return cases.filter(**{dimension: value}).count()


def _local(day: date):
    return timezone.make_aware(datetime(day.year, day.month, 1))


def _next(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


STATUS = {"": Status.PUBLISHED, "<10": Status.SMALL, "withheld": Status.WITHHELD}


def rebuilt(snapshot, measure: str, dimension: str) -> LinkedTable:
    """A published complaints table with the true counts behind it, as an attacker's target."""
    table = f"complaints_by_{dimension}"
    column = {"received": "received", "resolved": "resolved", "rated": "ratings"}[measure]
    earlier, this_year = list(PERIODS.earlier), list(PERIODS.this_year)
    keys = [r[dimension] for r in rows_of(snapshot, table, "last_12_months") if r[dimension] != "total"]
    absent = set()
    if dimension == "month":
        months = list(zip(keys, PERIODS.months, strict=True))
        values_a = [_true_count(measure, "month", k, [m]) if m in earlier else 0 for k, m in months]
        values_b = [_true_count(measure, "month", k, [m]) if m in this_year else 0 for k, m in months]
        absent = {(k, THIS_YEAR if m in earlier else EARLIER) for k, m in zip(keys, PERIODS.months, strict=True)}
    else:
        values_a = [_true_count(measure, dimension, k, earlier) for k in keys]
        values_b = [_true_count(measure, dimension, k, this_year) for k in keys]
    linked = LinkedTable(keys, values_a, values_b, absent=absent)
    for period, linked_column in (("last_12_months", TWELVE), ("current_year", THIS_YEAR)):
        for record in rows_of(snapshot, table, period):
            key = TOTAL if record[dimension] == "total" else record[dimension]
            linked.status[(key, linked_column)] = STATUS[record[f"{column}_note"]]
    for key in keys:  # a month of the earlier block is not shown this year: it holds no case then
        linked.status.setdefault((key, THIS_YEAR), Status.PUBLISHED)
    return linked


@pytest.mark.parametrize("measure", ["received", "resolved", "rated"])
def test_no_small_count_can_be_worked_out_from_the_published_tables(tempting, measure):
    tables = [rebuilt(tempting, measure, dimension) for dimension in ("month", "category", "region", "channel")]

    assert linear_leaks(tables) == []
    for small in tables[2:]:  # region and channel: small enough to try every nearby table
        assert pinned_counts([small]) == []


def test_the_channel_total_does_not_give_away_its_two_small_rows(tempting):
    channels = {r["channel"]: r for r in rows_of(tempting, "complaints_by_channel", "last_12_months")}

    assert channels["sms"]["received_note"] == channels["call_centre"]["received_note"] == "<10"
    assert channels["total"]["received"] is not None
    assert "withheld" in {channels["ussd"]["received_note"], channels["web"]["received_note"]}


# --- The snapshot: nightly, idempotent, under a lock ----------------------------------------------


def test_the_snapshot_is_made_once_a_day_and_a_second_run_replaces_it(areas):
    make_cases(Cases(12, JUN_2026, area=areas["kilifi"]))
    make_snapshot(NOW)
    make_cases(Cases(10, JUN_2026, area=areas["kilifi"]))
    make_snapshot(NOW)

    assert PublicStatsSnapshot.objects.count() == 1
    assert row(latest_snapshot(), "complaints_by_month", "last_12_months", "2026-06")["received"] == 22


def test_a_run_while_another_holds_the_lock_does_nothing(areas):
    from django.core.cache import cache

    cache.add(LOCK_KEY, "someone else", 60)

    assert make_snapshot(NOW).skipped and not PublicStatsSnapshot.objects.exists()


def test_celery_beat_makes_the_snapshot_every_night(settings, areas):
    entry = settings.CELERY_BEAT_SCHEDULE["grievances-public-statistics"]

    assert entry["task"] == "grievances.tasks.make_public_statistics"
    assert entry["schedule"].hour == {settings.STATS_SNAPSHOT_HOUR}
    assert make_public_statistics.apply().get()["made_on"] == timezone.localdate().isoformat()


def test_old_snapshots_are_let_go(settings, areas):
    settings.STATS_KEEP_SNAPSHOT_DAYS = 10
    PublicStatsSnapshot.objects.create(made_on=date(2026, 6, 1), made_at=NOW, figures_to=date(2026, 5, 31), data={})

    make_snapshot(NOW)

    assert list(PublicStatsSnapshot.objects.values_list("made_on", flat=True)) == [date(2026, 7, 15)]


# --- The page and the open data -------------------------------------------------------------------


def test_the_page_reads_the_snapshot_and_never_the_cases(client, tempting):
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/stats/")

    assert page.status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "grievances_grievance" in q["sql"]]
    body = page.content.decode()
    assert "Figures to 30 June 2026, worked out on 15 July 2026." in body
    assert "<script" not in body and body.count("<svg") == 2


def test_before_the_first_snapshot_the_page_says_when_figures_come(client, db):
    body = client.get("/stats/").content.decode()

    assert "The first figures will be worked out tonight." in body
    assert client.get("/stats/data/complaints_by_month.csv").status_code == 404


@pytest.mark.parametrize("language", ["en", "fr", "sw", "ar"])
def test_the_rules_are_written_on_the_page_in_every_language(client, tempting, language, settings):
    prefix = "" if language == "en" else f"/{language}"
    body = client.get(f"{prefix}/stats/").content.decode()

    assert '<span dir="ltr">&lt;10</span>' in body
    with translation.override(language):
        from django.utils.translation import gettext

        assert gettext("Complaints in numbers") in body
        assert gettext("How these figures protect people") in body
    assert f'href="{prefix}/stats/"' in body  # the footer link, in the page's language


def test_the_threshold_written_on_the_page_follows_the_settings(client, settings, areas):
    settings.STATS_MIN_COUNT = 20
    make_cases(Cases(15, JUN_2026, area=areas["kilifi"]), Cases(40, MAY_2026, area=areas["kilifi"]))
    make_snapshot(NOW)

    body = client.get("/stats/").content.decode()
    june = row(latest_snapshot(), "complaints_by_month", "last_12_months", "2026-06")

    assert "smaller than 20" in body and june["received_note"] == "<20"


def test_the_open_data_has_stable_columns_a_dictionary_and_the_licence(client, tempting, settings):
    for name, table in TABLES.items():
        response = client.get(f"/stats/data/{name}.csv")
        header = next(csv.reader(io.StringIO(response.content.decode())))
        assert header == table.field_names()
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Link"] == f'<{settings.STATS_DATA_LICENCE_URL}>; rel="license"'
        assert json.loads(client.get(f"/stats/data/{name}.json").content)["columns"] == table.field_names()
    package = json.loads(client.get("/stats/data/datapackage.json").content)
    assert package["licenses"][0]["path"] == settings.STATS_DATA_LICENCE_URL
    fields = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}
    assert fields["complaints_by_region"] == TABLES["complaints_by_region"].field_names()
    dictionary = client.get("/sw/stats/data/").content.decode()
    assert "median_days_to_resolve" in dictionary and "Kaskazini" in dictionary
    assert settings.STATS_DATA_LICENCE in dictionary


def test_an_unknown_table_is_not_found(client, tempting):
    assert client.get("/stats/data/grievances.csv").status_code == 404
    assert client.get("/stats/data/all.csv").status_code == 404


def test_the_stored_snapshot_holds_no_count_under_ten(tempting):
    stored = PublicStatsSnapshot.objects.get().data

    for table in stored["tables"].values():
        for record in table:
            for column, value in record.items():
                if column.endswith("_note") or not isinstance(value, int):
                    continue
                if column in ("received", "resolved", "ratings", "appeals_received", "appeals_decided"):
                    assert value == 0 or value >= 10


def test_the_statistics_can_be_made_at_once_from_the_command_line(areas):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("make_public_statistics", stdout=out)

    assert "Public statistics made for" in out.getvalue() and PublicStatsSnapshot.objects.count() == 1


def test_a_snapshot_made_again_the_same_day_shows_at_once(client, areas):
    make_cases(Cases(12, JUN_2026, area=areas["kilifi"]))
    make_snapshot(NOW)
    assert ">12<" in client.get("/stats/").content.decode()
    make_cases(Cases(30, JUN_2026, area=areas["kilifi"]))

    make_snapshot(NOW.replace(hour=9))

    assert ">42<" in client.get("/stats/").content.decode()


def test_in_january_this_year_has_no_figures_yet(client, areas):
    make_cases(Cases(12, date(2026, 12, 1), area=areas["kilifi"]))
    make_snapshot(timezone.make_aware(datetime(2027, 1, 10, 2, 15)))

    body = client.get("/stats/year/").content.decode()

    assert "No month of this year is over yet." in body
    assert ">12<" in client.get("/stats/").content.decode()
