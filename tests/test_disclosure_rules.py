"""Disclosure control: no count of 1 to 9 is published, or can be worked out, from any linked table.

Each table is checked by an attacker written apart from the engine (tests/disclosure_audit.py):
exact linear algebra over every set of counts, and a search of every nearby table that agrees
with what is published and with the rules the page states.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievances.disclosure import (
    EARLIER,
    THIS_YEAR,
    TOTAL,
    TWELVE,
    DisclosureRules,
    LinkedTable,
    Status,
    decide_totals,
    protect_measure,
    rules_from_settings,
)
from tests.disclosure_audit import linear_leaks, pinned_counts, published_small_counts

RULES = DisclosureRules(threshold=10, rate_min_base=10)


def protected(*tables: LinkedTable) -> tuple[LinkedTable, ...]:
    protect_measure(tables, RULES)
    return tables


def assert_nothing_small_can_be_worked_out(*tables: LinkedTable) -> None:
    assert published_small_counts(tables, RULES) == []
    assert linear_leaks(tables) == []
    assert pinned_counts(tables) == []


def test_the_rules_come_from_settings(settings):
    settings.STATS_MIN_COUNT, settings.STATS_RATE_MIN_BASE = 20, 15

    assert rules_from_settings() == DisclosureRules(threshold=20, rate_min_base=15)


def test_a_small_count_is_shown_as_small_and_zero_is_published():
    (table,) = protected(LinkedTable(["a", "b", "c"], [0, 0, 0], [0, 4, 30]))

    assert table.status[("a", THIS_YEAR)] == Status.PUBLISHED
    assert table.status[("b", THIS_YEAR)] == Status.SMALL
    assert_nothing_small_can_be_worked_out(table)


def test_a_single_small_cell_is_not_left_alone_next_to_its_total():
    (table,) = protected(LinkedTable(["a", "b", "c"], [0, 0, 0], [3, 25, 40]))

    assert table.status[("a", THIS_YEAR)] == Status.SMALL
    assert table.status[("b", THIS_YEAR)] == Status.WITHHELD  # the smallest that hides it
    assert table.status[("c", THIS_YEAR)] == Status.PUBLISHED
    assert_nothing_small_can_be_worked_out(table)


def test_two_small_cells_whose_sum_the_total_gives_are_hidden_with_a_third():
    (table,) = protected(LinkedTable(["a", "b", "c", "d"], [0, 0, 0, 0], [3, 4, 25, 40]))

    assert table.status[("c", THIS_YEAR)] == Status.WITHHELD  # 3 + 4 = 7 would follow from the total
    assert_nothing_small_can_be_worked_out(table)


def test_a_withheld_count_of_exactly_ten_does_not_give_away_a_one_next_to_it():
    # Total 11 = 1 + 10: anyone knowing a withheld count is at least 10 would find the 1.
    (table,) = protected(LinkedTable(["a", "b", "c"], [0, 0, 0], [1, 10, 30]))

    assert table.status[("b", THIS_YEAR)] != Status.PUBLISHED
    assert table.status[("c", THIS_YEAR)] == Status.WITHHELD
    assert_nothing_small_can_be_worked_out(table)


def test_the_earlier_months_of_a_row_are_protected_though_never_shown():
    # 12 months 23, this year 20: the 3 cases of the earlier months would follow by subtraction.
    (table,) = protected(LinkedTable(["a", "b", "c"], [3, 30, 25], [20, 40, 35]))

    assert table.status[("a", TWELVE)] == Status.PUBLISHED
    assert table.status[("a", THIS_YEAR)] == Status.WITHHELD
    assert_nothing_small_can_be_worked_out(table)


def test_when_the_earlier_months_hold_few_cases_one_total_is_withheld():
    assert decide_totals(4, 200, RULES) == {TWELVE: Status.PUBLISHED, THIS_YEAR: Status.WITHHELD}
    assert decide_totals(0, 200, RULES) == {TWELVE: Status.PUBLISHED, THIS_YEAR: Status.PUBLISHED}
    assert decide_totals(0, 7, RULES) == {TWELVE: Status.SMALL, THIS_YEAR: Status.SMALL}


def test_every_table_of_a_measure_keeps_a_hidden_total_hidden():
    months = [f"m{n}" for n in range(4)]
    absent = {("m0", THIS_YEAR), ("m1", EARLIER), ("m2", EARLIER), ("m3", EARLIER)}
    by_month = LinkedTable(months, [5, 0, 0, 0], [0, 30, 40, 50], absent=absent)
    by_region = LinkedTable(["north", "south"], [2, 3], [60, 60])

    totals = protect_measure([by_month, by_region], RULES)

    assert totals[THIS_YEAR] != Status.PUBLISHED
    assert by_month.status[("m0", TWELVE)] == Status.SMALL
    assert_nothing_small_can_be_worked_out(by_month, by_region)


def test_a_month_shows_one_count_in_both_periods_with_one_status():
    months = ["jan", "feb", "mar"]
    (table,) = protected(LinkedTable(months, [0, 0, 0], [4, 20, 30], absent={(m, EARLIER) for m in months}))

    for month in months:
        assert table.status[(month, THIS_YEAR)] == table.status[(month, TWELVE)]
    assert_nothing_small_can_be_worked_out(table)


def test_a_tiny_measure_is_all_small():
    (table,) = protected(LinkedTable(["a", "b"], [1, 0], [2, 3]))

    assert table.status[(TOTAL, TWELVE)] == Status.SMALL
    assert_nothing_small_can_be_worked_out(table)


counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 30))


@st.composite
def linked_tables(draw):
    rows = draw(st.integers(1, 4))
    if draw(st.booleans()):  # months: each row lies in one block
        blocks = draw(st.lists(st.sampled_from([EARLIER, THIS_YEAR]), min_size=rows, max_size=rows))
        values = draw(st.lists(counts, min_size=rows, max_size=rows))
        earlier = [v if b == EARLIER else 0 for v, b in zip(values, blocks, strict=True)]
        this_year = [v if b == THIS_YEAR else 0 for v, b in zip(values, blocks, strict=True)]
        absent = {(f"r{i}", THIS_YEAR if b == EARLIER else EARLIER) for i, b in enumerate(blocks)}
        return LinkedTable([f"r{i}" for i in range(rows)], earlier, this_year, absent=absent)
    earlier = draw(st.lists(counts, min_size=rows, max_size=rows))
    this_year = draw(st.lists(counts, min_size=rows, max_size=rows))
    return LinkedTable([f"r{i}" for i in range(rows)], earlier, this_year)


@st.composite
def measures(draw):
    """Two dimensions of the same cases: a second table splits the first one's block totals in two."""
    first = draw(linked_tables().filter(lambda t: len(t.rows) <= 2 and not t.absent))
    split_a = draw(st.integers(0, sum(first.earlier)))
    split_b = draw(st.integers(0, sum(first.this_year)))
    second = LinkedTable(["x", "y"], [split_a, sum(first.earlier) - split_a], [split_b, sum(first.this_year) - split_b])
    return first, second


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables())
def test_no_random_table_gives_away_a_small_count(table):
    protect_measure([table], RULES)

    assert_nothing_small_can_be_worked_out(table)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(measures())
def test_no_random_measure_gives_away_a_small_count_across_its_tables(tables):
    protect_measure(tables, RULES)

    assert_nothing_small_can_be_worked_out(*tables)


@pytest.mark.parametrize("threshold", [5, 20])
def test_the_threshold_is_a_rule_not_a_constant(threshold):
    rules = DisclosureRules(threshold=threshold, rate_min_base=threshold)
    table = LinkedTable(["a", "b", "c"], [0, 0, 0], [threshold - 1, threshold + 5, threshold + 30])

    protect_measure([table], rules)

    assert table.status[("a", THIS_YEAR)] == Status.SMALL
    assert published_small_counts([table], rules) == []
    assert rules.rate_allowed(threshold) and not rules.rate_allowed(threshold - 1)
