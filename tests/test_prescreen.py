"""Pre-screening is advice with plain reasons for every open programme — never a refusal."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from registry.eligibility import ScreeningAnswers, prescreen

pytestmark = pytest.mark.django_db


def advice(results):
    return {r.programme.code: r.likely for r in results}


def test_every_open_programme_gets_advice_with_reasons(programmes, areas):
    results = prescreen(ScreeningAnswers(age=70, household_size=2, income_band=1, area_id=areas["mombasa"].pk))
    assert [r.programme.code for r in results] == list(programmes)
    assert all(r.reasons for r in results)


def test_an_older_person_on_the_coast_is_likely_for_the_pension_and_emergency_cash(programmes, areas):
    results = advice(prescreen(ScreeningAnswers(age=70, household_size=2, area_id=areas["mombasa"].pk)))
    assert results["old-age-pension"] is True
    assert results["emergency-cash"] is True
    assert results["public-works"] is False
    assert results["disability-grant"] is False


def test_a_young_parent_in_nairobi_is_likely_for_the_child_grant_only_where_it_runs(programmes, areas):
    answers = ScreeningAnswers(age=30, household_size=5, children_under_18=3, income_band=2, area_id=areas["kibra"].pk)
    results = advice(prescreen(answers))
    assert results["child-support-grant"] is True
    assert results["public-works"] is True
    assert results["emergency-cash"] is False  # runs only in Coast and North Eastern
    assert results["old-age-pension"] is False


def test_income_above_the_limit_is_unlikely_with_a_reason(programmes, areas):
    rich = prescreen(
        ScreeningAnswers(age=30, household_size=1, children_under_18=1, income_band=5, area_id=areas["kibra"].pk)
    )
    child = next(r for r in rich if r.programme.code == "child-support-grant")
    assert not child.likely
    assert any("income" in reason for reason in child.reasons)


def test_closed_programmes_are_not_offered(programmes, areas):
    programmes["public-works"].is_open = False
    programmes["public-works"].save()
    codes = [r.programme.code for r in prescreen({"age": 30, "household_size": 2})]
    assert "public-works" not in codes


def test_reasons_are_in_the_active_language(programmes, areas):
    with translation.override("fr"):
        results = prescreen({"birth_year": 1950, "household_size": 2, "area_id": areas["mombasa"].pk})
    pension = next(r for r in results if r.programme.code == "old-age-pension")
    assert pension.programme.name("fr") == "Pension de vieillesse"
    english = next(
        r
        for r in prescreen({"birth_year": 1950, "household_size": 2, "area_id": areas["mombasa"].pk})
        if r.programme.code == "old-age-pension"
    )
    assert pension.reasons and english.reasons
    assert not set(pension.reasons) & set(english.reasons), "the French advice is not the English words"


def test_region_names_are_shown_in_the_persons_language(areas):
    from demo.areas_and_programmes import create_areas

    found = create_areas()
    assert found["coast"].name_in("sw") == "Pwani"
    assert found["coast"].name_in("en") == "Coast"
    assert found["mombasa"].name_in("sw") == "Mombasa"  # district names are proper nouns
    assert found["mombasa"].name_in("ar") == "مومباسا"  # written in Arabic letters for Arabic readers
    with translation.override("ar"):
        assert str(found["rift-valley"]) == "الوادي المتصدع"


def test_income_bands_meet_end_to_end_so_no_amount_is_in_two():
    from registry.models import INCOME_BAND_FLOOR, IncomeBand
    from ussd.screens.apply import INCOME_LABELS

    for labels in ([str(band.label) for band in IncomeBand], [label() for label in INCOME_LABELS.values()]):
        numbers = [[int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", label)] for label in labels]
        assert numbers[0] == [INCOME_BAND_FLOOR[2]] and numbers[-1] == [INCOME_BAND_FLOOR[5]]
        for band, (low, high) in enumerate(numbers[1:-1], start=2):
            assert low == INCOME_BAND_FLOOR[band] and high + 1 == INCOME_BAND_FLOOR[band + 1]
